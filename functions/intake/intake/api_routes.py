"""The JSON API beside the pages (validated by Powertools; documented at /api/openapi.json)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.observability import metrics

from intake import service, web

if TYPE_CHECKING:  # pydantic models, named in the routes' annotations and bound on first use (intake.app)
    from warmpath.models import Member

    from intake.schemas import Accepted, AskIn, RequestId, RequestIn, RequestList, RequestOut, SessionOut

router = Router()


def _member() -> tuple[str, Member]:
    found = web.require_requester(router.current_event)
    return found.session_id, found.member


@router.get("/api/session", summary="Who is signed in (and the CSRF token for forms)", tags=["session"])
def get_session() -> SessionOut:
    from intake.schemas import SessionOut

    session_id, member = _member()
    return SessionOut(
        email=member.email,
        name=member.name,
        tenant=member.tenant,
        roles=sorted(member.roles),
        csrf_token=web.csrf_token(session_id),
    )


@router.post(
    "/api/requests",
    summary="Ask for an introduction",
    tags=["requests"],
    responses={201: {"description": "Created; matching has started"}},
)
def create_request(body: RequestIn) -> tuple[RequestOut, int]:
    """Send an ``Idempotency-Key`` header to make retries safe: the same key returns the same request."""
    _, member = _member()
    repo = wiring.repository()
    key = router.current_event.headers.get("idempotency-key")
    request = service.submit_request(repo, wiring.event_bus(), member, body, key)
    metrics.add_metric(name="RequestCreated", unit="Count", value=1)
    return service.describe(repo.get_request_bundle(member.tenant, request.request_id)), 201


@router.get("/api/requests", summary="My requests (all of the tenant's for admins), newest first", tags=["requests"])
def list_requests() -> RequestList:
    from intake.schemas import RequestList

    _, member = _member()
    requests = wiring.repository().list_requests(
        member.tenant, requester=None if "admin" in member.roles else member.email
    )
    return RequestList(requests=[service.summarise(r) for r in requests])


@router.get("/api/requests/<request_id>", summary="A request with its ranked paths and timeline", tags=["requests"])
def get_request(request_id: RequestId) -> RequestOut:
    _, member = _member()
    return service.describe(service.visible_request(wiring.repository(), member, request_id))


@router.post(
    "/api/requests/<request_id>/asks",
    summary="Ask the connector behind a path",
    tags=["requests"],
    responses={202: {"description": "The connector will be emailed"}},
)
def ask_connector(request_id: RequestId, body: AskIn) -> tuple[Accepted, int]:
    from intake.schemas import Accepted

    _, member = _member()
    service.choose_connector(wiring.repository(), wiring.event_bus(), member, request_id, body.path_id, body.then)
    metrics.add_metric(name="AskRequested", unit="Count", value=1)
    return Accepted(status="asking", message="The connector will get an email with your request."), 202
