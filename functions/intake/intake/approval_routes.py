"""An approver's one-click decision from email: may the connector be asked? GET shows it, POST decides (once).

Some connectors route asks through someone else first (an executive assistant, or the CEO for board
members): the member's ``approver_email``. The approver's links are signed for them, single use (approve
and decline share one token id) and expire with the ask.
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

from intake import web

if TYPE_CHECKING:  # the models load PynamoDB: only on first use
    from warmpath.models import Ask, IntroRequest

router = Router()
DECISIONS = ("approve", "decline")


def _read(token: str) -> tuple[Claims, IntroRequest, Ask]:
    claims = verify(token, wiring.signing_keys(), purpose="approve", now=datetime.now(UTC))
    decision, request_id, connector = (claims.ref.get(k, "") for k in ("decision", "request_id", "connector"))
    if decision not in DECISIONS or not request_id or not connector:
        raise TokenError("This link is incomplete or was changed.")
    repo = wiring.repository()
    try:
        request = repo.get_request(claims.tenant, request_id)
        ask = repo.get_ask(claims.tenant, request_id, connector)
    except NotFound:
        raise TokenError("This request no longer exists.") from None
    member = repo.get_member(claims.tenant, connector)
    if member is None or (member.approver_email or "") != claims.subject:
        raise TokenError("This link is no longer valid: the approver for this connector changed.")
    return claims, request, ask


@router.get("/approve/<token>", include_in_schema=False)
def confirm(token: str) -> Response[str]:
    claims, request, ask = _read(token)
    if ask.status != "awaiting_approval":
        return web.render("message.html", title="Already decided", body="This request was already decided.")
    connector, requester = ask.connector_name, request.requester_name
    target = request.target_name
    if claims.ref["decision"] == "approve":
        title = f"Let {connector} be asked?"
        lines = [
            f"{connector} will get an email asking whether they will introduce {requester} to {target}.",
            f"Why: \u201c{request.reason}\u201d",
        ]
        button = f"Yes, ask {connector}"
    else:
        title = "Not this time?"
        lines = [f"{requester} will be told that {connector} can't help this time, and nothing more."]
        button = "Not this time"
    return web.confirm_page(router.current_event, title=title, lines=lines, action=f"/approve/{token}", button=button)


@router.post("/approve/<token>", include_in_schema=False)
def decide(token: str) -> Response[str]:
    from warmpath.events import AskAnswered, AskApproved

    event = router.current_event
    web.check_csrf(web.read_form(event), web.form_binding(event))
    claims, request, ask = _read(token)
    approved = claims.ref["decision"] == "approve"
    repo, bus = wiring.repository(), wiring.event_bus()
    changed = repo.decide_approval(ask, approved, jti=claims.jti, token_expires_at=claims.expires_at)
    if not changed and ask.status != ("asked" if approved else "declined"):
        return web.render("message.html", status=409, title="Nothing changed", body="This request was already decided.")
    # Announced again on a repeated click: consumers act once, and a lost announcement is recovered.
    tenant, request_id, connector = claims.tenant, claims.ref["request_id"], claims.ref["connector"]
    if approved:
        bus.publish(AskApproved(tenant=tenant, request_id=request_id, connector_email=connector))
    else:
        bus.publish(AskAnswered(tenant=tenant, request_id=request_id, connector_email=connector, answer="declined"))
    if changed:
        logger.info("approval decided", extra={"approved": approved, "request_id": request_id})
        metrics.add_metric(name="AskApproved" if approved else "AskNotApproved", unit="Count", value=1)
    connector_name = ask.connector_name
    body = (
        f"Thank you. {connector_name} will be asked now."
        if approved
        else f"Thank you. {request.requester_name} will be told {connector_name} can't help this time."
    )
    return web.render("message.html", title="Done", body=body)
