"""Event contracts: every event Warmpath publishes, with its source, detail-type and detail model.

This module is the one place the contracts live. ``infra/template.yaml`` routes events to functions by
``source`` and ``detail-type``; a test checks that every rule there names a contract defined here.

| detail-type          | source            | published when                                  | consumed by |
|----------------------|-------------------|-------------------------------------------------|-------------|
| SignInRequested      | warmpath.intake   | someone asks for a magic sign-in link           | notify      |
| IntroRequested       | warmpath.intake   | a requester submits a request                   | matching    |
| AskRequested         | warmpath.intake   | a requester picks a connector to ask            | matching    |
| AskAnswered          | warmpath.intake   | a connector accepts or declines (once)          | notify, matching |
| AskApproved          | warmpath.intake   | a connector's approver let the ask through      | notify      |
| MatchingCompleted    | warmpath.matching | ranked paths (maybe none) are stored            | notify      |
| AskCreated           | warmpath.matching | a connector is asked                            | notify      |
| ConnectorsInvited    | warmpath.intake   | an admin's bulk invite was processed            | notify      |
| NetworkImported      | warmpath.matching | a network import job finished (done or failed)  | notify, matching |
| NetworkChanged       | warmpath.intake   | a connector rated a tie or changed its privacy  | matching    |
| AskAnsweredByEmail   | warmpath.notify   | a connector answered an ask by replying (once)  | notify, matching |
| ReplyNeedsFollowUp   | warmpath.notify   | a reply was a question or unclear               | notify      |
| IntroductionSent     | warmpath.notify   | the three-way introduction email went out       | (analytics) |
| InboundMailReceived  | warmpath.notify   | an email reached the inbound address            | (replies)   |
| AskReminderDue       | warmpath.schedule | an ask's reminder time came (Scheduler)         | notify      |
| AskExpiryDue         | warmpath.schedule | an ask's expiry time came (Scheduler)           | matching    |
| AskExpired           | warmpath.matching | an unanswered ask expired (once)                | notify      |
| TargetAnswered       | warmpath.intake   | the target said yes or no to being introduced   | notify      |
| MeetingCheckDue      | warmpath.schedule | a week after an introduction (Scheduler)        | notify      |
| OutcomeRecorded      | warmpath.intake   | the requester said how the introduction went    | (analytics) |
| DigestDue            | warmpath.schedule | the daily digest run (Scheduler, every tenant)  | notify      |
| InboundTooLarge      | warmpath.notify   | an inbound email was over the size limit        | notify      |
| TenantDigestDue      | warmpath.notify   | the digest run, fanned out to one tenant        | notify      |
| DealStageChanged     | warmpath.crm      | a CRM deal moved to another stage (once)        | crm (rewards) |
| TargetAccountFlagged | warmpath.crm      | a CRM account was flagged as a target           | matching    |
| IntroductionConverted| warmpath.crm      | an introduction's deal reached closed-won       | notify      |
| OfferMade            | warmpath.intake   | a connector offered to help with a request      | notify      |
| OfferMadeByEmail     | warmpath.notify   | a connector wrote to the offers address         | notify      |

Events carry ids, never secrets or message bodies: a consumer reads what it needs from the table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict

SOURCE_INTAKE = "warmpath.intake"
SOURCE_MATCHING = "warmpath.matching"
SOURCE_NOTIFY = "warmpath.notify"
SOURCE_CRM = "warmpath.crm"
SOURCE_SCHEDULE = "warmpath.schedule"  # put on the bus by EventBridge Scheduler (warmpath.schedules)


class EventContract(BaseModel):
    """Base of every event detail. Subclasses set SOURCE and DETAIL_TYPE."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    SOURCE: ClassVar[str]
    DETAIL_TYPE: ClassVar[str]

    tenant: str


class SignInRequested(EventContract):
    SOURCE = SOURCE_INTAKE
    DETAIL_TYPE = "SignInRequested"
    email: str
    attempt: str  # distinguishes two sign-in requests by the same person (both must be sent)


class IntroRequested(EventContract):
    SOURCE = SOURCE_INTAKE
    DETAIL_TYPE = "IntroRequested"
    request_id: str


class AskRequested(EventContract):
    SOURCE = SOURCE_INTAKE
    DETAIL_TYPE = "AskRequested"
    request_id: str
    path_id: str
    requested_by: str
    then: list[str] = []  # path ids to ask next, in order, if this connector declines


class AskAnswered(EventContract):
    SOURCE = SOURCE_INTAKE
    DETAIL_TYPE = "AskAnswered"
    request_id: str
    connector_email: str
    answer: Literal["accepted", "declined"]


class AskAnsweredByEmail(AskAnswered):
    """The same as AskAnswered, from a reply read by the inbound function (so from notify's source)."""

    SOURCE = SOURCE_NOTIFY
    DETAIL_TYPE = "AskAnsweredByEmail"


class ReplyNeedsFollowUp(EventContract):
    """A reply to an ask was a question (forwarded to the requester) or unclear (the connector gets links)."""

    SOURCE = SOURCE_NOTIFY
    DETAIL_TYPE = "ReplyNeedsFollowUp"
    request_id: str
    connector_email: str
    message_id: str
    intent: Literal["question", "unclear"]


class AskApproved(EventContract):
    SOURCE = SOURCE_INTAKE
    DETAIL_TYPE = "AskApproved"
    request_id: str
    connector_email: str


class ConnectorsInvited(EventContract):
    SOURCE = SOURCE_INTAKE
    DETAIL_TYPE = "ConnectorsInvited"
    batch_id: str


class MatchingCompleted(EventContract):
    SOURCE = SOURCE_MATCHING
    DETAIL_TYPE = "MatchingCompleted"
    request_id: str
    path_count: int
    joined_request_id: str | None = None  # set when the request joined another open request for its target
    new_paths: bool = False  # set when a network change gave an open request new paths


class AskCreated(EventContract):
    SOURCE = SOURCE_MATCHING
    DETAIL_TYPE = "AskCreated"
    request_id: str
    connector_email: str


class NetworkChanged(EventContract):
    """A connector's ties at these organisations changed (a rating, a privacy setting)."""

    SOURCE = SOURCE_INTAKE
    DETAIL_TYPE = "NetworkChanged"
    connector_email: str
    org_keys: list[str]


class NetworkImported(EventContract):
    """``tenant`` is the tenant the import was started from ("-" for an operator's import)."""

    SOURCE = SOURCE_MATCHING
    DETAIL_TYPE = "NetworkImported"
    job_id: str
    connector_email: str
    status: Literal["done", "failed"]


class IntroductionSent(EventContract):
    SOURCE = SOURCE_NOTIFY
    DETAIL_TYPE = "IntroductionSent"
    request_id: str
    connector_email: str


class InboundMailReceived(EventContract):
    SOURCE = SOURCE_NOTIFY
    DETAIL_TYPE = "InboundMailReceived"
    message_id: str


class InboundTooLarge(EventContract):
    """An email we received was too large to read: its (authenticated) sender gets a polite note."""

    SOURCE = SOURCE_NOTIFY
    DETAIL_TYPE = "InboundTooLarge"
    message_id: str
    size: int


class AskReminderDue(EventContract):
    SOURCE = SOURCE_SCHEDULE
    DETAIL_TYPE = "AskReminderDue"
    request_id: str
    connector_email: str
    due: str  # ISO time: a postponed reminder is a new event, not a repeat of the first


class AskExpiryDue(EventContract):
    SOURCE = SOURCE_SCHEDULE
    DETAIL_TYPE = "AskExpiryDue"
    request_id: str
    connector_email: str
    asked_at: str = ""  # the ask it is for: an ask asked again since (after approval) has its own expiry


class AskExpired(EventContract):
    SOURCE = SOURCE_MATCHING
    DETAIL_TYPE = "AskExpired"
    request_id: str
    connector_email: str


class TargetAnswered(EventContract):
    """The target of a double opt-in said yes (the introduction goes out) or no (the requester is told)."""

    SOURCE = SOURCE_INTAKE
    DETAIL_TYPE = "TargetAnswered"
    request_id: str
    connector_email: str
    answer: Literal["yes", "no"]


class MeetingCheckDue(EventContract):
    SOURCE = SOURCE_SCHEDULE
    DETAIL_TYPE = "MeetingCheckDue"
    request_id: str
    connector_email: str


class OutcomeRecorded(EventContract):
    SOURCE = SOURCE_INTAKE
    DETAIL_TYPE = "OutcomeRecorded"
    request_id: str
    outcome: Literal["meeting_held", "no_response", "not_a_fit"]


class DigestDue(EventContract):
    """``tenant`` is "*": one run covers every tenant; ``scheduled_time`` makes each day's run distinct."""

    SOURCE = SOURCE_SCHEDULE
    DETAIL_TYPE = "DigestDue"
    scheduled_time: str


class TenantDigestDue(EventContract):
    SOURCE = SOURCE_NOTIFY
    DETAIL_TYPE = "TenantDigestDue"
    scheduled_time: str


class DealStageChanged(EventContract):
    """A deal's stage changed (open, closed_won, closed_lost); ``request_id`` is its attributed introduction."""

    SOURCE = SOURCE_CRM
    DETAIL_TYPE = "DealStageChanged"
    deal: str  # provider:external id
    stage: str
    previous_stage: str | None = None
    request_id: str | None = None
    version: int  # the deal record's version: each change is its own event


class TargetAccountFlagged(EventContract):
    SOURCE = SOURCE_CRM
    DETAIL_TYPE = "TargetAccountFlagged"
    organisation: str
    account: str  # provider:external id


class IntroductionConverted(EventContract):
    SOURCE = SOURCE_CRM
    DETAIL_TYPE = "IntroductionConverted"
    request_id: str
    connector_email: str
    deal: str


class OfferMade(EventContract):
    SOURCE = SOURCE_INTAKE
    DETAIL_TYPE = "OfferMade"
    offer_id: str


class OfferMadeByEmail(OfferMade):
    SOURCE = SOURCE_NOTIFY
    DETAIL_TYPE = "OfferMadeByEmail"


CONTRACTS: dict[tuple[str, str], type[EventContract]] = {
    (c.SOURCE, c.DETAIL_TYPE): c
    for c in (
        SignInRequested,
        IntroRequested,
        AskRequested,
        AskAnswered,
        AskApproved,
        AskAnsweredByEmail,
        ReplyNeedsFollowUp,
        ConnectorsInvited,
        MatchingCompleted,
        AskCreated,
        NetworkImported,
        NetworkChanged,
        IntroductionSent,
        InboundMailReceived,
        InboundTooLarge,
        AskReminderDue,
        AskExpiryDue,
        AskExpired,
        TargetAnswered,
        MeetingCheckDue,
        OutcomeRecorded,
        DigestDue,
        TenantDigestDue,
        OfferMade,
        OfferMadeByEmail,
        DealStageChanged,
        TargetAccountFlagged,
        IntroductionConverted,
    )
}


class UnknownEvent(ValueError):
    """An event whose source and detail-type name no contract."""


def parse_event(event: dict[str, Any]) -> EventContract:
    """Turn an EventBridge event into its typed contract (raises on unknown or malformed events)."""
    key = (event.get("source", ""), event.get("detail-type", ""))
    contract = CONTRACTS.get(key)
    if contract is None:
        raise UnknownEvent(f"no contract for source={key[0]!r} detail-type={key[1]!r}")
    return contract.model_validate(event.get("detail") or {})


class EventBus(Protocol):
    """Port: publishes events. The adapter below talks to EventBridge; tests may pass a fake."""

    def publish(self, *events: EventContract) -> None: ...


class PublishFailed(RuntimeError):
    """EventBridge refused one or more entries."""


class EventBridgeBus:
    """Publishes contracts to an EventBridge bus, ten entries per PutEvents call, raising on failures."""

    MAX_ENTRIES = 10

    def __init__(self, bus_name: str, client: Any = None) -> None:
        self.bus_name = bus_name
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("events")
        return self._client

    def publish(self, *events: EventContract) -> None:
        entries = [
            {
                "Source": e.SOURCE,
                "DetailType": e.DETAIL_TYPE,
                "Detail": json.dumps(e.model_dump(mode="json")),
                "EventBusName": self.bus_name,
            }
            for e in events
        ]
        for batch in _chunks(entries, self.MAX_ENTRIES):
            response = self.client.put_events(Entries=batch)
            if response.get("FailedEntryCount"):
                failed = [e for e in response["Entries"] if e.get("ErrorCode")]
                raise PublishFailed(f"{len(failed)} event(s) were not published: {failed[0].get('ErrorCode')}")


def _chunks(items: Sequence[dict[str, Any]], size: int) -> list[Sequence[dict[str, Any]]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
