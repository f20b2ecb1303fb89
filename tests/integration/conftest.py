"""Integration fixtures: the demo tenant seeded into moto, and signed-in sessions."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from warmpath import wiring
from warmpath_local.seed import seed_demo

from tests.conftest import AwsWorld

RILEY = "riley@acme.example"
SAM = "sam@acme.example"
ADA = "ada@acme.example"
MARGARET = "margaret.hale@hale-ventures.example"
DAVID = "david.kim@summitcap.example"
BEN = "ben.carter@acme.example"
YUKI = "yuki.tanaka@other.example"
PRIYA_EMAIL = "priya.natarajan@northwind.example"


_SNAPSHOT: dict[str, Any] = {}


@pytest.fixture
def demo(aws: AwsWorld) -> dict[str, Any]:
    """The demo tenant, seeded through the real write path once per run, then restored from a copy.

    Seeding takes seconds under moto; copying moto's table takes milliseconds, and every test still
    starts from the same data.
    """
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends["123456789012"][aws.env["AWS_DEFAULT_REGION"]]
    table_name = aws.env["TABLE_NAME"]
    if not _SNAPSHOT:
        _SNAPSHOT["seeded"] = seed_demo()
        _SNAPSHOT["table"] = copy.deepcopy(backend.tables[table_name])
    else:
        backend.tables[table_name] = copy.deepcopy(_SNAPSHOT["table"])
    return dict(_SNAPSHOT["seeded"])


def session_cookies(email: str, tenant: str = "demo") -> dict[str, str]:
    """Cookies of a signed-in browser (the session is created as sign-in would)."""
    session_id = wiring.repository().create_session(tenant, email, datetime.now(UTC) + timedelta(days=1))
    return {"wp_session": session_id}


def priya_request(**overrides: str) -> dict[str, str]:
    body = {
        "target_name": "Priya Natarajan",
        "target_company": "Northwind Logistics",
        "target_title": "VP Sales",
        "target_email": PRIYA_EMAIL,
        "reason": "We cut reporting time for logistics teams; Northwind is expanding into Europe.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def single_opt_in(demo: dict[str, Any]) -> None:
    """The demo tenant without double opt-in: a connector's yes sends the introduction at once."""
    wiring.repository().set_tenant_settings("demo", {"double_opt_in": False})


def fire_schedules(aws: AwsWorld, *, days: float = 0, now: datetime | None = None) -> list[dict[str, Any]]:
    """Fire every one-time schedule due within ``days`` (moto keeps schedules but never runs them).

    Returns the EventBridge events the bus-targeted schedules would put, in due order (deleting them, as
    ``ActionAfterCompletion=DELETE`` would); route them with ``call_function``.
    """
    import json

    from tests.conftest import aws_client

    scheduler = aws_client("scheduler")
    horizon = (now or datetime.now(UTC)).replace(tzinfo=None) + timedelta(days=days)
    due: list[tuple[str, dict[str, Any]]] = []
    for summary in scheduler.list_schedules()["Schedules"]:
        schedule = scheduler.get_schedule(Name=summary["Name"])
        at = schedule["ScheduleExpression"].removeprefix("at(").removesuffix(")")
        if datetime.fromisoformat(at) > horizon or "EventBridgeParameters" not in schedule["Target"]:
            continue
        params = schedule["Target"]["EventBridgeParameters"]
        event = {
            "version": "0",
            "id": summary["Name"],
            "source": params["Source"],
            "detail-type": params["DetailType"],
            "account": "123456789012",
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": aws.env["AWS_DEFAULT_REGION"],
            "resources": [],
            "detail": json.loads(schedule["Target"]["Input"]),
        }
        due.append((at, event))
        scheduler.delete_schedule(Name=summary["Name"])
    return [event for _, event in sorted(due, key=lambda pair: pair[0])]
