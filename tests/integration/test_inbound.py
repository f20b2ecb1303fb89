"""Inbound mail: SES's receipt event (real fixtures) is recorded once, with its verdicts."""

from __future__ import annotations

import copy

import pytest
from warmpath.events import InboundMailReceived
from warmpath.models import InboundMessage

from tests.conftest import AwsWorld, call_function, load_fixture

SES_FIXTURES = [
    "aws_events/aws-lambda-go/testdata/ses-lambda-event.json",
    "aws_events/powertools-lambda-python/events/sesEvent.json",
]


def _stored() -> list[InboundMessage]:
    return list(InboundMessage.scan())


@pytest.mark.parametrize("fixture", SES_FIXTURES)
def test_a_received_email_is_recorded_with_its_verdicts(aws: AwsWorld, fixture: str) -> None:
    event = load_fixture(fixture)
    mail = event["Records"][0]["ses"]["mail"]

    result = call_function("notify.inbound", event)

    assert result == {"recorded": [mail["messageId"]]}
    [stored] = _stored()
    assert stored.sender == mail["source"]
    assert stored.s3_key == f"inbound/{mail['messageId']}"
    assert stored.verdicts["spam"] == "PASS" and set(stored.verdicts) == {"spam", "virus", "spf", "dkim", "dmarc"}
    assert [e.message_id for e in aws.bus.of_type(InboundMailReceived)] == [mail["messageId"]]


def test_a_redelivered_email_is_recorded_once(aws: AwsWorld) -> None:
    event = load_fixture(SES_FIXTURES[0])

    call_function("notify.inbound", event)
    again = call_function("notify.inbound", copy.deepcopy(event))

    assert again == {"recorded": []}
    assert len(_stored()) == 1
    # Announced again (identically), so a retry after a lost announcement recovers it.
    assert len({e for e in aws.bus.of_type(InboundMailReceived)}) == 1


def test_failing_verdicts_are_kept_as_received(aws: AwsWorld) -> None:
    event = load_fixture(SES_FIXTURES[0])
    event["Records"][0]["ses"]["receipt"]["spfVerdict"] = {"status": "FAIL"}

    call_function("notify.inbound", event)

    [stored] = _stored()
    assert stored.verdicts["spf"] == "FAIL"


def test_an_email_without_a_subject_is_still_recorded(aws: AwsWorld) -> None:
    event = load_fixture(SES_FIXTURES[0])
    del event["Records"][0]["ses"]["mail"]["commonHeaders"]["subject"]

    result = call_function("notify.inbound", event)

    assert len(result["recorded"]) == 1
    [stored] = _stored()
    assert stored.subject is None


@pytest.mark.parametrize(
    ("verdicts", "sender", "trusted"),
    [
        ({"spam": "PASS", "virus": "PASS", "spf": "PASS", "dkim": "PASS", "dmarc": "PASS"}, "a@x.example", True),
        ({"spam": "PASS", "virus": "PASS", "spf": "FAIL", "dkim": "PASS", "dmarc": "PASS"}, "a@x.example", True),
        ({"spam": "PASS", "virus": "PASS", "spf": "FAIL", "dkim": "FAIL", "dmarc": "PASS"}, "a@x.example", False),
        ({"spam": "PASS", "virus": "PASS", "spf": "PASS", "dkim": "PASS", "dmarc": "FAIL"}, "a@x.example", False),
        ({"spam": "FAIL", "virus": "PASS", "spf": "PASS", "dkim": "PASS", "dmarc": "PASS"}, "a@x.example", False),
        ({"spam": "PASS", "virus": "FAIL", "spf": "PASS", "dkim": "PASS", "dmarc": "PASS"}, "a@x.example", False),
        ({"spam": "PASS", "virus": "PASS", "spf": "PASS", "dkim": "PASS", "dmarc": "PASS"}, "b@x.example", False),
    ],
)
def test_a_reply_is_acted_on_only_when_authenticated_clean_and_from_the_addressee(
    aws: AwsWorld, verdicts: dict[str, str], sender: str, trusted: bool
) -> None:
    from notify.inbound import trusted as is_trusted
    from warmpath.inbound_mail import read_mime

    message = InboundMessage(message_id="m", sender=sender, verdicts=verdicts)
    mime = read_mime(f"From: Someone <{sender}>\r\nSubject: Re\r\n\r\nYes".encode())

    assert is_trusted(message, mime, "A@x.example") is trusted
