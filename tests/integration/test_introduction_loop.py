"""The introduction loop after an ask: double opt-in, the connector's own words, reminders and expiry,
"Did you meet?", preferences and unsubscribing -- through the functions' public entry points, with
EventBridge Scheduler's schedules fired as they would be."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import pytest
from warmpath import wiring
from warmpath.events import (
    AskAnswered,
    AskCreated,
    AskExpired,
    AskRequested,
    IntroductionSent,
    IntroRequested,
    MatchingCompleted,
    OutcomeRecorded,
    TargetAnswered,
)

from tests.conftest import AwsWorld, aws_client, call_function, call_intake, eventbridge_event
from tests.integration.conftest import (
    DAVID,
    MARGARET,
    PRIYA_EMAIL,
    RILEY,
    fire_schedules,
    priya_request,
    session_cookies,
)
from tests.integration.flows import asked_margaret, click, confirm_form, reply


def _links(email: dict[str, Any], prefix: str) -> list[str]:
    """The tokens of an email's links to ``/prefix/<token>``, in order."""
    return re.findall(rf"https://[^/\s]+/{prefix}/([A-Za-z0-9._~-]+)", email["text"])


def _deliver_all(aws: AwsWorld, module: str, contract: type) -> None:
    for event in aws.bus.of_type(contract):
        call_function(module, eventbridge_event(event))


def _request() -> Any:
    return wiring.repository().list_requests("demo", requester=RILEY)[0]


def _ask() -> Any:
    [ask] = wiring.repository().get_request_bundle("demo", _request().request_id).asks
    return ask


def _mail_to(aws: AwsWorld, email: str, subject_start: str = "") -> list[dict[str, Any]]:
    return [m for m in aws.sent_emails() if email in m["to"] and m["subject"].startswith(subject_start)]


def _accept(aws: AwsWorld, **fields: str) -> Any:
    ask_email = asked_margaret(aws)
    [accept, _decline] = _links(ask_email, "a")
    result = click(f"/a/{accept}", **fields)
    _deliver_all(aws, "notify.app", AskAnswered)
    return result


# -- double opt-in -----------------------------------------------------------------------------------


def test_with_double_opt_in_the_target_is_asked_before_any_introduction(aws: AwsWorld, demo: dict) -> None:
    result = _accept(aws)

    assert result.status == 200 and "whether they are happy to connect" in result.body
    [consent] = _mail_to(aws, PRIYA_EMAIL)
    assert consent["subject"] == "Margaret Hale would like to introduce you to Riley Chen"
    assert "happy to connect?" in consent["text"]
    assert consent["reply_to"] == [MARGARET]  # a question goes to someone the target knows
    assert not [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]
    assert _ask().target_asked_at is not None


def test_the_targets_yes_sends_the_introduction_once(aws: AwsWorld, demo: dict) -> None:
    _accept(aws)
    [consent] = _mail_to(aws, PRIYA_EMAIL)
    [yes, _no] = _links(consent, "t")

    page = call_intake("GET", f"/t/{yes}")  # a GET (a scanner, a preview) changes nothing
    assert page.status == 200 and _ask().target_answer is None
    form, cookies, _ = confirm_form(f"/t/{yes}")
    first = call_intake("POST", f"/t/{yes}", form=form, cookies=cookies)
    second = call_intake("POST", f"/t/{yes}", form=form, cookies=cookies)  # a double click
    _deliver_all(aws, "notify.app", TargetAnswered)

    assert first.status == second.status == 200
    [intro] = [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]
    assert intro["to"] == [PRIYA_EMAIL] and intro["cc"] == [RILEY, MARGARET]
    assert len(aws.bus.of_type(IntroductionSent)) == 1
    assert _request().status == "introduced"


def test_the_targets_no_tells_the_requester_politely_and_nothing_more(aws: AwsWorld, demo: dict) -> None:
    _accept(aws)
    [consent] = _mail_to(aws, PRIYA_EMAIL)
    [yes, no] = _links(consent, "t")
    yes_form, cookies, _ = confirm_form(f"/t/{yes}")  # the yes page was open in another tab

    click(f"/t/{no}")
    _deliver_all(aws, "notify.app", TargetAnswered)
    too_late = call_intake("POST", f"/t/{yes}", form=yes_form, cookies=cookies)

    [told] = _mail_to(aws, RILEY, "No introduction")
    assert "isn't able to connect right now" in told["text"]
    assert PRIYA_EMAIL not in told["text"] and "said no" not in told["text"].lower()
    assert not [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]
    assert _request().status == "target_declined"
    assert too_late.status == 409


def test_a_tampered_target_link_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    _accept(aws)
    [consent] = _mail_to(aws, PRIYA_EMAIL)
    [yes, _no] = _links(consent, "t")

    result = call_intake("GET", f"/t/{yes[:-3]}abc")

    assert result.status == 400
    assert _ask().target_answer is None


# -- the connector's own words -----------------------------------------------------------------------


@pytest.mark.usefixtures("single_opt_in")
def test_the_accept_page_suggests_the_introduction_and_sends_the_connectors_edit(aws: AwsWorld, demo: dict) -> None:
    ask_email = asked_margaret(aws)
    [accept, _] = _links(ask_email, "a")
    _, _, page = confirm_form(f"/a/{accept}")
    assert "I&#39;d like to introduce you to Riley Chen" in page.body  # the suggested words, escaped

    own = "Priya, Riley is the person I told you about at dinner.\n\nRiley, Priya runs sales at Northwind."
    click(f"/a/{accept}", intro_text=own)
    _deliver_all(aws, "notify.app", AskAnswered)

    [intro] = [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]
    assert "the person I told you about at dinner" in intro["text"]
    assert "I'd like to introduce you" not in intro["text"]
    assert "told you about at dinner" in intro["html"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [("   ", "The introduction is empty"), ("x" * 3001, "keep it under 3,000")],
)
def test_an_unusable_introduction_text_is_refused_and_nothing_is_stored(
    aws: AwsWorld, demo: dict, text: str, problem: str
) -> None:
    ask_email = asked_margaret(aws)
    [accept, _] = _links(ask_email, "a")

    result = click(f"/a/{accept}", intro_text=text)

    assert result.status == 400 and problem in result.body
    assert _ask().status == "asked" and _ask().intro_text is None
    assert aws.bus.of_type(AskAnswered) == []


@pytest.mark.usefixtures("single_opt_in")
def test_replying_yes_with_a_paragraph_of_ones_own_uses_it_as_the_introduction(aws: AwsWorld, demo: dict) -> None:
    from warmpath.events import AskAnsweredByEmail

    ask_email = asked_margaret(aws)
    own = "Priya, meet Riley: the most thoughtful seller I know. Riley, Priya leads sales at Northwind."
    reply(aws, ask_email, f"Sure, happy to.\r\n\r\n{own}")
    _deliver_all(aws, "notify.app", AskAnsweredByEmail)

    [intro] = [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]
    assert "the most thoughtful seller I know" in intro["text"]


# -- reminders and expiry ------------------------------------------------------------------------------


def _schedules() -> list[dict[str, Any]]:
    scheduler = aws_client("scheduler")
    return [scheduler.get_schedule(Name=s["Name"]) for s in scheduler.list_schedules()["Schedules"]]


def test_an_ask_schedules_its_reminder_and_expiry_from_the_tenants_settings(aws: AwsWorld, demo: dict) -> None:
    wiring.repository().set_tenant_settings("demo", {"ask_reminder_days": 2, "ask_expiry_days": 5})

    asked_margaret(aws)

    asked_at = _ask().asked_at.replace(tzinfo=None)
    due = {
        s["Target"]["EventBridgeParameters"]["DetailType"]: datetime.fromisoformat(s["ScheduleExpression"][3:-1])
        for s in _schedules()
        if s["Name"].startswith("ask-")
    }
    assert set(due) == {"AskReminderDue", "AskExpiryDue"}
    assert abs(due["AskReminderDue"] - (asked_at + timedelta(days=2))) < timedelta(seconds=1)
    assert abs(due["AskExpiryDue"] - (asked_at + timedelta(days=5))) < timedelta(seconds=1)
    assert all(s["Target"]["Arn"] == aws.env["EVENT_BUS_ARN"] for s in _schedules())


def test_an_unanswered_ask_is_reminded_once_with_one_click_unsubscribe(aws: AwsWorld, demo: dict) -> None:
    asked_margaret(aws)

    [due] = [e for e in fire_schedules(aws, days=3.1) if e["detail-type"] == "AskReminderDue"]
    call_function("notify.app", due)
    call_function("notify.app", due)  # EventBridge delivers again

    [reminder] = _mail_to(aws, MARGARET, "Reminder:")
    assert reminder["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"
    unsubscribe = urlparse(reminder["list_unsubscribe"].strip("<>")).path
    assert "Email preferences:" in reminder["text"]
    assert _ask().reminded_at is not None

    result = call_intake(
        "POST", unsubscribe, raw_body="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert result.status == 200
    assert wiring.repository().get_member("demo", MARGARET).reminders is False


def test_an_answered_ask_gets_no_reminder_and_does_not_expire(aws: AwsWorld, demo: dict) -> None:
    ask_email = asked_margaret(aws)
    [_, decline] = _links(ask_email, "a")
    click(f"/a/{decline}")
    before = len(aws.sent_emails())

    for event in fire_schedules(aws, days=8):
        module = "matching.app" if event["detail-type"] == "AskExpiryDue" else "notify.app"
        call_function(module, event)

    assert len(aws.sent_emails()) == before
    assert _ask().status == "declined"
    assert aws.bus.of_type(AskExpired) == []


def test_an_out_of_office_reply_postpones_the_reminder(aws: AwsWorld, demo: dict) -> None:
    ask_email = asked_margaret(aws)
    reply(aws, ask_email, "I am away until Monday.", message_id="ooo", headers="Auto-Submitted: auto-replied\r\n")
    assert _ask().reminder_after is not None

    [due] = [e for e in fire_schedules(aws, days=3.1) if e["detail-type"] == "AskReminderDue"]
    call_function("notify.app", due)

    assert _mail_to(aws, MARGARET, "Reminder:") == []
    [later] = [s for s in _schedules() if s["Target"]["EventBridgeParameters"]["DetailType"] == "AskReminderDue"]
    assert datetime.fromisoformat(later["ScheduleExpression"][3:-1]) > datetime.now(UTC).replace(tzinfo=None)


def test_an_expired_ask_moves_on_to_the_next_connector_on_the_list(aws: AwsWorld, demo: dict) -> None:
    created = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=session_cookies(RILEY)).json()
    call_function("matching.app", eventbridge_event(aws.bus.of_type(IntroRequested)[-1]))
    request_id = created["request_id"]
    paths = call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(RILEY)).json()["paths"]
    by_name = {p["connector_name"]: p["path_id"] for p in paths}
    body = {"path_id": by_name["Margaret Hale"], "then": [by_name["David Kim"]]}
    call_intake("POST", f"/api/requests/{request_id}/asks", json_body=body, cookies=session_cookies(RILEY))
    call_function("matching.app", eventbridge_event(aws.bus.of_type(AskRequested)[-1]))
    call_function("notify.app", eventbridge_event(aws.bus.of_type(AskCreated)[-1]))

    [expiry] = [e for e in fire_schedules(aws, days=7.1) if e["detail-type"] == "AskExpiryDue"]
    call_function("matching.app", expiry)
    call_function("matching.app", expiry)  # delivered twice: one expiry, one next ask

    bundle = wiring.repository().get_request_bundle("demo", request_id)
    assert {a.connector_email: a.status for a in bundle.asks} == {MARGARET: "expired", DAVID: "asked"}
    assert len({e.connector_email for e in aws.bus.of_type(AskCreated)}) == 2
    assert len(set(aws.bus.of_type(AskExpired))) == 1
    call_function("notify.app", eventbridge_event(aws.bus.of_type(AskExpired)[0]))
    [told] = _mail_to(aws, RILEY, "No answer from")
    assert "David Kim" in told["text"]
    assert wiring.repository().get_member("demo", MARGARET).last_declined_at is None  # not held as a decline


# -- "Did you meet?" -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("single_opt_in")
def test_a_week_after_the_introduction_the_requester_is_asked_how_it_went(aws: AwsWorld, demo: dict) -> None:
    _accept(aws)
    [check] = [e for e in fire_schedules(aws, days=7.1) if e["detail-type"] == "MeetingCheckDue"]
    call_function("notify.app", check)

    [email] = _mail_to(aws, RILEY, "Did you meet")
    held, no_response, _not_a_fit = _links(email, "o")
    assert call_intake("GET", f"/o/{held}").status == 200 and _request().outcome is None
    other_form, cookies, _ = confirm_form(f"/o/{no_response}")  # open in another tab
    first = click(f"/o/{held}")
    other = call_intake("POST", f"/o/{no_response}", form=other_form, cookies=cookies)

    assert first.status == 200 and other.status == 409
    assert _request().outcome == "meeting_held"
    assert [e.outcome for e in aws.bus.of_type(OutcomeRecorded)] == ["meeting_held"]


# -- preferences -------------------------------------------------------------------------------------------


def test_every_ask_links_to_preferences_that_only_a_post_with_the_pages_token_changes(
    aws: AwsWorld, demo: dict
) -> None:
    ask_email = asked_margaret(aws)
    [token] = _links(ask_email, "p")
    path = f"/p/{token}"
    assert call_intake("GET", path).status == 200

    refused = call_intake("POST", path, form={"digest": "never"})
    snooze = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    saved = click(path, digest="daily", snooze_until=snooze)

    member = wiring.repository().get_member("demo", MARGARET)
    assert refused.status == 403
    assert saved.status == 200 and "Saved." in saved.body
    assert (member.digest, member.reminders, member.paused) == ("daily", False, False)
    assert member.snoozed_until is not None and member.snoozed_until.date().isoformat() == snooze


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"digest": "hourly"}, "Choose how often"),
        ({"digest": "weekly", "snooze_until": "next week"}, "YYYY-MM-DD"),
        ({"digest": "weekly", "snooze_until": "2020-01-01"}, "a day after today"),
    ],
)
def test_bad_preferences_are_refused_and_nothing_changes(
    aws: AwsWorld, demo: dict, fields: dict[str, str], problem: str
) -> None:
    ask_email = asked_margaret(aws)
    [token] = _links(ask_email, "p")

    result = click(f"/p/{token}", reminders="on", **fields)

    member = wiring.repository().get_member("demo", MARGARET)
    assert result.status == 400 and problem in result.body
    assert (member.digest, member.reminders, member.snoozed_until) == ("weekly", True, None)


def test_opting_out_stops_asks_and_can_be_undone(aws: AwsWorld, demo: dict) -> None:
    ask_email = asked_margaret(aws)
    [token] = _links(ask_email, "p")

    click(f"/p/{token}", digest="weekly", opted_out="on")
    assert wiring.repository().get_member("demo", MARGARET).status == "opted_out"
    click(f"/p/{token}", digest="weekly")
    assert wiring.repository().get_member("demo", MARGARET).status == "joined"


# -- deliverability and branding -------------------------------------------------------------------------


def test_no_email_reaches_a_suppressed_address(aws: AwsWorld, demo: dict) -> None:
    wiring.repository().suppress(MARGARET, "bounce")

    created = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=session_cookies(RILEY)).json()
    call_function("matching.app", eventbridge_event(aws.bus.of_type(IntroRequested)[-1]))
    path = call_intake("GET", f"/api/requests/{created['request_id']}", cookies=session_cookies(RILEY)).json()
    body = {"path_id": next(p["path_id"] for p in path["paths"] if p["connector_name"] == "Margaret Hale")}
    call_intake("POST", f"/api/requests/{created['request_id']}/asks", json_body=body, cookies=session_cookies(RILEY))
    call_function("matching.app", eventbridge_event(aws.bus.of_type(AskRequested)[-1]))
    call_function("notify.app", eventbridge_event(aws.bus.of_type(AskCreated)[-1]))
    call_function("notify.app", eventbridge_event(aws.bus.of_type(MatchingCompleted)[-1]))

    assert _mail_to(aws, MARGARET) == []
    assert _mail_to(aws, RILEY)  # the requester still hears about their request


def test_emails_carry_the_tenants_logo_and_colour(aws: AwsWorld, demo: dict) -> None:
    brand = {"colour": "#ffcc00", "logo_url": "https://cdn.acme.example/logo.png"}
    wiring.repository().set_tenant_settings("demo", {"brand": brand})

    ask_email = asked_margaret(aws)

    assert 'src="https://cdn.acme.example/logo.png"' in ask_email["html"]
    assert 'alt="Acme Analytics"' in ask_email["html"]  # the logo says whose it is
    assert "#ffcc00" in ask_email["html"]
    assert "color:#111111" in ask_email["html"]  # dark text: white on yellow would be unreadable
