"""One-click answers after a connector accepts: the target's "happy to connect?" and the requester's
"Did you meet?". GET shows what the click would do; POST (with the page's CSRF token) records it once.

Both links are signed for their addressee, single use (the choices of one email share one token id) and
expiring. The target is not a member: their page names nobody beyond what their email did.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.errors import NotFound, TokenError
from warmpath.core.observability import logger, metrics
from warmpath.tokens import Claims, verify

from intake import service, web

if TYPE_CHECKING:  # the models load PynamoDB: only on first use
    from warmpath.models import Ask, IntroRequest

router = Router()
TARGET_ANSWERS = ("yes", "no")


def _request_and_ask(claims: Claims, connector: str) -> tuple[IntroRequest, Ask]:
    repo = wiring.repository()
    try:
        return repo.get_request(claims.tenant, claims.ref["request_id"]), repo.get_ask(
            claims.tenant, claims.ref["request_id"], connector
        )
    except NotFound:
        raise TokenError("This introduction no longer exists.") from None


def _target_link(token: str) -> tuple[Claims, IntroRequest, Ask]:
    claims = verify(token, wiring.signing_keys(), purpose="target", now=datetime.now(UTC))
    if claims.ref.get("answer") not in TARGET_ANSWERS or not claims.ref.get("request_id"):
        raise TokenError("This link is incomplete or was changed.")
    request, ask = _request_and_ask(claims, claims.ref.get("connector", ""))
    return claims, request, ask


@router.get("/t/<token>", include_in_schema=False)
def target_confirm(token: str) -> Response[str]:
    claims, request, ask = _target_link(token)
    if ask.target_answer:
        return web.render("message.html", title="Already answered", body="You already answered. Thank you.")
    if claims.ref["answer"] == "yes":
        title = f"Connect with {request.requester_name}?"
        lines = [f"{ask.connector_name} will send one short email introducing you to {request.requester_name}."]
        button = "Yes, happy to connect"
    else:
        title = "Not this time?"
        lines = [f"{request.requester_name} will be told you can't connect right now, and nothing more."]
        button = "No, thank you"
    return web.confirm_page(router.current_event, title=title, lines=lines, action=f"/t/{token}", button=button)


@router.post("/t/<token>", include_in_schema=False)
def target_answer(token: str) -> Response[str]:
    from warmpath.events import TargetAnswered

    event = router.current_event
    web.check_csrf(web.read_form(event), web.form_binding(event))
    claims, request, ask = _target_link(token)
    answer = claims.ref["answer"]
    repo = wiring.repository()
    changed = repo.answer_as_target(ask, answer, jti=claims.jti, token_expires_at=claims.expires_at)
    if not changed and ask.target_answer != answer:
        return web.render("message.html", status=409, title="Nothing changed", body="You already answered.")
    # Announced again on a repeated click: consumers act once, and a lost announcement is recovered.
    wiring.event_bus().publish(
        TargetAnswered(
            tenant=claims.tenant,
            request_id=request.request_id,
            connector_email=ask.connector_email,
            answer=answer,  # type: ignore[arg-type]
        )
    )
    if changed:
        logger.info("target answered", extra={"answer": answer, "request_id": request.request_id})
        metrics.add_metric(name="TargetAgreed" if answer == "yes" else "TargetDeclined", unit="Count", value=1)
    if answer == "yes":
        body = f"Thank you. {ask.connector_name}'s introduction is on its way to you and {request.requester_name}."
    else:
        body = "Thank you for letting us know. Nobody will be told more than that you can't connect right now."
    return web.render("message.html", title="Thank you", body=body)


def _outcome_link(token: str) -> tuple[Claims, IntroRequest]:
    claims = verify(token, wiring.signing_keys(), purpose="outcome", now=datetime.now(UTC))
    if claims.ref.get("outcome") not in service.OUTCOME_LABELS or not claims.ref.get("request_id"):
        raise TokenError("This link is incomplete or was changed.")
    try:
        request = wiring.repository().get_request(claims.tenant, claims.ref["request_id"])
    except NotFound:
        raise TokenError("This request no longer exists.") from None
    if request.requester_email != claims.subject:
        raise TokenError("This link is not for this request.")
    return claims, request


@router.get("/o/<token>", include_in_schema=False)
def outcome_confirm(token: str) -> Response[str]:
    claims, request = _outcome_link(token)
    if request.outcome:
        return web.render("message.html", title="Already answered", body="You already told us. Thank you.")
    label = service.OUTCOME_LABELS[claims.ref["outcome"]]
    return web.confirm_page(
        router.current_event,
        title=f"Did you meet {request.target_name}?",
        lines=[f"Your answer: \u201c{label}\u201d."],
        action=f"/o/{token}",
        button=label,
    )


@router.post("/o/<token>", include_in_schema=False)
def outcome_record(token: str) -> Response[str]:
    event = router.current_event
    web.check_csrf(web.read_form(event), web.form_binding(event))
    claims, request = _outcome_link(token)
    outcome = claims.ref["outcome"]
    repo, bus = wiring.repository(), wiring.event_bus()
    if not service.record_outcome(repo, bus, request, outcome, jti=claims.jti, expires_at=claims.expires_at):
        body = "You already told us. If it was \u201cNo response yet\u201d, the request's page takes a newer answer."
        return web.render("message.html", status=409, title="Nothing changed", body=body)
    return web.render("message.html", title="Thank you", body="Thanks for letting us know.")
