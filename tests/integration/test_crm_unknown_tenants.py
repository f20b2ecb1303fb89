"""Deliveries to a tenant (or provider) with no CRM connection: each answers the same 401 it always did, but
"not configured" is remembered a minute per container, so a flood costs one SSM call a minute rather than one
per delivery; a tenant that connects meanwhile is served once that minute is over (issue 14)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warmpath import crm, crm_config

from tests.conftest import AwsWorld, api_event, aws_client, call_function

SECRET = "generic-hook-secret-0123456789"
KEY = "unknown-tenant-endpoint-key-0123456789-0123456789"


class SsmLookups:
    """Counts the GetParameter calls SSM receives (moto's handler), whoever makes them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from moto.ssm.responses import SimpleSystemManagerResponse

        self.count = 0
        original = SimpleSystemManagerResponse.get_parameter

        def counted(handler: Any) -> Any:
            self.count += 1
            return original(handler)

        monkeypatch.setattr(SimpleSystemManagerResponse, "get_parameter", counted)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def lookups(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> SsmLookups:
    return SsmLookups(monkeypatch)


@pytest.fixture
def clock(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(crm_config._not_configured, "clock", fake)
    return fake


def deliver(tenant: str, provider: str = "webhook", body: str = '{"events": []}') -> dict[str, Any]:
    stamp = str(int(time.time()))
    headers = {"X-Warmpath-Signature": crm.generic_signature(SECRET, stamp, body), "X-Warmpath-Timestamp": stamp}
    query = {"key": KEY} if provider == "salesforce" else None
    event = api_event("POST", f"/crm/{tenant}/{provider}", raw_body=body, headers=headers, query=query)
    return call_function("crm.app", event)  # type: ignore[no-any-return]


def connect(aws: AwsWorld, tenant: str, provider: str = "webhook") -> None:
    aws_client("ssm").put_parameter(Name=f"{aws.env['CRM_SECRETS_PREFIX']}/{tenant}/{provider}",
                                    Value=json.dumps({"secret": SECRET}), Type="SecureString")  # fmt: skip


@pytest.mark.parametrize("provider", ["webhook", "hubspot", "salesforce"])
def test_a_flood_to_an_unknown_tenant_costs_one_ssm_lookup_a_minute(
    aws: AwsWorld, lookups: SsmLookups, clock: Clock, provider: str
) -> None:
    """Given no connection for tenant 'ghost', when 200 deliveries arrive within the minute, then each is the
    same 401 as the first and SSM was asked once; a minute later it is asked once more."""
    first = deliver("ghost", provider)

    answers = [deliver("ghost", provider) for _ in range(199)]
    clock.now += crm_config.NOT_CONFIGURED_TTL_SECONDS - 1
    answers.append(deliver("ghost", provider))

    assert first["statusCode"] == 401
    assert all((a["statusCode"], a["body"]) == (first["statusCode"], first["body"]) for a in answers)
    assert lookups.count == 1
    clock.now += 1
    assert deliver("ghost", provider)["body"] == first["body"]
    assert lookups.count == 2


def test_a_tenant_connected_after_a_refusal_is_served_once_the_minute_is_over(
    aws: AwsWorld, demo: dict, lookups: SsmLookups, clock: Clock
) -> None:
    """Given a delivery refused because the tenant had no connection yet, when it connects (from another
    container) and the CRM retries, then the retry within the minute is still refused and the one after is
    accepted."""
    assert deliver("demo")["statusCode"] == 401
    connect(aws, "demo")

    within = deliver("demo")
    clock.now += crm_config.NOT_CONFIGURED_TTL_SECONDS
    after = deliver("demo")

    assert within["statusCode"] == 401
    assert after["statusCode"] == 200, after
    assert json.loads(after["body"]) == {"applied": 0, "unchanged": 0}


def test_connecting_in_this_container_is_served_at_once(aws: AwsWorld, demo: dict, clock: Clock) -> None:
    """The local stack runs every function in one process: the settings page that stores a connection forgets
    the refusal it would otherwise remember for a minute."""
    from warmpath.tenant_settings import store_crm_connection

    assert deliver("demo")["statusCode"] == 401

    store_crm_connection("demo", "webhook", {"secret": SECRET})

    assert deliver("demo")["statusCode"] == 200


def test_a_throttled_lookup_is_not_remembered_as_not_configured(
    aws: AwsWorld, demo: dict, lookups: SsmLookups, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A throttle or outage refuses this delivery (the CRM retries) but the next one asks SSM again: a blip
    must not lock a connected tenant out for a minute."""
    from botocore.exceptions import ClientError
    from moto.ssm.responses import SimpleSystemManagerResponse

    connect(aws, "demo")
    counted = SimpleSystemManagerResponse.get_parameter

    def throttled(handler: Any) -> Any:
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "GetParameter")

    monkeypatch.setattr(SimpleSystemManagerResponse, "get_parameter", throttled)
    assert deliver("demo")["statusCode"] == 401
    monkeypatch.setattr(SimpleSystemManagerResponse, "get_parameter", counted)

    assert deliver("demo")["statusCode"] == 200


def test_the_cache_of_refusals_is_bounded(aws: AwsWorld, lookups: SsmLookups, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cycling random tenant names keeps at most ``max_entries`` refusals; the oldest are forgotten."""
    monkeypatch.setattr(crm_config._not_configured, "max_entries", 50)
    for number in range(75):
        assert crm_config.tenant_config(f"random-{number}", "webhook") is None
    assert len(crm_config._not_configured) == 50
    before = lookups.count

    crm_config.tenant_config("random-74", "webhook")  # recent: remembered
    crm_config.tenant_config("random-0", "webhook")  # oldest: forgotten, asked again

    assert lookups.count == before + 1


def test_a_name_ssm_could_not_hold_is_refused_without_a_lookup(aws: AwsWorld, lookups: SsmLookups) -> None:
    for tenant in ("caf\u00e9", "a b", "x" * 300, "semi;colon"):
        assert crm_config.tenant_config(tenant, "webhook") is None
    assert lookups.count == 0


SEGMENTS = st.one_of(
    st.text(min_size=1, max_size=80),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=260),
    st.sampled_from(["demo", "..", ".", "%2F", "%00", "aws", "ssm", "/", "a/b", "\u00e9", "\x00", "\ud800", "~"]),
)


@given(tenant=SEGMENTS, provider=st.sampled_from(["webhook", "hubspot", "salesforce"]))
def test_any_tenant_segment_is_never_a_server_error(aws: AwsWorld, tenant: str, provider: str) -> None:
    result = deliver(tenant, provider)

    assert result["statusCode"] < 500, result
