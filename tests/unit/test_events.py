"""Event contracts (warmpath.events): parsing EventBridge events and publishing them in batches."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from warmpath.events import (
    CONTRACTS,
    AskAnswered,
    AskCreated,
    EventBridgeBus,
    EventContract,
    IntroRequested,
    MatchingCompleted,
    PublishFailed,
    SignInRequested,
    UnknownEvent,
    parse_event,
)

# ../shared/fixtures next to the repository (WARMPATH_FIXTURES overrides it, as in tests/conftest.py).
SHARED_FIXTURES = Path(os.environ.get("WARMPATH_FIXTURES", Path(__file__).resolve().parents[3] / "shared" / "fixtures"))
FIXTURE = SHARED_FIXTURES / "aws_events" / "powertools-lambda-python" / "events" / "eventBridgeEvent.json"


@pytest.fixture(scope="module")
def aws_event() -> dict[str, Any]:
    """A real EventBridge envelope (from the Powertools fixtures), to be given a Warmpath source and detail."""
    return json.loads(FIXTURE.read_text())  # type: ignore[no-any-return]


def envelope(aws_event: dict[str, Any], source: str, detail_type: str, detail: Any) -> dict[str, Any]:
    event = copy.deepcopy(aws_event)
    event.update({"source": source, "detail-type": detail_type, "detail": detail})
    return event


class FakeEventsClient:
    """Stands in for boto3's EventBridge client: records every PutEvents call, answers with a canned response."""

    def __init__(self, responses: list[dict[str, Any]] | None = None) -> None:
        self.calls: list[list[dict[str, Any]]] = []
        self.responses = responses or []

    def put_events(self, *, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append(list(Entries))
        if self.responses:
            return self.responses.pop(0)
        return {"FailedEntryCount": 0, "Entries": [{"EventId": f"e{i}"} for i in range(len(Entries))]}


@pytest.mark.parametrize(
    ("contract", "detail"),
    [
        (SignInRequested, {"tenant": "acme", "email": "rita@acme.example", "attempt": "a1"}),
        (IntroRequested, {"tenant": "acme", "request_id": "r1"}),
        (AskAnswered, {"tenant": "acme", "request_id": "r1", "connector_email": "c@a.example", "answer": "declined"}),
        (
            MatchingCompleted,
            {"tenant": "acme", "request_id": "r1", "path_count": 3, "joined_request_id": None, "new_paths": False},
        ),
        (AskCreated, {"tenant": "acme", "request_id": "r1", "connector_email": "c@a.example"}),
    ],
)
def test_a_real_eventbridge_envelope_parses_into_its_contract(
    aws_event: dict[str, Any], contract: type[EventContract], detail: dict[str, Any]
) -> None:
    """Given the AWS envelope with a Warmpath source, detail-type and detail, then parse_event returns that contract."""
    event = envelope(aws_event, contract.SOURCE, contract.DETAIL_TYPE, detail)

    parsed = parse_event(event)

    assert type(parsed) is contract
    assert parsed.model_dump() == detail


def test_unknown_fields_in_the_detail_are_ignored(aws_event: dict[str, Any]) -> None:
    """Given a detail with a field a newer publisher added, then the consumer still parses it (extra=ignore)."""
    event = envelope(aws_event, "warmpath.intake", "IntroRequested", {"tenant": "acme", "request_id": "r1", "new": 1})

    assert parse_event(event) == IntroRequested(tenant="acme", request_id="r1")


def test_the_untouched_aws_event_is_an_unknown_event(aws_event: dict[str, Any]) -> None:
    with pytest.raises(UnknownEvent, match=r"aws\.ec2"):
        parse_event(aws_event)


@pytest.mark.parametrize(
    ("source", "detail_type"),
    [
        ("warmpath.intake", "NoSuchThing"),
        ("warmpath.nowhere", "IntroRequested"),
        ("warmpath.matching", "IntroRequested"),  # a real detail-type from the wrong source
        ("", ""),
    ],
)
def test_an_unknown_source_or_detail_type_raises_unknown_event(
    aws_event: dict[str, Any], source: str, detail_type: str
) -> None:
    event = envelope(aws_event, source, detail_type, {"tenant": "acme", "request_id": "r1"})

    with pytest.raises(UnknownEvent):
        parse_event(event)


def test_an_event_without_source_or_detail_type_raises_unknown_event() -> None:
    with pytest.raises(UnknownEvent):
        parse_event({"detail": {"tenant": "acme"}})


@pytest.mark.parametrize(
    "detail",
    [
        {"tenant": "acme"},  # request_id missing
        {"tenant": "acme", "request_id": "r1", "connector_email": "c@a.example", "answer": "maybe"},
        {"request_id": "r1", "connector_email": "c@a.example", "answer": "accepted"},  # tenant missing
        None,
        {},
    ],
)
def test_a_malformed_detail_raises_a_validation_error(aws_event: dict[str, Any], detail: Any) -> None:
    event = envelope(aws_event, "warmpath.intake", "AskAnswered", detail)

    with pytest.raises(ValidationError):
        parse_event(event)


def test_a_parsed_contract_is_frozen(aws_event: dict[str, Any]) -> None:
    parsed = parse_event(envelope(aws_event, "warmpath.intake", "IntroRequested", {"tenant": "a", "request_id": "r"}))

    with pytest.raises(ValidationError):
        parsed.tenant = "other"  # type: ignore[misc]


def test_every_contract_is_registered_under_its_own_source_and_detail_type() -> None:
    for (source, detail_type), contract in CONTRACTS.items():
        assert (source, detail_type) == (contract.SOURCE, contract.DETAIL_TYPE)
        assert source.startswith("warmpath.")


def test_publish_sends_source_detail_type_bus_name_and_json_detail() -> None:
    client = FakeEventsClient()
    bus = EventBridgeBus("warmpath-test", client=client)

    bus.publish(MatchingCompleted(tenant="acme", request_id="r1", path_count=2))

    assert len(client.calls) == 1
    (entry,) = client.calls[0]
    assert entry["Source"] == "warmpath.matching"
    assert entry["DetailType"] == "MatchingCompleted"
    assert entry["EventBusName"] == "warmpath-test"
    assert json.loads(entry["Detail"]) == {
        "tenant": "acme",
        "request_id": "r1",
        "path_count": 2,
        "joined_request_id": None,
        "new_paths": False,
    }


def test_a_published_detail_parses_back_into_the_same_contract() -> None:
    """Given a contract published through the bus, when a consumer parses the entry, then it gets the same event."""
    client = FakeEventsClient()
    sent = AskAnswered(tenant="acme", request_id="r1", connector_email="c@a.example", answer="accepted")

    EventBridgeBus("b", client=client).publish(sent)

    (entry,) = client.calls[0]
    received = {"source": entry["Source"], "detail-type": entry["DetailType"], "detail": json.loads(entry["Detail"])}
    assert parse_event(received) == sent


def test_publish_sends_at_most_ten_entries_per_call_in_order() -> None:
    """Given 23 events, when published, then PutEvents is called three times with 10, 10 and 3 entries."""
    client = FakeEventsClient()
    events = [IntroRequested(tenant="acme", request_id=f"r{i}") for i in range(23)]

    EventBridgeBus("warmpath-test", client=client).publish(*events)

    assert [len(call) for call in client.calls] == [10, 10, 3]
    sent_ids = [json.loads(entry["Detail"])["request_id"] for call in client.calls for entry in call]
    assert sent_ids == [f"r{i}" for i in range(23)]


def test_publish_of_exactly_ten_events_is_one_call() -> None:
    client = FakeEventsClient()

    EventBridgeBus("b", client=client).publish(*[IntroRequested(tenant="acme", request_id=str(i)) for i in range(10)])

    assert [len(call) for call in client.calls] == [10]


def test_publishing_nothing_makes_no_call() -> None:
    client = FakeEventsClient()

    EventBridgeBus("b", client=client).publish()

    assert client.calls == []


def test_publish_raises_when_eventbridge_refuses_an_entry() -> None:
    client = FakeEventsClient(
        responses=[
            {
                "FailedEntryCount": 1,
                "Entries": [{"EventId": "e0"}, {"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"}],
            }
        ]
    )

    with pytest.raises(PublishFailed, match="1 event\\(s\\) were not published: ThrottlingException"):
        EventBridgeBus("b", client=client).publish(
            IntroRequested(tenant="acme", request_id="r1"), IntroRequested(tenant="acme", request_id="r2")
        )


def test_publish_stops_at_the_first_failed_batch() -> None:
    """Given the first of three batches fails, then the error surfaces before the later batches are sent."""
    client = FakeEventsClient(responses=[{"FailedEntryCount": 10, "Entries": [{"ErrorCode": "InternalFailure"}] * 10}])

    with pytest.raises(PublishFailed):
        EventBridgeBus("b", client=client).publish(*[IntroRequested(tenant="a", request_id=str(i)) for i in range(23)])

    assert len(client.calls) == 1
