"""Matching beyond the first direct path: indirect paths, fatigue, the requester's ordered list, history.

Through the public entry points: the API and pages of intake, and the matching and notify handlers with
the events they really receive.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from warmpath import wiring
from warmpath.events import AskAnswered, AskCreated, AskRequested, IntroRequested, MatchingCompleted, NetworkImported
from warmpath.models import TimelineEntry

from tests.conftest import AwsWorld, call_function, call_intake, eventbridge_event
from tests.integration.conftest import BEN, DAVID, MARGARET, RILEY, SAM, priya_request, session_cookies


def _deliver(module: str, contract: Any) -> Any:
    return call_function(module, eventbridge_event(contract))


def _request(aws: AwsWorld, requester: str = RILEY, **overrides: str) -> str:
    created = call_intake(
        "POST", "/api/requests", json_body=priya_request(**overrides), cookies=session_cookies(requester)
    )
    assert created.status == 201, created.body
    _deliver("matching.app", aws.bus.of_type(IntroRequested)[-1])
    return str(created.json()["request_id"])


def _withdraw(request_id: str) -> None:
    """Remove a request, so a later one for the same person is matched afresh instead of joining it."""
    wiring.repository().delete_request("demo", request_id)


def _paths(request_id: str, requester: str = RILEY) -> list[dict[str, Any]]:
    body = call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(requester)).json()
    return list(body["paths"])


def _path(request_id: str, email_name: str, requester: str = RILEY) -> dict[str, Any]:
    return next(p for p in _paths(request_id, requester) if p["connector_name"] == email_name)


def _ask(aws: AwsWorld, request_id: str, first: str, *then: str, requester: str = RILEY) -> Any:
    ids = [_path(request_id, n, requester)["path_id"] for n in (first, *then)]
    result = call_intake(
        "POST",
        f"/api/requests/{request_id}/asks",
        json_body={"path_id": ids[0], "then": ids[1:]},
        cookies=session_cookies(requester),
    )
    if result.status == 202:
        _deliver("matching.app", aws.bus.of_type(AskRequested)[-1])
    return result


def _answer(aws: AwsWorld, connector: str, answer: str) -> None:
    """The connector clicks the link in their latest ask email and confirms."""
    email = [m for m in aws.sent_emails() if m["to"] == [connector] and "would like an introduction" in m["subject"]]
    if not email:
        _deliver("notify.app", aws.bus.of_type(AskCreated)[-1])
        email = [m for m in aws.sent_emails() if m["to"] == [connector]]
    links = [u for u in email[-1]["links"] if "/a/" in u]
    token = (links[0] if answer == "accept" else links[1]).split("/a/")[1]
    page = call_intake("GET", f"/a/{token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
    assert csrf
    assert call_intake("POST", f"/a/{token}", form={"csrf_token": csrf.group(1)}, cookies=page.cookies).status == 200


def _timeline(request_id: str) -> list[tuple[str, str | None]]:
    entries = TimelineEntry.query(f"TENANT#demo#REQUEST#{request_id}", TimelineEntry.SK.startswith("EVENT#"))
    return [(t.what, t.detail) for t in sorted(entries, key=lambda t: t.at)]


# -- indirect paths ----------------------------------------------------------------------------------------


def test_colleagues_of_an_unknown_target_give_indirect_paths_with_who_they_know(aws: AwsWorld, demo: dict) -> None:
    request_id = _request(aws, target_name="Nadia Newhire", target_email="nadia@northwind.example")

    paths = _paths(request_id)

    assert paths and all(p["path_type"] == "indirect" for p in paths)
    first = paths[0]
    assert first["via_name"] and first["via_name"] != "Nadia Newhire"
    assert any(f"Knows {first['via_name']}" in r and "Northwind Logistics" in r for r in first["reasons"])
    assert "who can pass the request on to Nadia Newhire" in first["reasons"][0]
    scores = [p["score"] for p in paths]
    assert scores == sorted(scores, reverse=True)


def test_an_indirect_path_never_names_a_hidden_or_ask_first_colleague(aws: AwsWorld, demo: dict) -> None:
    repo = wiring.repository()
    hidden_or_private = {
        t.person_name
        for email in (MARGARET, DAVID, BEN)
        for t in repo.network_of(email)
        if t.visibility != "visible" and t.org_key == "northwind-logistics"
    }
    request_id = _request(aws, target_name="Nadia Newhire", target_email="nadia@northwind.example")

    assert not {p["via_name"] for p in _paths(request_id)} & hidden_or_private


def test_a_company_nobody_has_ties_at_gives_no_path(aws: AwsWorld, demo: dict) -> None:
    request_id = _request(aws, target_name="Ann Other", target_company="Nowhere Ltd", target_email="")

    assert _paths(request_id) == []
    assert aws.bus.of_type(MatchingCompleted)[-1].path_count == 0


# -- fatigue -----------------------------------------------------------------------------------------------


def test_a_connector_at_the_tenants_cap_is_listed_last_with_the_reason_and_cannot_be_asked(
    aws: AwsWorld, demo: dict
) -> None:
    wiring.repository().set_tenant_settings("demo", {"asks_per_30_days": 1})
    first = _request(aws)
    assert _ask(aws, first, "Margaret Hale").status == 202
    _withdraw(first)  # the ask still counts against Margaret's limit

    second = _request(aws, requester=SAM)
    paths = _paths(second, SAM)
    margaret = _path(second, "Margaret Hale", SAM)

    assert paths[-1]["connector_name"] == "Margaret Hale"
    assert margaret["unavailable"] == "Not available: asked 1 times in the last 30 days (limit 1)"
    refused = call_intake(
        "POST", f"/api/requests/{second}/asks", json_body={"path_id": margaret["path_id"]}, cookies=session_cookies(SAM)
    )
    assert refused.status == 409
    assert "Margaret Hale cannot be asked now. Not available: asked 1 times" in refused.json()["message"]
    page = call_intake("GET", f"/requests/{second}", cookies=session_cookies(SAM))
    assert "Not available: asked 1 times in the last 30 days (limit 1)" in page.body


def test_a_connector_who_just_declined_rests_before_being_asked_again(aws: AwsWorld, demo: dict) -> None:
    first = _request(aws)
    _ask(aws, first, "Margaret Hale")
    _answer(aws, MARGARET, "decline")
    _withdraw(first)

    second = _request(aws, requester=SAM)

    assert _path(second, "Margaret Hale", SAM)["unavailable"].startswith("Not available: declined an ask today")


def test_a_paused_connector_is_not_asked_anywhere_until_they_resume(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(DAVID)
    page = call_intake("GET", "/network", cookies=cookies)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
    assert csrf
    paused = call_intake(
        "POST", "/network/availability", form={"csrf_token": csrf.group(1), "availability": "pause"}, cookies=cookies
    )
    assert paused.status == 303
    assert all(m.paused for m in wiring.repository().memberships_of(DAVID))

    request_id = _request(aws)
    assert _path(request_id, "David Kim")["unavailable"] == "Not available: has paused all asks"
    _withdraw(request_id)

    call_intake(
        "POST",
        "/network/availability",
        form={"csrf_token": csrf.group(1), "availability": "available"},
        cookies=cookies,
    )
    assert _path(_request(aws, requester=SAM), "David Kim", SAM)["unavailable"] is None


def test_snoozing_asks_shows_until_when(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(DAVID)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', call_intake("GET", "/network", cookies=cookies).body)
    assert csrf
    call_intake(
        "POST",
        "/network/availability",
        form={"csrf_token": csrf.group(1), "availability": "snooze_14"},
        cookies=cookies,
    )

    assert _path(_request(aws), "David Kim")["unavailable"].startswith("Not available: snoozed until ")
    assert "Asks are <strong>snoozed</strong> until" in call_intake("GET", "/network", cookies=cookies).body


# -- the requester's ordered list --------------------------------------------------------------------------


def test_after_a_decline_the_next_connector_on_the_list_is_asked_automatically(aws: AwsWorld, demo: dict) -> None:
    request_id = _request(aws)
    assert _ask(aws, request_id, "Margaret Hale", "David Kim", "Ben Carter").status == 202
    assert [e.connector_email for e in aws.bus.of_type(AskCreated)] == [MARGARET]

    _answer(aws, MARGARET, "decline")
    declined = aws.bus.of_type(AskAnswered)[-1]
    _deliver("matching.app", declined)
    _deliver("matching.app", declined)  # a duplicate delivery asks nobody twice
    _deliver("notify.app", declined)

    assert [e.connector_email for e in aws.bus.of_type(AskCreated)] == [MARGARET, DAVID, DAVID]
    asks = call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(RILEY)).json()
    assert asks["status"] == "asked"
    [email] = [m for m in aws.sent_emails() if "can't introduce you" in m["subject"]]
    assert "we are asking the next connector on your list: David Kim" in email["text"]


def test_a_connector_on_the_list_who_cannot_be_asked_now_is_passed_over_with_the_reason(
    aws: AwsWorld, demo: dict
) -> None:
    request_id = _request(aws)
    wiring.repository().set_availability(DAVID, paused=True, snoozed_until=None)  # after matching, before the ask

    _ask(aws, request_id, "David Kim", "Ben Carter")

    assert [e.connector_email for e in aws.bus.of_type(AskCreated)] == [BEN]
    assert ("skipped", "David Kim: Not available: has paused all asks") in _timeline(request_id)


def test_the_page_asks_the_ticked_connectors_in_order(aws: AwsWorld, demo: dict) -> None:
    request_id = _request(aws)
    cookies = session_cookies(RILEY)
    page = call_intake("GET", f"/requests/{request_id}", cookies=cookies)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
    assert csrf and 'id="ask-in-order"' in page.body
    ids = [_path(request_id, n)["path_id"] for n in ("David Kim", "Ben Carter")]

    body = f"csrf_token={csrf.group(1)}&order={ids[0]}&order={ids[1]}"
    result = call_intake(
        "POST",
        f"/requests/{request_id}/asks",
        raw_body=body,
        content_type="application/x-www-form-urlencoded",
        cookies=cookies,
    )

    assert result.status == 303
    [requested] = aws.bus.of_type(AskRequested)
    assert (requested.path_id, requested.then) == (ids[0], [ids[1]])


# -- history -----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("single_opt_in")
def test_answers_and_introductions_feed_responsiveness_and_the_requesters_history(aws: AwsWorld, demo: dict) -> None:
    first = _request(aws)
    _ask(aws, first, "Margaret Hale")
    _answer(aws, MARGARET, "accept")
    _deliver("notify.app", aws.bus.of_type(AskAnswered)[-1])

    again_id = _request(aws)  # the first was introduced: a new request is matched afresh
    again = _path(again_id, "Margaret Hale")
    _withdraw(again_id)
    other = _path(_request(aws, requester=SAM), "Margaret Hale", SAM)

    assert again["responsiveness"].startswith("accepted 1 of 1 asks, usually within")
    assert "Has introduced you before (1 time)" in again["reasons"]
    assert "Has introduced you before (1 time)" not in other["reasons"]  # Sam's history is Sam's
    assert "Asked 1 time in the last 30 days (limit 3)" in again["reasons"]


# -- two requesters, one target ----------------------------------------------------------------------------


def test_a_second_request_for_the_same_person_joins_the_open_one(aws: AwsWorld, demo: dict) -> None:
    first = _request(aws)
    _ask(aws, first, "Margaret Hale")

    # Sam knows Priya only by name and company: still the same person.
    second = _request(aws, requester=SAM, target_email="", target_name="Natarajan, Priya")
    _deliver("matching.app", aws.bus.of_type(IntroRequested)[-1])  # a duplicate delivery joins once
    _deliver("notify.app", aws.bus.of_type(MatchingCompleted)[-1])

    sams = call_intake("GET", f"/api/requests/{second}", cookies=session_cookies(SAM)).json()
    assert (sams["status"], sams["joined_request_id"], sams["paths"]) == ("joined", first, [])
    assert [e.connector_email for e in aws.bus.of_type(AskCreated)] == [MARGARET]  # nobody asked twice
    [email] = [m for m in aws.sent_emails() if m["to"] == [SAM]]
    assert email["subject"] == "Priya Natarajan is already being asked for by Riley Chen"
    assert f"https://app.warmpath.test/requests/{first}" in email["links"]
    followed = call_intake("GET", f"/requests/{first}", cookies=session_cookies(SAM))
    assert followed.status == 200 and "Waiting for the connector" in followed.body
    assert [w for w, _ in _timeline(first)].count("watcher_added") == 1
    path = _paths(first)[1]["path_id"]
    refused = call_intake(
        "POST", f"/api/requests/{first}/asks", json_body={"path_id": path}, cookies=session_cookies(SAM)
    )
    assert refused.status == 409 and "you are following it" in refused.json()["message"]


@pytest.mark.usefixtures("single_opt_in")
def test_a_request_after_the_first_was_introduced_is_matched_afresh(aws: AwsWorld, demo: dict) -> None:
    first = _request(aws)
    _ask(aws, first, "Margaret Hale")
    _answer(aws, MARGARET, "accept")
    _deliver("notify.app", aws.bus.of_type(AskAnswered)[-1])

    second = _request(aws, requester=SAM)

    body = call_intake("GET", f"/api/requests/{second}", cookies=session_cookies(SAM)).json()
    assert body["status"] == "paths_found" and body["joined_request_id"] is None


def test_a_different_person_at_the_same_company_is_not_joined(aws: AwsWorld, demo: dict) -> None:
    _request(aws)

    other = _request(aws, requester=SAM, target_name="Mei Wong", target_email="mei.wong@northwind.example")

    assert call_intake("GET", f"/api/requests/{other}", cookies=session_cookies(SAM)).json()["status"] != "joined"


# -- when networks change ----------------------------------------------------------------------------------


def _upload(aws: AwsWorld, connector: str, data: bytes) -> None:
    """Import a file into a connector's network through the real upload path (S3 event, import function)."""
    import copy

    from warmpath.network import new_import_job

    from tests.conftest import aws_client, load_fixture

    job = new_import_job(wiring.repository(), connector, requested_by="cli", tenant="demo", filename="c.csv")
    bucket = aws.env["UPLOADS_BUCKET"]
    aws_client("s3").put_object(Bucket=bucket, Key=job.s3_key, Body=data)
    event = copy.deepcopy(load_fixture("aws_events/powertools-lambda-python/events/s3Event.json"))
    event["Records"][0]["s3"]["bucket"].update(name=bucket, arn=f"arn:aws:s3:::{bucket}")
    event["Records"][0]["s3"]["object"]["key"] = job.s3_key.replace("/", "%2F")
    call_function("matching.imports", event)


EXPORT = (
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    b"Olga,Petrova,https://www.linkedin.com/in/olga-petrova,,Vandelay Industries,Chief Buyer,02 Mar 2026\r\n"
)


def test_an_import_that_creates_a_path_re_matches_the_open_request_and_tells_the_requester(
    aws: AwsWorld, demo: dict
) -> None:
    request_id = _request(aws, target_name="Olga Petrova", target_company="Vandelay Industries", target_email="")
    assert _paths(request_id) == []

    _upload(aws, BEN, EXPORT)
    [imported] = aws.bus.of_type(NetworkImported)
    _deliver("matching.app", imported)
    _deliver("matching.app", imported)  # a redelivery changes nothing more

    body = call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(RILEY)).json()
    assert body["status"] == "paths_found"
    assert [(p["connector_name"], p["path_type"]) for p in body["paths"]] == [("Ben Carter", "direct")]
    [news] = [e for e in aws.bus.of_type(MatchingCompleted) if e.new_paths]
    _deliver("notify.app", news)
    [email] = [m for m in aws.sent_emails() if m["to"] == [RILEY] and m["subject"].startswith("New paths:")]
    assert "Ben Carter" in email["text"]
    assert [w for w, _ in _timeline(request_id)].count("new_paths") == 1


def test_making_a_hidden_tie_visible_adds_that_connector_to_the_open_request(aws: AwsWorld, demo: dict) -> None:
    from warmpath.events import NetworkChanged

    from tests.integration.conftest import YUKI

    request_id = _request(aws)
    assert "Yuki Tanaka" not in {p["connector_name"] for p in _paths(request_id)}
    priya = next(t for t in wiring.repository().network_of(YUKI) if t.person_name == "Priya Natarajan")
    cookies = session_cookies(YUKI)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', call_intake("GET", "/network", cookies=cookies).body)
    assert csrf

    call_intake(
        "POST",
        f"/network/ties/{priya.person_id}",
        form={"csrf_token": csrf.group(1), "strength": "strong", "visibility": "visible"},
        cookies=cookies,
    )
    [changed] = aws.bus.of_type(NetworkChanged)
    assert changed.org_keys == ["northwind-logistics"]
    _deliver("matching.app", changed)

    assert "Yuki Tanaka" in {p["connector_name"] for p in _paths(request_id) if p["path_type"] == "direct"}


def test_a_change_at_another_organisation_leaves_open_requests_alone(aws: AwsWorld, demo: dict) -> None:
    from warmpath.events import NetworkChanged

    request_id = _request(aws)
    before = _paths(request_id)

    _deliver("matching.app", NetworkChanged(tenant="demo", connector_email=BEN, org_keys=["initech"]))

    assert _paths(request_id) == before
    assert not [e for e in aws.bus.of_type(MatchingCompleted) if e.new_paths]


# -- approvers ---------------------------------------------------------------------------------------------

PA = "pa@hale-ventures.example"


def _with_approver() -> None:
    from warmpath.models import Member

    member = wiring.repository().get_member("demo", MARGARET)
    assert member is not None
    member.update(actions=[Member.approver_email.set(PA)])


def _approval_links(aws: AwsWorld) -> dict[str, str]:
    [email] = [m for m in aws.sent_emails() if m["to"] == [PA]]
    links = [u for u in email["links"] if "/approve/" in u]
    return {"approve": links[0].split("/approve/")[1], "decline": links[1].split("/approve/")[1]}


def _decide(token: str, clicks: int = 1) -> Any:
    """Open the link, then press the button ``clicks`` times; returns the last answer."""
    page = call_intake("GET", f"/approve/{token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
    assert csrf, page.body
    for _ in range(clicks):
        result = call_intake("POST", f"/approve/{token}", form={"csrf_token": csrf.group(1)}, cookies=page.cookies)
    return result


def test_an_ask_to_a_connector_with_an_approver_waits_for_their_one_click_approval(aws: AwsWorld, demo: dict) -> None:
    from warmpath.events import AskApproved

    _with_approver()
    request_id = _request(aws)
    _ask(aws, request_id, "Margaret Hale")
    _deliver("notify.app", aws.bus.of_type(AskCreated)[-1])

    [approval] = [m for m in aws.sent_emails() if m["to"] == [PA]]
    assert approval["subject"] == "May Margaret Hale be asked to introduce Riley Chen to Priya Natarajan?"
    assert not [m for m in aws.sent_emails() if m["to"] == [MARGARET]]
    links = _approval_links(aws)
    page = call_intake("GET", f"/approve/{links['approve']}")
    assert page.status == 200 and "Let Margaret Hale be asked?" in page.body
    assert wiring.repository().get_ask("demo", request_id, MARGARET).status == "awaiting_approval"

    again = _decide(links["approve"], clicks=2)  # a double click
    for approved in aws.bus.of_type(AskApproved):
        _deliver("notify.app", approved)

    assert again.status == 200 and len(aws.bus.of_type(AskApproved)) == 2
    asks = [m for m in aws.sent_emails() if m["to"] == [MARGARET] and "would like an introduction" in m["subject"]]
    assert len(asks) == 1
    assert wiring.repository().get_ask("demo", request_id, MARGARET).status == "asked"
    assert ("approved", "Margaret Hale (their approver)") in _timeline(request_id)
    declined = call_intake("GET", f"/approve/{links['decline']}")  # the other link of the pair
    assert "Already decided" in declined.body


def test_an_approver_saying_no_moves_on_to_the_next_connector_without_naming_them(aws: AwsWorld, demo: dict) -> None:
    _with_approver()
    request_id = _request(aws)
    _ask(aws, request_id, "Margaret Hale", "David Kim")
    _deliver("notify.app", aws.bus.of_type(AskCreated)[-1])

    assert _decide(_approval_links(aws)["decline"]).status == 200
    declined = aws.bus.of_type(AskAnswered)[-1]
    _deliver("matching.app", declined)
    _deliver("notify.app", declined)

    assert [e.connector_email for e in aws.bus.of_type(AskCreated)] == [MARGARET, DAVID]
    [email] = [m for m in aws.sent_emails() if "can't introduce you" in m["subject"]]
    assert "Margaret Hale can't introduce you" in email["text"] and "approver" not in email["text"].lower()
    margaret = wiring.repository().get_member("demo", MARGARET)
    assert margaret is not None and int(margaret.answered or 0) == 0  # not held against Margaret


def test_an_ask_link_cannot_be_used_as_an_approval(aws: AwsWorld, demo: dict) -> None:
    request_id = _request(aws)
    _ask(aws, request_id, "Margaret Hale")
    _deliver("notify.app", aws.bus.of_type(AskCreated)[-1])
    [email] = [m for m in aws.sent_emails() if m["to"] == [MARGARET]]
    token = next(u for u in email["links"] if "/a/" in u).split("/a/")[1]

    assert call_intake("GET", f"/approve/{token}").status == 400


# -- ask-me-first ties --------------------------------------------------------------------------------------


def _yuki_keeps_priya_private() -> None:
    from warmpath.network import rate_tie

    from tests.integration.conftest import YUKI

    repo = wiring.repository()
    priya = next(t for t in repo.network_of(YUKI) if t.person_name == "Priya Natarajan")
    rate_tie(repo, YUKI, priya.person_id, "very_strong", visibility="ask_first")


def test_an_ask_me_first_tie_surfaces_without_the_connectors_name(aws: AwsWorld, demo: dict) -> None:
    _yuki_keeps_priya_private()

    request_id = _request(aws)
    body = call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(RILEY))
    page = call_intake("GET", f"/requests/{request_id}", cookies=session_cookies(RILEY))

    [private] = [p for p in body.json()["paths"] if p["anonymous"]]
    assert private["connector_name"] == "A connector who keeps this contact private"
    assert (private["connector_title"], private["connector_location"], private["connector_type"]) == (None, None, None)
    for shown in (body.body, page.body):
        assert "Yuki" not in shown and "Tanaka" not in shown
    assert "Ask privately" in page.body


@pytest.mark.usefixtures("single_opt_in")
def test_asking_a_private_connector_reaches_them_and_names_them_only_if_they_accept(aws: AwsWorld, demo: dict) -> None:
    from tests.integration.conftest import YUKI

    _yuki_keeps_priya_private()
    request_id = _request(aws)
    private = next(p for p in _paths(request_id) if p["anonymous"])
    call_intake(
        "POST",
        f"/api/requests/{request_id}/asks",
        json_body={"path_id": private["path_id"]},
        cookies=session_cookies(RILEY),
    )
    _deliver("matching.app", aws.bus.of_type(AskRequested)[-1])
    _deliver("notify.app", aws.bus.of_type(AskCreated)[-1])

    [ask] = [m for m in aws.sent_emails() if m["to"] == [YUKI]]
    assert ask["text"].startswith("Hello Yuki Tanaka,")
    assert "does not know this is you" in ask["text"]
    timeline = call_intake("GET", f"/requests/{request_id}", cookies=session_cookies(RILEY)).body
    assert "Yuki" not in timeline

    _answer(aws, YUKI, "accept")
    _deliver("notify.app", aws.bus.of_type(AskAnswered)[-1])
    [intro] = [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]
    assert intro["from"].startswith("Yuki Tanaka via Warmpath")


# -- customer references ------------------------------------------------------------------------------------

CARLOS, GRACE, RAJ = "carlos.ruiz@verdant.example", "grace.liu@keystone.example", "raj.patel@brightlane.example"


def _customer_profiles() -> None:
    from warmpath.models import Member

    profiles = {
        GRACE: ("Healthcare", "1001-5000", {"Analytics"}),
        CARLOS: ("Food", "1001-5000", {"Analytics"}),
        RAJ: ("Retail", "5000+", {"Reports"}),
    }
    for email, (industry, size, products) in profiles.items():
        member = wiring.repository().get_member("demo", email)
        assert member is not None and member.connector_type == "customer"
        member.update(
            actions=[Member.industry.set(industry), Member.company_size.set(size), Member.products.set(products)]
        )


REFERENCE = {
    "kind": "reference",
    "target_name": "Hana Sato",
    "target_company": "Maple Clinics",
    "target_title": "VP Finance",
    "target_email": "hana.sato@maple.example",
    "prospect_industry": "Healthcare",
    "prospect_size": "1001-5000",
    "prospect_region": "CA",
    "product": "Analytics",
    "reason": "Hana wants to hear how a hospital group rolled out our analytics.",
}


def test_a_reference_request_ranks_customers_by_fit_to_the_prospect(aws: AwsWorld, demo: dict) -> None:
    _customer_profiles()

    request_id = _request(aws, **REFERENCE)
    paths = _paths(request_id)

    assert [p["connector_name"] for p in paths][:2] == ["Grace Liu", "Carlos Ruiz"]
    assert {p["path_type"] for p in paths} == {"reference"} and {p["connector_type"] for p in paths} == {"customer"}
    assert paths[0]["reasons"][:3] == [
        "Same industry: Healthcare",
        "A peer: VP-level like the prospect",
        "A company of the same size (1001-5000 people)",
    ]
    assert "In the same region (Toronto, CA)" in paths[0]["reasons"] and "Uses Analytics" in paths[0]["reasons"]
    body = call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(RILEY)).json()
    assert body["kind"] == "reference"


def test_a_reference_ask_invites_the_customer_to_a_call_and_counts_towards_their_limit(
    aws: AwsWorld, demo: dict
) -> None:
    _customer_profiles()
    wiring.repository().set_tenant_settings("demo", {"asks_per_30_days": 1, "double_opt_in": False})
    request_id = _request(aws, **REFERENCE)
    _ask(aws, request_id, "Grace Liu")
    _deliver("notify.app", aws.bus.of_type(AskCreated)[-1])

    [ask] = [m for m in aws.sent_emails() if m["to"] == [GRACE]]
    assert ask["subject"] == "Would you take a reference call with Hana Sato?"
    _answer(aws, GRACE, "accept")
    _deliver("notify.app", aws.bus.of_type(AskAnswered)[-1])
    [intro] = [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]
    assert intro["to"] == ["hana.sato@maple.example"] and "hear from a customer" in intro["text"]

    again = _request(aws, **dict(REFERENCE, target_name="Ken Ito", target_email="ken.ito@maple.example"))
    grace = _path(again, "Grace Liu")
    assert grace["unavailable"] == "Not available: asked 1 times in the last 30 days (limit 1)"


def test_a_reference_request_needs_a_known_company_size(aws: AwsWorld, demo: dict) -> None:
    result = call_intake(
        "POST", "/api/requests", json_body=dict(REFERENCE, prospect_size="huge"), cookies=session_cookies(RILEY)
    )

    assert result.status == 422
    assert "prospect_size" in result.body


def test_an_open_request_records_who_has_ties_there_for_the_digest(aws: AwsWorld, demo: dict) -> None:
    from warmpath.network import rate_tie

    _upload(aws, BEN, EXPORT)
    repo = wiring.repository()
    olga = next(t for t in repo.network_of(BEN) if t.person_name == "Olga Petrova")
    rate_tie(repo, BEN, olga.person_id, "strong", visibility="hidden")

    request_id = _request(aws, target_name="Ivo Marek", target_company="Vandelay Industries", target_email="")

    request = repo.get_request("demo", request_id)
    assert (request.status, request.paths) == ("no_path", [])
    assert request.digest_connectors == {BEN}  # Ben may offer from the digest; the requester sees nobody
