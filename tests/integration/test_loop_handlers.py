"""The loop through the real handlers, event by event: match, ask, answer, introduce.

Each step calls a function's handler with the event the previous step published (EventBridge envelopes
from the real fixture), so the tests read like the loop itself.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from warmpath import wiring
from warmpath.events import (
    AskAnswered,
    AskCreated,
    AskRequested,
    IntroductionSent,
    IntroRequested,
    MatchingCompleted,
)
from warmpath.models import Ask, TimelineEntry

from tests.conftest import AwsWorld, call_function, call_intake, eventbridge_event
from tests.integration.conftest import (
    BEN,
    DAVID,
    MARGARET,
    PRIYA_EMAIL,
    RILEY,
    YUKI,
    priya_request,
    session_cookies,
)


def _deliver(aws: AwsWorld, module: str, contract: Any) -> None:
    call_function(module, eventbridge_event(contract))


def _new_request(aws: AwsWorld, **overrides: str) -> str:
    created = call_intake("POST", "/api/requests", json_body=priya_request(**overrides), cookies=session_cookies(RILEY))
    assert created.status == 201, created.body
    [event] = aws.bus.of_type(IntroRequested)
    _deliver(aws, "matching.app", event)
    return str(created.json()["request_id"])


def _paths(request_id: str) -> list[dict[str, Any]]:
    body = call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(RILEY)).json()
    return list(body["paths"])


def _direct(request_id: str) -> list[str]:
    """Who knows the target directly (the demo also has colleagues of Priya's, listed after them)."""
    return [p["connector_name"] for p in _paths(request_id) if p["path_type"] == "direct"]


def _ask(aws: AwsWorld, request_id: str, index: int = 0) -> str:
    """The requester asks path ``index``; matching creates the ask; notify emails the connector."""
    path = _paths(request_id)[index]
    result = call_intake(
        "POST",
        f"/api/requests/{request_id}/asks",
        json_body={"path_id": path["path_id"]},
        cookies=session_cookies(RILEY),
    )
    assert result.status == 202, result.body
    _deliver(aws, "matching.app", aws.bus.of_type(AskRequested)[-1])
    _deliver(aws, "notify.app", aws.bus.of_type(AskCreated)[-1])
    return str(path["connector_name"])


def _ask_links(aws: AwsWorld, connector_email: str) -> dict[str, str]:
    [email] = [m for m in aws.sent_emails() if m["to"] == [connector_email]]
    links = [u for u in email["links"] if "/a/" in u]
    return {"accept": links[0].split("/a/")[1], "decline": links[1].split("/a/")[1]}


def _confirm_form(token: str) -> tuple[dict[str, str], dict[str, str]]:
    """Open the link as a browser would: the confirm page's form fields and the cookies it set."""
    page = call_intake("GET", f"/a/{token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
    assert csrf, "the confirm page has no form"
    return {"csrf_token": csrf.group(1)}, page.cookies


def _post_link(token: str) -> Any:
    form, cookies = _confirm_form(token)
    return call_intake("POST", f"/a/{token}", form=form, cookies=cookies)


def _timeline() -> list[str]:
    return [t.what for t in sorted(TimelineEntry.scan(), key=lambda t: t.SK)]


# -- matching ---------------------------------------------------------------------------------------------


def test_matching_ranks_visible_direct_ties_of_the_tenants_joined_connectors(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)

    paths = _paths(request_id)

    # Direct first: Margaret (very strong, rated) > David (strong) > Ben (weak); then colleagues of Priya's.
    # Yuki's tie is hidden and never surfaces.
    direct = [p["connector_name"] for p in paths if p["path_type"] == "direct"]
    assert direct == ["Margaret Hale", "David Kim", "Ben Carter"]
    assert [p["path_type"] for p in paths[:3]] == ["direct"] * 3
    assert all(p["path_type"] == "indirect" for p in paths[3:]) and len(paths) > 3
    assert any("rated by the connector" in r for r in paths[0]["reasons"])
    assert "Yuki Tanaka" not in str(paths)
    [done] = aws.bus.of_type(MatchingCompleted)
    assert done.path_count == len(paths)


def test_matching_finds_the_target_by_linkedin_url_too(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(
        aws, target_email="", target_linkedin_url="https://uk.linkedin.com/in/Priya-Natarajan/?trk=x"
    )

    assert _direct(request_id) == ["Margaret Hale", "David Kim", "Ben Carter"]


def test_matching_finds_the_target_by_name_at_the_company_without_email(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(
        aws, target_name="Natarajan, Priya", target_company="Northwind Logistics Inc.", target_email=""
    )

    assert _direct(request_id) == ["Margaret Hale", "David Kim", "Ben Carter"]


def test_matching_a_request_twice_has_one_effect(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)

    _deliver(aws, "matching.app", aws.bus.of_type(IntroRequested)[0])
    for announcement in aws.bus.of_type(MatchingCompleted):
        _deliver(aws, "notify.app", announcement)

    # The second delivery stores nothing and re-announces the same result, which notify handles once.
    first, again = aws.bus.of_type(MatchingCompleted)
    assert first == again
    assert _timeline().count("paths_found") == 1
    assert first.path_count == len(_paths(request_id)) > 3
    assert len(aws.sent_emails()) == 1


def test_an_announcement_lost_after_matching_is_recovered_by_the_retry(aws: AwsWorld, demo: dict) -> None:
    class FailingOnce:
        def __init__(self) -> None:
            self.failed = False

        def publish(self, *events: Any) -> None:
            if not self.failed:
                self.failed = True
                raise RuntimeError("EventBridge unavailable")
            aws.bus.publish(*events)

    created = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=session_cookies(RILEY))
    [requested] = aws.bus.of_type(IntroRequested)
    wiring.override(event_bus=FailingOnce())
    with pytest.raises(RuntimeError):
        _deliver(aws, "matching.app", requested)

    _deliver(aws, "matching.app", requested)  # EventBridge retries the delivery

    [done] = aws.bus.of_type(MatchingCompleted)
    assert done.request_id == created.json()["request_id"]
    assert done.path_count == len(_paths(done.request_id)) > 0


def test_an_ask_announcement_lost_after_the_write_is_recovered_by_the_retry(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)
    path = _paths(request_id)[0]
    body, cookies = {"path_id": path["path_id"]}, session_cookies(RILEY)
    call_intake("POST", f"/api/requests/{request_id}/asks", json_body=body, cookies=cookies)
    pick = aws.bus.of_type(AskRequested)[-1]
    real_bus = aws.bus
    wiring.override(event_bus=type("Down", (), {"publish": lambda self, *e: (_ for _ in ()).throw(OSError())})())
    with pytest.raises(OSError):
        _deliver(aws, "matching.app", pick)
    wiring.override(event_bus=real_bus)

    _deliver(aws, "matching.app", pick)

    assert [(e.request_id, e.connector_email) for e in aws.bus.of_type(AskCreated)] == [(request_id, MARGARET)]


def test_a_target_nobody_knows_gets_no_path(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(
        aws, target_name="Nobody Known", target_company="Unknown Co", target_email="nobody@unknown.example"
    )

    body = call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(RILEY)).json()

    assert body["status"] == "no_path" and body["paths"] == []
    assert aws.bus.of_type(MatchingCompleted)[0].path_count == 0


def test_connectors_of_another_tenant_are_never_suggested(aws: AwsWorld, demo: dict) -> None:
    # David is a connector in both tenants; Globex's admin asks for Priya: only Globex members count.
    globex = session_cookies("hank.scorpio@globex.example", tenant="globex")
    created = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=globex).json()
    _deliver(aws, "matching.app", aws.bus.of_type(IntroRequested)[0])

    body = call_intake("GET", f"/api/requests/{created['request_id']}", cookies=globex).json()

    assert [p["connector_name"] for p in body["paths"]] == ["David Kim"]


# -- emails ------------------------------------------------------------------------------------------------


def test_the_requester_is_emailed_the_ranked_paths(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)

    _deliver(aws, "notify.app", aws.bus.of_type(MatchingCompleted)[0])

    [email] = aws.sent_emails()
    assert email["to"] == [RILEY]
    assert email["subject"] == f"{len(_paths(request_id))} warm paths to Priya Natarajan"
    assert email["text"].index("Margaret Hale") < email["text"].index("David Kim") < email["text"].index("Ben Carter")
    assert f"https://app.warmpath.test/requests/{request_id}" in email["links"]


def test_the_connector_gets_an_ask_with_accept_and_decline_links(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)

    _ask(aws, request_id)

    [email] = [m for m in aws.sent_emails() if m["to"] == [MARGARET]]
    assert email["subject"] == "Riley Chen would like an introduction to Priya Natarajan"
    assert "Northwind is expanding" in email["text"] and "<" not in email["text"]
    assert len([u for u in email["links"] if "/a/" in u]) == 2


def test_a_duplicate_event_sends_no_second_email(aws: AwsWorld, demo: dict) -> None:
    _new_request(aws)
    done = aws.bus.of_type(MatchingCompleted)[0]

    call_function("notify.app", eventbridge_event(done, event_id="first-delivery"))
    call_function("notify.app", eventbridge_event(done, event_id="redelivery"))

    assert len(aws.sent_emails()) == 1


def test_asking_the_same_connector_twice_creates_one_ask(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)
    _ask(aws, request_id)

    _deliver(aws, "matching.app", aws.bus.of_type(AskRequested)[-1])
    _deliver(aws, "notify.app", aws.bus.of_type(AskCreated)[-1])

    assert len(list(Ask.scan())) == 1
    assert len({e for e in aws.bus.of_type(AskCreated)}) == 1  # announced again, identically
    assert len([m for m in aws.sent_emails() if m["to"] == [MARGARET]]) == 1


def test_asking_a_second_connector_while_one_is_considering_is_refused(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)
    _ask(aws, request_id)
    second = _paths(request_id)[1]

    result = call_intake(
        "POST",
        f"/api/requests/{request_id}/asks",
        json_body={"path_id": second["path_id"]},
        cookies=session_cookies(RILEY),
    )

    assert result.status == 409
    assert "already considering" in result.json()["message"]


# -- answering from the email -----------------------------------------------------------------------------


def test_opening_an_ask_link_shows_a_confirm_page_and_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)
    _ask(aws, request_id)
    links = _ask_links(aws, MARGARET)

    page = call_intake("GET", f"/a/{links['accept']}")

    assert page.status == 200
    assert "Introduce Riley Chen to Priya Natarajan?" in page.body
    assert page.body.count("<form") == 1 and page.body.count('type="submit"') == 1
    assert wiring.repository().get_ask("demo", request_id, MARGARET).status == "asked"
    assert aws.bus.of_type(AskAnswered) == []


@pytest.mark.usefixtures("single_opt_in")
def test_accepting_sends_the_three_way_introduction(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)
    _ask(aws, request_id)

    result = _post_link(_ask_links(aws, MARGARET)["accept"])
    [answer] = aws.bus.of_type(AskAnswered)
    _deliver(aws, "notify.app", answer)

    assert result.status == 200 and "Introduction sent" in result.body
    [intro] = [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]
    assert intro["from"] == "Margaret Hale via Warmpath <intros@warmpath.localhost>"
    assert intro["to"] == [PRIYA_EMAIL]
    assert intro["cc"] == [RILEY, MARGARET]
    assert intro["reply_to"] == [MARGARET]
    assert intro["text"] and intro["html"]
    assert _timeline() == ["requested", "paths_found", "asked", "accepted", "introduced"]
    assert len(aws.bus.of_type(IntroductionSent)) == 1


@pytest.mark.usefixtures("single_opt_in")
def test_a_double_click_on_accept_has_one_effect(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)
    _ask(aws, request_id)
    token = _ask_links(aws, MARGARET)["accept"]

    form, cookies = _confirm_form(token)
    first = call_intake("POST", f"/a/{token}", form=form, cookies=cookies)
    second = call_intake("POST", f"/a/{token}", form=form, cookies=cookies)
    for answer in aws.bus.of_type(AskAnswered):
        _deliver(aws, "notify.app", answer)

    assert first.status == second.status == 200
    assert _timeline().count("accepted") == 1
    assert len([m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]) == 1


def test_declining_after_accepting_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)
    _ask(aws, request_id)
    links = _ask_links(aws, MARGARET)
    decline_form, cookies = _confirm_form(links["decline"])  # the decline page was open in another tab
    _post_link(links["accept"])

    page = call_intake("GET", f"/a/{links['decline']}")
    result = call_intake("POST", f"/a/{links['decline']}", form=decline_form, cookies=cookies)

    assert "Already answered" in page.body and "You already accepted" in page.body
    assert result.status == 409
    assert "already accepted" in result.body
    assert wiring.repository().get_ask("demo", request_id, MARGARET).status == "accepted"


def test_a_decline_tells_the_requester_and_offers_the_next_connector(aws: AwsWorld, demo: dict) -> None:
    request_id = _new_request(aws)
    _ask(aws, request_id)

    _post_link(_ask_links(aws, MARGARET)["decline"])
    _deliver(aws, "notify.app", aws.bus.of_type(AskAnswered)[0])

    [email] = [m for m in aws.sent_emails() if "can't introduce you" in m["subject"]]
    assert email["to"] == [RILEY]
    assert "Next in line: David Kim" in email["text"]
    assert _ask(aws, request_id, index=1) == "David Kim"
    assert [m["to"] for m in aws.sent_emails() if "would like an introduction" in m["subject"]] == [[MARGARET], [DAVID]]


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: t.replace("v1.", "v2.", 1), lambda t: "garbage"])
def test_a_tampered_ask_link_gets_a_400_page(aws: AwsWorld, demo: dict, mangle: Any) -> None:
    request_id = _new_request(aws)
    _ask(aws, request_id)

    page = call_intake("GET", f"/a/{mangle(_ask_links(aws, MARGARET)['accept'])}")

    assert page.status == 400
    assert "<h1>" in page.body


def test_an_ask_link_for_someone_else_cannot_answer_their_ask(aws: AwsWorld, demo: dict) -> None:
    # Ben was never asked: a validly signed link naming Ben finds no ask and is refused.
    from datetime import UTC, datetime, timedelta

    from warmpath.tokens import Claims, expiry, sign

    request_id = _new_request(aws)
    _ask(aws, request_id)
    claims = Claims(
        purpose="ask",
        tenant="demo",
        subject=BEN,
        expires_at=expiry(datetime.now(UTC), timedelta(days=1)),
        ref={"request_id": request_id, "answer": "accept"},
    )

    page = call_intake("GET", f"/a/{sign(claims, aws.keys)}")

    assert page.status == 400
    assert wiring.repository().get_ask("demo", request_id, MARGARET).status == "asked"
    assert YUKI not in page.body
