"""Whatever arrives at the three CRM webhooks -- any body, any headers, non-ASCII, huge numbers, deep nesting,
broken XML -- the handler answers 2xx or 4xx, never 5xx, and writes nothing unless the delivery is authenticated;
a delivery refused as unreadable writes nothing either (issue 13, low items)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warmpath import crm, wiring

from tests.conftest import SHARED_FIXTURES, AwsWorld, api_event, aws_client, call_function

SAMPLE = SHARED_FIXTURES / "crm_webhooks" / "salesforce" / "aspnet-WebHooks" / "RequestBodies" / "Salesforce.xml"
KEY = "robust-endpoint-key-0123456789-0123456789-AB"
HUBSPOT_SECRET = "hubspot-app-secret-0123456789"
HOOK_SECRET = "generic-hook-secret-0123456789"


WRITES = ("put_item", "batch_write_item", "delete_item", "update_item", "transact_write_items")


class Writes:
    """Counts every write request the table receives (moto's handler), refused conditional writes included:
    cheaper than comparing the whole table for each generated example, and stricter."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from moto.dynamodb.responses import DynamoHandler

        self.count = 0
        for name in WRITES:
            original = getattr(DynamoHandler, name)

            def counted(handler: Any, _original: Any = original) -> Any:
                self.count += 1
                return _original(handler)

            monkeypatch.setattr(DynamoHandler, name, counted)


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch, connected: AwsWorld) -> Writes:
    return Writes(monkeypatch)


@pytest.fixture
def connected(aws: AwsWorld, demo: dict) -> AwsWorld:
    prefix = aws.env["CRM_SECRETS_PREFIX"]
    for provider, value in (
        ("salesforce", {"org_id": "012345678901234", "secret": KEY}),
        ("hubspot", {"secret": HUBSPOT_SECRET}),
        ("webhook", {"secret": HOOK_SECRET}),
    ):
        aws_client("ssm").put_parameter(Name=f"{prefix}/demo/{provider}", Value=json.dumps(value),
                                        Type="SecureString", Overwrite=True)  # fmt: skip
    return aws


def post(provider: str, body: str, headers: dict[str, str], *, query: dict[str, str] | None = None,
         base64_body: bool = False) -> dict[str, Any]:  # fmt: skip
    event = api_event("POST", f"/crm/demo/{provider}", raw_body=body, headers=headers, query=query)
    event["isBase64Encoded"] = base64_body
    result = call_function("crm.app", event)
    assert result["statusCode"] < 500, result
    return result  # type: ignore[no-any-return]


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
              st.sampled_from(["NaN", "Infinity", "1e308", "-5", "\u00e9", "2026-11-25T10:00:00Z", "9" * 40])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)),
    max_leaves=20,
)  # fmt: skip
EVENT_KEYS = st.sampled_from(["id", "type", "external_id", "modified_at", "fields", "eventId", "objectId",
                              "occurredAt", "subscriptionType", "propertyName", "propertyValue", "fromObjectId",
                              "toObjectId", "associationType"])  # fmt: skip
EVENTS = st.lists(st.dictionaries(EVENT_KEYS, JSON_VALUES, max_size=8), max_size=4)
RAW = st.sampled_from([
    "", "[", "{", "[" * 5000 + "]" * 5000, '{"events": [' + "1" * 5000 + "]}", '{"a": "\\ud800"}', "\x00",
    '{"events": [{"id": 1e400}]}', "<soapenv:Envelope", "<?xml version='1.0' encoding='bogus'?><a/>",
    "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", "\ufeff<a>", "<a>" * 3000,
])  # fmt: skip
JSON_BODIES = st.one_of(
    RAW,
    st.text(max_size=200),
    EVENTS.map(json.dumps),
    EVENTS.map(lambda events: json.dumps({"events": events})),
    JSON_VALUES.map(lambda v: json.dumps(v, allow_nan=True)),
)
XML_BODIES = st.one_of(
    RAW,
    st.text(max_size=200),
    st.builds(lambda cut, junk: SAMPLE.read_text()[:cut] + junk, st.integers(0, 3000), st.text(max_size=40)),
    st.builds(lambda old, new: SAMPLE.read_text().replace(old, new), st.sampled_from(
        ["0031I0000081tb0QAA", "012345678901234", "drb24@cornell.edu", "Contact", "2018-06-13T19:37:55.000Z",
         "<sf:Email>", "04l1I000006YoMYQA0"]), st.text(max_size=300)),
)  # fmt: skip
HEADER_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["1" * 400, "\u00b2", "\u0661\u0662", "sha256=\u00e9", "\ud800", "-1", " ", "0" * 20]),
    st.integers(0, 10**20).map(str),
)


def _now_ms() -> str:
    return str(int(time.time() * 1000))


@given(body=JSON_BODIES, timestamp=HEADER_TEXT, signature=HEADER_TEXT, encoded=st.booleans())
def test_anything_unsigned_at_the_json_webhooks_is_refused_without_a_write(
    writes: Writes, body: str, timestamp: str, signature: str, encoded: bool
) -> None:
    before = writes.count
    raw = base64.b64encode(body.encode("utf-8", "surrogatepass")).decode() if encoded else body
    for provider, headers in (
        ("hubspot", {"X-HubSpot-Signature-v3": signature, "X-HubSpot-Request-Timestamp": timestamp}),
        ("webhook", {"X-Warmpath-Signature": signature, "X-Warmpath-Timestamp": timestamp}),
    ):
        assert 400 <= post(provider, raw, headers, base64_body=encoded)["statusCode"] < 500
    assert writes.count == before


@given(body=XML_BODIES, key=st.one_of(st.none(), st.text(max_size=60)), encoded=st.booleans())
def test_anything_without_the_endpoint_key_at_salesforce_is_refused_without_a_write(
    writes: Writes, body: str, key: str | None, encoded: bool
) -> None:
    before = writes.count
    raw = base64.b64encode(body.encode("utf-8", "surrogatepass")).decode() if encoded else body

    result = post("salesforce", raw, {"Content-Type": "text/xml"}, query=None if key is None else {"key": key},
                  base64_body=encoded)  # fmt: skip

    assert result["statusCode"] == 401 and writes.count == before


@given(body=XML_BODIES)
def test_anything_with_the_endpoint_key_at_salesforce_is_never_a_server_error(writes: Writes, body: str) -> None:
    before = writes.count

    result = post("salesforce", body, {"Content-Type": "text/xml"}, query={"key": KEY})

    if result["statusCode"] != 200:  # refused: not a thing written
        assert writes.count == before


@given(events=EVENTS)
def test_anything_signed_at_the_json_webhooks_is_never_a_server_error_nor_half_written(
    connected: AwsWorld, writes: Writes, events: list[dict[str, Any]]
) -> None:
    for provider, body in (("hubspot", json.dumps(events)), ("webhook", json.dumps({"events": events}))):
        before = writes.count
        stamp = _now_ms()
        if provider == "hubspot":
            uri = f"{connected.env['PUBLIC_BASE_URL']}/crm/demo/hubspot"
            signature = crm.hubspot_signature("v3", HUBSPOT_SECRET, method="POST", uri=uri, body=body, timestamp=stamp)
            headers = {"X-HubSpot-Signature-v3": signature, "X-HubSpot-Request-Timestamp": stamp}
        else:
            stamp = stamp[:-3]
            headers = {"X-Warmpath-Signature": crm.generic_signature(HOOK_SECRET, stamp, body),
                       "X-Warmpath-Timestamp": stamp}  # fmt: skip

        result = post(provider, body, headers)

        if result["statusCode"] != 200:
            assert writes.count == before, result


# -- the examples, one by one --------------------------------------------------------------------


def test_a_non_ascii_signature_or_a_400_digit_timestamp_is_a_401_not_a_502(connected: AwsWorld) -> None:
    stamp = _now_ms()
    for provider, headers in (
        ("hubspot", {"X-HubSpot-Signature-v3": "\u00e9t\u00e9", "X-HubSpot-Request-Timestamp": stamp}),
        ("hubspot", {"X-HubSpot-Signature-v3": "abc", "X-HubSpot-Request-Timestamp": "1" * 400}),
        ("webhook", {"X-Warmpath-Signature": "sha256=\u00e9", "X-Warmpath-Timestamp": stamp[:-3]}),
        ("webhook", {"X-Warmpath-Signature": "sha256=00", "X-Warmpath-Timestamp": "1" * 400}),
    ):
        assert post(provider, '{"events": []}', headers)["statusCode"] == 401


def test_a_body_that_is_not_utf8_or_too_large_is_a_4xx(connected: AwsWorld) -> None:
    latin1 = base64.b64encode("caf\u00e9".encode("latin-1")).decode()
    stamp = _now_ms()[:-3]
    headers = {"X-Warmpath-Signature": "sha256=00", "X-Warmpath-Timestamp": stamp}

    assert post("webhook", latin1, headers, base64_body=True)["statusCode"] == 400
    assert post("webhook", "not base64!", headers, base64_body=True)["statusCode"] == 400
    assert post("webhook", "x" * (2 * 1024 * 1024), headers)["statusCode"] == 413
    assert post("salesforce", "x" * (2 * 1024 * 1024), {}, query={"key": KEY})["statusCode"] == 413


def test_a_nan_amount_is_dropped_the_rest_applied_and_the_sender_told(connected: AwsWorld, writes: Writes) -> None:
    body = json.dumps({"events": [{"id": "e-nan", "type": "deal", "external_id": "d-nan",
                                   "modified_at": "2026-11-25T10:00:00Z",
                                   "fields": {"amount": "NaN", "name": "Northwind - analytics"}}]})  # fmt: skip
    stamp = _now_ms()[:-3]
    headers = {"X-Warmpath-Signature": crm.generic_signature(HOOK_SECRET, stamp, body), "X-Warmpath-Timestamp": stamp}

    result = post("webhook", body, headers)

    answer = json.loads(result["body"])
    assert result["statusCode"] == 200 and answer["applied"] == 1
    assert answer["dropped"] == [{"delivery": "e-nan", "field": "amount", "reason": "not an amount from 0 to "
                                  "1,000,000,000,000"}]  # fmt: skip
    deal = wiring.repository().get_crm_record("demo", "deal", "webhook", "d-nan")
    assert deal.fields.as_dict() == {"name": "Northwind - analytics"}
    assert writes.count > 0  # the write counter the properties rely on sees real writes
