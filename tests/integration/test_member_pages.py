"""Pages members use besides email: a connector's asks and offers, network search, and the requester's
"How did it go?" on the request page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from warmpath import wiring
from warmpath.events import AskAnswered, OutcomeRecorded

from tests.conftest import AwsWorld, call_function, call_intake, eventbridge_event
from tests.integration.conftest import ADA, DAVID, MARGARET, RILEY, SAM, session_cookies
from tests.integration.flows import asked_margaret, click, csrf_of


def _page_links(html: str) -> list[str]:
    return re.findall(r'href="(/a/[^"]+)"', html)


# -- a connector's asks and offers --------------------------------------------------------------------------


def test_a_connector_sees_their_open_ask_and_can_answer_it_from_the_page(aws: AwsWorld, demo: dict) -> None:
    asked_margaret(aws)

    page = call_intake("GET", "/me/asks", cookies=session_cookies(MARGARET))

    assert page.status == 200
    assert "would like to meet <strong>Priya Natarajan</strong>" in page.body
    assert "waiting for your answer" in page.body
    accept, decline = _page_links(page.body)
    assert call_intake("GET", decline).status == 200  # opening a link changes nothing
    assert wiring.repository().list_requests("demo", requester=RILEY)[0].status == "asked"

    answered = click(accept)

    request = wiring.repository().list_requests("demo", requester=RILEY)[0]
    assert answered.status == 200 and request.status == "accepted"
    again = call_intake("GET", "/me/asks", cookies=session_cookies(MARGARET))
    assert "you accepted" in again.body and not _page_links(again.body)
    assert "You already accepted" in call_intake("GET", decline).body  # answered: the other link does nothing
    assert len(aws.bus.of_type(AskAnswered)) == 1


def test_the_asks_page_shows_only_the_connectors_own_asks_and_is_for_connectors(aws: AwsWorld, demo: dict) -> None:
    asked_margaret(aws)

    other = call_intake("GET", "/me/asks", cookies=session_cookies(DAVID))

    assert other.status == 200 and "Priya Natarajan" not in other.body
    assert "Nobody has asked you for an introduction yet" in other.body
    assert call_intake("GET", "/me/asks", cookies=session_cookies(SAM)).status == 403


def test_asks_still_with_the_approver_or_stopped_by_them_are_not_shown(aws: AwsWorld, demo: dict) -> None:
    from warmpath.events import AskCreated, AskRequested, IntroRequested

    from tests.integration.conftest import priya_request

    repo = wiring.repository()
    repo.set_member_access(repo.get_member("demo", MARGARET), roles={"connector"}, approver_email="cos@hale.example")
    created = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=session_cookies(RILEY)).json()
    call_function("matching.app", eventbridge_event(aws.bus.of_type(IntroRequested)[-1]))
    paths = call_intake("GET", f"/api/requests/{created['request_id']}", cookies=session_cookies(RILEY)).json()
    margaret = next(p for p in paths["paths"] if p["connector_name"] == "Margaret Hale")
    call_intake("POST", f"/api/requests/{created['request_id']}/asks", json_body={"path_id": margaret["path_id"]},
                cookies=session_cookies(RILEY))  # fmt: skip
    call_function("matching.app", eventbridge_event(aws.bus.of_type(AskRequested)[-1]))
    call_function("notify.app", eventbridge_event(aws.bus.of_type(AskCreated)[-1]))
    [ask] = repo.get_request_bundle("demo", created["request_id"]).asks
    assert ask.status == "awaiting_approval"

    waiting = call_intake("GET", "/me/asks", cookies=session_cookies(MARGARET))
    repo.decide_approval(ask, False, jti="approver-says-no", token_expires_at=2_000_000_000)
    stopped = call_intake("GET", "/me/asks", cookies=session_cookies(MARGARET))

    for page in (waiting, stopped):
        assert page.status == 200 and "Priya Natarajan" not in page.body and "you declined" not in page.body


def test_a_connectors_offers_are_listed_with_their_status(aws: AwsWorld, demo: dict) -> None:
    from warmpath.models import Offer

    request = call_intake(
        "POST", "/api/requests", json_body={"target_name": "Zed Q", "target_company": "Nowhere Ltd",
                                            "reason": "A reason that is long enough to pass."},
        cookies=session_cookies(RILEY),
    ).json()  # fmt: skip
    offer = Offer(tenant="demo", offer_id="o-1", connector_email=MARGARET, connector_name="Margaret Hale",
                  request_id=request["request_id"], owner_email=ADA)  # fmt: skip
    assert wiring.repository().create_offer(offer)

    page = call_intake("GET", "/me/asks", cookies=session_cookies(MARGARET))

    assert "To introduce Riley" in page.body and "Zed Q (Nowhere Ltd)" in page.body
    assert "with the account owner" in page.body


# -- network search ------------------------------------------------------------------------------------------


def test_a_connector_searches_their_network_by_name_title_or_company(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(MARGARET)

    by_company = call_intake("GET", "/network", cookies=cookies, query={"q": "northwind"})
    by_name = call_intake("GET", "/network", cookies=cookies, query={"q": "PRIYA"})
    nobody = call_intake("GET", "/network", cookies=cookies, query={"q": "zzzz-nobody"})
    everyone = call_intake("GET", "/network", cookies=cookies)

    assert "Priya Natarajan" in by_company.body and "Priya Natarajan" in by_name.body
    shown = lambda page: len(re.findall(r'action="/network/ties/', page.body))  # noqa: E731
    assert 0 < shown(by_company) < shown(everyone)
    assert nobody.status == 200 and "Nobody in your network matches" in nobody.body and shown(nobody) == 0
    assert 'value="PRIYA"' in by_name.body


def test_search_pages_through_a_large_network(aws: AwsWorld, demo: dict) -> None:
    from warmpath.models import Relationship

    repo = wiring.repository()
    with Relationship.batch_write() as batch:
        for n in range(230):
            batch.save(Relationship(PK=f"NETWORK#{MARGARET}", SK=f"TIE#zz-{n:04d}", connector_email=MARGARET,
                                    person_id=f"zz-{n:04d}", person_name=f"Searchable Person {n}",
                                    source="test"))  # fmt: skip

    # Small DynamoDB pages, so a search page spans several of them (as a network of thousands does).
    first, after = repo.search_network(MARGARET, "searchable", limit=100, page_size=40)
    second, after2 = repo.search_network(MARGARET, "searchable", limit=100, after=after, page_size=40)
    third, end = repo.search_network(MARGARET, "searchable", limit=100, after=after2, page_size=40)

    names = [t.person_name for t in first + second + third]
    assert (len(first), len(second), len(third)) == (100, 100, 30)
    assert len(names) == len(set(names)) == 230 and end is None


def test_a_connectors_asks_in_another_tenant_stay_there(aws: AwsWorld, demo: dict) -> None:
    from warmpath.models import Ask

    asked_margaret(aws)
    elsewhere = Ask(PK="TENANT#rival#REQUEST#r1", SK=f"ASK#{MARGARET}", GSI1PK=f"ASKED#{MARGARET}",
                    GSI1SK="2099-01-01T00:00:00+00:00#rival#r1", tenant="rival", request_id="r1",
                    connector_email=MARGARET, connector_name="Margaret Hale")  # fmt: skip
    elsewhere.save()

    asks = wiring.repository().asks_of("demo", MARGARET)

    assert asks and {a.tenant for a in asks} == {"demo"}
    assert [a.tenant for a in wiring.repository().asks_of("rival", MARGARET)] == ["rival"]


# -- "How did it go?" on the request page --------------------------------------------------------------------


def _introduced(aws: AwsWorld) -> str:
    wiring.repository().set_tenant_settings("demo", {"double_opt_in": False})
    ask = asked_margaret(aws)
    click(next(u for u in re.findall(r"https://[^/\s]+(/a/[^\s]+)", ask["text"])))
    for answered in aws.bus.of_type(AskAnswered):
        call_function("notify.app", eventbridge_event(answered))
    request = wiring.repository().list_requests("demo", requester=RILEY)[0]
    assert request.status == "introduced"
    return str(request.request_id)


def _report(request_id: str, outcome: str, who: str = RILEY) -> Any:
    cookies = session_cookies(who)
    page = call_intake("GET", f"/requests/{request_id}", cookies=cookies)
    return call_intake("POST", f"/requests/{request_id}/outcome", form={"csrf_token": csrf_of(page.body),
                       "outcome": outcome}, cookies=cookies)  # fmt: skip


def test_the_requester_says_how_it_went_from_the_request_page_once(aws: AwsWorld, demo: dict) -> None:
    request_id = _introduced(aws)
    page = call_intake("GET", f"/requests/{request_id}", cookies=session_cookies(RILEY))
    assert "How did it go?" in page.body and 'value="meeting_held"' in page.body
    assert '<span class="status introduced">Introduced</span>' in page.body  # Margaret's path, not "Accepted"
    assert "not asked here yet" not in page.body.split("Margaret Hale", 1)[1].split("</li>", 1)[0]

    first = _report(request_id, "meeting_held")
    double = _report(request_id, "meeting_held")
    different = _report(request_id, "not_a_fit")

    assert first.status == 303 and double.status == 303 and different.status == 409
    assert wiring.repository().get_request("demo", request_id).outcome == "meeting_held"
    published = aws.bus.of_type(OutcomeRecorded)
    assert [e.outcome for e in published] == ["meeting_held", "meeting_held"]  # the double click's repeat...
    line = f"REQUESTER#{RILEY}"
    before = float(getattr(wiring.repository().counters("demo", [line]).get(line), "meetings", 0) or 0)
    for event in published:
        call_function("crm.analytics", eventbridge_event(event))
    after = float(wiring.repository().counters("demo", [line])[line].meetings)
    assert after == before + 1  # ...is dropped by its consumers: one meeting
    shown = call_intake("GET", f"/requests/{request_id}", cookies=session_cookies(RILEY))
    assert "You told us: <strong>Yes, we met</strong>" in shown.body and 'value="meeting_held"' not in shown.body


def test_the_same_answer_weeks_later_publishes_nothing_to_count_twice(aws: AwsWorld, demo: dict) -> None:
    from datetime import timedelta

    from warmpath.models import IntroRequest, utcnow

    request_id = _introduced(aws)
    assert _report(request_id, "meeting_held").status == 303
    stored = wiring.repository().get_request("demo", request_id)
    stored.update(actions=[IntroRequest.outcome_at.set(utcnow() - timedelta(days=30))])

    again = _report(request_id, "meeting_held")

    assert again.status == 303 and len(aws.bus.of_type(OutcomeRecorded)) == 1


def test_no_response_yet_is_provisional_and_a_later_meeting_replaces_it(aws: AwsWorld, demo: dict) -> None:
    request_id = _introduced(aws)

    waiting = _report(request_id, "no_response")
    page = call_intake("GET", f"/requests/{request_id}", cookies=session_cookies(RILEY))
    met = _report(request_id, "meeting_held")
    final = _report(request_id, "no_response")

    assert waiting.status == 303 and "answered since?" in page.body and 'value="no_response"' not in page.body
    assert met.status == 303 and final.status == 409
    assert wiring.repository().get_request("demo", request_id).outcome == "meeting_held"
    assert [e.outcome for e in aws.bus.of_type(OutcomeRecorded)] == ["no_response", "meeting_held"]


@pytest.mark.parametrize("outcome", ["", "won_the_lottery"])
def test_an_unknown_outcome_is_refused(aws: AwsWorld, demo: dict, outcome: str) -> None:
    request_id = _introduced(aws)

    result = _report(request_id, outcome)

    assert result.status == 400 and "Choose one of" in result.body
    assert wiring.repository().get_request("demo", request_id).outcome is None


def test_only_the_requester_reports_and_only_after_the_introduction(aws: AwsWorld, demo: dict) -> None:
    asked_margaret(aws)
    request_id = wiring.repository().list_requests("demo", requester=RILEY)[0].request_id

    early = _report(request_id, "meeting_held")
    assert early.status == 409 and "once the introduction has been made" in early.body
    admin = _report(request_id, "meeting_held", ADA)
    assert admin.status == 403
    assert wiring.repository().get_request("demo", request_id).outcome is None


def test_a_signed_in_member_reaches_their_email_preferences_without_an_email(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(MARGARET)

    sent = call_intake("GET", "/me/preferences", cookies=cookies)

    assert sent.status == 303 and sent.headers["Location"].startswith("/p/")
    page = call_intake("GET", sent.headers["Location"])
    assert page.status == 200 and MARGARET in page.body and "Email preferences" in page.body
    assert call_intake("GET", "/me/preferences").status in (302, 303, 401)
