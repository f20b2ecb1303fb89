"""What goes wrong in real life: double submits, stale cookies, odd input, lost announcements, retries."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from warmpath import wiring
from warmpath.events import AskAnswered, AskCreated, AskRequested, IntroRequested, SignInRequested
from warmpath.models import Ask, IntroRequest, Member, TimelineEntry
from warmpath_local.stack import LocalContext

from tests.conftest import AwsWorld, api_event, call_function, call_intake, eventbridge_event
from tests.integration.conftest import DAVID, MARGARET, RILEY, priya_request, session_cookies
from tests.integration.flows import csrf_of


def _stored(kind: type) -> list[Any]:
    return list(kind.scan())


# -- double submissions ----------------------------------------------------------------------------------


def test_submitting_the_same_form_twice_creates_one_request(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(RILEY)
    page = call_intake("GET", "/requests/new", cookies=cookies)
    form_key = re.search(r'name="form_key" value="([^"]+)"', page.body)
    assert form_key
    form = {**priya_request(), "csrf_token": csrf_of(page.body), "form_key": form_key.group(1)}

    first = call_intake("POST", "/requests", form=form, cookies=cookies)
    second = call_intake("POST", "/requests", form=form, cookies=cookies)

    assert first.status == second.status == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_stored(IntroRequest)) == 1
    assert _stored(TimelineEntry)[0].what == "requested" and len(_stored(TimelineEntry)) == 1


def test_an_api_retry_with_the_same_idempotency_key_returns_the_same_request(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(RILEY)
    event_args: dict[str, Any] = {"json_body": priya_request(), "cookies": cookies}

    def create() -> Any:
        from intake.app import lambda_handler

        event = api_event("POST", "/api/requests", **event_args)
        event["headers"]["Idempotency-Key"] = "retry-1"
        return lambda_handler(event, LocalContext(function_name="IntakeFunction"))

    first, second = create(), create()

    assert first["statusCode"] == second["statusCode"] == 201
    assert first["body"] == second["body"]
    assert len(_stored(IntroRequest)) == 1


def test_a_request_that_cannot_start_matching_is_not_kept(aws: AwsWorld, demo: dict) -> None:
    class Down:
        def publish(self, *events: Any) -> None:
            raise ConnectionError("EventBridge unavailable")

    wiring.override(event_bus=Down())

    result = call_intake("POST", "/api/requests", json_body=priya_request(), cookies=session_cookies(RILEY))

    assert result.status == 503
    assert "nothing was saved" in result.json()["message"]
    assert _stored(IntroRequest) == [] and _stored(TimelineEntry) == []


# -- sessions and cookies ---------------------------------------------------------------------------------


def test_a_stale_session_cookie_does_not_block_signing_in(aws: AwsWorld, demo: dict) -> None:
    stale = {"wp_session": "from-before-a-restart"}
    home = call_intake("GET", "/", cookies=stale)
    cookies = {**stale, "wp_anon": home.cookies["wp_anon"]}

    form = {"email": RILEY, "csrf_token": csrf_of(home.body)}
    result = call_intake("POST", "/auth/login", form=form, cookies=cookies)

    assert home.status == 200
    assert any(c.startswith("wp_session=;") or "Max-Age=0" in c for c in home.set_cookie_headers)
    assert result.status == 202


def test_a_member_removed_from_the_tenant_is_signed_out(aws: AwsWorld, demo: dict) -> None:
    cookies = session_cookies(RILEY)
    Member.get("TENANT#demo", f"MEMBER#{RILEY}").delete()

    page = call_intake("GET", "/requests", cookies=cookies)
    home = call_intake("GET", "/", cookies=cookies)
    api = call_intake("GET", "/api/requests", cookies=cookies)

    assert (page.status, page.headers["Location"]) == (303, "/")
    assert home.status == 200 and "Sign in to Warmpath" in home.body
    assert api.status == 401


def test_an_odd_cookie_from_another_app_does_not_hide_the_session(aws: AwsWorld, demo: dict) -> None:
    cookies = {"prefs": '{"a":1}', "theme": "dark mode", **session_cookies(RILEY)}

    assert call_intake("GET", "/api/requests", cookies=cookies).status == 200


def test_sign_in_links_are_sent_at_most_once_a_minute_per_address(aws: AwsWorld, demo: dict) -> None:
    first = call_intake("POST", "/auth/login", json_body={"email": RILEY})
    second = call_intake("POST", "/auth/login", json_body={"email": RILEY})

    assert first.status == second.status == 202
    assert first.json() == second.json()
    assert len(aws.bus.of_type(SignInRequested)) == 1


def test_a_used_magic_link_says_so_when_opened_again(aws: AwsWorld, demo: dict) -> None:
    call_function("notify.app", eventbridge_event(SignInRequested(tenant="demo", email=RILEY, attempt="x")))
    [link] = [u for u in aws.sent_emails()[0]["links"] if "token=" in u]
    token = link.split("token=")[1]
    page = call_intake("GET", "/auth/magic", query={"token": token})
    call_intake("POST", "/auth/magic", form={"token": token, "csrf_token": csrf_of(page.body)}, cookies=page.cookies)

    again = call_intake("GET", "/auth/magic", query={"token": token})

    assert again.status == 409
    assert "already used" in again.body


# -- odd input ------------------------------------------------------------------------------------------


def test_malformed_json_is_a_400_not_a_crash(aws: AwsWorld, demo: dict) -> None:
    result = call_intake("POST", "/auth/login", raw_body="{not json", content_type="application/json")

    assert result.status == 400
    assert "JSON object" in result.json()["message"]


def test_a_form_that_is_not_utf8_is_a_400(aws: AwsWorld, demo: dict) -> None:
    from intake.app import lambda_handler

    event = api_event("POST", "/auth/login", raw_body="x", content_type="application/x-www-form-urlencoded")
    event.update(body=base64.b64encode(b"email=\xff\xfe").decode(), isBase64Encoded=True)

    result = lambda_handler(event, LocalContext(function_name="IntakeFunction"))

    assert result["statusCode"] == 400


@pytest.mark.parametrize("field", ["target_name", "target_company", "target_title"])
def test_line_breaks_in_names_are_refused(aws: AwsWorld, demo: dict, field: str) -> None:
    body = priya_request(**{field: "Priya\nBcc: someone@else.example"})

    result = call_intake("POST", "/api/requests", json_body=body, cookies=session_cookies(RILEY))

    assert result.status == 422
    assert "single line" in result.json()["message"]
    assert _stored(IntroRequest) == []


# -- retries and races ----------------------------------------------------------------------------------


def _matched_request(aws: AwsWorld, **overrides: str) -> str:
    created = call_intake("POST", "/api/requests", json_body=priya_request(**overrides), cookies=session_cookies(RILEY))
    call_function("matching.app", eventbridge_event(aws.bus.of_type(IntroRequested)[-1]))
    return str(created.json()["request_id"])


def _paths(request_id: str) -> list[dict[str, Any]]:
    return list(call_intake("GET", f"/api/requests/{request_id}", cookies=session_cookies(RILEY)).json()["paths"])


def test_two_picks_racing_create_only_one_ask(aws: AwsWorld, demo: dict) -> None:
    request_id = _matched_request(aws)
    first, second = _paths(request_id)[:2]
    picks = [
        AskRequested(tenant="demo", request_id=request_id, path_id=p["path_id"], requested_by=RILEY)
        for p in (first, second)
    ]

    for pick in picks:  # both passed intake's check before either was handled
        call_function("matching.app", eventbridge_event(pick))

    assert [a.connector_email for a in _stored(Ask)] == [MARGARET]
    assert [e.connector_email for e in aws.bus.of_type(AskCreated)] == [MARGARET]


def _accept(aws: AwsWorld, request_id: str) -> AskAnswered:
    path = _paths(request_id)[0]
    pick = AskRequested(tenant="demo", request_id=request_id, path_id=path["path_id"], requested_by=RILEY)
    call_function("matching.app", eventbridge_event(pick))
    ask = wiring.repository().get_ask("demo", request_id, MARGARET)
    wiring.repository().answer_ask(ask, "accepted", jti="test-jti", token_expires_at=2_000_000_000)
    return AskAnswered(tenant="demo", request_id=request_id, connector_email=MARGARET, answer="accepted")


def _introductions(aws: AwsWorld) -> list[dict[str, Any]]:
    return [m for m in aws.sent_emails() if m["subject"].startswith("Introduction:")]


@pytest.mark.usefixtures("single_opt_in")
def test_a_failed_introduction_send_is_retried_and_sent_once(aws: AwsWorld, demo: dict) -> None:
    answered = _accept(aws, _matched_request(aws))
    real_sender = wiring.mail_sender()

    class FlakySender:
        calls = 0

        def send(self, message: Any) -> str:
            FlakySender.calls += 1
            if FlakySender.calls == 1:
                raise ConnectionError("SES throttled")
            return real_sender.send(message)

    wiring.override(mail_sender=FlakySender())
    with pytest.raises(ConnectionError):
        call_function("notify.app", eventbridge_event(answered, event_id="attempt-1"))

    call_function("notify.app", eventbridge_event(answered, event_id="attempt-2"))
    call_function("notify.app", eventbridge_event(answered, event_id="attempt-3"))

    assert len(_introductions(aws)) == 1
    assert wiring.repository().get_request("demo", answered.request_id).status == "introduced"


def test_a_linkedin_only_introduction_uses_only_the_connectors_own_contact_details(aws: AwsWorld, demo: dict) -> None:
    from warmpath.models import Relationship

    request_id = _matched_request(aws, target_email="", target_linkedin_url="linkedin.com/in/priya-natarajan")
    # Margaret's own tie carries no email (as most LinkedIn exports): the address others hold is not used.
    for item in _stored(Relationship):
        if item.connector_email == MARGARET and item.person_name == "Priya Natarajan":
            item.update(actions=[Relationship.person_email.remove()])
    answered = _accept(aws, request_id)

    call_function("notify.app", eventbridge_event(answered))

    [intro] = _introductions(aws)
    assert intro["to"] == [MARGARET]
    assert intro["cc"] == [RILEY]
    assert "priya.natarajan@northwind.example" not in str(intro)
    assert DAVID not in str(intro)
