"""End to end: the local stack started in-process, used over HTTP exactly as a person would.

Sign in by magic link from the dev mailbox, submit the web form, pick a connector, accept from the
connector's email, and find the three-way introduction in the mailbox -- every hop through the real
handlers, the template's routes and rules, moto's EventBridge and SQS.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import requests
from warmpath_local.stack import LocalStack

from tests.e2e.mail import mailbox, wait_for_mail

pytestmark = pytest.mark.e2e

RILEY = "riley@acme.example"
SAM = "sam@acme.example"
MARGARET = "margaret.hale@hale-ventures.example"
DAVID = "david.kim@summitcap.example"
BEN = "ben.carter@acme.example"
PRIYA = "priya.natarajan@northwind.example"


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


_SIGNED_IN: dict[tuple[str, str], requests.Session] = {}


def sign_in(stack: LocalStack, email: str) -> requests.Session:
    """A browser signed in by magic link (once per person per stack: sign-in emails are limited to one a minute)."""
    if (stack.url, email) in _SIGNED_IN:
        return _SIGNED_IN[(stack.url, email)]
    browser = requests.Session()
    home = browser.get(f"{stack.url}/")
    sent = browser.post(f"{stack.url}/auth/login", data={"email": email, "csrf_token": csrf(home.text)})
    assert sent.status_code == 202 and "Check your email" in sent.text
    email_msg = wait_for_mail(stack, lambda m: m["to"] == [email] and "sign-in link" in m["subject"])
    [link] = [u for u in email_msg["links"] if "/auth/magic?token=" in u]
    confirm = browser.get(link)
    assert confirm.status_code == 200 and "Sign in" in confirm.text
    token = re.search(r'name="token" value="([^"]+)"', confirm.text)
    assert token
    signed_in = browser.post(
        f"{stack.url}/auth/magic", data={"token": token.group(1), "csrf_token": csrf(confirm.text)}
    )
    assert signed_in.url in (f"{stack.url}/requests", f"{stack.url}/network")  # requesters / connectors
    _SIGNED_IN[(stack.url, email)] = browser
    return browser


def wait_for_status(browser: requests.Session, url: str, wanted: str, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = browser.get(url)
        status = re.search(r'data-status="(\w+)"', page.text)
        if status and status.group(1) == wanted:
            return page.text
        time.sleep(0.1)
    raise AssertionError(f"request never reached status {wanted}")


def submit_request(stack: LocalStack, browser: requests.Session, reason: str) -> str:
    form_page = browser.get(f"{stack.url}/requests/new")
    created = browser.post(
        f"{stack.url}/requests",
        data={
            "csrf_token": csrf(form_page.text),
            "target_name": "Priya Natarajan",
            "target_company": "Northwind Logistics",
            "target_title": "VP Sales",
            "target_email": PRIYA,
            "target_linkedin_url": "",
            "reason": reason,
        },
    )
    assert created.status_code == 200 and re.search(r"/requests/\w+$", created.url), created.text
    return created.url


def ask_first_listed(browser: requests.Session, request_url: str, page: str) -> None:
    path_id = re.search(r'name="path_id" value="([^"]+)"', page)
    assert path_id, "no Ask button on the request page"
    asked = browser.post(f"{request_url}/asks", data={"csrf_token": csrf(page), "path_id": path_id.group(1)})
    assert asked.status_code == 200, asked.text[-600:]


def answer_from_email(stack: LocalStack, connector: str, reason: str, answer: str) -> requests.Response:
    ask_email = wait_for_mail(stack, lambda m: m["to"] == [connector] and reason in m["text"])
    accept, decline = [u for u in ask_email["links"] if "/a/" in u]
    link = accept if answer == "accept" else decline
    connector_browser = requests.Session()  # the connector never signs in
    confirm = connector_browser.get(link)
    assert confirm.status_code == 200
    return connector_browser.post(link, data={"csrf_token": csrf(confirm.text)})


def test_a_requester_gets_introduced_through_the_whole_loop(stack: LocalStack) -> None:
    reason = "E2E accept: we cut reporting time for logistics teams."
    riley = sign_in(stack, RILEY)

    request_url = submit_request(stack, riley, reason)
    page = wait_for_status(riley, request_url, "paths_found")
    assert page.index("Margaret Hale") < page.index("David Kim") < page.index("Ben Carter")
    paths_email = wait_for_mail(stack, lambda m: m["to"] == [RILEY] and "warm paths to Priya" in m["subject"])
    assert request_url in paths_email["links"]

    ask_first_listed(riley, request_url, page)
    wait_for_status(riley, request_url, "asked")
    answered = answer_from_email(stack, MARGARET, reason, "accept")
    assert "whether they are happy to connect" in answered.text

    # Double opt-in (the default): Priya agrees from her email, with a confirm page like every link.
    consent = wait_for_mail(stack, lambda m: m["to"] == [PRIYA] and "would like to introduce you" in m["subject"])
    yes = next(u for u in consent["links"] if "/t/" in u)
    target_browser = requests.Session()
    confirm = target_browser.get(yes)
    assert target_browser.post(yes, data={"csrf_token": csrf(confirm.text)}).status_code == 200

    intro = wait_for_mail(stack, lambda m: m["subject"].startswith("Introduction:") and reason in m["text"])
    assert intro["from"] == "Margaret Hale via Warmpath <intros@warmpath.localhost>"
    assert intro["to"] == [PRIYA]
    assert intro["cc"] == [RILEY, MARGARET]
    assert intro["reply_to"] == [MARGARET]
    assert intro["text"].strip() and "<html" in intro["html"]
    final = wait_for_status(riley, request_url, "introduced")
    for step in ("Requested", "Asked", "Accepted", "Introduced"):
        assert step in final


def test_a_decline_is_reported_and_the_next_connector_can_be_asked(stack: LocalStack) -> None:
    reason = "E2E decline: a second request to see the next connector asked."
    sam = sign_in(stack, SAM)
    request_url = submit_request(stack, sam, reason)
    ask_first_listed(sam, request_url, wait_for_status(sam, request_url, "paths_found"))

    declined = answer_from_email(stack, MARGARET, reason, "decline")
    assert "Declined" in declined.text

    notice = wait_for_mail(stack, lambda m: m["to"] == [SAM] and "can't introduce you" in m["subject"])
    assert "Next in line: David Kim" in notice["text"]
    page = wait_for_status(sam, request_url, "declined")
    ask_first_listed(sam, request_url, page)  # Margaret's button is gone: the first one left is David's
    wait_for_mail(stack, lambda m: m["to"] == [DAVID] and reason in m["text"])


def test_opening_an_ask_link_twice_changes_nothing(stack: LocalStack) -> None:
    before = mailbox(stack)
    ask_link = next(u for m in before for u in m["links"] if "/a/" in u)

    first, second = requests.get(ask_link), requests.get(ask_link)

    assert first.status_code == second.status_code == 200
    time.sleep(0.5)
    assert len(mailbox(stack)) == len(before)


def test_unknown_routes_are_404(stack: LocalStack) -> None:
    assert requests.get(f"{stack.url}/no/such/page").status_code == 404
    assert requests.post(f"{stack.url}/health").status_code == 404


def test_health_and_openapi_are_served(stack: LocalStack) -> None:
    assert requests.get(f"{stack.url}/health").json() == {"status": "ok"}
    assert "/api/requests" in requests.get(f"{stack.url}/api/openapi.json").json()["paths"]


def test_a_raw_email_posted_to_dev_inbound_goes_through_the_inbound_function(stack: LocalStack) -> None:
    message = EmailMessage()
    message["From"] = "Margaret Hale <margaret.hale@hale-ventures.example>"
    message["To"] = "reply@reply.warmpath.localhost"
    message["Subject"] = "Re: an introduction"
    message.set_content("Yes, happy to help.")

    result = requests.post(
        f"{stack.url}/_dev/inbound", data=message.as_bytes(), headers={"Content-Type": "message/rfc822"}
    )

    assert result.status_code == 202
    body = result.json()
    assert body["recorded"] == [body["message_id"]]


def test_the_cli_lists_requests_and_mail_as_json(stack: LocalStack, tmp_path: Path) -> None:
    connection = tmp_path / "local.json"
    stack.write_connection_file(connection)

    def warmpath(*args: str) -> Any:
        done = subprocess.run(
            [sys.executable, "-m", "warmpath_cli.main", *args, "--connection", str(connection), "--json"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return done.returncode, json.loads(done.stdout)

    code, listed = warmpath("requests", "list", "--tenant", "demo")
    assert code == 0
    assert {r["requester"] for r in listed["requests"]} >= {RILEY, SAM}
    code, mail = warmpath("mail", "list")
    assert code == 0 and len(mail["messages"]) == len(mailbox(stack))
    code, error = warmpath("requests", "list", "--tenant", "nope")
    assert code == 2 and "no tenant 'nope'" in error["error"]


def test_the_cli_changes_a_tenants_ranking_settings_only_when_they_are_valid(stack: LocalStack, tmp_path: Path) -> None:
    connection = tmp_path / "local.json"
    stack.write_connection_file(connection)
    base = [sys.executable, "-m", "warmpath_cli.main", "tenant", "settings", "--connection", str(connection)]

    def run(*args: str) -> tuple[int, Any]:
        done = subprocess.run([*base, "--tenant", "demo", *args, "--json"], capture_output=True, text=True, timeout=60)
        return done.returncode, json.loads(done.stdout)

    code, changed = run("--set", "asks_per_30_days=5", "--set", "weights.type_fit=0")
    assert code == 0
    assert changed["effective"]["asks_per_30_days"] == 5 and changed["effective"]["weights"]["type_fit"] == 0
    code, refused = run("--set", "weights.charm=3")
    assert code == 2 and "unknown ranking weight 'charm'" in refused["error"]
    code, restored = run("--unset", "asks_per_30_days", "--unset", "weights.type_fit")
    assert code == 0 and restored["effective"]["asks_per_30_days"] == 3
    assert restored["effective"]["weights"]["type_fit"] == 10.0


def test_the_cli_ranks_paths_to_a_prospect_with_reasons(stack: LocalStack, tmp_path: Path) -> None:
    connection = tmp_path / "local.json"
    stack.write_connection_file(connection)
    base = [sys.executable, "-m", "warmpath_cli.main", "paths", "--connection", str(connection), "--tenant", "demo"]
    prospect = ["--name", "Priya Natarajan", "--company", "Northwind Logistics", "--title", "VP Sales"]

    done = subprocess.run([*base, *prospect, "--json"], capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 0, done.stderr
    ranked = json.loads(done.stdout)
    # Earlier tests asked these connectors, so their order depends on that history; who is direct does not.
    assert {p["connector_email"] for p in ranked if p["kind"] == "direct"} == {MARGARET, DAVID, BEN}
    assert {p["kind"] for p in ranked} == {"direct", "indirect"}
    assert all(p["via"] and p["reasons"] and isinstance(p["score"], float) for p in ranked)
    assert [p["score"] for p in ranked if not p["unavailable"]] == sorted(
        (p["score"] for p in ranked if not p["unavailable"]), reverse=True
    )
    text = subprocess.run([*base, *prospect], capture_output=True, text=True, timeout=60, check=False)
    assert text.stdout.startswith(f" 1. {ranked[0]['connector_name']} <")
    assert "- Knows Priya Natarajan directly" in text.stdout


def test_the_cli_imports_a_linkedin_export_and_reports_it(stack: LocalStack, tmp_path: Path) -> None:
    connection = tmp_path / "local.json"
    stack.write_connection_file(connection)
    export = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "contact_exports"
    command = [sys.executable, "-m", "warmpath_cli.main", "network", "import", "--tenant", "demo"]
    command += ["--connector", "tom.wright@acme.example", str(export / "linkedin-connections.csv")]

    done = subprocess.run([*command, "--connection", str(connection), "--json"], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) | {"job_id": ""} == {
        "job_id": "", "format": "linkedin", "imported": 3, "merged": 0, "skipped": []
    }  # fmt: skip
    report = wait_for_mail(
        stack, lambda m: m["to"] == ["tom.wright@acme.example"] and "contacts are in" in m["subject"]
    )
    assert report["subject"] == "Your contacts are in: 3 new, 0 updated"


def test_an_admin_invites_by_cli_and_the_connector_joins_from_the_email(stack: LocalStack, tmp_path: Path) -> None:
    connection, invites = tmp_path / "local.json", tmp_path / "invites.csv"
    stack.write_connection_file(connection)
    invites.write_text("email,name,type\r\nfresh.face@new.example,Fresh Face,customer\r\nbroken,Broken,advisor\r\n")
    command = [sys.executable, "-m", "warmpath_cli.main", "invite", "--tenant", "demo", str(invites)]

    done = subprocess.run([*command, "--connection", str(connection), "--json"], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert [(r["line"], r["status"]) for r in json.loads(done.stdout)["rows"]] == [(2, "invited"), (3, "invalid email")]
    invite = wait_for_mail(stack, lambda m: m["to"] == ["fresh.face@new.example"])
    [join_link] = [u for u in invite["links"] if "/join/" in u and "answer=no" not in u]
    browser = requests.Session()
    confirm = browser.get(join_link)
    joined = browser.post(join_link, data={"csrf_token": csrf(confirm.text)})
    assert joined.url == f"{stack.url}/network?notice=joined"
    assert "My network" in joined.text
    report = wait_for_mail(stack, lambda m: m["to"] == ["ada@acme.example"] and "Invitations sent" in m["subject"])
    assert report["subject"] == "Invitations sent: 1 invited, 1 need attention"
    browser.post(f"{stack.url}/auth/logout", data={"csrf_token": csrf(joined.text)})
    replayed = browser.post(join_link, data={"csrf_token": csrf(browser.get(f"{stack.url}/").text)})
    assert "You're already in" in replayed.text and "wp_session" not in browser.cookies


def test_the_same_invite_file_twice_from_the_cli_is_one_job(stack: LocalStack, tmp_path: Path) -> None:
    connection, invites = tmp_path / "local.json", tmp_path / "twice.csv"
    stack.write_connection_file(connection)
    invites.write_text("email,name,type\r\ntwice@new.example,Twice Over,advisor\r\n")
    command = [sys.executable, "-m", "warmpath_cli.main", "invite", "--tenant", "demo", str(invites), "--connection",
               str(connection), "--json"]  # fmt: skip

    runs = [subprocess.run(command, capture_output=True, text=True, timeout=60, check=False) for _ in range(2)]

    assert [json.loads(r.stdout)["rows"] for r in runs] == [[{"line": 2, "email": "twice@new.example",
                                                              "status": "invited", "reason": ""}]] * 2  # fmt: skip
    wait_for_mail(stack, lambda m: m["to"] == ["twice@new.example"])
    time.sleep(2)
    assert len([m for m in mailbox(stack) if m["to"] == ["twice@new.example"]]) == 1


def test_a_connector_uploads_an_export_from_the_network_page_and_watches_it_finish(stack: LocalStack) -> None:
    export = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "contact_exports"
    lena = sign_in(stack, "lena.fischer@advisors.example")
    network = lena.get(f"{stack.url}/network")
    upload_page = lena.post(f"{stack.url}/network/uploads", data={"csrf_token": csrf(network.text)})
    action = re.search(r'<form method="post" action="([^"]+)" enctype="multipart/form-data">', upload_page.text)
    assert action, upload_page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', upload_page.text))
    assert action.group(1).split("/")[2] in upload_page.headers["Content-Security-Policy"]

    done = lena.post(
        html.unescape(action.group(1)),
        data={k: html.unescape(v) for k, v in fields.items()},
        files={"file": ("Connections.csv", (export / "linkedin-connections.csv").read_bytes())},
    )

    assert done.url.startswith(f"{stack.url}/network?notice=uploaded")
    report = wait_for_mail(stack, lambda m: m["to"] == ["lena.fischer@advisors.example"] and "contacts" in m["subject"])
    assert report["subject"] == "Your contacts are in: 3 new, 0 updated"
    assert "Zoë Whitaker" in lena.get(f"{stack.url}/network").text


def _reply_by_email(stack: LocalStack, ask_email: dict[str, Any], text: str) -> None:
    """What the dev mailbox's reply box does: the connector answers the ask email in their own words."""
    reply = EmailMessage()
    reply["From"] = ask_email["to"][0]
    reply["To"] = ask_email["reply_to"][0]
    reply["Subject"] = "Re: " + ask_email["subject"]
    reply.set_content(f"{text}\n\nOn Tue, Warmpath <intros@warmpath.localhost> wrote:\n> {ask_email['text'][:200]}")
    posted = requests.post(
        f"{stack.url}/_dev/inbound", data=reply.as_bytes(), headers={"Content-Type": "message/rfc822"}
    )
    assert posted.status_code == 202


def _ask_by_page(stack: LocalStack, requester: str, target: str, reason: str) -> tuple[requests.Session, str, dict]:
    browser = sign_in(stack, requester)
    form_page = browser.get(f"{stack.url}/requests/new")
    created = browser.post(
        f"{stack.url}/requests",
        data={"csrf_token": csrf(form_page.text), "target_name": target, "target_company": "Northwind Logistics",
              "target_title": "", "target_email": "", "target_linkedin_url": "", "reason": reason},
    )  # fmt: skip
    request_url = created.url
    ask_first_listed(browser, request_url, wait_for_status(browser, request_url, "paths_found"))
    ask_email = wait_for_mail(stack, lambda m: reason in m["text"] and "would like an introduction" in m["subject"])
    return browser, request_url, ask_email


def test_a_connector_runs_the_introduction_by_replying_sure(stack: LocalStack) -> None:
    reason = "E2E reply: accepting by email, in plain words."
    riley, request_url, ask_email = _ask_by_page(stack, RILEY, "Mei Wong", reason)
    assert ask_email["reply_to"][0].startswith("reply+")

    _reply_by_email(stack, ask_email, "Sure, happy to")

    intro = wait_for_mail(stack, lambda m: m["subject"].startswith("Introduction:") and reason in m["text"])
    assert RILEY in intro["cc"]
    assert "Introduced" in wait_for_status(riley, request_url, "introduced")


def test_a_doubtful_reply_never_accepts_and_a_question_reaches_the_requester(stack: LocalStack) -> None:
    reason = "E2E reply: doubt and questions are not a yes."
    sam, request_url, ask_email = _ask_by_page(stack, SAM, "James O'Connor", reason)

    _reply_by_email(stack, ask_email, "Sure \u2014 but what is the context?")
    question = wait_for_mail(stack, lambda m: m["to"] == [SAM] and "has a question" in m["subject"])
    assert "what is the context?" in question["text"]
    assert "Waiting for the connector" in sam.get(request_url).text

    _reply_by_email(stack, ask_email, "Not sure I know her well enough \u2014 who else?")
    declined = wait_for_status(sam, request_url, "declined")
    assert "Introduced" not in declined
    assert not [m for m in mailbox(stack) if m["subject"].startswith("Introduction:") and reason in m["text"]]


def test_replying_to_the_invitation_with_an_export_attached_imports_it(stack: LocalStack, tmp_path: Path) -> None:
    connection, invites = tmp_path / "local.json", tmp_path / "invites.csv"
    stack.write_connection_file(connection)
    invites.write_text("email,name,type\r\nmail.importer@new.example,Mail Importer,advisor\r\n")
    subprocess.run(
        [sys.executable, "-m", "warmpath_cli.main", "invite", "--tenant", "demo", str(invites), "--connection",
         str(connection)], capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    invite = wait_for_mail(stack, lambda m: m["to"] == ["mail.importer@new.example"])
    [reply_to] = invite["reply_to"]
    export = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "contact_exports"
    reply = EmailMessage()
    reply["From"] = "Mail Importer <mail.importer@new.example>"
    reply["To"] = reply_to
    reply["Subject"] = "Re: " + invite["subject"]
    reply.set_content("Here are my contacts.")
    reply.add_attachment((export / "contacts.vcf").read_bytes(), maintype="text", subtype="vcard", filename="me.vcf")

    posted = requests.post(
        f"{stack.url}/_dev/inbound", data=reply.as_bytes(), headers={"Content-Type": "message/rfc822"}
    )

    assert posted.status_code == 202
    report = wait_for_mail(
        stack, lambda m: m["to"] == ["mail.importer@new.example"] and "contacts are in" in m["subject"]
    )
    assert report["subject"] == "Your contacts are in: 2 new, 0 updated"


def test_a_reply_from_someone_else_imports_nothing(stack: LocalStack) -> None:
    invite = wait_for_mail(stack, lambda m: m["to"] == ["mail.importer@new.example"] and "invites you" in m["subject"])
    forged = EmailMessage()
    forged["From"] = "Mallory <mallory@evil.example>"
    forged["To"] = invite["reply_to"][0]
    forged["Subject"] = "Re: invitation"
    forged.set_content("attached")
    forged.add_attachment(b"First Name,Last Name,Company,Position\r\nEve,Evil,Evil Corp,CEO\r\n", maintype="text",
                          subtype="csv", filename="Connections.csv")  # fmt: skip
    before = len(mailbox(stack))

    assert requests.post(f"{stack.url}/_dev/inbound", data=forged.as_bytes()).status_code == 202

    time.sleep(1.0)
    assert [m["subject"] for m in mailbox(stack)[before:]] == []


def test_advancing_the_clock_sends_reminders_only_to_who_has_not_joined(stack: LocalStack) -> None:
    fired = requests.post(f"{stack.url}/_dev/clock", json={}, params={"days": "3"}).json()["fired"]

    assert fired  # the first reminders of this run's invitations were due within 3 days
    wait_for_mail(stack, lambda m: m["subject"].startswith("Reminder:") and m["to"] == ["mail.importer@new.example"])
    reminded = {m["to"][0] for m in mailbox(stack) if m["subject"].startswith("Reminder:") and "/join/" in m["text"]}
    assert "fresh.face@new.example" not in reminded  # fresh.face joined, so gets none
    later = requests.post(f"{stack.url}/_dev/clock", params={"days": "3"}).json()["fired"]
    assert later == []


def test_a_digest_offers_help_that_reaches_the_admin(stack: LocalStack, tmp_path: Path) -> None:
    connection = tmp_path / "local.json"
    stack.write_connection_file(connection)
    settings = [sys.executable, "-m", "warmpath_cli.main", "tenant", "settings", "--connection", str(connection)]
    shows_all = [*settings, "--tenant", "demo", "--set", "digest_shows_all=true", "--json"]
    assert subprocess.run(shows_all, capture_output=True, text=True, timeout=60).returncode == 0
    reason = "E2E digest: nobody knows this person yet."
    sam = sign_in(stack, SAM)
    form_page = sam.get(f"{stack.url}/requests/new")
    created = sam.post(
        f"{stack.url}/requests",
        data={"csrf_token": csrf(form_page.text), "target_name": "Quinn Nobody", "target_company": "Obscure Works",
              "target_title": "", "target_email": "", "target_linkedin_url": "", "reason": reason},
    )  # fmt: skip
    wait_for_status(sam, created.url, "no_path")

    assert requests.post(f"{stack.url}/_dev/digest").status_code == 200
    digest = wait_for_mail(stack, lambda m: "you may help with" in m["subject"] and reason in m["text"])
    assert digest["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"
    help_link = next(u for u in digest["links"] if "/offer/" in u and "Quinn" in digest["text"])
    connector = requests.Session()
    page = connector.get(help_link)
    assert connector.post(help_link, data={"csrf_token": csrf(page.text), "note": "Met Quinn at a conference."}).ok

    offer = wait_for_mail(stack, lambda m: "offers an introduction to Quinn Nobody" in m["subject"])
    assert offer["to"] == ["ada@acme.example"] and "Met Quinn at a conference." in offer["text"]
    subprocess.run([*settings, "--tenant", "demo", "--unset", "digest_shows_all", "--json"], timeout=60, check=True)


def test_crm_deliveries_create_deals_and_a_won_introduced_deal_thanks_and_rewards(
    stack: LocalStack, tmp_path: Path
) -> None:
    """The CRM's Done-when: the Salesforce sample and a signed HubSpot batch create records and deals; a deal on
    an introduced contact (Priya, introduced earlier in this run) is attributed; closed-won thanks the connector
    and books the reward; a replay changes nothing; a forged signature is refused."""
    from warmpath import crm

    connection = tmp_path / "local.json"
    stack.write_connection_file(connection)

    def warmpath(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "warmpath_cli.main", *args, "--connection", str(connection)]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    secret = "e2e-hubspot-secret-0123456789"
    salesforce = warmpath("crm", "configure", "--tenant", "demo", "--provider", "salesforce", "--org-id",
                          "012345678901234", "--json")  # fmt: skip
    assert salesforce.returncode == 0
    endpoint_key = json.loads(salesforce.stdout)["endpoint_url"].split("?key=", 1)[1]
    assert warmpath("crm", "configure", "--tenant", "demo", "--provider", "hubspot", "--secret", secret).returncode == 0
    rule = '[{"trigger": "closed_won", "kind": "cash", "amount": 250, "currency": "USD"}]'
    assert warmpath("tenant", "settings", "--tenant", "demo", "--set", f"rewards={rule}", "--json").returncode == 0

    sample = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "crm_webhooks" / "salesforce"
    body = (sample / "aspnet-WebHooks" / "RequestBodies" / "Salesforce.xml").read_bytes()
    acked = requests.post(f"{stack.url}/crm/demo/salesforce", params={"key": endpoint_key}, data=body,
                          headers={"Content-Type": "text/xml"})  # fmt: skip
    assert acked.status_code == 200 and "<Ack>true</Ack>" in acked.text

    now = int(time.time() * 1000)
    batch = json.dumps([
        {"eventId": 9001, "occurredAt": now, "subscriptionType": "contact.propertyChange", "objectId": 501,
         "propertyName": "email", "propertyValue": PRIYA},
        {"eventId": 9002, "occurredAt": now, "subscriptionType": "deal.propertyChange", "objectId": 601,
         "propertyName": "dealname", "propertyValue": "Northwind - analytics"},
        {"eventId": 9003, "occurredAt": now, "subscriptionType": "deal.propertyChange", "objectId": 601,
         "propertyName": "amount", "propertyValue": "48000"},
        {"eventId": 9004, "occurredAt": now, "subscriptionType": "deal.associationChange", "fromObjectId": 601,
         "toObjectId": 501, "associationType": "DEAL_TO_CONTACT", "associationRemoved": False},
        {"eventId": 9005, "occurredAt": now + 1, "subscriptionType": "deal.propertyChange", "objectId": 601,
         "propertyName": "dealstage", "propertyValue": "closedwon"},
    ])  # fmt: skip

    def post_hubspot(signing_secret: str) -> requests.Response:
        stamp = str(int(time.time() * 1000))
        uri = f"{stack.url}/crm/demo/hubspot"
        signature = crm.hubspot_signature("v3", signing_secret, method="POST", uri=uri, body=batch, timestamp=stamp)
        headers = {"Content-Type": "application/json", "X-HubSpot-Signature-v3": signature,
                   "X-HubSpot-Request-Timestamp": stamp}  # fmt: skip
        return requests.post(uri, data=batch, headers=headers)

    forged = post_hubspot("not-the-secret-0123456789")
    assert forged.status_code == 401
    first = post_hubspot(secret)
    assert first.status_code == 200 and first.json()["applied"] == 5
    thanks = wait_for_mail(stack, lambda m: "led to a closed deal" in m["subject"] and "Priya" in m["subject"])
    assert "250 USD (cash) for the closed deal" in thanks["text"]
    replay = post_hubspot(secret)
    assert replay.status_code == 200 and replay.json() == {"applied": 0, "unchanged": 5}

    listed = json.loads(warmpath("deals", "--tenant", "demo", "--json").stdout)
    [deal] = [d for d in listed["deals"] if d["deal"] == "hubspot:601"]
    assert (deal["stage"], deal["attribution"], deal["attributed_by"]) == (
        "closed_won",
        "sourced",
        "introduced contact",
    )
    exported = warmpath("rewards", "export", "--tenant", "demo").stdout
    assert exported.splitlines()[0] == "connector_email,connector_name,kind,currency,amount_payable"
    assert any(line.endswith(",cash,USD,250.00") for line in exported.splitlines()[1:])
    time.sleep(1)
    assert len([m for m in mailbox(stack) if "led to a closed deal" in m["subject"]]) == 1
    warmpath("tenant", "settings", "--tenant", "demo", "--unset", "rewards", "--json")
