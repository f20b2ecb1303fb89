"""Steps of the introduction loop that several integration tests walk through (through public entry points)."""

from __future__ import annotations

import copy
import re
from typing import Any

from warmpath import wiring
from warmpath.events import AskCreated, AskRequested, IntroRequested
from warmpath_local.stack import LocalContext

from tests.conftest import (
    AwsWorld,
    api_event,
    aws_client,
    call_function,
    call_intake,
    eventbridge_event,
    load_fixture,
)
from tests.integration.conftest import MARGARET, RILEY, priya_request, session_cookies


def csrf_of(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def asked_margaret(aws: AwsWorld) -> dict[str, Any]:
    """Riley asks Margaret for Priya; returns the ask email Margaret receives."""
    created = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=session_cookies(RILEY)).json()
    call_function("matching.app", eventbridge_event(aws.bus.of_type(IntroRequested)[-1]))
    request_id = created["request_id"]
    path = call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(RILEY)).json()["paths"][0]
    body = {"path_id": path["path_id"]}
    call_intake("POST", f"/api/requests/{request_id}/asks", json_body=body, cookies=session_cookies(RILEY))
    call_function("matching.app", eventbridge_event(aws.bus.of_type(AskRequested)[-1]))
    call_function("notify.app", eventbridge_event(aws.bus.of_type(AskCreated)[-1]))
    [ask] = [m for m in aws.sent_emails() if m["to"] == [MARGARET]]
    return ask


def reply(
    aws: AwsWorld,
    ask: dict[str, Any],
    text: str,
    sender: str = MARGARET,
    message_id: str = "reply-1",
    headers: str = "",
    subject: str | None = None,
    **verdicts: str,
) -> dict[str, Any]:
    """Margaret (or ``sender``) replies to the ask email, quoting it."""
    body = f"{text}\r\n\r\nOn Tue, Warmpath <intros@warmpath.localhost> wrote:\r\n> {ask['subject']}"
    subject = subject or "Re: " + ask["subject"]
    return receive(aws, sender, ask["reply_to"][0], subject, body, message_id, headers=headers, **verdicts)


def receive(
    aws: AwsWorld,
    sender: str,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    headers: str = "",
    envelope: str | None = None,
    **verdicts: str,
) -> dict[str, Any]:
    """SES receives an email: the raw message lands in the inbound bucket, then the function gets the receipt
    (the real SES event fixture, with these addresses and any verdicts overridden, e.g. ``spf="FAIL"``).
    ``envelope`` is the SMTP MAIL FROM (the From address unless given); ``sender`` is the From header's value
    as written (an address, or a whole header value when it contains ``<`` or ``,``)."""
    from_header = sender if ("<" in sender or "," in sender) else f"<{sender}>"
    raw = (
        f"From: {from_header}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}@mail.example>\r\n"
        f"{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()
    aws_client("s3").put_object(Bucket=aws.env["INBOUND_BUCKET"], Key=f"inbound/{message_id}", Body=raw)
    event = copy.deepcopy(load_fixture("aws_events/powertools-lambda-python/events/sesEvent.json"))
    record = event["Records"][0]["ses"]
    record["mail"]["messageId"] = message_id
    record["mail"]["source"] = envelope if envelope is not None else sender
    record["receipt"]["recipients"] = [to]
    for name, status in verdicts.items():
        record["receipt"][f"{name}Verdict"] = {"status": status}
    return call_function("notify.inbound", event)


def confirm_form(path: str) -> tuple[dict[str, str], dict[str, str], Any]:
    """Open an emailed link's page as a browser would: its form's CSRF field, the cookies it set, the page."""
    page = call_intake("GET", path)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
    assert csrf, page.body
    return {"csrf_token": csrf.group(1)}, page.cookies, page


def click(path: str, **fields: str) -> Any:
    """Open an emailed link's page and press its button (with any ``fields`` filled in)."""
    form, cookies, _ = confirm_form(path)
    return call_intake("POST", path, form=form | fields, cookies=cookies)


SCANNER_AGENTS = ["Mozilla/5.0 (compatible; Barracuda Sentinel)", "Microsoft Office Protocol Discovery", "curl/8.0"]


def scan(path: str, method: str = "GET", agent: str | None = None) -> Any:
    from intake.app import lambda_handler

    event = api_event("GET", path)  # routed as the GET it would be, then sent as the scanner sends it
    event["httpMethod"] = method
    event["requestContext"]["httpMethod"] = method
    if agent:
        event["headers"]["User-Agent"] = agent
        event["multiValueHeaders"]["User-Agent"] = [agent]
    return lambda_handler(event, LocalContext(function_name="IntakeFunction"))


def table_items() -> list[dict[str, Any]]:
    items = aws_client("dynamodb").scan(TableName=wiring.repository().table_name)["Items"]
    return sorted(items, key=lambda i: (i["PK"]["S"], i["SK"]["S"]))


def scan_every_link(emails: list[dict[str, Any]]) -> None:
    for email in emails:
        for link in [
            u.removeprefix("https://app.warmpath.test") for u in email["links"] if u.startswith("https://app.")
        ]:
            for agent in SCANNER_AGENTS:
                assert scan(link, agent=agent)["statusCode"] < 500
                assert scan(link, method="HEAD", agent=agent)["statusCode"] < 500
