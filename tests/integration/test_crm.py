"""CRM webhooks in, attribution, conversions and rewards -- through the crm function's public entry points with
the providers' real samples (Salesforce's Outbound Message, HubSpot's signing scheme)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from warmpath import crm, wiring
from warmpath.events import AskAnswered, DealStageChanged, IntroductionConverted

from tests.conftest import SHARED_FIXTURES, AwsWorld, api_event, aws_client, call_function, eventbridge_event
from tests.integration.conftest import MARGARET, PRIYA_EMAIL
from tests.integration.flows import asked_margaret, click

SALESFORCE = SHARED_FIXTURES / "crm_webhooks" / "salesforce" / "aspnet-WebHooks" / "RequestBodies"
HUBSPOT_SECRET = "hubspot-app-secret-0123456789"
HOOK_SECRET = "generic-hook-secret-0123456789"
SALESFORCE_KEY = "sf-endpoint-key-0123456789-0123456789-0123"  # as crm configure makes (token_urlsafe(32))
NOW = datetime.now(UTC)


@pytest.fixture
def configured(aws: AwsWorld, demo: dict) -> None:
    prefix = aws.env["CRM_SECRETS_PREFIX"]
    for provider, value in (
        ("salesforce", {"org_id": "012345678901234", "secret": SALESFORCE_KEY}),
        ("hubspot", {"secret": HUBSPOT_SECRET}),
        ("webhook", {"secret": HOOK_SECRET}),
    ):
        aws_client("ssm").put_parameter(
            Name=f"{prefix}/demo/{provider}", Value=json.dumps(value), Type="SecureString", Overwrite=True
        )


def _post(
    provider: str,
    body: str,
    headers: dict[str, str] | None = None,
    tenant: str = "demo",
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    content_type = "text/xml; charset=utf-8" if provider == "salesforce" else "application/json"
    if provider == "salesforce" and query is None:
        query = {"key": SALESFORCE_KEY}
    event = api_event("POST", f"/crm/{tenant}/{provider}", raw_body=body, content_type=content_type, headers=headers,
                      query=query)  # fmt: skip
    return call_function("crm.app", event)


def _hubspot(aws: AwsWorld, events: list[dict[str, Any]], *, secret: str = HUBSPOT_SECRET, age: int = 0) -> dict:
    body = json.dumps(events)
    stamp = str(int((time.time() - age) * 1000))
    uri = f"{aws.env['PUBLIC_BASE_URL']}/crm/demo/hubspot"
    signature = crm.hubspot_signature("v3", secret, method="POST", uri=uri, body=body, timestamp=stamp)
    return _post("hubspot", body, {"X-HubSpot-Signature-v3": signature, "X-HubSpot-Request-Timestamp": stamp})


def _generic(events: list[dict[str, Any]], *, secret: str = HOOK_SECRET) -> dict:
    body = json.dumps({"events": events})
    stamp = str(int(time.time()))
    signature = crm.generic_signature(secret, stamp, body)
    return _post("webhook", body, {"X-Warmpath-Timestamp": stamp, "X-Warmpath-Signature": signature})


def _event(event_id: str, kind: str, external_id: str, at: datetime, **fields: str) -> dict[str, Any]:
    return {"id": event_id, "type": kind, "external_id": external_id, "modified_at": at.isoformat(), "fields": fields}


def _deal(external_id: str, provider: str = "webhook") -> Any:
    return wiring.repository().get_crm_record("demo", "deal", provider, external_id)


# -- webhooks in -------------------------------------------------------------------------------------------


def test_the_salesforce_sample_is_stored_then_acknowledged(aws: AwsWorld, configured: None) -> None:
    result = _post("salesforce", (SALESFORCE / "Salesforce.xml").read_text())

    assert result["statusCode"] == 200
    assert "<Ack>true</Ack>" in result["body"] and "notificationsResponse" in result["body"]
    doug = wiring.repository().get_crm_record("demo", "contact", "salesforce", "0031I0000081tb0QAA")
    assert doug is not None and doug.fields.as_dict()["email"] == "drb24@cornell.edu"
    assert wiring.repository().find_person_ids(email="drb24@cornell.edu", linkedin_url=None)  # a known person now


def test_a_salesforce_message_from_another_organisation_is_refused_and_nothing_stored(
    aws: AwsWorld, configured: None
) -> None:
    other = (SALESFORCE / "Salesforce.xml").read_text().replace("012345678901234", "00D000000000001")

    result = _post("salesforce", other)

    assert result["statusCode"] == 401 and "<soapenv:Fault>" in result["body"]
    assert wiring.repository().get_crm_record("demo", "contact", "salesforce", "0031I0000081tb0QAA") is None


def test_a_replayed_salesforce_delivery_changes_nothing(aws: AwsWorld, configured: None) -> None:
    body = (SALESFORCE / "Salesforce.xml").read_text()
    _post("salesforce", body)
    before = wiring.repository().get_crm_record("demo", "contact", "salesforce", "0031I0000081tb0QAA")

    again = _post("salesforce", body)

    after = wiring.repository().get_crm_record("demo", "contact", "salesforce", "0031I0000081tb0QAA")
    assert again["statusCode"] == 200 and "<Ack>true</Ack>" in again["body"]
    assert (before.version, before.fields.as_dict()) == (after.version, after.fields.as_dict())


def test_an_unconfigured_tenant_or_unreadable_xml_gets_a_fault(aws: AwsWorld, configured: None) -> None:
    assert _post("salesforce", (SALESFORCE / "Salesforce.xml").read_text(), tenant="globex")["statusCode"] == 401
    broken = _post("salesforce", "<soapenv:Envelope")
    assert broken["statusCode"] == 400 and "not a Salesforce Outbound Message" in broken["body"]


def test_a_signed_hubspot_batch_creates_a_deal(aws: AwsWorld, configured: None) -> None:
    at = int(NOW.timestamp() * 1000)
    base = {"subscriptionId": 1, "portalId": 62515, "objectId": 901, "attemptNumber": 0, "appId": 5}
    batch = [
        {**base, "eventId": 11, "occurredAt": at, "subscriptionType": "deal.creation"},
        {**base, "eventId": 12, "occurredAt": at, "subscriptionType": "deal.propertyChange",
         "propertyName": "dealname", "propertyValue": "Northwind - platform"},
        {**base, "eventId": 13, "occurredAt": at, "subscriptionType": "deal.propertyChange",
         "propertyName": "dealstage", "propertyValue": "appointmentscheduled"},
    ]  # fmt: skip

    result = _hubspot(aws, batch)

    assert result["statusCode"] == 200 and json.loads(result["body"])["applied"] == 3
    deal = _deal("901", "hubspot")
    assert deal.fields.as_dict() == {"name": "Northwind - platform", "stage": "appointmentscheduled"}
    assert deal.stage == "open"


@pytest.mark.parametrize(
    ("secret", "age", "problem"),
    [("forged-secret-0123456789", 0, "does not match"), (HUBSPOT_SECRET, 600, "five minutes")],
)
def test_a_forged_or_stale_hubspot_delivery_is_refused_and_nothing_stored(
    aws: AwsWorld, configured: None, secret: str, age: int, problem: str
) -> None:
    event = {"eventId": 21, "objectId": 902, "occurredAt": 1, "subscriptionType": "deal.creation"}

    result = _hubspot(aws, [event], secret=secret, age=age)

    assert result["statusCode"] == 401 and problem in result["body"]
    assert _deal("902", "hubspot") is None


def test_out_of_order_changes_never_move_a_deal_backwards(aws: AwsWorld, configured: None) -> None:
    _generic([_event("e2", "deal", "d-1", NOW, stage="Closed Won", amount="5000")])
    _generic([_event("e1", "deal", "d-1", NOW - timedelta(hours=1), stage="Negotiation", name="Northwind")])

    deal = _deal("d-1")
    assert deal.fields.as_dict() == {"stage": "Closed Won", "amount": "5000", "name": "Northwind"}
    assert deal.stage == "closed_won"
    assert [e.stage for e in aws.bus.of_type(DealStageChanged)] == ["closed_won"]


@pytest.mark.parametrize(
    ("body", "headers", "status", "problem"),
    [
        ('{"events": []}', {"X-Warmpath-Timestamp": "1", "X-Warmpath-Signature": "sha256=00"}, 401, "five minutes"),
        ('{"events": []}', {}, 401, "required"),
    ],
)
def test_an_unsigned_generic_delivery_is_refused(
    aws: AwsWorld, configured: None, body: str, headers: dict, status: int, problem: str
) -> None:
    result = _post("webhook", body, headers)

    assert result["statusCode"] == status and problem in result["body"]


def test_a_bad_generic_delivery_says_what_to_fix_and_stores_nothing(aws: AwsWorld, configured: None) -> None:
    result = _generic([_event("e1", "deal", "d-9", NOW, colour="red")])

    assert result["statusCode"] == 400 and "unknown field(s) colour" in result["body"]
    assert _deal("d-9") is None


# -- attribution, conversion, rewards ------------------------------------------------------------------------


def _introduce_priya(aws: AwsWorld) -> str:
    """Margaret introduces Riley to Priya (single opt-in), with a closed-won reward rule."""
    rules = [
        {"trigger": "closed_won", "kind": "cash", "amount": 100, "percent": 1, "currency": "USD"},
        {"trigger": "introduction", "kind": "points", "amount": 10},
    ]
    wiring.repository().set_tenant_settings("demo", {"double_opt_in": False, "rewards": rules})
    ask = asked_margaret(aws)
    accept = next(u for u in ask["links"] if "/a/" in u).removeprefix("https://app.warmpath.test")
    click(accept)
    for answered in aws.bus.of_type(AskAnswered):
        call_function("notify.app", eventbridge_event(answered))
    request = wiring.repository().list_requests("demo")[0]
    assert request.status == "introduced"
    return str(request.request_id)


def _deliver_crm_events(aws: AwsWorld) -> None:
    from warmpath.events import IntroductionSent

    for contract in (*aws.bus.of_type(IntroductionSent), *aws.bus.of_type(DealStageChanged)):
        call_function("crm.events", eventbridge_event(contract))
    for converted in aws.bus.of_type(IntroductionConverted):
        call_function("notify.app", eventbridge_event(converted))


def test_a_deal_on_an_introduced_contact_is_attributed_and_closed_won_thanks_and_rewards(
    aws: AwsWorld, configured: None
) -> None:
    request_id = _introduce_priya(aws)
    later = NOW + timedelta(minutes=5)
    _generic([_event("c1", "contact", "c-1", later, email=PRIYA_EMAIL, first_name="Priya", last_name="Natarajan")])
    _generic([_event("d1", "deal", "d-1", later, contact="c-1", stage="Negotiation", amount="20000",
                     currency="USD", name="Northwind platform", created_at=later.isoformat())])  # fmt: skip
    deal = _deal("d-1")
    assert (deal.request_id, deal.attribution, deal.attributed_by) == (request_id, "sourced", "introduced contact")

    won = _event("d2", "deal", "d-1", later + timedelta(days=30), stage="Closed Won")
    _generic([won])
    _generic([won])  # the CRM retries
    _deliver_crm_events(aws)
    _deliver_crm_events(aws)  # EventBridge delivers again

    assert [e.stage for e in aws.bus.of_type(DealStageChanged)] == ["open", "closed_won"]
    ledger = wiring.repository().ledger_of("demo", MARGARET)
    assert sorted((e.trigger, e.reward_kind, float(e.amount)) for e in ledger) == [
        ("closed_won", "cash", 300.0),  # 100 + 1% of 20,000
        ("introduction", "points", 10.0),
    ]
    [thanks] = [m for m in aws.sent_emails() if "led to a closed deal" in m["subject"]]
    assert thanks["to"] == [MARGARET] and "300 USD (cash) for the closed deal" in thanks["text"]
    assert wiring.repository().get_request("demo", request_id).converted_deal == "webhook:d-1"


def test_a_deal_that_leaves_closed_won_reverses_its_reward_without_going_negative(
    aws: AwsWorld, configured: None
) -> None:
    from warmpath.models import RewardEntry
    from warmpath.rewards import balances

    request_id = _introduce_priya(aws)
    later = NOW + timedelta(minutes=5)
    _generic([_event("d1", "deal", "d-1", later, request_id=request_id, stage="Closed Won", amount="10000",
                     currency="USD")])  # fmt: skip
    _deliver_crm_events(aws)
    paid = RewardEntry(tenant="demo", connector_email=MARGARET, entry="paid", trigger="closed_won",
                       request_id=request_id, reward_kind="cash", amount=150, currency="USD")  # fmt: skip
    wiring.repository().book_reward(paid, "paid#1")

    _generic([_event("d2", "deal", "d-1", later + timedelta(days=3), stage="Negotiation")])
    _deliver_crm_events(aws)

    ledger = wiring.repository().ledger_of("demo", MARGARET)
    [reversal] = [e for e in ledger if e.entry == "reversed"]
    assert float(reversal.amount) == 50.0  # 200 earned, 150 paid: only the unpaid 50 comes back
    assert balances(ledger)[("cash", "USD")] == 0.0


def test_a_deal_at_the_introduced_accounts_domain_is_influenced_only_within_the_window(
    aws: AwsWorld, configured: None
) -> None:
    request_id = _introduce_priya(aws)
    wiring.repository().set_tenant_settings("demo", {"attribution_window_days": 30})
    _generic([_event("a1", "account", "a-1", NOW, name="Northwind Logistics", website="https://www.northwind.example")])
    before = NOW - timedelta(days=2)  # the deal existed before the introduction: influenced
    _generic([_event("d1", "deal", "d-1", NOW, account="a-1", stage="Proposal", created_at=before.isoformat())])
    much_later = NOW + timedelta(days=90)
    _generic([_event("d2", "deal", "d-2", much_later, account="a-1", created_at=much_later.isoformat())])

    assert (_deal("d-1").request_id, _deal("d-1").attribution) == (request_id, "influenced")
    assert _deal("d-1").attributed_by == "account domain"
    assert _deal("d-2").request_id is None


def test_a_connector_who_declines_cash_is_rewarded_with_recognition(aws: AwsWorld, configured: None) -> None:
    request_id = _introduce_priya(aws)
    margaret = wiring.repository().get_member("demo", MARGARET)
    margaret.update(actions=[type(margaret).declines_cash.set(True)])

    _generic([_event("d1", "deal", "d-1", NOW + timedelta(minutes=5), request_id=request_id, stage="Closed Won",
                     amount="10000")])  # fmt: skip
    _deliver_crm_events(aws)

    closed = [e for e in wiring.repository().ledger_of("demo", MARGARET) if e.trigger == "closed_won"]
    assert [(e.reward_kind, float(e.amount)) for e in closed] == [("recognition", 0.0)]


def test_a_new_target_account_shows_where_warm_paths_exist(aws: AwsWorld, configured: None) -> None:
    from warmpath.events import TargetAccountFlagged

    _generic([_event("a1", "account", "a-1", NOW, name="Northwind Logistics", target="true")])
    _generic([_event("a2", "account", "a-1", NOW + timedelta(minutes=1), owner="005x", target="true")])
    [flagged] = aws.bus.of_type(TargetAccountFlagged)  # once, when it became a target
    call_function("matching.app", eventbridge_event(flagged))

    [target] = wiring.repository().target_accounts("demo")
    connectors = [dict(c.as_dict()) if hasattr(c, "as_dict") else dict(c) for c in target.connectors]
    assert target.organisation == "Northwind Logistics" and connectors
    assert MARGARET in {c["email"] for c in connectors}
    assert all(int(c["ties"]) >= 1 for c in connectors)


def test_an_accounts_crm_owner_receives_its_offers(aws: AwsWorld, configured: None) -> None:
    from warmpath.identity import organisation_key

    wiring.repository().set_tenant_settings("demo", {"crm_owners": {"005RILEY": "riley@acme.example"}})

    _generic([_event("a1", "account", "a-1", NOW, name="Vandelay Industries", owner="005RILEY")])

    owner = wiring.repository().account_owner("demo", organisation_key("Vandelay Industries"))
    assert owner == "riley@acme.example"


def test_a_meeting_held_books_its_reward_once(aws: AwsWorld, configured: None) -> None:
    from warmpath.events import OutcomeRecorded

    request_id = _introduce_priya(aws)
    rules = [{"trigger": "meeting_held", "connector_type": "board_member", "kind": "charity", "amount": 50}]
    wiring.repository().set_tenant_settings("demo", {"double_opt_in": False, "rewards": rules})
    held = eventbridge_event(OutcomeRecorded(tenant="demo", request_id=request_id, outcome="meeting_held"))

    call_function("crm.events", held)
    call_function("crm.events", held)

    ledger = wiring.repository().ledger_of("demo", MARGARET)
    assert [(e.trigger, e.reward_kind, float(e.amount), e.currency) for e in ledger] == [
        ("meeting_held", "charity", 50.0, "USD")
    ]


def test_an_introduction_is_logged_on_the_contact_in_a_crm_with_write_back_on(aws: AwsWorld, configured: None) -> None:
    from warmpath.events import IntroductionSent

    config = {"secret": HUBSPOT_SECRET, "writeback": True, "access_token": "pat-na1-test"}
    aws_client("ssm").put_parameter(Name=f"{aws.env['CRM_SECRETS_PREFIX']}/demo/hubspot", Value=json.dumps(config),
                                    Type="SecureString", Overwrite=True)  # fmt: skip
    wiring.reset(keep_connection=True)  # forget the cached secret
    wiring.override(event_bus=aws.bus)
    at = int(NOW.timestamp() * 1000)
    contact = {"eventId": 31, "objectId": 501, "occurredAt": at, "subscriptionType": "contact.propertyChange",
               "propertyName": "email", "propertyValue": PRIYA_EMAIL}  # fmt: skip
    assert _hubspot(aws, [contact])["statusCode"] == 200
    posted: list[tuple[str, Any]] = []

    class Recorder:
        def post(self, url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
            posted.append((url, json.loads(body)))
            return 201, b'{"id": "77"}'

    wiring.override(crm_http=Recorder())
    _introduce_priya(aws)
    [sent] = aws.bus.of_type(IntroductionSent)
    call_function("crm.events", eventbridge_event(sent))

    [(url, note)] = posted
    assert url == "https://api.hubapi.com/crm/v3/objects/notes"
    assert note["associations"][0]["to"] == {"id": "501"}
    assert note["properties"]["hs_note_body"].startswith("Warm introduction: Riley Chen to Priya Natarajan")


def test_a_payment_is_recorded_only_up_to_what_is_owed(aws: AwsWorld, configured: None) -> None:
    from warmpath.rewards import balances, pay

    request_id = _introduce_priya(aws)
    _generic([_event("d1", "deal", "d-1", NOW + timedelta(minutes=5), request_id=request_id, stage="Closed Won",
                     amount="10000", currency="USD")])  # fmt: skip
    _deliver_crm_events(aws)
    repo = wiring.repository()

    with pytest.raises(ValueError, match=r"is owed 200\.00 USD"):
        pay(repo, tenant="demo", connector_email=MARGARET, kind="cash", currency="USD", amount=500, note="too much")
    pay(repo, tenant="demo", connector_email=MARGARET, kind="cash", currency="USD", amount=200, note="wire 42")

    assert balances(repo.ledger_of("demo", MARGARET))[("cash", "USD")] == 0.0
