"""A connector's own network: their ties with strength and privacy controls, imports, and deleting it all.

Only the connector sees these pages. Contacts are never shown to anyone else; requesters see only that
a connector may be able to help, within what each tie's privacy allows.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.errors import InvalidInput, NotFound
from warmpath.core.observability import logger, metrics

from intake import web

router = Router()
PAGE_SIZE = 100
STRENGTH_CHOICES = [
    ("unknown", "Not rated"),
    ("very_strong", "Very strong"),
    ("strong", "Strong"),
    ("average", "Average"),
    ("weak", "Weak"),
]
VISIBILITY_CHOICES = [("visible", "Visible"), ("ask_first", "Ask me first"), ("hidden", "Hidden")]
SHARING_CHOICES = [
    ("visible", "My contacts, each as I set it below"),
    ("ask_first", "Ask me first about anyone"),
    ("hidden", "Nothing: keep my network from this company"),
]
MAX_ORGANISATION_NAME = 200


def _connector() -> web.SignedIn:
    return web.require_connector(router.current_event, "Only connectors have a network here.")


def _connector_form() -> tuple[web.SignedIn, web.Form]:
    """The signed-in connector and the form they posted (its CSRF token checked)."""
    found = _connector()
    form = web.read_form(router.current_event)
    web.check_csrf(form, found.session_id)
    return found, form


def _page(found: web.SignedIn, template: str, status: int = 200, **context: Any) -> Response[str]:
    return web.member_page(found, template, status=status, **context)


@router.get("/network", include_in_schema=False)
def network_page() -> Response[str]:
    from warmpath.models import utcnow

    found = _connector()
    repo = wiring.repository()
    start = router.current_event.get_query_string_value("after", None)
    raw = router.current_event.get_query_string_value("q", None) or ""
    query = "".join(c for c in raw if c.isprintable()).strip()[:100]  # no control characters echoed back
    if query:
        ties, next_key = repo.search_network(found.member.email, query, limit=PAGE_SIZE, after=start)
    else:
        ties, next_key = repo.network_page(found.member.email, limit=PAGE_SIZE, after=start)
    return _page(
        found,
        "network.html",
        ties=ties,
        next_key=next_key,
        query=query,
        jobs=repo.import_jobs_of(found.member.email, limit=5),
        strengths=STRENGTH_CHOICES,
        visibilities=VISIBILITY_CHOICES,
        sharing_choices=SHARING_CHOICES,
        now=utcnow(),
        never_ask=sorted(repo.never_ask_list(found.member.email), key=lambda n: n.organisation.lower()),
        notice=router.current_event.get_query_string_value("notice", None),
    )


@router.post("/network/sharing", include_in_schema=False)
def set_sharing() -> Response[str]:
    """What this tenant may see of the connector's one network (each tenant is set separately)."""
    found, form = _connector_form()
    sharing = form.get("sharing", "")
    if sharing not in dict(SHARING_CHOICES):
        raise InvalidInput("Choose what this company may see from the list.")
    wiring.repository().set_network_sharing(found.member, sharing)
    logger.info("network sharing set", extra={"tenant": found.member.tenant, "sharing": sharing})
    return web.redirect("/network?notice=saved")


AVAILABILITY_CHOICES = {"available": None, "snooze_14": 14, "snooze_30": 30, "pause": None}


@router.post("/network/availability", include_in_schema=False)
def set_availability() -> Response[str]:
    """Pause all asks, snooze them for a while, or be available again (in every company the connector helps)."""
    from datetime import timedelta

    from warmpath.models import utcnow

    found, form = _connector_form()
    choice = form.get("availability", "")
    if choice not in AVAILABILITY_CHOICES:
        raise InvalidInput("Choose whether to be asked, snooze asks, or pause them.")
    days = AVAILABILITY_CHOICES[choice]
    until = utcnow() + timedelta(days=days) if days else None
    wiring.repository().set_availability(found.member.email, paused=choice == "pause", snoozed_until=until)
    logger.info("availability set", extra={"choice": choice})
    return web.redirect("/network?notice=saved")


@router.post("/network/never", include_in_schema=False)
def add_never_ask() -> Response[str]:
    """Never ask me about this organisation (in every company I help, and its linked organisations)."""
    found, form = _connector_form()
    organisation = " ".join(form.get("organisation", "").split())
    if not organisation or len(organisation) > MAX_ORGANISATION_NAME:
        raise InvalidInput(f"Write the organisation's name (at most {MAX_ORGANISATION_NAME} characters).")
    wiring.repository().set_never_ask(found.member.email, organisation)
    return web.redirect("/network?notice=saved")


@router.post("/network/never/<org_key>/remove", include_in_schema=False)
def remove_never_ask(org_key: str) -> Response[str]:
    found, _form = _connector_form()
    wiring.repository().remove_never_ask(found.member.email, org_key)
    return web.redirect("/network?notice=saved")


@router.post("/network/ties/<person_id>", include_in_schema=False)
def rate(person_id: str) -> Response[str]:
    found, form = _connector_form()
    strength, visibility = form.get("strength", ""), form.get("visibility", "")
    if strength not in dict(STRENGTH_CHOICES) or visibility not in dict(VISIBILITY_CHOICES):
        raise InvalidInput("Choose a strength and a privacy setting from the lists.")
    from intake.service import record_rating

    try:
        record_rating(
            wiring.repository(),
            wiring.event_bus(),
            found.member.tenant,
            found.member.email,
            person_id,
            strength,
            visibility=visibility,
        )
    except ValueError:
        raise NotFound("That person is not in your network.") from None
    metrics.add_metric(name="TieRated", unit="Count", value=1)
    return web.redirect("/network?notice=saved")


@router.post("/network/uploads", include_in_schema=False)
def start_upload() -> Response[str]:
    """Open an import job and show a form that sends the file straight to S3 (presigned POST, 20 MB max)."""
    import boto3
    from warmpath.contacts import MAX_BYTES
    from warmpath.core.config import get_settings
    from warmpath.network import new_import_job

    found, _form = _connector_form()
    settings = get_settings()
    job = new_import_job(
        wiring.repository(),
        found.member.email,
        requested_by=found.member.email,
        tenant=found.member.tenant,
        filename=None,
    )
    back = f"{settings.public_base_url}/network?notice=uploaded&job={job.job_id}"
    post = boto3.client("s3").generate_presigned_post(
        settings.uploads_bucket,
        job.s3_key,
        Fields={"success_action_redirect": back},
        Conditions=[["content-length-range", 1, MAX_BYTES], {"success_action_redirect": back}],
        ExpiresIn=900,
    )
    origin = "/".join(post["url"].split("/")[:3])
    response = _page(found, "network_upload.html", post=post, max_mb=MAX_BYTES // 1_048_576)
    # The form posts to S3, so this one page allows that origin as a form target.
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' {origin}; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return response


@router.get("/network/delete", include_in_schema=False)
def confirm_delete() -> Response[str]:
    found = _connector()
    return _page(
        found,
        "confirm.html",
        title="Delete your whole network?",
        lines=[
            "Every contact you imported, every rating and privacy setting, and your import history will be "
            "deleted from Warmpath, for every company you help. This cannot be undone.",
            "Introductions already made are not affected.",
        ],
        action="/network/delete",
        fields={},
        button="Delete my network",
    )


@router.post("/network/delete", include_in_schema=False)
def delete() -> Response[str]:
    found, _form = _connector_form()
    deleted = wiring.repository().delete_network(found.member.email)
    logger.info("network deleted", extra={"items": deleted})
    return web.redirect("/network?notice=deleted")
