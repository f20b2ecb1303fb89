"""Integration fixtures: the demo tenant seeded into moto, and signed-in sessions."""

from __future__ import annotations

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


@pytest.fixture
def demo(aws: AwsWorld) -> dict[str, Any]:
    return seed_demo()


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
