"""Answering an ask by replying to its email, through the real inbound function with SES's receipt event."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warmpath import wiring
from warmpath.events import AskAnsweredByEmail, ReplyNeedsFollowUp
from warmpath.intent import classify

from tests.conftest import AwsWorld, call_function, eventbridge_event
from tests.data.intent_cases import every_accept, every_blocker
from tests.integration.conftest import MARGARET, RILEY
from tests.integration.flows import asked_margaret, reply


def _ask_status() -> str:
    [ask] = [a for a in wiring.repository().get_request_bundle("demo", _request_id()).asks]
    return ask.status


def _request_id() -> str:
    return wiring.repository().list_requests("demo", requester=RILEY)[0].request_id


@pytest.mark.usefixtures("single_opt_in")
def test_a_trusted_yes_by_reply_accepts_once_and_the_introduction_follows(aws: AwsWorld, demo: dict) -> None:
    ask = asked_margaret(aws)
    assert re.match(r"^reply\+[0-9a-f]{24}@", ask["reply_to"][0])

    reply(aws, ask, "Sure, happy to")

    assert _ask_status() == "accepted"
    [answered] = aws.bus.of_type(AskAnsweredByEmail)
    assert answered.answer == "accepted"
    call_function("notify.app", eventbridge_event(answered))
    [intro] = [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]
    assert intro["cc"] == [RILEY, MARGARET]
    stored = wiring.repository().get_inbound("reply-1")
    assert (stored.intent, stored.visible_text) == ("accept", "Sure, happy to")


def test_a_redelivered_reply_announces_again_and_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    ask = asked_margaret(aws)

    reply(aws, ask, "Yes!")
    reply(aws, ask, "Yes!")  # SES delivers again

    assert _ask_status() == "accepted"
    assert len(aws.bus.of_type(AskAnsweredByEmail)) == 2
    assert len(set(aws.bus.of_type(AskAnsweredByEmail))) == 1  # the same announcement: consumers act once


def test_a_reply_from_someone_else_or_failing_a_verdict_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    ask = asked_margaret(aws)

    reply(aws, ask, "Yes", sender="mallory@evil.example", message_id="forged")
    reply(aws, ask, "Yes", message_id="spammy", spam="FAIL")
    reply(aws, ask, "Yes", message_id="unsigned", spf="FAIL", dkim="FAIL")

    assert _ask_status() == "asked"
    assert aws.bus.of_type(AskAnsweredByEmail) == []
    checks = wiring.repository().get_inbound("forged").checks
    assert checks is not None and checks["sender"] is False and checks["spam"] is True


def test_an_out_of_office_reply_is_never_an_answer(aws: AwsWorld, demo: dict) -> None:
    ask = asked_margaret(aws)

    reply(aws, ask, "Yes, I am out until Monday.", message_id="auto", headers="Auto-Submitted: auto-replied\r\n")
    away = "Yes, I am away until Monday; I will answer then."
    reply(aws, ask, away, message_id="ooo", subject="Automatic reply: " + ask["subject"])

    assert _ask_status() == "asked"
    assert wiring.repository().get_inbound("auto").intent == "auto_reply"
    assert wiring.repository().get_inbound("ooo").intent == "auto_reply"


def test_doubt_declines_and_a_question_goes_to_the_requester(aws: AwsWorld, demo: dict) -> None:
    ask = asked_margaret(aws)

    reply(aws, ask, "Sure, but what is the context?", message_id="q")
    [follow_up] = aws.bus.of_type(ReplyNeedsFollowUp)
    call_function("notify.app", eventbridge_event(follow_up))
    assert _ask_status() == "asked"
    [question] = [m for m in aws.sent_emails() if m["to"] == [RILEY] and "has a question" in m["subject"]]
    assert '"Sure, but what is the context?"' in question["text"]

    reply(aws, ask, "Not sure I know her well enough \u2014 who else?", message_id="doubt")

    assert _ask_status() == "declined"
    assert [a.answer for a in aws.bus.of_type(AskAnsweredByEmail)] == ["declined"]


def test_an_unclear_reply_gets_the_one_click_links_again(aws: AwsWorld, demo: dict) -> None:
    ask = asked_margaret(aws)

    reply(aws, ask, "Happy to, but can't this month", message_id="mixed")
    [follow_up] = aws.bus.of_type(ReplyNeedsFollowUp)
    call_function("notify.app", eventbridge_event(follow_up))

    assert _ask_status() == "asked"
    again = [m for m in aws.sent_emails() if m["to"] == [MARGARET]][-1]
    assert "We could not tell from your reply" in again["text"]
    assert len([u for u in again["links"] if "/a/" in u]) == 2


def test_an_emphatic_refusal_by_reply_declines_and_introduces_no_one(aws: AwsWorld, demo: dict) -> None:
    # Given Margaret was asked, when she replies "Absolutely not!"
    ask = asked_margaret(aws)

    reply(aws, ask, "Absolutely not!", message_id="refusal")
    for event in aws.bus.of_type(AskAnsweredByEmail):
        call_function("notify.app", eventbridge_event(event))

    # Then the ask is declined and nobody is introduced
    assert _ask_status() == "declined"
    assert [a.answer for a in aws.bus.of_type(AskAnsweredByEmail)] == ["declined"]
    assert [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")] == []
    assert wiring.repository().get_inbound("refusal").intent == "decline"


@pytest.mark.usefixtures("single_opt_in")
def test_a_yes_but_not_now_by_reply_introduces_no_one_and_gets_the_links_again(aws: AwsWorld, demo: dict) -> None:
    # Given Margaret was asked, when she replies "Sure, but not now"
    ask = asked_margaret(aws)

    reply(aws, ask, "Sure, but not now", message_id="deferred")
    [follow_up] = aws.bus.of_type(ReplyNeedsFollowUp)
    call_function("notify.app", eventbridge_event(follow_up))

    # Then the ask stays open, nobody is introduced, and she gets the one-click links again
    assert _ask_status() == "asked"
    assert aws.bus.of_type(AskAnsweredByEmail) == []
    assert follow_up.intent == "unclear"
    assert [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")] == []
    again = [m for m in aws.sent_emails() if m["to"] == [MARGARET]][-1]
    assert "We could not tell from your reply" in again["text"]
    assert len([u for u in again["links"] if "/a/" in u]) == 2


_BLOCKED_YES = st.builds(
    lambda accept, joiner, blocker: accept + joiner + blocker,
    st.sampled_from(every_accept()),
    st.sampled_from([", ", ". ", " \u2014 ", "\r\n", "\u2026 "]),
    st.sampled_from(every_blocker()),
)
_ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200).filter(
    lambda text: classify(text).kind != "accept"
)
_asks: dict[int, tuple[AwsWorld, dict[str, Any]]] = {}
_message_ids = itertools.count()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(_BLOCKED_YES, _ANY_TEXT))
def test_property_no_blocked_yes_or_other_text_by_reply_ever_accepts_or_fails(
    aws: AwsWorld, demo: dict, text: str
) -> None:
    # Given Margaret was asked (once per test), when she replies with a blocked yes or any text that is no yes
    if _asks.get(id(aws), (None,))[0] is not aws:  # Hypothesis runs every example in the same fixture
        _asks[id(aws)] = (aws, asked_margaret(aws))
    ask = _asks[id(aws)][1]

    reply(aws, ask, text, message_id=f"property-{next(_message_ids)}")  # the handler returns: no exception

    # Then the ask is never accepted and nobody is introduced
    assert _ask_status() in ("asked", "declined")
    assert "accepted" not in [a.answer for a in aws.bus.of_type(AskAnsweredByEmail)]
    assert [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")] == []


def test_a_reply_too_large_to_read_answers_nothing_and_its_sender_gets_one_polite_note(
    aws: AwsWorld, demo: dict
) -> None:
    from warmpath.events import InboundTooLarge

    ask = asked_margaret(aws)
    huge = "Yes, happy to.\r\n" + "x" * 10_500_000

    reply(aws, ask, huge, message_id="huge")
    reply(aws, ask, huge, message_id="huge")  # SES delivers again
    reply(aws, ask, huge, message_id="forged-huge", spf="FAIL", dkim="FAIL")
    for event in aws.bus.of_type(InboundTooLarge):
        call_function("notify.app", eventbridge_event(event))

    assert _ask_status() == "asked"
    assert [e.message_id for e in aws.bus.of_type(InboundTooLarge)] == ["huge", "forged-huge"]
    [note] = [m for m in aws.sent_emails() if m["subject"] == "Your email was too large for us to read"]
    assert note["to"] == [MARGARET] and "the limit is 10 MB" in note["text"]
