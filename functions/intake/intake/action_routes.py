"""Signed action links from email: GET shows what the click would do, POST does it (once)."""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.errors import Conflict
from warmpath.observability import logger, metrics

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
        title = f"Introduce {request.requester_name} to {request.target_name}?"
        lines = [
            f"{request.requester_name} would like to meet {request.target_name} ({request.target_company}).",
            f"Why: \u201c{request.reason}\u201d",
            f"Confirming sends one email to {request.target_name} and {request.requester_name}, from you, "
            "with replies coming to you.",
        ]
        button = "Yes, send the introduction"
    else:
        title = f"Decline {request.requester_name}'s request?"
        lines = [f"{request.requester_name} will be told you can't help this time, and nothing more."]
        button = "Decline"
    return web.confirm_page(event, title=title, lines=lines, action=f"/a/{token}", button=button)


@router.post("/a/<token>", include_in_schema=False)
def act(token: str) -> Response[str]:
    event = router.current_event
    form = web.read_form(event)
    web.check_csrf(form, web.form_binding(event))
    link = service.read_ask_link(wiring.repository(), wiring.signing_keys(), token, datetime.now(UTC))
    try:
        changed, ask = service.answer_ask(wiring.repository(), wiring.event_bus(), link)
    except Conflict as conflict:
        return web.render("message.html", status=409, title="Nothing changed", body=conflict.message)
    if changed:
        logger.info("ask answered", extra={"answer": ask.status, "request_id": ask.request_id})
        metrics.add_metric(name="AskAccepted" if ask.status == "accepted" else "AskDeclined", unit="Count", value=1)
    request = link.request
    if ask.status == "accepted":
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
