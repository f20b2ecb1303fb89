"""Signed action links from email: GET shows what the click would do, POST does it (once).

Accepting shows the introduction's words, written from the requester's reason; the connector may edit
them before confirming (kept only when changed).
"""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent
from warmpath import wiring
from warmpath.core.errors import Conflict
from warmpath.core.observability import logger, metrics

from intake import service, web

router = Router()


@router.get("/a/<token>", include_in_schema=False)
def confirm(token: str) -> Response[str]:
    event = router.current_event
    link = service.read_ask_link(wiring.repository(), wiring.signing_keys(), token, datetime.now(UTC))
    request, ask = link.request, link.ask
    if ask.status != "asked":
        return web.render(
            "message.html",
            title="Already answered",
            body=f"You already {ask.status} {request.requester_name}'s request to meet {request.target_name}. "
            "Nothing else to do.",
        )
    if link.answer == "accepted":
        return _accept_page(event, link, token)
    title = f"Decline {request.requester_name}'s request?"
    lines = [f"{request.requester_name} will be told you can't help this time, and nothing more."]
    return web.confirm_page(event, title=title, lines=lines, action=f"/a/{token}", button="Decline")


def _accept_page(
    event: BaseProxyEvent, link: service.AskLink, token: str, text: str = "", error: str = ""
) -> Response[str]:
    """The accept page: what happens next, and the introduction's words, which the connector may edit."""
    request = link.request
    double_opt_in = service.double_opt_in(wiring.repository(), request.tenant)
    lines = [
        f"{request.requester_name} would like to meet {request.target_name} ({request.target_company}).",
        f"Why: \u201c{request.reason}\u201d",
        (
            f"Confirming asks {request.target_name} first whether they are happy to connect; if they are, "
            f"one email introduces them to {request.requester_name}, from you, with replies coming to you."
            if double_opt_in
            else f"Confirming sends one email to {request.target_name} and {request.requester_name}, from you, "
            "with replies coming to you."
        ),
    ]
    return web.confirm_page(
        event,
        title=f"Introduce {request.requester_name} to {request.target_name}?",
        lines=lines,
        action=f"/a/{token}",
        button="Yes, send the introduction",
        text_field=(
            "intro_text",
            "The introduction (edit it if you like)",
            text or service.intro_text_for(wiring.repository(), link),
        ),
        status=400 if error else 200,
        error=error,
    )


@router.post("/a/<token>", include_in_schema=False)
def act(token: str) -> Response[str]:
    event = router.current_event
    form = web.read_form(event)
    web.check_csrf(form, web.form_binding(event))
    link = service.read_ask_link(wiring.repository(), wiring.signing_keys(), token, datetime.now(UTC))
    written = form.get("intro_text")
    try:
        intro_text = service.own_intro_text(wiring.repository(), link, written)
    except ValueError as problem:  # nothing is stored: the page comes back with their text and what to fix
        return _accept_page(event, link, token, text=written or "", error=str(problem))
    try:
        changed, ask = service.answer_ask(wiring.repository(), wiring.event_bus(), link, intro_text=intro_text)
    except Conflict as conflict:
        return web.render("message.html", status=409, title="Nothing changed", body=conflict.message)
    if changed:
        logger.info("ask answered", extra={"answer": ask.status, "request_id": ask.request_id})
        metrics.add_metric(name="AskAccepted" if ask.status == "accepted" else "AskDeclined", unit="Count", value=1)
    request = link.request
    if ask.status == "accepted":
        if service.double_opt_in(wiring.repository(), request.tenant):
            body = (
                f"Thank you. We are asking {request.target_name} whether they are happy to connect; if they "
                "are, your introduction goes out, from you, and replies will come to you."
            )
            return web.render("message.html", title="Thank you", body=body)
        body = (
            f"Thank you. The introduction between {request.requester_name} and {request.target_name} "
            "is on its way, from you; replies will come to you."
        )
        return web.render("message.html", title="Introduction sent", body=body)
    return web.render(
        "message.html",
        title="Declined",
        body=f"Thanks for letting us know. {request.requester_name} will ask someone else.",
    )
