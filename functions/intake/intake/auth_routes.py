"""Home, health, and passwordless sign-in by magic link (GET shows a confirm page, POST signs in)."""

from __future__ import annotations

import binascii
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.errors import Conflict, InvalidInput
from warmpath.core.observability import logger, metrics

from intake import service, web

if TYPE_CHECKING:  # pydantic: on first use (see intake.app)
    from pydantic import ValidationError

router = Router()
STYLESHEET = Path(__file__).parent / "static" / "app.css"
SENT_MESSAGE = "If that address belongs to a Warmpath account, a sign-in link is on its way. It expires in 15 minutes."


@router.get("/health", include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/assets/app.css", include_in_schema=False)
def stylesheet() -> Response[str]:
    return Response(
        status_code=200,
        content_type="text/css; charset=utf-8",
        body=STYLESHEET.read_text(),
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/", include_in_schema=False)
def home() -> Response[str]:
    found = web.signed_in(router.current_event)
    if found:
        return web.redirect(web.landing_page(found.member))
    binding, cookies = web.page_binding(router.current_event)
    return web.render("sign_in.html", cookies=cookies, csrf_token=web.csrf_token(binding), email="", error=None)


@router.post(
    "/auth/login",
    summary="Email me a sign-in link",
    responses={202: {"description": "Link sent if the account exists"}},
)
def login() -> Response[str]:
    from pydantic import ValidationError

    from intake.schemas import Accepted, LoginIn

    event = router.current_event
    content_type = (event.headers.get("content-type") or "").lower()
    as_json = content_type.startswith("application/json")
    if as_json:
        try:
            payload = json.loads(event.decoded_body or "{}")
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise InvalidInput('Send a JSON object like {"email": "you@company.com"}.') from None
        if not isinstance(payload, dict):
            raise InvalidInput('Send a JSON object like {"email": "you@company.com"}.')
    else:
        payload = web.read_form(event)
        web.check_csrf(payload, web.form_binding(event))
    try:
        login_in = LoginIn.model_validate({"email": payload.get("email", ""), "tenant": payload.get("tenant") or None})
    except ValidationError as error:
        message = _first_error(error)
        if as_json:
            raise InvalidInput(message) from None
        binding, cookies = web.page_binding(event)
        return web.render(
            "sign_in.html",
            status=400,
            cookies=cookies,
            csrf_token=web.csrf_token(binding),
            email=payload.get("email", ""),
            error=message,
        )
    sent = service.request_sign_in(
        wiring.repository(), wiring.event_bus(), login_in.email, login_in.tenant, datetime.now(UTC)
    )
    logger.info("sign-in requested", extra={"links": sent})
    metrics.add_metric(name="SignInRequested", unit="Count", value=1)
    if as_json:
        return Response(
            status_code=202,
            content_type="application/json",
            body=Accepted(status="sent", message=SENT_MESSAGE).model_dump_json(),
        )
    return web.render("check_email.html", status=202, message=SENT_MESSAGE)


@router.get("/auth/magic", include_in_schema=False)
def confirm_sign_in() -> Response[str]:
    """Show a one-button page: mail scanners fetch links, so the GET itself signs nobody in."""
    event = router.current_event
    token = event.get_query_string_value("token", "") or ""
    claims = service.read_sign_in_link(wiring.signing_keys(), token, datetime.now(UTC))
    if wiring.repository().token_outcome(claims.jti) is not None:
        raise Conflict(service.USED_SIGN_IN_LINK)
    return web.confirm_page(
        event,
        title="Sign in to Warmpath",
        lines=[f"Signing in as {claims.subject}."],
        action="/auth/magic",
        fields={"token": token},
        button="Sign in",
    )


@router.post("/auth/magic", include_in_schema=False)
def sign_in() -> Response[str]:
    event = router.current_event
    form = web.read_form(event)
    web.check_csrf(form, web.form_binding(event))
    session_id, member = service.complete_sign_in(
        wiring.repository(), wiring.signing_keys(), form.get("token", ""), datetime.now(UTC)
    )
    logger.info("signed in", extra={"tenant": member.tenant})
    metrics.add_metric(name="SignedIn", unit="Count", value=1)
    return web.redirect(web.landing_page(member), cookies=[web.session_cookie(event, session_id)])


@router.post("/auth/logout", include_in_schema=False)
def sign_out() -> Response[str]:
    event = router.current_event
    form = web.read_form(event)
    web.check_csrf(form, web.form_binding(event))
    found = web.signed_in(event)
    if found:
        wiring.repository().delete_session(found.session_id)
    return web.redirect("/", cookies=[web.expired_session_cookie(event)])


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ()))
    message = str(first.get("msg", "is not valid")).removeprefix("Value error, ")
    return f"{field}: {message}" if field else message
