"""Introduction requests through the JSON API and the web form: validation, isolation, events."""

from __future__ import annotations

from warmpath.events import AskRequested, IntroRequested
from warmpath.models import IntroRequest

from tests.conftest import AwsWorld, call_intake
from tests.integration.conftest import ADA, PRIYA_EMAIL, RILEY, SAM, priya_request, session_cookies
from tests.integration.flows import csrf_of


def _requests_stored() -> list[IntroRequest]:
    return list(IntroRequest.scan())


def test_creating_a_request_stores_it_and_starts_matching(aws: AwsWorld, demo: dict) -> None:
    result = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=session_cookies(RILEY))

    assert result.status == 201
    body = result.json()
    assert body["status"] == "matching"
    assert body["target_email"] == PRIYA_EMAIL
    assert [t["what"] for t in body["timeline"]] == ["requested"]
    [event] = aws.bus.of_type(IntroRequested)
    assert (event.tenant, event.request_id) == ("demo", body["request_id"])


def test_api_without_a_session_answers_401_json(aws: AwsWorld, demo: dict) -> None:
    result = call_intake("POST", "/api/requests", json_body=priya_request())

    assert result.status == 401
    assert result.json() == {"message": "Please sign in first."}
    assert _requests_stored() == []


def test_invalid_request_gets_422_naming_the_field_and_stores_nothing(aws: AwsWorld, demo: dict) -> None:
    body = priya_request(target_email="not-an-email", reason="short")

    result = call_intake("POST", "/api/requests", json_body=body, cookies=session_cookies(RILEY))

    assert result.status == 422
    problems = {tuple(d["loc"])[-1]: d for d in result.json()["detail"]}
    assert {"target_email", "reason"} <= set(problems)
    assert _requests_stored() == [] and aws.bus.published == []


def test_another_requester_cannot_see_my_request(aws: AwsWorld, demo: dict) -> None:
    created = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=session_cookies(RILEY)).json()

    as_sam = call_intake("GET", f"/api/requests/{created['request_id']}", cookies=session_cookies(SAM))
    as_admin = call_intake("GET", f"/api/requests/{created['request_id']}", cookies=session_cookies(ADA))

    assert as_sam.status == 404
    assert as_admin.status == 200


def test_another_tenant_cannot_see_a_request_even_with_its_id(aws: AwsWorld, demo: dict) -> None:
    created = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=session_cookies(RILEY)).json()
    outsider = session_cookies("hank.scorpio@globex.example", tenant="globex")

    result = call_intake("GET", f"/api/requests/{created['request_id']}", cookies=outsider)
    listing = call_intake("GET", "/api/requests", cookies=outsider)

    assert result.status == 404
    assert listing.json() == {"requests": []}


def test_listing_shows_my_requests_newest_first(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(RILEY)
    first = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=cookies).json()
    second = call_intake(
        "POST", "/api/requests", json_body=priya_request(target_name="Mei Wong"), cookies=cookies
    ).json()

    listed = call_intake("GET", "/api/requests", cookies=cookies).json()["requests"]

    assert [r["request_id"] for r in listed] == [second["request_id"], first["request_id"]]


def test_asking_before_matching_finishes_is_a_409_with_a_reason(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(RILEY)
    created = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=cookies).json()
    aws.bus.clear()

    result = call_intake(
        "POST", f"/api/requests/{created['request_id']}/asks", json_body={"path_id": "nope"}, cookies=cookies
    )

    assert result.status == 404
    assert aws.bus.of_type(AskRequested) == []


def test_openapi_document_lists_the_api(aws: AwsWorld) -> None:
    result = call_intake("GET", "/api/openapi.json")

    assert result.status == 200
    paths = result.json()["paths"]
    assert {"/api/requests", "/api/requests/{request_id}", "/api/requests/{request_id}/asks"} <= set(paths)
    assert "post" in paths["/api/requests"]


def test_health_answers_200(aws: AwsWorld) -> None:
    assert call_intake("GET", "/health").json() == {"status": "ok"}


def test_unknown_route_is_404(aws: AwsWorld) -> None:
    assert call_intake("GET", "/nowhere").status == 404
    assert call_intake("GET", "/api/nowhere").json()["message"].startswith("Nothing lives at")


# -- the web form -------------------------------------------------------------------------------------------


def test_form_submission_redirects_to_the_new_request_page(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(RILEY)
    form_page = call_intake("GET", "/requests/new", cookies=cookies)

    result = call_intake(
        "POST", "/requests", form={**priya_request(), "csrf_token": csrf_of(form_page.body)}, cookies=cookies
    )

    assert result.status == 303
    [stored] = _requests_stored()
    assert result.headers["Location"] == f"/requests/{stored.request_id}"


def test_form_errors_are_shown_next_to_the_fields_with_input_kept(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(RILEY)
    form_page = call_intake("GET", "/requests/new", cookies=cookies)
    form = {**priya_request(target_email="priya-at-northwind", reason="hi"), "csrf_token": csrf_of(form_page.body)}

    result = call_intake("POST", "/requests", form=form, cookies=cookies)

    assert result.status == 400
    assert 'id="target_email-error"' in result.body and 'id="reason-error"' in result.body
    assert "Please write at least 10 characters." in result.body
    assert "is not an email address (expected name@company.com)" in result.body
    assert 'value="priya-at-northwind"' in result.body
    assert _requests_stored() == []


def test_form_without_csrf_token_is_refused_and_stores_nothing(aws: AwsWorld, demo: dict) -> None:
    result = call_intake("POST", "/requests", form=priya_request(), cookies=session_cookies(RILEY))

    assert result.status == 403
    assert _requests_stored() == []


def test_csrf_token_of_another_session_is_refused(aws: AwsWorld, demo: dict) -> None:
    other_page = call_intake("GET", "/requests/new", cookies=session_cookies(SAM))

    result = call_intake(
        "POST",
        "/requests",
        form={**priya_request(), "csrf_token": csrf_of(other_page.body)},
        cookies=session_cookies(RILEY),
    )

    assert result.status == 403


def test_pages_send_security_headers(aws: AwsWorld) -> None:
    result = call_intake("GET", "/")

    assert "default-src 'none'" in result.headers["Content-Security-Policy"]
    assert result.headers["Referrer-Policy"] == "no-referrer"
    assert result.headers["X-Frame-Options"] == "DENY"


def test_pages_redirect_to_sign_in_without_a_session(aws: AwsWorld) -> None:
    result = call_intake("GET", "/requests")

    assert result.status == 303
    assert result.headers["Location"] == "/"
