"""The pages in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium) against the local stack.

A requester asks for an introduction and sees it through (the connector and the target answer from their
email, in their own browsers) and says how it went; an admin uploads an invite CSV and reads the report,
changes a setting and adds a member; the dashboard shows the seeded history; a connector searches their
network and finds their asks. A screenshot of each page is kept in tests/browser/artifacts/ (ignored by git;
CI keeps it). Every page shot is also audited (``audit``): each field has a label, text meets WCAG AA
contrast, nothing is wider than a phone, and Tab moves a visible focus through the page.
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
    """Keep a screenshot of the page, and hold it to the accessibility bar every page must meet."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    problems = audit(page)
    assert not problems, f"{name}: {problems}"


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
               && !e.getAttribute('aria-labelledby'))
  .map(e => e.outerHTML.slice(0, 80))"""

LOW_CONTRAST = """() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(parseFloat); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const behind = el => { for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  const problems = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim(), el = walker.currentNode.parentElement;
    if (!text || !el || seen.has(el) || el.closest('option, svg')) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || !el.getClientRects().length) continue;
    const a = lum(parse(style.color)), b = lum(behind(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
    const needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    if (ratio < needed) problems.push(`"${text.slice(0, 40)}" ${ratio.toFixed(2)}:1`);
  }
  return problems;
}"""

TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll'))
  .slice(-3).map(e => e.outerHTML.slice(0, 80))"""

TAB_STOPS = """() => { const groups = new Set(); let stops = 0;
  // after the header corner, so not the skip link; a radio group is one stop; unrendered elements are none
  const all = 'a[href]:not(.skip), button, input:not([type=hidden]), select, textarea, summary';
  for (const e of document.querySelectorAll(all)) {
    if (!e.checkVisibility({visibilityProperty: true})) continue;  // not rendered (inside a closed <details> too)
    if (e.type === 'radio') { if (groups.has(e.name)) continue; groups.add(e.name); }
    stops++;
  }
  return stops; }"""

FOCUS = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  return {tag: e.tagName, visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0}; }"""


def audit(page: Any, tabs: int = 60) -> list[str]:
    """What keeps a page from being usable by keyboard, by screen reader, at phone width or in poor light."""
    problems = [f"no label: {field}" for field in page.evaluate(UNLABELLED)]
    problems += [f"low contrast: {text}" for text in page.evaluate(LOW_CONTRAST)]
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
        problems.append(f"wider than the screen: {page.evaluate(TOO_WIDE)}")
    # Start from the top, as someone arriving by keyboard does: a click on the header's empty corner sets the
    # place Tab starts from without pressing anything.
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    page.mouse.click(1, 1)
    for n in range(min(tabs, page.evaluate(TAB_STOPS))):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused is None:
            problems.append(f"Tab {n + 1} focused nothing")
        elif not focused["visible"]:
            problems.append(f"Tab {n + 1}: {focused['tag']} has no visible focus")
    return problems


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

    page.get_by_role("button", name="Yes, we met").click()
    page.get_by_text("You told us").wait_for()
    shot(page, "06b-outcome-reported")


@pytest.fixture(scope="module")
def admin(stack: LocalStack, browser: Any) -> Any:
    return signed_in_page(stack, browser, ADA)


def at_both_widths(page: Any, name: str) -> None:
    """Shots at phone (390 px) and desktop (1280 px) width."""
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})


def test_an_invite_job_shows_its_progress_while_it_runs(stack: LocalStack, admin: Any) -> None:
    """Given a job part-way through (held still, so the shot is not a race with the job), then the page shows
    how far it got, refreshes itself (a meta refresh: no script) and offers a Refresh link."""
    from warmpath import wiring
    from warmpath.invite_jobs import open_invite_job
    from warmpath.models import InviteJob, utcnow

    repo = wiring.repository()
    rows = "".join(f"held{i}@example.org,Held {i},customer\r\n" for i in range(1200))
    job, _ = open_invite_job(repo, "demo", ADA, "held-still.csv", f"email,name,type\r\n{rows}".encode())
    job.update(actions=[InviteJob.status.set("running"), InviteJob.processed.set(700),
                        InviteJob.lease_until.set(utcnow().replace(year=utcnow().year + 1))])  # fmt: skip
    try:
        admin.goto(f"{stack.url}/admin/invites?job={job.job_id}")
        admin.get_by_role("heading", name=re.compile("^Inviting from held-still.csv")).wait_for()
        assert "700 of 1,200 lines done" in admin.locator("#progress").inner_text()
        assert admin.locator('meta[http-equiv="refresh"]').count() == 1
        at_both_widths(admin, "07-invite-progress")
    finally:
        repo.finish_invite_job(job, "failed", utcnow(), error="Held still by the browser test.")


def test_an_admin_uploads_an_invite_csv_and_reads_the_report(admin: Any, tmp_path: Path) -> None:
    invites = tmp_path / "connectors.csv"
    invites.write_text(
        "email,name,type\r\nnew.advisor@example.org,New Advisor,advisor\r\nnot-an-email,Broken,investor\r\n"
        'open.quote@example.org,"Open Quote,advisor\r\n'
    )

    admin.get_by_role("link", name="Invite connectors").click()
    at_both_widths(admin, "07-invite-upload")
    admin.get_by_label("CSV file").set_input_files(str(invites))
    admin.get_by_role("button", name="Invite").click()
    admin.get_by_role("heading", name=re.compile("^Report")).wait_for(timeout=60_000)  # the page refreshes itself
    at_both_widths(admin, "07-invite-report")

    report = admin.locator("table").first.inner_text()  # at phone width too: the result column stays
    assert "new.advisor@example.org" in report and "invited" in report
    assert "not-an-email" in report and "invalid email" in report
    assert "unreadable row" in report and "never closed" in report
    assert re.search(r"/admin/invites\?job=[0-9a-f]+$", admin.url)


def test_a_connector_who_joined_and_opens_the_link_again_is_offered_a_sign_in_link(
    stack: LocalStack, browser: Any
) -> None:
    invite = wait_for_mail(stack, lambda m: m["to"] == ["new.advisor@example.org"] and "invites you" in m["subject"])
    join = next(u for u in invite["links"] if "/join/" in u and "answer=no" not in u)
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(join)
    page.get_by_role("button", name=re.compile("^Join")).click()
    page.wait_for_url(re.compile(r"/network\?notice=joined$"))
    page.get_by_role("button", name=re.compile("^Sign out")).click()

    page.goto(join)
    page.get_by_role("heading", name="You're already in").wait_for()
    at_both_widths(page, "08-join-already-in")
    page.get_by_role("button", name="Email me a sign-in link").click()

    page.get_by_text("Check your email").wait_for()
    assert not [c for c in page.context.cookies() if c["name"] == "wp_session" and c["value"]]


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


def test_an_admin_changes_a_setting_and_adds_a_member(admin: Any) -> None:
    admin.get_by_role("link", name="Settings").click()
    admin.get_by_role("heading", name="Settings", exact=True).wait_for()
    reminder = admin.get_by_label("Remind a connector who has not answered after (days)")
    reminder.fill("9")  # the browser allows it; the server knows it is after the ask expires
    admin.get_by_role("button", name="Save settings").click()
    admin.get_by_role("alert").wait_for()
    assert "less than \u201cAn unanswered ask expires after\u201d" in admin.get_by_role("alert").inner_text()
    assert reminder.input_value() == "9"  # what was typed stays, to be corrected
    reminder.fill("3")
    shot(admin, "09-settings-error")
    admin.get_by_label("Most asks a connector gets in 30 days").fill("4")
    admin.get_by_role("button", name="Save settings").click()
    admin.get_by_text("Settings saved.").wait_for()
    assert admin.get_by_label("Most asks a connector gets in 30 days").input_value() == "4"
    shot(admin, "10-settings")

    admin.get_by_role("link", name="Members").click()
    admin.get_by_label("Email address").fill("new.seller@acme.example")
    admin.get_by_label("Name", exact=True).fill("Nia Seller")
    admin.get_by_role("button", name="Add member").click()
    admin.get_by_text("Added Nia Seller").wait_for()
    assert admin.get_by_role("cell", name=re.compile("new.seller@acme.example")).count() == 1
    shot(admin, "11-members")


def test_a_connector_searches_their_network_and_sees_their_asks(stack: LocalStack, browser: Any) -> None:
    page = signed_in_page(stack, browser, MARGARET)
    page.get_by_label("Find someone by name, title or company").fill("northwind")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=northwind"))
    assert page.get_by_text("Priya Natarajan").first.is_visible()
    shot(page, "12-network-search")

    page.get_by_role("link", name="My asks").click()
    page.get_by_role("heading", name="Asks for introductions").wait_for()
    shot(page, "13-my-asks")
    page.get_by_role("link", name="My contributions").click()
    page.get_by_role("heading", name=re.compile("^My contributions")).wait_for()
    shot(page, "14-my-contributions")
    page.get_by_role("link", name="Email preferences").click()
    page.get_by_role("heading", name="Email preferences").wait_for()
    shot(page, "15-preferences")
