"""Link scanners (mail security gateways, previews) must never act: HEAD, a cookieless GET, a bot's GET,
and every link of an email opened within seconds of delivery change nothing and spend no token."""

from __future__ import annotations

from typing import Any

import pytest
from warmpath import wiring
from warmpath.events import AskCreated, AskRequested, IntroRequested
from warmpath.models import UsedToken
from warmpath_local.stack import LocalContext

from tests.conftest import AwsWorld, api_event, call_function, call_intake, eventbridge_event
from tests.integration.conftest import MARGARET, RILEY, priya_request, session_cookies

SCANNER_AGENTS = ["Mozilla/5.0 (compatible; Barracuda Sentinel)", "Microsoft Office Protocol Discovery", "curl/8.0"]


def _ask_links(aws: AwsWorld) -> list[str]:
    created = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=session_cookies(RILEY)).json()
    call_function("matching.app", eventbridge_event(aws.bus.of_type(IntroRequested)[-1]))
    request_id = created["request_id"]
    path = call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(RILEY)).json()["paths"][0]
    call_intake("POST", f"/api/requests/{request_id}/asks", json_body={"path_id": path["path_id"]},
                cookies=session_cookies(RILEY))  # fmt: skip
    call_function("matching.app", eventbridge_event(aws.bus.of_type(AskRequested)[-1]))
    call_function("notify.app", eventbridge_event(aws.bus.of_type(AskCreated)[-1]))
    [ask] = [m for m in aws.sent_emails() if m["to"] == [MARGARET]]
    return [u.removeprefix("https://app.warmpath.test") for u in ask["links"] if u.startswith("https://app.")]


def _scan(path: str, method: str = "GET", agent: str | None = None) -> Any:
    from intake.app import lambda_handler

    event = api_event("GET", path)  # routed as the GET it would be, then sent as the scanner sends it
    event["httpMethod"] = method
    event["requestContext"]["httpMethod"] = method
    if agent:
        event["headers"]["User-Agent"] = agent
        event["multiValueHeaders"]["User-Agent"] = [agent]
    return lambda_handler(event, LocalContext(function_name="IntakeFunction"))


@pytest.mark.parametrize("agent", SCANNER_AGENTS)
def test_every_link_of_an_ask_opened_by_a_scanner_changes_nothing(aws: AwsWorld, demo: dict, agent: str) -> None:
    links = _ask_links(aws)
    assert any(link.startswith("/a/") for link in links)

    for link in links:  # every link, within seconds of delivery, without cookies
        opened = _scan(link, agent=agent)
        assert opened["statusCode"] < 500
        if link.startswith("/a/"):
            assert opened["statusCode"] == 200 and "<form" in opened["body"]  # a confirm page, nothing done
        assert _scan(link, method="HEAD", agent=agent)["statusCode"] < 500

    bundle = wiring.repository().get_request_bundle("demo", wiring.repository().list_requests("demo")[0].request_id)
    assert [a.status for a in bundle.asks] == ["asked"]
    assert list(UsedToken.scan()) == []
