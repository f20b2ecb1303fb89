"""Passwordless sign-in: a magic link by email; the GET shows a page, only the POST signs in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from warmpath.events import SignInRequested
from warmpath.models import Session, UsedToken
from warmpath.tokens import Claims, expiry, sign

from tests.conftest import AwsWorld, call_function, call_intake, eventbridge_event
from tests.integration.conftest import RILEY
from tests.integration.flows import csrf_of


def _sign_in_token(aws: AwsWorld, email: str = RILEY, minutes: int = 15) -> str:
    claims = Claims(
        purpose="sign_in",
        tenant="demo",
        subject=email,
        expires_at=expiry(datetime.now(UTC), timedelta(minutes=minutes)),
    )
    return sign(claims, aws.keys)


def _items(kind: type) -> list:
    return list(kind.scan())


def test_login_for_a_member_publishes_one_sign_in_request(aws: AwsWorld, demo: dict) -> None:
    result = call_intake("POST", "/auth/login", json_body={"email": "  Riley@Acme.example "})

    assert result.status == 202
    assert [(e.tenant, e.email) for e in aws.bus.of_type(SignInRequested)] == [("demo", RILEY)]


def test_login_for_an_unknown_address_answers_the_same_and_sends_nothing(aws: AwsWorld, demo: dict) -> None:
    known = call_intake("POST", "/auth/login", json_body={"email": RILEY})
    aws.bus.clear()

    unknown = call_intake("POST", "/auth/login", json_body={"email": "stranger@elsewhere.example"})

    assert unknown.status == known.status == 202
    assert unknown.json() == known.json()
    # Published like a member's (the same work), but for no tenant and without the address: delivered nowhere
    [published] = aws.bus.of_type(SignInRequested)
    assert published.tenant == "-" and "stranger" not in published.model_dump_json()


def test_sign_in_for_a_member_and_for_a_stranger_makes_the_same_aws_calls(
    aws: AwsWorld, demo: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing must not tell whether an address has an account: count every AWS call at botocore (the
    table's client and the event bus's alike) with the real EventBridge adapter."""
    import botocore.client
    from warmpath import wiring
    from warmpath.events import EventBridgeBus

    from tests.conftest import aws_client

    aws_client("events").create_event_bus(Name=aws.env["EVENT_BUS_NAME"])
    wiring.override(event_bus=EventBridgeBus(aws.env["EVENT_BUS_NAME"]))
    calls: list[str] = []
    make_api_call = botocore.client.BaseClient._make_api_call

    def counted(client: Any, operation: str, params: Any) -> Any:
        calls.append(f"{client.meta.service_model.service_name}.{operation}")
        return make_api_call(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counted)

    def calls_for(email: str) -> list[str]:
        calls.clear()
        assert call_intake("POST", "/auth/login", json_body={"email": email}).status == 202
        return sorted(calls)

    member, stranger = calls_for(RILEY), calls_for("stranger@elsewhere.example")

    assert member == stranger
    assert "events.PutEvents" in member
    # and a second try within the minute is refused the same way for both
    assert calls_for(RILEY) == calls_for("stranger@elsewhere.example")


def test_login_with_an_invalid_email_says_what_is_expected(aws: AwsWorld, demo: dict) -> None:
    result = call_intake("POST", "/auth/login", json_body={"email": "riley-at-acme"})

    assert result.status == 400
    assert "not an email address" in result.json()["message"]


def test_login_form_without_csrf_token_is_refused(aws: AwsWorld, demo: dict) -> None:
    result = call_intake("POST", "/auth/login", form={"email": RILEY}, cookies={"wp_anon": "abc"})

    assert result.status == 403
    assert aws.bus.published == []


def test_login_form_with_csrf_token_shows_check_your_email(aws: AwsWorld, demo: dict) -> None:
    home = call_intake("GET", "/")
    anon = home.cookies["wp_anon"]

    result = call_intake(
        "POST", "/auth/login", form={"email": RILEY, "csrf_token": csrf_of(home.body)}, cookies={"wp_anon": anon}
    )

    assert result.status == 202
    assert "Check your email" in result.body
    assert len(aws.bus.of_type(SignInRequested)) == 1


def test_sign_in_email_carries_a_working_magic_link(aws: AwsWorld, demo: dict) -> None:
    call_function("notify.app", eventbridge_event(SignInRequested(tenant="demo", email=RILEY, attempt="a1")))

    [email] = aws.sent_emails()
    assert email["to"] == [RILEY]
    [link] = [u for u in email["links"] if "/auth/magic?token=" in u]
    token = link.split("token=")[1]
    page = call_intake("GET", "/auth/magic", query={"token": token})
    assert page.status == 200
    assert "Signing in as riley@acme.example" in page.body


def test_opening_the_magic_link_changes_nothing(aws: AwsWorld, demo: dict) -> None:
    token = _sign_in_token(aws)

    page = call_intake("GET", "/auth/magic", query={"token": token})

    assert page.status == 200
    assert "wp_session" not in page.cookies
    assert _items(Session) == [] and _items(UsedToken) == []


def test_confirming_the_magic_link_signs_in_with_a_safe_cookie(aws: AwsWorld, demo: dict) -> None:
    token = _sign_in_token(aws)
    page = call_intake("GET", "/auth/magic", query={"token": token})

    result = call_intake(
        "POST",
        "/auth/magic",
        form={"token": token, "csrf_token": csrf_of(page.body)},
        cookies={"wp_anon": page.cookies["wp_anon"]},
    )

    assert result.status == 303
    assert result.headers["Location"] == "/requests"
    [cookie] = [c for c in result.set_cookie_headers if c.startswith("wp_session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert len(_items(Session)) == 1


def test_session_cookie_is_not_secure_on_localhost(aws: AwsWorld, demo: dict) -> None:
    token = _sign_in_token(aws)
    page = call_intake("GET", "/auth/magic", query={"token": token}, host="127.0.0.1:8000")

    result = call_intake(
        "POST",
        "/auth/magic",
        form={"token": token, "csrf_token": csrf_of(page.body)},
        cookies={"wp_anon": page.cookies["wp_anon"]},
        host="127.0.0.1:8000",
    )

    [cookie] = [c for c in result.set_cookie_headers if c.startswith("wp_session=")]
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_a_magic_link_works_once(aws: AwsWorld, demo: dict) -> None:
    token = _sign_in_token(aws)
    page = call_intake("GET", "/auth/magic", query={"token": token})
    form = {"token": token, "csrf_token": csrf_of(page.body)}
    cookies = {"wp_anon": page.cookies["wp_anon"]}
    call_intake("POST", "/auth/magic", form=form, cookies=cookies)

    again = call_intake("POST", "/auth/magic", form=form, cookies=cookies)

    assert again.status == 409
    assert "already used" in again.body
    assert len(_items(Session)) == 1


def test_a_tampered_magic_link_gets_a_clear_400_page(aws: AwsWorld, demo: dict) -> None:
    token = _sign_in_token(aws)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    page = call_intake("GET", "/auth/magic", query={"token": tampered})

    assert page.status == 400
    assert "changed" in page.body


def test_an_expired_magic_link_gets_a_410_page(aws: AwsWorld, demo: dict) -> None:
    token = _sign_in_token(aws, minutes=-1)

    page = call_intake("GET", "/auth/magic", query={"token": token})

    assert page.status == 410
    assert "expired" in page.body
