"""One-click rating links from email: "How well do you know ...?" -- GET shows the choice, POST records it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.errors import TokenError
from warmpath.core.observability import metrics
from warmpath.tokens import verify

from intake import service, web

router = Router()
LABELS = {"very_strong": "very well", "strong": "well", "average": "somewhat", "weak": "barely"}


def _rating_link(token: str) -> tuple[Any, Any]:
    claims = verify(token, wiring.signing_keys(), purpose="rate", now=datetime.now(UTC))
    tie = wiring.repository().tie(claims.subject, claims.ref.get("person_id", ""))
    if tie is None or claims.ref.get("strength") not in LABELS:
        raise TokenError("This person is no longer in your network.")
    return claims, tie


@router.get("/r/<token>", include_in_schema=False)
def confirm_rating(token: str) -> Response[str]:
    claims, tie = _rating_link(token)
    if wiring.repository().token_outcome(claims.jti) is not None:
        body = f"You already told us how well you know {tie.person_name}. Change it on your network page."
        return web.render("message.html", title="Already answered", body=body)
    return web.confirm_page(
        router.current_event,
        title=f"You know {tie.person_name} {LABELS[claims.ref['strength']]}?",
        lines=["Only Warmpath uses this, to ask the right person first. Nobody is told."],
        action=f"/r/{token}",
        button="Yes, save that",
    )


@router.post("/r/<token>", include_in_schema=False)
def record_rating(token: str) -> Response[str]:
    event = router.current_event
    web.check_csrf(web.read_form(event), web.form_binding(event))
    claims, tie = _rating_link(token)
    repo = wiring.repository()
    if repo.spend_token(claims.jti, claims.expires_at, outcome=claims.ref["strength"]):
        service.record_rating(
            repo, wiring.event_bus(), claims.tenant, claims.subject, tie.person_id, claims.ref["strength"]
        )
        metrics.add_metric(name="TieRated", unit="Count", value=1)
    return web.render(
        "message.html", title="Thank you", body=f"Saved: you know {tie.person_name} {LABELS[claims.ref['strength']]}."
    )
