"""Link scanners (mail security gateways, previews) must never act: HEAD, a cookieless GET, a bot's GET,
and every link of an email opened within seconds of delivery change nothing and spend no token."""

from __future__ import annotations

import pytest
from warmpath import wiring
from warmpath.events import AskAnswered, AskCreated, AskRequested, IntroRequested, TargetAnswered
from warmpath.models import UsedToken

from tests.conftest import AwsWorld, call_function, call_intake, eventbridge_event
from tests.integration.conftest import MARGARET, RILEY, priya_request, session_cookies
from tests.integration.flows import SCANNER_AGENTS, click, scan, scan_every_link, table_items


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


@pytest.mark.parametrize("agent", SCANNER_AGENTS)
def test_every_link_of_an_ask_opened_by_a_scanner_changes_nothing(aws: AwsWorld, demo: dict, agent: str) -> None:
    links = _ask_links(aws)
    assert any(link.startswith("/a/") for link in links)

    for link in links:  # every link, within seconds of delivery, without cookies
        opened = scan(link, agent=agent)
        assert opened["statusCode"] < 500
        if link.startswith("/a/"):
            assert opened["statusCode"] == 200 and "<form" in opened["body"]  # a confirm page, nothing done
        assert scan(link, method="HEAD", agent=agent)["statusCode"] < 500

    bundle = wiring.repository().get_request_bundle("demo", wiring.repository().list_requests("demo")[0].request_id)
    assert [a.status for a in bundle.asks] == ["asked"]
    assert list(UsedToken.scan()) == []


def test_scanners_opening_every_later_email_of_the_loop_change_nothing(aws: AwsWorld, demo: dict) -> None:
    """The ask (preferences), the target's "happy to connect?" and "Did you meet?": every link, opened by
    scanners, leaves the table exactly as it was (digests and offers: test_digests_and_offers)."""
    from tests.integration.conftest import fire_schedules

    links = _ask_links(aws)
    accept = next(link for link in links if link.startswith("/a/"))
    click(accept)
    for answered in aws.bus.of_type(AskAnswered):
        call_function("notify.app", eventbridge_event(answered))
    [consent] = [m for m in aws.sent_emails() if "would like to introduce you" in m["subject"]]
    yes = next(u for u in consent["links"] if "/t/" in u).removeprefix("https://app.warmpath.test")
    click(yes)
    for agreed in aws.bus.of_type(TargetAnswered):
        call_function("notify.app", eventbridge_event(agreed))
    for event in fire_schedules(aws, days=7.1):
        if event["source"] == "warmpath.schedule" and event["detail-type"] == "MeetingCheckDue":
            call_function("notify.app", event)
    emails = [m for m in aws.sent_emails() if m["links"]]
    assert any("Did you meet" in m["subject"] for m in emails)
    before = table_items()

    scan_every_link(emails)

    assert table_items() == before
