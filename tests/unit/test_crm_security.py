"""What the CRM code refuses from outside (issue 13): write-back addresses off the providers' hosts or at private
addresses (SSRF), amounts that would break counters, malformed signature headers, and endpoint keys."""

from __future__ import annotations

import ipaddress
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warmpath import crm
from warmpath.crm_http import GuardedHttp, WritebackFailed, allowed_host, instance_url, public_address
from warmpath.crm_values import MAX_AMOUNT, checked, deal_amount
from warmpath.crm_writeback import Activity, SalesforceActivities, activity_log
from warmpath.tenant_settings import crm_connection_value

TOKEN = "00D5e000000AbCd!ARwAQExampleAccessToken"

# -- the instance URL, when configured ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:9443",
        "https://169.254.169.254",
        "https://10.0.0.7",
        "https://[::1]",
        "https://[::ffff:169.254.169.254]",
        "https://localhost",
        "https://2130706433",
        "http://acme.my.salesforce.com",
        "https://acme.my.salesforce.com:8443",
        "https://user:pass@acme.my.salesforce.com",
        "https://acme.my.salesforce.com@evil.example",
        "https://evil.example\\@acme.my.salesforce.com",
        "https://acme.my.salesforce.com.evil.example",
        "https://evilsalesforce.com",
        "https://salesforce.com",
        "https://acme.my.salesforce.com/services/data",
        "https://acme.my.salesforce.com?x=1",
        "https://acme.my.salesforce.com#x",
        "https://acme.my.salesforce.com.",
        "https://acme.my.salesforce.com\t",
        "https://acmé.my.salesforce.com",
        "https://acme.my.salesforce.com%2f@evil.example",
        "https://-acme.my.salesforce.com",
        "file:///etc/passwd",
        "",
    ],
)
def test_an_instance_url_off_salesforces_hosts_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="instance URL"):
        instance_url("salesforce", url)


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://acme.my.salesforce.com", "https://acme.my.salesforce.com"),
        ("https://ACME.my.salesforce.com/", "https://acme.my.salesforce.com"),
        ("https://acme.my.salesforce.com:443", "https://acme.my.salesforce.com"),
        ("https://acme--uat.sandbox.my.salesforce.com", "https://acme--uat.sandbox.my.salesforce.com"),
        ("https://na139.salesforce.com", "https://na139.salesforce.com"),
    ],
)
def test_salesforce_my_domains_sandboxes_and_instances_are_accepted(url: str, normalised: str) -> None:
    assert instance_url("salesforce", url) == normalised


def test_hubspot_takes_only_its_api_host() -> None:
    assert instance_url("hubspot", "https://api.hubapi.com") == "https://api.hubapi.com"
    with pytest.raises(ValueError):
        instance_url("hubspot", "https://api.hubapi.com.evil.example")


def test_connecting_refuses_the_issues_addresses_and_keeps_a_good_one() -> None:
    for bad in ("https://127.0.0.1:9443", "https://169.254.169.254", "https://10.0.0.7", "https://[::1]"):
        with pytest.raises(ValueError, match="instance URL"):
            crm_connection_value("salesforce", org_id="00D000000000001", writeback=True, access_token="t",
                                 instance_url=bad)  # fmt: skip
    value = crm_connection_value("salesforce", org_id="00D000000000001", writeback=True, access_token="t",
                                 instance_url="https://Acme.my.salesforce.com/")  # fmt: skip
    assert value["instance_url"] == "https://acme.my.salesforce.com"


HOSTS = st.one_of(
    st.ip_addresses().map(lambda ip: f"[{ip}]" if ip.version == 6 else str(ip)),
    st.from_regex(r"[a-z0-9.\-]{1,30}(\.salesforce\.com)?\.?", fullmatch=True),
    st.sampled_from(["localhost", "acme.my.salesforce.com", "salesforce.com", "api.hubapi.com", "0x7f.1"]),
    st.text(max_size=30),
)
URLS = st.one_of(
    st.builds(
        lambda scheme, user, host, port, path: f"{scheme}://{user}{host}{port}{path}",
        st.sampled_from(["https", "HTTPS", "http", "ftp", "file", ""]),
        st.sampled_from(["", "u@", "u:p@", "@", "x\\@"]),
        HOSTS,
        st.sampled_from(["", ":443", ":80", ":9443", ":0", ":", ":abc"]),
        st.sampled_from(["", "/", "/x", "?q", "#f", "/../"]),
    ),
    st.text(max_size=80),
)


@given(url=URLS)
def test_nothing_outside_the_allow_list_is_ever_accepted(url: str) -> None:
    """Property: whatever the URL, an accepted one is exactly https://<a Salesforce host name>, never an IP."""
    try:
        accepted = instance_url("salesforce", url)
    except ValueError:
        return
    host = accepted.removeprefix("https://")
    assert accepted == f"https://{host}" and allowed_host("salesforce", host)
    assert host.endswith(".salesforce.com") and host.isascii() and ":" not in host and "@" not in host
    with pytest.raises(ValueError):
        ipaddress.ip_address(host)


# -- at call time -------------------------------------------------------------------------------------------


class FakeConnection:
    def __init__(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.status, self.body, self.headers = status, body, headers or {}
        self.requests: list[tuple[str, str]] = []

    def request(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> None:
        self.requests.append((method, url))

    def getresponse(self) -> Any:
        return self

    def read(self, limit: int) -> bytes:
        return self.body[:limit]

    def close(self) -> None:
        pass


def guarded(addresses: list[str], connection: FakeConnection | None = None) -> tuple[GuardedHttp, list[Any]]:
    connected: list[Any] = []

    def connect(host: str, address: str, timeout: float) -> FakeConnection:
        connected.append((host, address))
        assert connection is not None, "no connection may be made"
        return connection

    return GuardedHttp(resolver=lambda host: addresses, connect=connect), connected


@pytest.mark.parametrize(
    "addresses",
    [
        ["127.0.0.1"],
        ["10.0.0.7"],
        ["169.254.169.254"],
        ["::1"],
        ["::ffff:10.0.0.1"],
        ["fd00::1"],
        ["0.0.0.0"],
        ["100.64.0.1"],
        ["224.0.0.1"],
        ["2002:a00:1::"],
        ["64:ff9b::a9fe:a9fe"],
        ["fe80::1%eth0"],
        ["13.110.0.1", "192.168.1.1"],
        [],
    ],
)
def test_a_host_resolving_to_any_private_address_is_never_called(addresses: list[str]) -> None:
    """Given a Salesforce name whose DNS answers (one of) a private, loopback, link-local or reserved address,
    then nothing is sent: no connection is even opened."""
    http, connected = guarded(addresses)

    with pytest.raises(WritebackFailed, match="nothing was sent"):
        http.post("https://acme.my.salesforce.com/services/data/v60.0/sobjects/Task", {}, b"{}")

    assert connected == []


OFF_LIST = ["https://169.254.169.254/latest", "https://10.0.0.7/x", "https://evil.example/",
            "http://acme.my.salesforce.com/x", "https://acme.my.salesforce.com:9443/x"]  # fmt: skip


@pytest.mark.parametrize("url", OFF_LIST)
def test_a_url_off_the_allow_list_is_refused_at_call_time_too(url: str) -> None:
    http, connected = guarded(["13.110.0.1"])

    with pytest.raises(WritebackFailed):
        http.post(url, {}, b"{}")

    assert connected == []


def test_the_call_goes_to_the_checked_address_and_a_redirect_is_not_followed() -> None:
    """Given the CRM answers 302 to the metadata service, then the write-back fails with the status only: the
    redirect is not followed, and neither the answer's body nor the token is in the error."""
    moved = FakeConnection(302, b"secret-body-from-the-crm", {"Location": "http://169.254.169.254/"})
    http, connected = guarded(["13.110.0.1"], moved)
    adapter = SalesforceActivities("https://acme.my.salesforce.com", TOKEN, http)

    with pytest.raises(WritebackFailed) as raised:
        adapter.log(Activity("s", "d", datetime(2026, 11, 25, tzinfo=UTC), contact_id="003"))

    assert connected == [("acme.my.salesforce.com", "13.110.0.1")]
    assert moved.requests == [("POST", "/services/data/v60.0/sobjects/Task")]
    assert "302" in str(raised.value) and "not followed" in str(raised.value)
    assert "secret-body" not in str(raised.value) and TOKEN not in str(raised.value)


def test_a_refusal_never_carries_the_crms_answer() -> None:
    echoed = FakeConnection(400, f'[{{"message": "bad token {TOKEN}", "errorCode": "X"}}]'.encode())
    http, _ = guarded(["13.110.0.1"], echoed)

    with pytest.raises(WritebackFailed) as raised:
        SalesforceActivities("https://acme.my.salesforce.com", TOKEN, http).log(
            Activity("s", "d", datetime(2026, 11, 25, tzinfo=UTC))
        )

    assert str(raised.value) == "the CRM answered 400" and TOKEN not in repr(raised.value.__context__)


def test_a_stored_instance_url_off_the_allow_list_turns_write_back_off() -> None:
    for url in ("https://127.0.0.1:9443", "https://169.254.169.254", "https://10.0.0.7", "https://[::1]"):
        config = {"writeback": True, "access_token": "t", "instance_url": url}
        assert activity_log("salesforce", config, guarded([])[0]) is None


@given(address=st.ip_addresses())
def test_only_global_unicast_addresses_are_public(address: Any) -> None:
    if public_address(str(address)):
        assert address.is_global and not (address.is_private or address.is_loopback or address.is_link_local)
        assert not (address.is_multicast or address.is_reserved or address.is_unspecified)
        if address.version == 6 and address.ipv4_mapped is not None:
            assert public_address(str(address.ipv4_mapped))


# -- amounts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e308", "-5", "-0.01",
                                    "1e13", "ten", "1,000"])  # fmt: skip
def test_an_amount_that_would_break_the_counters_is_dropped_with_a_reason(amount: str) -> None:
    fields, dropped = checked({"amount": amount, "name": "Northwind"})

    assert fields == {"name": "Northwind"} and dropped == (("amount", f"not an amount from 0 to {MAX_AMOUNT:,.0f}"),)


@pytest.mark.parametrize(("amount", "kept"), [("48000", "48000"), (" 1000.50 ", "1000.50"), ("0", "0"), ("", "")])
def test_a_real_amount_is_kept(amount: str, kept: str) -> None:
    assert checked({"amount": amount}) == ({"amount": kept}, ())


@given(value=st.one_of(st.floats(), st.integers(), st.text(max_size=30), st.booleans(), st.none()))
def test_a_deal_amount_is_always_a_finite_number_in_range(value: Any) -> None:
    """Property: whatever is stored (even before the check), what counters read is finite, 0..MAX_AMOUNT."""
    amount = deal_amount({"amount": value})

    assert math.isfinite(amount) and 0 <= amount <= MAX_AMOUNT


def test_a_generic_delivery_keeps_its_other_fields_when_its_amount_is_dropped() -> None:
    body = ('{"events": [{"id": "e1", "type": "deal", "external_id": "d-1", "modified_at": "2026-11-25T10:00:00Z",'
            ' "fields": {"amount": "NaN", "stage": "Closed Won"}}]}')  # fmt: skip

    [change] = crm.parse_generic(body)

    assert change.fields == {"stage": "Closed Won"} and [f for f, _ in change.dropped] == ["amount"]


def test_a_hubspot_amount_of_infinity_is_dropped() -> None:
    body = ('[{"eventId": 1, "objectId": 601, "occurredAt": 1764064800000, "subscriptionType": '
            '"deal.propertyChange", "propertyName": "amount", "propertyValue": "Infinity"}]')  # fmt: skip

    [change] = crm.parse_hubspot(body)

    assert change.fields == {} and change.dropped[0][0] == "amount"


# -- signature headers ------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [
        ("1" * 400, "sha256=00"),
        ("9" * 5000, "x"),
        ("\u00b2\u00b3", "x"),
        ("\u0661\u0662\u0663", "x"),
        (str(int(NOW.timestamp())), "sha256=\u00e9\u4e2d"),
        (str(int(NOW.timestamp())), "\ud800"),
        ("", ""),
        (" 1764072000", "x"),
        ("-1", "x"),
    ],
)
def test_a_malformed_generic_signature_header_is_a_signature_error(timestamp: str, signature: str) -> None:
    with pytest.raises(crm.SignatureError):
        crm.verify_generic("s3cret-0123456789", timestamp, "{}", signature, NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [("1" * 400, "abc"), ("\u00b2", "abc"), (str(int(NOW.timestamp() * 1000)), "\u00e9t\u00e9"), ("12.5", "a")],
)
def test_a_malformed_hubspot_signature_header_is_a_signature_error(timestamp: str, signature: str) -> None:
    with pytest.raises(crm.SignatureError):
        crm.verify_hubspot("secret", "POST", "https://x.example/crm/demo/hubspot", "[]", timestamp, signature, NOW)


@given(expected=st.text(max_size=50), supplied=st.text(max_size=50))
def test_comparing_secrets_never_raises(expected: str, supplied: str) -> None:
    assert crm.same_secret(expected, supplied) == (expected == supplied)


def test_connecting_salesforce_makes_a_new_random_key_each_time() -> None:
    keys = {crm_connection_value("salesforce", org_id="00D000000000001")["secret"] for _ in range(5)}

    assert len(keys) == 5 and all(len(k) >= 43 for k in keys)
