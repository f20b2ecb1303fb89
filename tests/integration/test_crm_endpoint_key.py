"""Salesforce Outbound Messages need the tenant's generated endpoint key as well as its org id (issue 13, finding
2): through the crm function's handler, the CLI's ``crm configure`` and the admin's settings page."""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warmpath import wiring

from tests.conftest import SHARED_FIXTURES, AwsWorld, api_event, aws_client, call_function, call_intake
from tests.integration.conftest import ADA, session_cookies
from tests.integration.flows import csrf_of

SAMPLE = SHARED_FIXTURES / "crm_webhooks" / "salesforce" / "aspnet-WebHooks" / "RequestBodies" / "Salesforce.xml"
ORG_ID = "012345678901234"  # the sample's OrganizationId (not secret: it is in every Web-to-Lead form)
KEY = "k3y-0123456789-abcdefghijklmnopqrstuvwxyz-AB"


def table_items(aws: AwsWorld) -> list[str]:
    """Every item in the table, as sorted JSON: compared before and after to show nothing was written."""
    items: list[str] = []
    for page in aws_client("dynamodb").get_paginator("scan").paginate(TableName=aws.env["TABLE_NAME"]):
        items += [json.dumps(i, sort_keys=True) for i in page["Items"]]
    return sorted(items)


def connect(aws: AwsWorld, value: dict[str, Any], tenant: str = "demo") -> None:
    aws_client("ssm").put_parameter(Name=f"{aws.env['CRM_SECRETS_PREFIX']}/{tenant}/salesforce",
                                    Value=json.dumps(value), Type="SecureString", Overwrite=True)  # fmt: skip
    wiring.reset(keep_connection=True)  # forget the cached connection
    wiring.override(event_bus=aws.bus)


def deliver(query: dict[str, str] | None, body: str | None = None, tenant: str = "demo") -> dict[str, Any]:
    event = api_event("POST", f"/crm/{tenant}/salesforce", raw_body=body or SAMPLE.read_text(),
                      content_type="text/xml; charset=utf-8", query=query)  # fmt: skip
    return call_function("crm.app", event)  # type: ignore[no-any-return]


def stored_connection(aws: AwsWorld) -> Any:
    name = f"{aws.env['CRM_SECRETS_PREFIX']}/demo/salesforce"
    return json.loads(aws_client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])


def doug() -> Any:
    return wiring.repository().get_crm_record("demo", "contact", "salesforce", "0031I0000081tb0QAA")


@pytest.mark.parametrize(
    "query",
    [
        None,
        {"key": ""},
        {"key": KEY[:-1]},
        {"key": KEY + "x"},
        {"key": KEY.upper()},
        {"key": "ключ-\u00e9\ud800"},
        {"code": KEY},
    ],
    ids=["no key", "empty", "one short", "one long", "wrong case", "non-ascii", "other name"],
)
def test_a_delivery_without_the_endpoint_key_is_refused_and_stores_nothing(
    aws: AwsWorld, demo: dict, query: dict[str, str] | None
) -> None:
    """Given Salesforce connected with its key, when the genuine sample (right org id) comes without that key,
    then a 401 SOAP fault, and not one item of the table changed."""
    connect(aws, {"org_id": ORG_ID, "secret": KEY})
    before = table_items(aws)

    refused = deliver(query)

    assert refused["statusCode"] == 401 and "<soapenv:Fault>" in refused["body"]
    assert "endpoint key" in refused["body"] and "<Ack>" not in refused["body"]
    assert table_items(aws) == before and aws.bus.published == []


def test_a_connection_stored_without_a_key_refuses_every_delivery(aws: AwsWorld, demo: dict) -> None:
    """Given Salesforce connected before endpoint keys (an org id only), then even the right org is refused."""
    connect(aws, {"org_id": ORG_ID})
    before = table_items(aws)

    for query in (None, {"key": ""}, {"key": "anything"}):
        assert deliver(query)["statusCode"] == 401

    assert table_items(aws) == before and doug() is None


def test_the_key_with_another_organisations_message_is_still_refused(aws: AwsWorld, demo: dict) -> None:
    connect(aws, {"org_id": "00D000000000001", "secret": KEY})
    before = table_items(aws)

    refused = deliver({"key": KEY})

    assert refused["statusCode"] == 401 and "organisation" in refused["body"]
    assert table_items(aws) == before


def test_the_key_and_the_org_id_together_are_acknowledged_and_stored(aws: AwsWorld, demo: dict) -> None:
    connect(aws, {"org_id": ORG_ID, "secret": KEY})

    acked = deliver({"key": KEY})

    assert acked["statusCode"] == 200 and "<Ack>true</Ack>" in acked["body"]
    assert doug() is not None


# -- crm configure -----------------------------------------------------------------------------------------


def test_configure_prints_the_endpoint_url_with_a_new_key_once_and_reconfiguring_rotates_it(
    aws: AwsWorld, demo: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given `warmpath crm configure --provider salesforce --json`, then it prints {"endpoint_url": ...} whose key
    works; configuring again prints a new one, and the first stops working at once."""
    from warmpath_cli.main import main

    def configured() -> str:
        assert main(["crm", "configure", "--aws", "--tenant", "demo", "--provider", "salesforce", "--org-id",
                     ORG_ID, "--json"]) == 0  # fmt: skip
        printed = json.loads(capsys.readouterr().out)
        wiring.reset(keep_connection=True)
        wiring.override(event_bus=aws.bus)
        url = urlsplit(printed["endpoint_url"])
        assert url.path == "/crm/demo/salesforce" and printed["endpoint_url"].startswith(aws.env["PUBLIC_BASE_URL"])
        [key] = parse_qs(url.query)["key"]
        return key

    first = configured()
    stored = stored_connection(aws)
    assert stored == {"org_id": ORG_ID, "secret": first} and len(first) >= 43
    assert deliver({"key": first})["statusCode"] == 200

    second = configured()

    assert second != first
    assert deliver({"key": first})["statusCode"] == 401
    assert deliver({"key": second})["statusCode"] == 200


def test_configure_refuses_a_typed_salesforce_secret(aws: AwsWorld, demo: dict, capsys: pytest.CaptureFixture) -> None:
    from warmpath_cli.main import main

    code = main(["crm", "configure", "--aws", "--tenant", "demo", "--provider", "salesforce", "--org-id", ORG_ID,
                 "--secret", "my-own-guessable-secret", "--json"])  # fmt: skip

    assert code == 2 and "generated" in json.loads(capsys.readouterr().out)["error"]


# -- the settings page -------------------------------------------------------------------------------------


def test_the_settings_page_shows_the_endpoint_url_once_right_after_connecting(aws: AwsWorld, demo: dict) -> None:
    """Given an admin connects Salesforce, when the redirect is followed, then the page shows the endpoint URL
    with the stored key; reloading it (or any later visit, or another session) never shows it again."""
    cookies = session_cookies(ADA)
    page = call_intake("GET", "/admin/settings", cookies=cookies)
    form = {"csrf_token": csrf_of(page.body), "provider": "salesforce", "org_id": ORG_ID}

    posted = call_intake("POST", "/admin/settings/crm", form=form, cookies=cookies)
    location = urlsplit(posted.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    shown = call_intake("GET", location.path, query=query, cookies={**cookies, **posted.cookies})
    again = call_intake("GET", location.path, query=query, cookies={**cookies, **shown.cookies})
    stolen = call_intake("GET", location.path, query=query, cookies={**session_cookies(ADA), **posted.cookies})

    stored = stored_connection(aws)
    key = stored["secret"]
    assert posted.status == 303 and key not in posted.headers["Location"]
    assert shown.status == 200 and f"/crm/demo/salesforce?key={key}" in shown.body
    assert "shown this once" in shown.body
    assert any("wp_crm_endpoint=" in c and "Max-Age=0" in c for c in shown.set_cookie_headers)
    assert key not in again.body and "Salesforce is connected" in again.body
    assert key not in stolen.body
    assert key not in call_intake("GET", "/admin/settings", cookies=cookies).body


def test_the_settings_page_says_to_reconnect_a_salesforce_connection_without_a_key(aws: AwsWorld, demo: dict) -> None:
    connect(aws, {"org_id": ORG_ID})

    page = call_intake("GET", "/admin/settings", cookies=session_cookies(ADA))

    assert page.status == 200 and "refusing deliveries" in page.body and "connect Salesforce again" in page.body


# -- logs never carry the key --------------------------------------------------------------------------------


@pytest.fixture
def everything_logged(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The crm function imported with every logging switch on: event logging, Powertools dev mode, DEBUG."""
    import crm.app
    from warmpath.core.observability import logger

    monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true")
    monkeypatch.setenv("POWERTOOLS_DEV", "true")
    monkeypatch.setenv("POWERTOOLS_EVENT_HANDLER_DEBUG", "true")
    importlib.reload(crm.app)
    level = logger.log_level
    logger.setLevel("DEBUG")
    yield
    logger.setLevel(level)
    monkeypatch.undo()
    importlib.reload(crm.app)


def test_no_log_line_carries_the_endpoint_key(
    aws: AwsWorld,
    demo: dict,
    everything_logged: None,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Given every Powertools logging switch on, when deliveries with the right key, a wrong key and an
    unreadable body arrive, then neither the console nor any logger saw the key.

    botocore's own DEBUG wire log is left out: it prints every AWS response (SSM's decrypted values too) and
    is off unless someone turns botocore logging on (README, Security decisions)."""
    connect(aws, {"org_id": ORG_ID, "secret": KEY})
    caplog.set_level(logging.DEBUG)

    assert deliver({"key": KEY})["statusCode"] == 200
    assert deliver({"key": KEY}, body="<not xml")["statusCode"] == 400
    assert deliver({"key": KEY + "-wrong"})["statusCode"] == 401

    captured = capfd.readouterr()
    records = [r for r in caplog.records if not r.name.startswith(("botocore", "urllib3"))]
    logged = captured.out + captured.err + "\n".join(r.getMessage() + repr(r.__dict__) for r in records)
    assert "crm delivery stored" in logged  # the logs were captured
    assert KEY not in logged


@pytest.fixture
def admin(demo: dict) -> tuple[dict[str, str], str]:
    """A signed-in admin and the CSRF token of their settings page (one for every example of a property)."""
    cookies = session_cookies(ADA)
    return cookies, csrf_of(call_intake("GET", "/admin/settings", cookies=cookies).body)


@given(
    provider=st.sampled_from(["salesforce", "hubspot", "webhook", "", "pipedrive", "\u00e9"]),
    org_id=st.one_of(st.sampled_from([ORG_ID, "00D000000000001AAA", ""]), st.text(max_size=20)),
    secret=st.one_of(st.just(""), st.text(max_size=40)),
    instance_url=st.one_of(
        st.just(""),
        st.sampled_from(
            ["https://127.0.0.1:9443", "https://169.254.169.254", "https://acme.my.salesforce.com", "https://[::1]"]
        ),
        st.text(max_size=40),
    ),
    writeback=st.booleans(),
)
def test_the_connect_form_never_fails_and_never_stores_a_private_instance_url(
    aws: AwsWorld,
    admin: tuple[dict[str, str], str],
    provider: str,
    org_id: str,
    secret: str,
    instance_url: str,
    writeback: bool,
) -> None:
    """Property: whatever the CRM form carries, the answer is a redirect or a 400 saying what to fix, and what is
    stored in SSM never points write-back anywhere but a Salesforce host."""
    from warmpath.crm_http import allowed_host
    from warmpath.tenant_settings import CRM_PROVIDERS

    cookies, csrf = admin
    form = {"csrf_token": csrf, "provider": provider, "org_id": org_id, "secret": secret,
            "instance_url": instance_url, "access_token": "tok"}  # fmt: skip
    if writeback:
        form["writeback"] = "on"

    answer = call_intake("POST", "/admin/settings/crm", form=form, cookies=cookies)

    assert answer.status in (303, 400)
    for stored_provider in CRM_PROVIDERS:
        name = f"{aws.env['CRM_SECRETS_PREFIX']}/demo/{stored_provider}"
        found = aws_client("ssm").get_parameters(Names=[name], WithDecryption=True)["Parameters"]
        for parameter in found:
            url = json.loads(parameter["Value"]).get("instance_url")
            assert url is None or allowed_host("salesforce", urlsplit(url).hostname or "")
