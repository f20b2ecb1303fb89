"""The pages in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium) against the local stack.

A requester asks for an introduction and sees it through (the connector and the target answer from their
email, in their own browsers); an admin uploads an invite CSV and reads the report; the dashboard shows the
seeded history. A screenshot of each page is kept in tests/browser/artifacts/ (ignored by git; CI keeps it).
Skipped, saying why, only when Chromium is not installed (``make test`` installs it where it can).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warmpath_local.stack import LocalStack

from tests.e2e.mail import wait_for_mail

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
RILEY, ADA, MARGARET = "riley@acme.example", "ada@acme.example", "margaret.hale@hale-ventures.example"
PRIYA = "priya.natarajan@northwind.example"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium (make test "
                       "installs Debian's chromium where apt and root allow): the browser tests did not run"),
]  # fmt: skip


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    local = LocalStack(port=0)
    local.start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def link_in(email: dict[str, Any], part: str) -> str:
    return next(u for u in email["links"] if part in u)


def signed_in_page(stack: LocalStack, browser: Any, email: str) -> Any:
    """A phone-width page, signed in by magic link the way a person does it."""
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{stack.url}/")
    page.get_by_label("Work email").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_text("Check your email").wait_for()
    message = wait_for_mail(stack, lambda m: m["to"] == [email] and "sign-in link" in m["subject"])
    page.goto(link_in(message, "/auth/magic?token="))
    page.get_by_role("button", name=re.compile("Sign in")).click()
    page.wait_for_url(re.compile(r"/(requests|network)$"))
    return page


def answer_in_own_browser(browser: Any, link: str, button: str, name: str) -> None:
    """Someone who never signs in clicks a link in their email, then the page's button."""
    page = browser.new_context().new_page()
    page.goto(link)
    shot(page, name)
    page.get_by_role("button", name=button).click()
    page.get_by_role("heading", name=re.compile("Thank you|Introduction sent")).wait_for()


def test_a_requester_asks_for_an_introduction_and_sees_it_through(stack: LocalStack, browser: Any) -> None:
    reason = "Browser test: we cut reporting time for logistics teams."
    page = signed_in_page(stack, browser, RILEY)
    shot(page, "01-my-requests")

    page.get_by_role("link", name="New request").click()
    page.get_by_label("Their name").fill("Priya Natarajan")
    page.get_by_label("Company", exact=True).fill("Northwind Logistics")
    page.get_by_label("Work email").fill(PRIYA)
    page.get_by_label("Why do you want to meet?").fill(reason)
    shot(page, "02-new-request")
    page.get_by_role("button", name="Find warm paths").click()
    page.wait_for_url(re.compile(r"/requests/\w+$"))
    request_url = page.url
    for _ in range(50):  # matching runs in the background, as it does in AWS
        if page.locator('[data-status="paths_found"]').count():
            break
        time.sleep(0.2)
        page.reload()
    shot(page, "03-ranked-paths")
    page.get_by_role("button", name=re.compile("^Ask Margaret")).click()

    ask = wait_for_mail(stack, lambda m: m["to"] == [MARGARET] and reason in m["text"])
    answer_in_own_browser(browser, link_in(ask, "/a/"), "Yes, send the introduction", "04-connector-accepts")
    consent = wait_for_mail(stack, lambda m: m["to"] == [PRIYA] and "would like to introduce you" in m["subject"])
    answer_in_own_browser(browser, link_in(consent, "/t/"), "Yes, happy to connect", "05-target-agrees")

    wait_for_mail(stack, lambda m: m["subject"].startswith("Introduction:") and reason in m["text"])
    page.goto(request_url)
    page.locator('[data-status="introduced"]').wait_for()
    assert page.get_by_text("Introduced").first.is_visible()
    shot(page, "06-introduced")


@pytest.fixture(scope="module")
def admin(stack: LocalStack, browser: Any) -> Any:
    return signed_in_page(stack, browser, ADA)


def test_an_admin_uploads_an_invite_csv_and_reads_the_report(admin: Any, tmp_path: Path) -> None:
    invites = tmp_path / "connectors.csv"
    invites.write_text(
        "email,name,type\r\nnew.advisor@example.org,New Advisor,advisor\r\nnot-an-email,Broken,investor\r\n"
    )

    admin.get_by_role("link", name="Invite connectors").click()
    admin.get_by_label("CSV file").set_input_files(str(invites))
    admin.get_by_role("button", name="Invite").click()
    admin.get_by_role("heading", name=re.compile("^Report")).wait_for()
    shot(admin, "07-invite-report")

    report = admin.locator("table").first.inner_text()  # at phone width too: the result column stays
    assert "new.advisor@example.org" in report and "invited" in report
    assert "not-an-email" in report and "invalid email" in report


def test_the_dashboard_shows_figures_that_match_the_seeded_history(stack: LocalStack, admin: Any) -> None:
    history = stack.seeded["history"]

    admin.get_by_role("link", name="Analytics", exact=True).click()
    admin.get_by_role("heading", name="Do introductions pay off?").wait_for()
    shot(admin, "08-dashboard")

    requested = admin.locator('[data-step="Requested"]').inner_text()
    assert int(requested.replace(",", "")) >= int(history["requested"])  # plus this run's own requests
    won = admin.locator('[data-step="Won"]').inner_text()
    assert int(won.replace(",", "")) == int(history["referred_won"])
    assert admin.get_by_text(re.compile(r"Referred deals closed \d+ days faster")).is_visible()
