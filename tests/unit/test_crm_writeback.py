"""CRM write-back adapters (warmpath.crm_writeback) against recorded HTTP exchanges: never a live API."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warmpath.crm_writeback import Activity, HubSpotActivities, SalesforceActivities, WritebackFailed, activity_log

EXCHANGES = Path(__file__).resolve().parents[1] / "data" / "crm_exchanges"


class Replay:
    """An Http port that answers one recorded exchange and checks the request is the recorded one."""

    def __init__(self, name: str, *, status: int | None = None) -> None:
        self.exchange = json.loads((EXCHANGES / f"{name}.json").read_text())
        self.status = status
        self.requests: list[tuple[str, dict[str, str], Any]] = []

    def post(self, url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        self.requests.append((url, headers, json.loads(body)))
        response = self.exchange["response"]
        return self.status or response["status"], json.dumps(response["body"]).encode()

    def assert_recorded(self) -> None:
        [(url, headers, body)] = self.requests
        recorded = self.exchange["request"]
        assert url == recorded["url"]
        assert {k: headers[k] for k in recorded["headers"]} == recorded["headers"]
        assert body == recorded["body"]


DESCRIPTION = "Riley Chen asked to meet Priya Natarajan at Northwind Logistics: We cut reporting time."


def test_salesforce_logs_a_completed_task_on_the_contact_and_opportunity() -> None:
    http = Replay("salesforce_task")
    adapter = SalesforceActivities("https://acme.my.salesforce.com/", "00D5e000000AbCd!ARwAQExampleAccessToken", http)
    activity = Activity(
        "Warm introduction: Riley Chen to Priya Natarajan (Warmpath)",
        DESCRIPTION,
        datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        contact_id="0031I0000081tb0QAA",
        deal_id="0065e00000AbCdEAAZ",
    )

    assert adapter.log(activity) == "00T5e00000XyZ12EAB"
    http.assert_recorded()


def test_hubspot_logs_a_note_associated_with_the_contact_and_deal() -> None:
    http = Replay("hubspot_note")
    adapter = HubSpotActivities("pat-na1-11111111-2222-3333-4444-555555555555", http)
    activity = Activity(
        "Introduction outcome: they met (Warmpath)",
        DESCRIPTION,
        datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        contact_id="501",
        deal_id="601",
    )

    assert adapter.log(activity) == "51483208977"
    http.assert_recorded()


def test_a_refusal_by_the_crm_raises_with_its_status() -> None:
    adapter = HubSpotActivities("pat-na1-expired", Replay("hubspot_note", status=401))

    with pytest.raises(WritebackFailed, match="answered 401"):
        adapter.log(Activity("s", "d", datetime(2026, 11, 25, tzinfo=UTC), contact_id="501"))


@pytest.mark.parametrize(
    ("provider", "config"),
    [
        ("hubspot", {}),
        ("hubspot", {"secret": "webhook-only"}),
        ("hubspot", {"writeback": False, "access_token": "pat"}),
        ("salesforce", {"writeback": True, "access_token": "t", "instance_url": "http://insecure.example"}),
    ],
)
def test_write_back_is_off_unless_configured(provider: str, config: dict) -> None:
    assert activity_log(provider, config, Replay("hubspot_note")) is None
