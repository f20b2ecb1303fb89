"""Intake's logic: sign-in, requests, picking a connector, and answering an ask from a signed link.

Handlers call these with adapters from ``warmpath.wiring``; nothing here knows about HTTP.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from warmpath.core.errors import Conflict, NotFound, TokenError, Unavailable, Unprocessable
from warmpath.lifecycle import ASKABLE_STATUSES
from warmpath.tokens import Claims, SigningKeys, verify

if TYPE_CHECKING:  # the models load PynamoDB (and botocore), events and schemas pydantic: only on first use
    from warmpath.events import EventBus
    from warmpath.models import Ask, IntroRequest, Member
    from warmpath.repository import Repository, RequestBundle

    from intake.schemas import RequestIn, RequestOut, RequestSummary

SIGN_IN_ROLES = {"admin", "requester", "connector"}
SESSION_TTL = timedelta(days=14)
SIGN_IN_INTERVAL = timedelta(minutes=1)
NO_TENANT = "-"  # a sign-in for an address without an account: published like the others, delivered nowhere
USED_SIGN_IN_LINK = (
    "This sign-in link was already used. If you just signed in, go on to Warmpath; otherwise ask for a new link."
)
ANSWERS = {"accept": "accepted", "decline": "declined"}


# -- sign-in -------------------------------------------------------------------------------------


def request_sign_in(repo: Repository, bus: EventBus, email: str, tenant: str | None, now: datetime) -> int:
    """Ask notify to email a sign-in link for each tenant where this person may sign in.

    Returns how many links were requested; callers answer the same way whatever it is, so the
    response never tells whether an address has an account. Nor does the work done: a member and a
    stranger cost the same AWS calls (one conditional write for the rate limit, one query, one
    PutEvents). A stranger's event carries tenant ``NO_TENANT`` and a hash instead of the address, and
    no rule delivers it. At most one round of links per address (and tenant asked for) a minute, so
    nobody can flood a member's inbox.
    """
    from warmpath.events import SignInRequested

    if not repo.claim_window(f"sign-in#{tenant or '*'}#{email.lower()}", SIGN_IN_INTERVAL, now):
        return 0
    memberships = [
        m for m in repo.memberships_of(email) if m.roles & SIGN_IN_ROLES and (tenant is None or m.tenant == tenant)
    ]
    attempt = secrets.token_hex(8)
    events = [SignInRequested(tenant=m.tenant, email=m.email, attempt=attempt) for m in memberships]
    anonymous = hashlib.sha256(email.lower().encode()).hexdigest()
    bus.publish(*(events or [SignInRequested(tenant=NO_TENANT, email=anonymous, attempt=attempt)]))
    return len(events)


def read_sign_in_link(keys: SigningKeys, token: str, now: datetime) -> Claims:
    return verify(token, keys, purpose="sign_in", now=now)


def complete_sign_in(repo: Repository, keys: SigningKeys, token: str, now: datetime) -> tuple[str, Member]:
    """Spend a sign-in link and open a session; raises Conflict when the link was used already."""
    claims = read_sign_in_link(keys, token, now)
    member = repo.get_member(claims.tenant, claims.subject)
    if member is None or not member.roles & SIGN_IN_ROLES:
        raise TokenError("This sign-in link is no longer valid for this account.")
    if not repo.spend_token(claims.jti, claims.expires_at, outcome="signed_in"):
        raise Conflict(USED_SIGN_IN_LINK)
    return repo.create_session(claims.tenant, member.email, now + SESSION_TTL), member


# -- requests ------------------------------------------------------------------------------------


def submit_request(
    repo: Repository, bus: EventBus, member: Member, data: RequestIn, idempotency_key: str | None = None
) -> IntroRequest:
    """Store a request and start matching, once per ``idempotency_key`` (a form's key or an API header).

    A repeated submission returns the request the first one made. If matching cannot be started, the
    request is removed again and the caller is told to retry: nothing is left half-made.
    """
    from warmpath.events import IntroRequested
    from warmpath.models import IntroRequest

    fingerprint = None
    if idempotency_key:
        basis = f"{member.tenant}|{member.email}|{idempotency_key}"
        request_id = hashlib.sha256(basis.encode()).hexdigest()[:16]
        fingerprint = hashlib.sha256(data.model_dump_json().encode()).hexdigest()
    else:
        request_id = uuid.uuid4().hex[:16]
    request = IntroRequest(
        tenant=member.tenant,
        request_id=request_id,
        requester_email=member.email,
        requester_name=member.name,
        target_name=data.target_name,
        target_company=data.target_company,
        target_title=data.target_title,
        target_email=data.target_email,
        target_linkedin_url=data.target_linkedin_url,
        reason=data.reason,
        request_kind=data.kind,
        prospect_industry=data.prospect_industry,
        prospect_size=data.prospect_size,
        prospect_region=data.prospect_region,
        product=data.product,
        body_fingerprint=fingerprint,
    )
    announce = IntroRequested(tenant=member.tenant, request_id=request_id)
    if not repo.create_request(request):
        existing = repo.get_request(member.tenant, request_id)
        if existing.body_fingerprint and existing.body_fingerprint != fingerprint:
            raise Unprocessable(
                "This Idempotency-Key (or form) was already used for a request with other details. "
                "Use a new key for a new request, or resend exactly the same body to retry."
            )
        if existing.status == "matching":
            bus.publish(announce)  # the first attempt may have died before announcing
        return existing
    try:
        bus.publish(announce)
    except Exception as error:
        repo.delete_request(member.tenant, request_id)
        raise Unavailable(
            "We could not start looking for paths just now; nothing was saved. Please try again."
        ) from error
    return request


def visible_request(repo: Repository, member: Member, request_id: str) -> RequestBundle:
    """A request the member may see: their own, or any in the tenant for an admin. Others are 'not found'."""
    bundle = repo.get_request_bundle(member.tenant, request_id)
    if not may_choose(bundle, member) and member.email not in set(bundle.request.watchers or ()):
        raise NotFound(f"there is no request '{request_id}'")
    return bundle


def may_choose(bundle: RequestBundle, member: Member) -> bool:
    """The requester (or an admin) picks who to ask; colleagues who joined the request follow it."""
    return bundle.request.requester_email == member.email or "admin" in member.roles


def askable_paths(bundle: RequestBundle) -> set[str]:
    """Paths the requester may ask now: none while an ask is open or after an introduction."""
    if bundle.request.status not in ASKABLE_STATUSES:
        return set()
    asked = {a.connector_email for a in bundle.asks}
    return {p.path_id for p in bundle.request.paths if p.connector_email not in asked and not p.unavailable}


def choose_connector(
    repo: Repository, bus: EventBus, member: Member, request_id: str, path_id: str, then: Sequence[str] = ()
) -> None:
    """Ask one connector, and optionally the ones in ``then`` in turn, each after the one before declines.

    A connector past a fatigue limit cannot be asked; the reason says why (re-checked by matching at ask
    time, since the limit may be reached meanwhile).
    """
    from warmpath.events import AskRequested

    bundle = visible_request(repo, member, request_id)
    if not may_choose(bundle, member):
        raise Conflict("Only the person who made this request chooses who to ask; you are following it.")
    paths = {p.path_id: p for p in bundle.request.paths}
    order = list(dict.fromkeys([path_id, *then]))
    unknown = [p for p in order if p not in paths]
    if unknown:
        raise NotFound("That connector is not one of this request's paths.")
    askable = askable_paths(bundle)
    if path_id not in askable:
        unavailable = paths[path_id].unavailable
        raise Conflict(
            f"{paths[path_id].connector_name} cannot be asked now. {unavailable}"
            if unavailable
            else _not_askable_reason(bundle)
        )
    rest = [p for p in order[1:] if p in askable]
    bus.publish(
        AskRequested(tenant=member.tenant, request_id=request_id, path_id=path_id, requested_by=member.email, then=rest)
    )


def _not_askable_reason(bundle: RequestBundle) -> str:
    status = bundle.request.status
    if status == "asked":
        return "A connector is already considering this request; wait for their answer before asking another."
    if status in ("accepted", "introduced"):
        return "This introduction has already been accepted."
    if status == "matching":
        return "Matching is still running; reload the page in a moment."
    return "That connector has already been asked about this request."


def describe(bundle: RequestBundle) -> RequestOut:
    from intake.schemas import PathOut, RequestOut, TimelineOut

    request = bundle.request
    asks = {a.connector_email: a.status for a in bundle.asks}
    return RequestOut(
        **summarise(request).model_dump(),
        target_title=request.target_title,
        target_email=request.target_email,
        target_linkedin_url=request.target_linkedin_url,
        reason=request.reason,
        kind=request.request_kind,
        joined_request_id=request.joined_request_id,
        outcome=request.outcome,
        paths=[
            PathOut(
                path_id=p.path_id,
                connector_name=p.connector_name,
                connector_title=p.connector_title,
                connector_location=p.connector_location,
                connector_type=p.connector_type,
                path_type=p.path_type,
                via_name=p.via_name,
                via_title=p.via_title,
                strength=p.strength,
                score=float(p.score),
                responsiveness=p.responsiveness,
                unavailable=p.unavailable,
                anonymous=bool(p.anonymous),
                reasons=[str(r) for r in p.reasons],
                ask_status=asks.get(p.connector_email),
            )
            for p in request.paths
        ],
        timeline=[
            TimelineOut(at=t.at, what=t.what, detail=t.detail) for t in sorted(bundle.timeline, key=lambda t: t.SK)
        ],
    )


def summarise(request: IntroRequest) -> RequestSummary:
    from intake.schemas import RequestSummary

    return RequestSummary(
        request_id=request.request_id,
        status=request.status,
        target_name=request.target_name,
        target_company=request.target_company,
        requester_email=request.requester_email,
        created_at=request.created_at,
    )


# -- answering an ask from a signed link ---------------------------------------------------------


@dataclass(frozen=True)
class AskLink:
    """What an ask link is about, read without changing anything (for the confirm page)."""

    claims: Claims
    answer: str
    ask: Ask
    request: IntroRequest


def read_ask_link(repo: Repository, keys: SigningKeys, token: str, now: datetime) -> AskLink:
    claims = verify(token, keys, purpose="ask", now=now)
    answer = ANSWERS.get(claims.ref.get("answer", ""))
    request_id = claims.ref.get("request_id", "")
    if answer is None or not request_id:
        raise TokenError("This link is incomplete or was changed.")
    try:
        ask = repo.get_ask(claims.tenant, request_id, claims.subject)
        request = repo.get_request(claims.tenant, request_id)
    except NotFound:
        raise TokenError("This request no longer exists.") from None
    return AskLink(claims=claims, answer=answer, ask=ask, request=request)


def double_opt_in(repo: Repository, tenant: str) -> bool:
    from warmpath.mail_settings import MailSettings

    return MailSettings.or_defaults(repo.tenant_settings(tenant)).double_opt_in


def intro_text_for(repo: Repository, link: AskLink) -> str:
    """The introduction's words as the connector would send them now (theirs, else the suggested text)."""
    from warmpath import introductions

    tenant_name = repo.get_tenant(link.request.tenant).name
    return link.ask.intro_text or introductions.default_text(link.request, tenant_name)


def own_intro_text(repo: Repository, link: AskLink, written: str | None) -> str | None:
    """The connector's own words for the introduction, or None when they kept the suggested text (or
    the form had no text box). Raises ValueError saying what to fix (empty, too long)."""
    from warmpath import introductions

    if written is None or link.answer != "accepted":
        return None
    text = introductions.clean(written)
    return None if text == introductions.clean(intro_text_for(repo, link)) else text


def answer_ask(repo: Repository, bus: EventBus, link: AskLink, intro_text: str | None = None) -> tuple[bool, Ask]:
    """Record the link's answer once. Returns (changed_now, ask).

    A second POST of the same answer (double click, scanner retry) changes nothing but re-announces the
    answer, which consumers handle idempotently -- so an announcement lost after the write is recovered.
    A link for the other answer after one was given raises Conflict.
    """
    from warmpath.events import AskAnswered

    outcome = repo.answer_ask(
        link.ask, link.answer, jti=link.claims.jti, token_expires_at=link.claims.expires_at, intro_text=intro_text
    )
    ask = outcome.ask
    if ask.status != link.answer:
        raise Conflict(f"You already {ask.status} this request, so nothing changed.")
    bus.publish(
        AskAnswered(
            tenant=ask.tenant,
            request_id=ask.request_id,
            connector_email=ask.connector_email,
            answer=link.answer,  # type: ignore[arg-type]
        )
    )
    return outcome.recorded, ask


OUTCOME_LABELS = {"meeting_held": "Yes, we met", "no_response": "No response yet", "not_a_fit": "Not a fit"}


def record_outcome(
    repo: Repository, bus: EventBus, request: IntroRequest, outcome: str, *, jti: str, expires_at: int
) -> bool:
    """The requester's answer to "Did you meet?", from the email's link or the request page.

    Recorded once, except that "No response yet" may later become a meeting or "not a fit"; the same answer
    again (a double click, a retry after a failure) is fine. ``OutcomeRecorded``
    goes out again only while its consumers still remember the first one (they keep event ids for
    ``once.DEFAULT_EXPIRY``, and drop the repeat), so a retry cannot lose the event and a click weeks later
    cannot count the meeting twice. Returns False when a different answer was recorded first.
    """
    from warmpath.core.once import DEFAULT_EXPIRY
    from warmpath.events import OutcomeRecorded
    from warmpath.models import utcnow

    if outcome not in OUTCOME_LABELS:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOME_LABELS)}")
    changed = repo.record_outcome(request.tenant, request.request_id, outcome, jti=jti, token_expires_at=expires_at)
    if not changed:
        stored = repo.get_request(request.tenant, request.request_id)
        if stored.outcome != outcome:
            return False
        if stored.outcome_at is None or utcnow() - stored.outcome_at > DEFAULT_EXPIRY / 2:
            return True
    bus.publish(OutcomeRecorded(tenant=request.tenant, request_id=request.request_id, outcome=outcome))  # type: ignore[arg-type]
    if changed:
        from warmpath.core.observability import metrics

        metrics.add_metric(name=f"Outcome_{outcome}", unit="Count", value=1)
    return True


def record_rating(
    repo: Repository,
    bus: EventBus,
    tenant: str,
    connector_email: str,
    person_id: str,
    strength: str,
    visibility: str | None = None,
) -> None:
    """Save a connector's rating of a tie and announce it, so open requests at that organisation are re-ranked.

    Raises ValueError when the person is not in the connector's network.
    """
    from warmpath.events import NetworkChanged
    from warmpath.network import rate_tie

    tie = rate_tie(repo, connector_email, person_id, strength, visibility=visibility)
    if tie.org_key:
        bus.publish(NetworkChanged(tenant=tenant, connector_email=connector_email, org_keys=[tie.org_key]))
