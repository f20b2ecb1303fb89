"""Matching's two jobs: rank paths for a new request, and turn a requester's pick into an ask.

Both write first (conditionally, so a second delivery changes nothing) and announce after. When a
delivery finds its work already done, it announces again: if the first attempt died between the write
and the announcement, this is what recovers it, and consumers handle a repeated announcement once.
"""

from __future__ import annotations

from warmpath.events import AskCreated, AskRequested, EventBus, IntroRequested, MatchingCompleted
from warmpath.lifecycle import ASKABLE_STATUSES
from warmpath.observability import logger
from warmpath.repository import Repository

from matching.paths import find_candidates, rank_paths


def match_request(repo: Repository, bus: EventBus, event: IntroRequested) -> int | None:
    """Rank paths for a new request once; returns how many were found, or None if it was matched before."""
    request = repo.get_request(event.tenant, event.request_id)
    if request.status == "matching":
        paths = rank_paths(find_candidates(repo, request), request)
        status = "paths_found" if paths else "no_path"
        detail = f"{len(paths)} connector(s) can introduce you" if paths else "no connector knows this person yet"
        if repo.save_paths(request, paths, status, detail):
            bus.publish(MatchingCompleted(tenant=event.tenant, request_id=event.request_id, path_count=len(paths)))
            return len(paths)
        request = repo.get_request(event.tenant, event.request_id)
    logger.info("request already matched", extra={"request_id": request.request_id, "status": request.status})
    bus.publish(MatchingCompleted(tenant=event.tenant, request_id=event.request_id, path_count=len(request.paths)))
    return None


def create_ask(repo: Repository, bus: EventBus, event: AskRequested) -> bool:
    """Ask the connector behind ``path_id``; False when the request cannot take that ask (logged)."""
    request = repo.get_request(event.tenant, event.request_id)
    path = next((p for p in request.paths if p.path_id == event.path_id), None)
    if path is None or request.status not in (*ASKABLE_STATUSES, "asked"):
        logger.warning(
            "ask refused",
            extra={"request_id": request.request_id, "status": request.status, "path_found": bool(path)},
        )
        return False
    created = repo.create_ask(request, path.connector_email, path.connector_name)
    announce = AskCreated(tenant=event.tenant, request_id=event.request_id, connector_email=path.connector_email)
    if created is None:
        existing = repo.find_ask(event.tenant, event.request_id, path.connector_email)
        if existing is not None and existing.status == "asked":
            logger.info("connector already asked; announcing again", extra={"request_id": request.request_id})
            bus.publish(announce)
        else:
            logger.warning("ask refused: another ask is open", extra={"request_id": request.request_id})
        return False
    bus.publish(announce)
    return True
