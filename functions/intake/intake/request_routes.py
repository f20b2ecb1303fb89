"""The requester's pages: list, new-request form, a request with its ranked paths, and asking one."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.errors import Conflict, Forbidden, InvalidInput
from warmpath.core.observability import metrics

from intake import service, web

if TYPE_CHECKING:
    from pydantic import ValidationError
    from warmpath.models import Member

router = Router()

TIMELINE_LABELS = {
    "requested": "Requested",
    "paths_found": "Paths found",
    "no_path": "No path found yet",
    "asked": "Asked",
    "accepted": "Accepted",
    "declined": "Declined",
    "introduced": "Introduced",
    "skipped": "Passed over",
    "joined": "Joined an open request",
    "watcher_added": "A colleague joined",
}
STATUS_LABELS = {
    "matching": "Finding paths",
    "paths_found": "Choose who to ask",
    "no_path": "No path yet",
    "asked": "Waiting for the connector",
    "accepted": "Accepted",
    "declined": "Declined - ask the next connector",
    "introduced": "Introduced",
    "joined": "Joined a colleague's request",
}
FORM_FIELDS = (
    "target_name",
    "target_company",
    "target_title",
    "target_email",
    "target_linkedin_url",
    "reason",
    "kind",
    "prospect_industry",
    "prospect_size",
    "prospect_region",
    "product",
)


def _signed_in() -> tuple[str, Member]:
    found = web.require_requester(router.current_event)
    return found.session_id, found.member


def _page(template: str, session_id: str, member: Member, status: int = 200, **context: Any) -> Response[str]:
    tenant = wiring.repository().get_tenant(member.tenant)
    return web.render(
        template,
        status=status,
        user=member,
        tenant_name=tenant.name,
        csrf_token=web.csrf_token(session_id),
        labels=STATUS_LABELS,
        timeline_labels=TIMELINE_LABELS,
        **context,
    )


@router.get("/requests", include_in_schema=False)
def list_page() -> Response[str]:
    session_id, member = _signed_in()
    requests = wiring.repository().list_requests(
        member.tenant, requester=None if "admin" in member.roles else member.email
    )
    return _page("requests.html", session_id, member, requests=requests)


@router.get("/requests/new", include_in_schema=False)
def new_page() -> Response[str]:
    session_id, member = _signed_in()
    # The form's key makes a double submission (or a resubmitted page) create one request, not two.
    values = {**dict.fromkeys(FORM_FIELDS, ""), "form_key": secrets.token_urlsafe(16)}
    return _page("request_new.html", session_id, member, values=values, errors={})


@router.post("/requests", include_in_schema=False)
def submit() -> Response[str]:
    from pydantic import ValidationError

    from intake.schemas import RequestIn

    session_id, member = _signed_in()
    form = web.read_form(router.current_event)
    web.check_csrf(form, session_id)
    values = {f: form.get(f, "") for f in FORM_FIELDS}
    values["kind"] = values["kind"] or "introduction"
    form_key = form.get("form_key") or secrets.token_urlsafe(16)
    try:
        data = RequestIn.model_validate(values)
    except ValidationError as error:
        errors = _errors_by_field(error)
        values["form_key"] = form_key
        return _page("request_new.html", session_id, member, status=400, values=values, errors=errors)
    request = service.submit_request(wiring.repository(), wiring.event_bus(), member, data, form_key)
    metrics.add_metric(name="RequestCreated", unit="Count", value=1)
    return web.redirect(f"/requests/{request.request_id}")


@router.get("/requests/<request_id>", include_in_schema=False)
def detail_page(request_id: str) -> Response[str]:
    session_id, member = _signed_in()
    bundle = service.visible_request(wiring.repository(), member, request_id)
    return _page(
        "request_detail.html",
        session_id,
        member,
        request=service.describe(bundle),
        askable=service.askable_paths(bundle) if service.may_choose(bundle, member) else set(),
        notice=router.current_event.get_query_string_value("notice", None),
        outcomes=service.OUTCOME_LABELS,
        may_report=bundle.request.requester_email == member.email,
    )


@router.post("/requests/<request_id>/outcome", include_in_schema=False)
def report_outcome(request_id: str) -> Response[str]:
    """The requester says what the introduction led to, from the request page (the email's question, answered here).

    Only the requester answers, once, after the introduction; a double click records one answer.
    """
    session_id, member = _signed_in()
    form = web.read_form(router.current_event)
    web.check_csrf(form, session_id)
    bundle = service.visible_request(wiring.repository(), member, request_id)
    request = bundle.request
    if request.requester_email != member.email:
        raise Forbidden("Only the person who asked for the introduction can say how it went.")
    if request.status != "introduced":
        raise Conflict("You can say how it went once the introduction has been made.")
    outcome = form.get("outcome", "")
    if outcome not in service.OUTCOME_LABELS:
        raise InvalidInput(f"Choose one of: {', '.join(service.OUTCOME_LABELS.values())}.")
    expires = int((request.created_at + timedelta(days=400)).timestamp())  # the marker outlives any double click
    repo, bus = wiring.repository(), wiring.event_bus()
    if not service.record_outcome(
        repo, bus, request, outcome, jti=f"outcome-{member.tenant}-{request_id}-{outcome}", expires_at=expires
    ):
        raise Conflict("You already said how it went.")
    return web.redirect(f"/requests/{request_id}?notice=outcome")


@router.post("/requests/<request_id>/asks", include_in_schema=False)
def ask(request_id: str) -> Response[str]:
    session_id, member = _signed_in()
    form = web.read_form(router.current_event)
    web.check_csrf(form, session_id)
    order = form.all("order")  # the ticked connectors, in the order the page lists them
    first = form.get("path_id") or (order[0] if order else "")
    rest = [p for p in order if p != first]
    service.choose_connector(wiring.repository(), wiring.event_bus(), member, request_id, first, rest)
    metrics.add_metric(name="AskRequested", unit="Count", value=1)
    return web.redirect(f"/requests/{request_id}?notice=asking")


def _errors_by_field(error: ValidationError) -> dict[str, str]:
    """One message per field, in words a person filling in the form understands."""
    errors: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item.get("loc") else "form"
        errors.setdefault(field, _human(item))
    return errors


def _human(item: Any) -> str:
    limit = (item.get("ctx") or {}).get("min_length") or (item.get("ctx") or {}).get("max_length")
    if item["type"] == "string_too_short":
        return "Please fill this in." if limit == 1 else f"Please write at least {limit} characters."
    if item["type"] == "string_too_long":
        return f"Please keep this under {limit} characters."
    if item["type"] == "missing":
        return "Please fill this in."
    message = str(item.get("msg", "is not valid")).removeprefix("Value error, ")
    return message[0].upper() + message[1:]
