"""Answering an ask by replying to its email, through the real inbound function with SES's receipt event."""

from __future__ import annotations

import pytest

import copy
import re
from typing import Any

from warmpath import wiring
from warmpath.events import AskAnsweredByEmail, AskCreated, AskRequested, IntroRequested, ReplyNeedsFollowUp

from tests.conftest import AwsWorld, aws_client, call_function, call_intake, eventbridge_event, load_fixture
from tests.integration.conftest import MARGARET, RILEY, priya_request, session_cookies


def _asked_margaret(aws: AwsWorld) -> dict[str, Any]:
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


def _reply(
    aws: AwsWorld,
    ask: dict[str, Any],
    text: str,
    sender: str = MARGARET,
    message_id: str = "reply-1",
    headers: str = "",
    subject: str | None = None,
    **verdicts: str,
) -> dict[str, Any]:
    """SES receives a reply: the raw message lands in the inbound bucket, then the function gets the receipt."""
    raw = (
        f"From: Margaret <{sender}>\r\nTo: {ask['reply_to'][0]}\r\nSubject: {subject or 'Re: ' + ask['subject']}\r\n"
        f"Message-ID: <{message_id}@mail.example>\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{text}\r\n\r\nOn Tue, Warmpath <intros@warmpath.localhost> wrote:\r\n> {ask['subject']}\r\n"
    ).encode()
    aws_client("s3").put_object(Bucket=aws.env["INBOUND_BUCKET"], Key=f"inbound/{message_id}", Body=raw)
    event = copy.deepcopy(load_fixture("aws_events/powertools-lambda-python/events/sesEvent.json"))
    record = event["Records"][0]["ses"]
    record["mail"]["messageId"] = message_id
    record["mail"]["source"] = sender
    record["receipt"]["recipients"] = [ask["reply_to"][0]]
    for name, status in verdicts.items():
        record["receipt"][f"{name}Verdict"] = {"status": status}
    return call_function("notify.inbound", event)


def _ask_status() -> str:
    [ask] = [a for a in wiring.repository().get_request_bundle("demo", _request_id()).asks]
    return ask.status


def _request_id() -> str:
    return wiring.repository().list_requests("demo", requester=RILEY)[0].request_id


@pytest.mark.usefixtures("single_opt_in")
def test_a_trusted_yes_by_reply_accepts_once_and_the_introduction_follows(aws: AwsWorld, demo: dict) -> None:
    ask = _asked_margaret(aws)
    assert re.match(r"^reply\+[0-9a-f]{24}@", ask["reply_to"][0])

    _reply(aws, ask, "Sure, happy to")

    assert _ask_status() == "accepted"
    [answered] = aws.bus.of_type(AskAnsweredByEmail)
    assert answered.answer == "accepted"
    call_function("notify.app", eventbridge_event(answered))
    [intro] = [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]
    assert intro["cc"] == [RILEY, MARGARET]
    stored = wiring.repository().get_inbound("reply-1")
    assert (stored.intent, stored.visible_text) == ("accept", "Sure, happy to")


def test_a_redelivered_reply_announces_again_and_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    ask = _asked_margaret(aws)

    _reply(aws, ask, "Yes!")
    _reply(aws, ask, "Yes!")  # SES delivers again

    assert _ask_status() == "accepted"
    assert len(aws.bus.of_type(AskAnsweredByEmail)) == 2
    assert len(set(aws.bus.of_type(AskAnsweredByEmail))) == 1  # the same announcement: consumers act once


def test_a_reply_from_someone_else_or_failing_a_verdict_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    ask = _asked_margaret(aws)

    _reply(aws, ask, "Yes", sender="mallory@evil.example", message_id="forged")
    _reply(aws, ask, "Yes", message_id="spammy", spam="FAIL")
    _reply(aws, ask, "Yes", message_id="unsigned", spf="FAIL", dkim="FAIL")

    assert _ask_status() == "asked"
    assert aws.bus.of_type(AskAnsweredByEmail) == []
    checks = wiring.repository().get_inbound("forged").checks
    assert checks is not None and checks["sender"] is False and checks["spam"] is True


def test_an_out_of_office_reply_is_never_an_answer(aws: AwsWorld, demo: dict) -> None:
    ask = _asked_margaret(aws)

    _reply(aws, ask, "Yes, I am out until Monday.", message_id="auto", headers="Auto-Submitted: auto-replied\r\n")
    away = "Yes, I am away until Monday; I will answer then."
    _reply(aws, ask, away, message_id="ooo", subject="Automatic reply: " + ask["subject"])

    assert _ask_status() == "asked"
    assert wiring.repository().get_inbound("auto").intent == "auto_reply"
    assert wiring.repository().get_inbound("ooo").intent == "auto_reply"


def test_doubt_declines_and_a_question_goes_to_the_requester(aws: AwsWorld, demo: dict) -> None:
    ask = _asked_margaret(aws)

    _reply(aws, ask, "Sure, but what is the context?", message_id="q")
    [follow_up] = aws.bus.of_type(ReplyNeedsFollowUp)
    call_function("notify.app", eventbridge_event(follow_up))
    assert _ask_status() == "asked"
    [question] = [m for m in aws.sent_emails() if m["to"] == [RILEY] and "has a question" in m["subject"]]
    assert '"Sure, but what is the context?"' in question["text"]

    _reply(aws, ask, "Not sure I know her well enough \u2014 who else?", message_id="doubt")

    assert _ask_status() == "declined"
    assert [a.answer for a in aws.bus.of_type(AskAnsweredByEmail)] == ["declined"]


def test_an_unclear_reply_gets_the_one_click_links_again(aws: AwsWorld, demo: dict) -> None:
    ask = _asked_margaret(aws)

    _reply(aws, ask, "Happy to, but can't this month", message_id="mixed")
    [follow_up] = aws.bus.of_type(ReplyNeedsFollowUp)
    call_function("notify.app", eventbridge_event(follow_up))

    assert _ask_status() == "asked"
    again = [m for m in aws.sent_emails() if m["to"] == [MARGARET]][-1]
    assert "We could not tell from your reply" in again["text"]
    assert len([u for u in again["links"] if "/a/" in u]) == 2
