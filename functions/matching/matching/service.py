"""Matching's two jobs: rank paths for a new request, and turn a requester's pick into an ask.

Both write first (conditionally, so a second delivery changes nothing) and announce after. When a
delivery finds its work already done, it announces again: if the first attempt died between the write
and the announcement, this is what recovers it, and consumers handle a repeated announcement once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from warmpath.core.errors import NotFound
from warmpath.core.observability import logger
from warmpath.events import (
    AskAnswered,
    AskCreated,
    AskExpired,
    AskExpiryDue,
    AskRequested,
    EventBus,
    IntroRequested,
    MatchingCompleted,
    TargetAccountFlagged,
)
from warmpath.lifecycle import ASKABLE_STATUSES, OPEN_ASK_STATUSES, OPEN_STATUSES
from warmpath.models import utcnow
from warmpath.pathfinding import digest_connectors, history_of
from warmpath.ranking import RankingSettings, unavailable_reason
from warmpath.repository import Repository

from matching.paths import paths_for, target_keys

if TYPE_CHECKING:
    from warmpath.models import IntroRequest


def match_request(repo: Repository, bus: EventBus, event: IntroRequested) -> int | None:
    """Rank paths for a new request once; returns how many were found, or None if it was matched before.

    A request for a target another open request of the tenant already covers joins that request instead
    (so the same connector is not asked twice), and returns 0.
    """
    request = repo.get_request(event.tenant, event.request_id)
    if request.status == "matching":
        first = repo.open_request_for(request, target_keys(request))
        if first is not None:
            if repo.join_request(request, first):
                bus.publish(
                    MatchingCompleted(
                        tenant=event.tenant, request_id=event.request_id, path_count=0, joined_request_id=first
                    )
                )
                return 0
        else:
            paths = paths_for(repo, request, utcnow())
            status = "paths_found" if paths else "no_path"
            detail = f"{len(paths)} connector(s) can introduce you" if paths else "no connector knows this person yet"
            digest = [] if paths else digest_connectors(repo, request.tenant, request.target_company)
            if repo.save_paths(request, paths, status, detail, digest=digest):
                bus.publish(MatchingCompleted(tenant=event.tenant, request_id=event.request_id, path_count=len(paths)))
                return len(paths)
        request = repo.get_request(event.tenant, event.request_id)
    logger.info("request already matched", extra={"request_id": request.request_id, "status": request.status})
    bus.publish(
        MatchingCompleted(
            tenant=event.tenant,
            request_id=event.request_id,
            path_count=len(request.paths),
            joined_request_id=request.joined_request_id,
        )
    )
    return None


def create_ask(repo: Repository, bus: EventBus, event: AskRequested) -> bool:
    """Ask the connector behind ``path_id`` (or, if they cannot be asked now, the next in ``then``).

    False when the request cannot take that ask (logged).
    """
    request = repo.get_request(event.tenant, event.request_id)
    return _ask_in_order(repo, bus, request, [event.path_id, *event.then])


def ask_next(repo: Repository, bus: EventBus, event: AskAnswered) -> bool:
    """After a decline, ask the next connector on the requester's list, if they gave one."""
    if event.answer != "declined":
        return False
    return _ask_next_in_queue(repo, bus, event.tenant, event.request_id)


def expire_ask(repo: Repository, bus: EventBus, event: AskExpiryDue) -> bool:
    """An ask nobody answered in time expires; then the next connector on the list is asked, as after a no.

    Returns whether someone new was asked. An ask answered in the meantime is left alone; a redelivery
    re-announces what the first delivery did.
    """
    ask = repo.find_ask(event.tenant, event.request_id, event.connector_email)
    if ask is None or (event.asked_at and event.asked_at != ask.asked_at.isoformat()):
        return False  # gone, or asked again since (an approved ask): its own expiry will come
    if ask.status in OPEN_ASK_STATUSES:
        if not repo.expire_ask(ask, utcnow()):
            return False  # answered (or approved) at this very moment: that answer stands
    elif ask.status != "expired":
        return False
    bus.publish(AskExpired(tenant=event.tenant, request_id=event.request_id, connector_email=event.connector_email))
    return _ask_next_in_queue(repo, bus, event.tenant, event.request_id)


def _ask_next_in_queue(repo: Repository, bus: EventBus, tenant: str, request_id: str) -> bool:
    request = repo.get_request(tenant, request_id)
    queue = [str(p) for p in request.queue or []]
    if not queue:
        return False
    if request.status != "declined":
        # Already moved on: a redelivery. Re-announce the ask it created, if that is what happened.
        return _announce_open_ask(repo, bus, request)
    return _ask_in_order(repo, bus, request, queue)


def _ask_in_order(repo: Repository, bus: EventBus, request: IntroRequest, path_ids: list[str]) -> bool:
    """Ask the first of ``path_ids`` who may be asked now; the rest stay queued for a decline."""
    by_id = {p.path_id: p for p in request.paths}
    if request.status not in (*ASKABLE_STATUSES, "asked") or not any(p in by_id for p in path_ids):
        logger.warning("ask refused", extra={"request_id": request.request_id, "status": request.status})
        return False
    if request.status == "asked":
        return _announce_open_ask(repo, bus, request, wanted={by_id[p].connector_email for p in path_ids if p in by_id})
    settings = RankingSettings.from_tenant(repo.tenant_settings(request.tenant))
    now = utcnow()
    for index, path_id in enumerate(path_ids):
        path = by_id.get(path_id)
        if path is None:
            continue
        member = repo.get_member(request.tenant, path.connector_email)
        reason = (
            unavailable_reason(history_of(member, request.requester_email), settings.fatigue, now)
            if member is not None and member.status == "joined"
            else "Not available: no longer a connector here"
        )
        if reason is not None:
            repo.note_skipped(request, path_id, f"{path.connector_name}: {reason}")
            continue
        created = repo.create_ask(
            request,
            path.connector_email,
            path.connector_name,
            queue=path_ids[index + 1 :],
            awaiting_approval=bool(member is not None and member.approver_email),
            anonymous=bool(path.anonymous),
        )
        if created is None:
            request = repo.get_request(request.tenant, request.request_id)
            return _announce_open_ask(repo, bus, request, wanted={path.connector_email})
        bus.publish(
            AskCreated(tenant=request.tenant, request_id=request.request_id, connector_email=path.connector_email)
        )
        return True
    logger.info("nobody on the list can be asked now", extra={"request_id": request.request_id})
    return False


def _announce_open_ask(repo: Repository, bus: EventBus, request: IntroRequest, wanted: set[str] | None = None) -> bool:
    """Announce again an ask a previous delivery created (its announcement may have been lost)."""
    bundle = repo.get_request_bundle(request.tenant, request.request_id)
    open_asks = [
        a for a in bundle.asks if a.status in OPEN_ASK_STATUSES and (wanted is None or a.connector_email in wanted)
    ]
    if not open_asks:
        logger.warning("ask refused: another ask is open", extra={"request_id": request.request_id})
        return False
    logger.info("connector already asked; announcing again", extra={"request_id": request.request_id})
    for ask in open_asks:
        bus.publish(
            AskCreated(tenant=request.tenant, request_id=request.request_id, connector_email=ask.connector_email)
        )
    return False


REMATCH_STATUSES = ("no_path", "paths_found", "declined")  # waiting for a path or for the requester's pick


def rematch(repo: Repository, bus: EventBus, connector_email: str, org_keys: list[str]) -> int:
    """A connector's ties at these organisations changed: re-rank the open requests there that it may help.

    Reads only the changed organisations' open-request markers (a batch per 100), in each tenant the
    connector has joined. A request is updated, and its requester told, only when a connector who was
    not among its paths now is; returns how many requests were.
    """
    updated = 0
    now = utcnow()
    for membership in repo.memberships_of(connector_email):
        if "connector" not in membership.roles or membership.status != "joined":
            continue
        for org_key, request_ids in repo.open_requests_at(membership.tenant, org_keys).items():
            closed: set[str] = set()
            for request_id in sorted(request_ids):
                try:
                    request = repo.get_request(membership.tenant, request_id)
                except NotFound:
                    closed.add(request_id)
                    continue
                if request.status not in OPEN_STATUSES:
                    closed.add(request_id)  # introduced or joined: no longer open
                if request.status not in REMATCH_STATUSES:
                    continue  # asked or accepted: waiting for a connector, not for a path
                updated += _rematch_one(repo, bus, request, now)
            if closed:
                repo.drop_open_at(membership.tenant, org_key, closed)
    return updated


def _rematch_one(repo: Repository, bus: EventBus, request: IntroRequest, now: datetime) -> int:
    paths = paths_for(repo, request, now)
    before = {p.connector_email for p in request.paths}
    added = [p for p in paths if p.connector_email not in before and not p.unavailable]
    if not added:
        return 0
    names = ", ".join(p.connector_name for p in added)
    if not repo.update_paths(request, paths, f"new path(s) through {names}"):
        return 0
    bus.publish(
        MatchingCompleted(tenant=request.tenant, request_id=request.request_id, path_count=len(paths), new_paths=True)
    )
    return 1


def warm_paths_at_target(repo: Repository, event: TargetAccountFlagged) -> int:
    """A CRM account became a target: record which of the tenant's connectors have ties there (and how many),
    the same connectors a digest would name, so reps see where warm paths exist before they ask."""
    from warmpath.identity import organisation_key
    from warmpath.models import TargetAccount

    org_key = organisation_key(event.organisation)
    emails = digest_connectors(repo, event.tenant, event.organisation)
    counts = {a.connector_email: int(a.tie_count or 0) for a in repo.connectors_at(org_key)}
    members = repo.get_members(event.tenant, emails)
    connectors = [
        {"email": email, "name": members[email].name, "ties": counts.get(email, 0)}
        for email in sorted(emails, key=lambda e: (-counts.get(e, 0), e))
        if email in members
    ]
    target = TargetAccount(tenant=event.tenant, org_key=org_key, organisation=event.organisation,
                           account=event.account, connectors=connectors)  # fmt: skip
    repo.save_target_account(target)
    return len(connectors)
