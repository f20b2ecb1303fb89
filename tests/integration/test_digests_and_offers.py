"""Digests of open requests and offers to introduce: the daily run, "I can help", the offers address, and the
owner's one-click "Ask them" -- through the functions' public entry points."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest
from warmpath import wiring
from warmpath.events import (
    AskCreated,
    AskRequested,
    DigestDue,
    IntroRequested,
    OfferMade,
    OfferMadeByEmail,
    TenantDigestDue,
)
from warmpath.identity import organisation_key
from warmpath.models import OrgTies

from tests.conftest import AwsWorld, call_function, call_intake, eventbridge_event
from tests.integration.conftest import ADA, BEN, MARGARET, RILEY, priya_request, session_cookies
from tests.integration.flows import click, receive, scan_every_link, table_items

MONDAY, TUESDAY = "2026-11-23T08:00:00Z", "2026-11-24T08:00:00Z"
VANDELAY = {"target_name": "Ivo Marek", "target_company": "Vandelay Industries", "target_email": ""}


def _open_request(aws: AwsWorld) -> str:
    """A request nobody has a path for, at an organisation where Ben has private ties."""
    org_key = organisation_key("Vandelay Industries")
    ties = OrgTies(connector_email=BEN, org_key=org_key, organisation="Vandelay Industries", tie_count=2)
    wiring.repository().put_org_ties([ties])
    created = call_intake(
        "POST", "/api/requests", json_body=priya_request(**VANDELAY), cookies=session_cookies(RILEY)
    ).json()
    call_function("matching.app", eventbridge_event(aws.bus.of_type(IntroRequested)[-1]))
    assert wiring.repository().get_request("demo", created["request_id"]).status == "no_path"
    return str(created["request_id"])


def _digest_run(day: str) -> Any:
    return call_function("notify.app", eventbridge_event(TenantDigestDue(tenant="demo", scheduled_time=day)))


def _digests(aws: AwsWorld) -> list[dict[str, Any]]:
    return [m for m in aws.sent_emails() if "you may help with" in m["subject"]]


def _token(email: dict[str, Any], prefix: str) -> str:
    [token] = re.findall(rf"https://[^/\s]+/{prefix}/([A-Za-z0-9._~-]+)", email["text"])
    return token


def test_the_daily_run_fans_out_one_digest_run_per_tenant(aws: AwsWorld, demo: dict) -> None:
    event = DigestDue(tenant="*", scheduled_time=MONDAY)

    call_function("notify.app", eventbridge_event(event))

    assert {e.tenant for e in aws.bus.of_type(TenantDigestDue)} == {"demo", "globex"}


def test_a_weekly_digest_goes_on_monday_to_connectors_with_ties_there_once(aws: AwsWorld, demo: dict) -> None:
    _open_request(aws)

    _digest_run(TUESDAY)
    assert _digests(aws) == []  # weekly (the default) means Mondays
    _digest_run(MONDAY)
    _digest_run(MONDAY)  # a second run the same day sends nothing more

    [digest] = _digests(aws)
    assert digest["to"] == [BEN]
    assert "Ivo Marek" in digest["text"] and "I can help:" in digest["text"]
    assert digest["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"
    assert "Email preferences:" in digest["text"]


def test_a_daily_digest_reader_gets_one_on_tuesday_and_shows_all_lists_every_open_request(
    aws: AwsWorld, demo: dict
) -> None:
    _open_request(aws)
    repo = wiring.repository()
    repo.set_email_preferences(repo.get_member("demo", MARGARET), digest="daily")
    repo.set_tenant_settings("demo", {"digest_shows_all": True})

    _digest_run(TUESDAY)

    [digest] = _digests(aws)
    assert digest["to"] == [MARGARET]  # no tie at Vandelay, but the tenant shows every open request
    assert "Ivo Marek" in digest["text"]


def test_paused_or_unsubscribed_connectors_get_no_digest(aws: AwsWorld, demo: dict) -> None:
    _open_request(aws)
    _digest_run(MONDAY)
    [digest] = _digests(aws)
    unsubscribe = urlparse(digest["list_unsubscribe"].strip("<>")).path

    one_click = call_intake(
        "POST", unsubscribe, raw_body="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert one_click.status == 200
    assert wiring.repository().get_member("demo", BEN).digest == "never"


def test_i_can_help_reaches_the_owner_whose_click_asks_the_connector(aws: AwsWorld, demo: dict) -> None:
    request_id = _open_request(aws)
    _digest_run(MONDAY)
    [digest] = _digests(aws)
    help_path = f"/offer/{_token(digest, 'offer')}"

    assert call_intake("GET", help_path).status == 200  # a scanner's GET offers nothing
    assert aws.bus.of_type(OfferMade) == []
    click(help_path, note="I sat on a board with Ivo for years.")
    click(help_path, note="")  # a second click: still one offer
    for offer in aws.bus.of_type(OfferMade):
        call_function("notify.app", eventbridge_event(offer))

    [to_owner] = [m for m in aws.sent_emails() if "offers an introduction" in m["subject"]]
    assert to_owner["to"] == [ADA]  # no CRM owner known: the tenant's admin
    assert "I sat on a board with Ivo" in to_owner["text"]
    accept_path = f"/offers/{_token(to_owner, 'offers')}"
    click(accept_path)
    call_function("matching.app", eventbridge_event(aws.bus.of_type(AskRequested)[-1]))

    bundle = wiring.repository().get_request_bundle("demo", request_id)
    assert [a.connector_email for a in bundle.asks] == [BEN]
    assert [p.path_type for p in bundle.request.paths] == ["offered"]
    assert [e.connector_email for e in aws.bus.of_type(AskCreated)] == [BEN]
    again = call_intake("GET", accept_path)
    assert "asked already" in again.body


def test_an_offer_for_a_request_that_was_settled_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    request_id = _open_request(aws)
    _digest_run(MONDAY)
    [digest] = _digests(aws)
    wiring.repository().delete_request("demo", request_id)

    result = call_intake("GET", f"/offer/{_token(digest, 'offer')}")

    assert result.status == 400 and "no longer exists" in result.body


def _email_offers(aws: AwsWorld, sender: str, text: str, message_id: str) -> Any:
    return receive(aws, sender, f"offers@{aws.env['INBOUND_DOMAIN']}", "An introduction", text, message_id)


def test_writing_to_the_offers_address_offers_help_with_the_request_it_names(aws: AwsWorld, demo: dict) -> None:
    request_id = _open_request(aws)

    _email_offers(aws, BEN, "I know Ivo Marek well - we worked together at Vandelay.", "offer-1")
    _email_offers(aws, BEN, "I know Ivo Marek well - we worked together at Vandelay.", "offer-1")  # redelivered

    [offer_id] = {e.offer_id for e in aws.bus.of_type(OfferMadeByEmail)}
    offer = wiring.repository().get_offer("demo", offer_id)
    assert (offer.request_id, offer.connector_email, offer.owner_email) == (request_id, BEN, ADA)


def test_an_offer_naming_no_open_request_reaches_the_admin_as_a_lead(aws: AwsWorld, demo: dict) -> None:
    _email_offers(aws, BEN, "I know the CTO of Globex, happy to introduce anyone.", "lead-1")
    [event] = aws.bus.of_type(OfferMadeByEmail)
    call_function("notify.app", eventbridge_event(event))

    [lead] = [m for m in aws.sent_emails() if "offers an introduction" in m["subject"]]
    assert lead["to"] == [ADA] and "I know the CTO of Globex" in lead["text"]
    assert "Start a request:" in lead["text"] and "/offers/" not in lead["text"]


@pytest.mark.parametrize("sender", ["stranger@elsewhere.example", RILEY])
def test_only_a_connector_can_offer_by_email(aws: AwsWorld, demo: dict, sender: str) -> None:
    _open_request(aws)

    _email_offers(aws, sender, "I know Ivo Marek.", f"from-{sender}")

    assert aws.bus.of_type(OfferMadeByEmail) == []


def test_scanners_opening_a_digest_and_an_offer_change_nothing(aws: AwsWorld, demo: dict) -> None:
    _open_request(aws)
    _digest_run(MONDAY)
    [digest] = _digests(aws)
    click(f"/offer/{_token(digest, 'offer')}")
    for offer in aws.bus.of_type(OfferMade):
        call_function("notify.app", eventbridge_event(offer))
    emails = [m for m in aws.sent_emails() if "you may help" in m["subject"] or "offers an" in m["subject"]]
    assert len(emails) == 2
    before = table_items()

    scan_every_link(emails)

    assert table_items() == before
