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
