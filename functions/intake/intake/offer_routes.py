"""Offers to introduce, from email: a connector's "I can help" (a digest) and the owner's "Ask them".

``/offer/<token>`` is signed for the connector and a request; its POST stores the offer once (the same
connector offering twice for one request is one offer) and routes it to the account's owner. The owner's
``/offers/<token>`` is single use: its POST adds the connector to the request's paths and asks them, as if
the requester had picked them (matching checks fatigue, the connector confirms as with any ask).
GET only shows pages; every POST carries the page's CSRF token.
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

if TYPE_CHECKING:
    from warmpath.models import IntroRequest, Member, Offer

router = Router()
OPEN_FOR_OFFERS = ("no_path", "paths_found", "declined")
MAX_NOTE = 1000


def _help_link(token: str) -> tuple[Claims, IntroRequest, Member]:
    claims = verify(token, wiring.signing_keys(), purpose="offer", now=datetime.now(UTC))
    repo = wiring.repository()
    member = repo.get_member(claims.tenant, claims.subject)
    if member is None or member.status != "joined" or "connector" not in member.roles:
        raise TokenError("This link is no longer valid: you are not a connector here any more.")
    try:
        request = repo.get_request(claims.tenant, claims.ref.get("request_id", ""))
    except NotFound:
        raise TokenError("This request no longer exists.") from None
    return claims, request, member


def _settled(request: IntroRequest) -> Response[str] | None:
    if request.status in OPEN_FOR_OFFERS:
        return None
    body = (
        f"{request.requester_name}'s request to meet {request.target_name} is no longer open. Thank you all the same."
    )
    return web.render("message.html", title="No longer needed", body=body)


def _help_page(token: str, request: IntroRequest, note: str = "", error: str = "") -> Response[str]:
    return web.confirm_page(
        router.current_event,
        title=f"Offer to introduce {request.requester_name} to {request.target_name}?",
        lines=[
            f"{request.target_name} at {request.target_company}, for {request.requester_name}: "
            f"\u201c{request.reason}\u201d",
            "The account's owner decides whether to ask you; if they do, you confirm as with any ask.",
        ],
        action=f"/offer/{token}",
        button="Yes, I can help",
        text_field=("note", "Anything they should know? (optional)", note),
        status=400 if error else 200,
        error=error,
    )


@router.get("/offer/<token>", include_in_schema=False)
def help_confirm(token: str) -> Response[str]:
    _, request, _ = _help_link(token)
    return _settled(request) or _help_page(token, request)


@router.post("/offer/<token>", include_in_schema=False)
def help_offer(token: str) -> Response[str]:
    from warmpath.events import OfferMade
    from warmpath.identity import organisation_key
    from warmpath.models import Offer

    event = router.current_event
    form = web.read_form(event)
    web.check_csrf(form, web.form_binding(event))
    claims, request, member = _help_link(token)
    settled = _settled(request)
    if settled is not None:
        return settled
    note = " ".join((form.get("note") or "").split())
    if len(note) > MAX_NOTE:
        return _help_page(token, request, note, f"Keep the note under {MAX_NOTE:,} characters.")
    repo = wiring.repository()
    org_key = organisation_key(request.target_company)
    owner = repo.account_owner(claims.tenant, org_key)
    if owner is None:
        return web.render(
            "message.html", status=409, title="Nobody to tell", body="This company has no admin to route offers to."
        )
    offer = Offer(
        tenant=claims.tenant,
        offer_id=Offer.id_for(claims.tenant, request.request_id, member.email),
        connector_email=member.email,
        connector_name=member.name,
        request_id=request.request_id,
        organisation=request.target_company,
        text=note or None,
        owner_email=owner,
    )
    if repo.create_offer(offer):
        metrics.add_metric(name="OfferMade", unit="Count", value=1)
        logger.info("offer made", extra={"request_id": request.request_id})
    wiring.event_bus().publish(OfferMade(tenant=claims.tenant, offer_id=offer.offer_id))  # again on a repeat: once
    return web.render(
        "message.html",
        title="Thank you",
        body=f"We told the account's owner that you can help with {request.target_name}. They will decide "
        "whether to ask you; if they do, you will get the usual email.",
    )


def _accept_link(token: str) -> tuple[Claims, Offer, IntroRequest]:
    claims = verify(token, wiring.signing_keys(), purpose="offer_accept", now=datetime.now(UTC))
    repo = wiring.repository()
    try:
        offer = repo.get_offer(claims.tenant, claims.ref.get("offer_id", ""))
        request = repo.get_request(claims.tenant, offer.request_id or "")
    except NotFound:
        raise TokenError("This offer no longer exists.") from None
    if offer.owner_email != claims.subject:
        raise TokenError("This link is not for this offer.")
    return claims, offer, request


@router.get("/offers/<token>", include_in_schema=False)
def accept_confirm(token: str) -> Response[str]:
    _, offer, request = _accept_link(token)
    if offer.status != "offered":
        return web.render("message.html", title="Already done", body=f"{offer.connector_name} was asked already.")
    return web.confirm_page(
        router.current_event,
        title=f"Ask {offer.connector_name}?",
        lines=[
            f"{offer.connector_name} offered to introduce {request.requester_name} to {request.target_name} "
            f"at {request.target_company}.",
            *([f"Their note: \u201c{offer.text}\u201d"] if offer.text else []),
            f"Confirming asks {offer.connector_name} as usual: they confirm, and the introduction follows.",
        ],
        action=f"/offers/{token}",
        button=f"Ask {offer.connector_name}",
    )


@router.post("/offers/<token>", include_in_schema=False)
def accept_offer(token: str) -> Response[str]:
    from warmpath.events import AskRequested
    from warmpath.models import PathMap

    event = router.current_event
    web.check_csrf(web.read_form(event), web.form_binding(event))
    claims, offer, request = _accept_link(token)
    path_id = f"offer-{offer.offer_id}"
    path = PathMap(
        path_id=path_id,
        connector_email=offer.connector_email,
        connector_name=offer.connector_name,
        path_type="offered",
        strength="unknown",
        score=0,
        reasons=[f"Offered to help{': ' + offer.text if offer.text else ''}"],
    )
    repo = wiring.repository()
    accepted = repo.accept_offer(offer, path, jti=claims.jti, token_expires_at=claims.expires_at)
    if not accepted:
        offer.refresh()
        if offer.status != "accepted":
            return web.render(
                "message.html",
                status=409,
                title="Nothing changed",
                body=f"{request.requester_name}'s request is no longer waiting for a path, so nobody was asked.",
            )
    # Announced again on a repeated click: matching asks once.
    wiring.event_bus().publish(
        AskRequested(
            tenant=claims.tenant, request_id=request.request_id, path_id=path_id, requested_by=offer.owner_email
        )
    )
    if accepted:
        metrics.add_metric(name="OfferAccepted", unit="Count", value=1)
    return web.render("message.html", title="Asked", body=f"{offer.connector_name} is being asked now.")
