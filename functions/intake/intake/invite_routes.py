"""Admins invite connectors in bulk (CSV upload run as a job, with a per-line report); connectors join with
one click.

The join link is signed (purpose "join", the tenant and the invited address) and single-use: its GET shows
what joining means, and only the POST joins -- spending the link in the same write -- and signs the
connector in, since the link proved they own the address. A spent link never signs anyone in again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.errors import Conflict, InvalidInput, TokenError
from warmpath.core.observability import logger, metrics
from warmpath.tokens import verify

from intake import web

router = Router()


def _admin() -> web.SignedIn:
    return web.require_admin(router.current_event, "invite connectors")


SHOWN_CONNECTORS = 500


def _page(found: web.SignedIn, status: int = 200, **context: Any) -> Response[str]:
    context.setdefault("batch", None)
    context.setdefault("job", None)
    context.setdefault("error", None)
    job = context["job"]
    working = job is not None and job.status in ("waiting", "running")
    connectors: list[Any] = []
    if not working:  # a progress page refreshes itself: keep it light
        members = wiring.repository().list_members(found.member.tenant)
        connectors = sorted((m for m in members if "connector" in m.roles), key=lambda m: m.name.lower())
    return web.member_page(
        found,
        "invites.html",
        status=status,
        connectors=connectors[:SHOWN_CONNECTORS],
        more_connectors=max(0, len(connectors) - SHOWN_CONNECTORS),
        working=working,
        **context,
    )


def read_upload(event: Any) -> tuple[dict[str, str], tuple[str, bytes] | None]:
    """The fields and the first file of a multipart/form-data body."""
    from email.parser import BytesParser
    from email.policy import HTTP

    content_type = event.headers.get("content-type") or ""
    if not content_type.lower().startswith("multipart/form-data"):
        raise InvalidInput("Upload the file with the form on this page.")
    raw = event.decoded_body if not event.get("isBase64Encoded") else None
    body = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else _base64_body(event)
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, str] = {}
    upload: tuple[str, bytes] | None = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename is not None and upload is None:
            upload = (str(filename), bytes(payload))
        elif name:
            fields[str(name)] = bytes(payload).decode("utf-8", "replace")
    return fields, upload


def _base64_body(event: Any) -> bytes:
    import base64

    return base64.b64decode(event.get("body") or "")


@router.get("/admin/invites", include_in_schema=False)
def invites_page() -> Response[str]:
    """The upload form; with ``?job=<id>`` (where an upload lands) that job's progress, then its report.

    While the job runs the page refreshes itself every few seconds (a meta refresh: the CSP allows no script)
    and has a Refresh link. Without ``job`` it shows the tenant's latest job the same way.
    """
    from warmpath.core.errors import NotFound

    found = _admin()
    repo = wiring.repository()
    wanted = router.current_event.get_query_string_value("job", None)
    job = None
    if wanted:
        try:
            job = repo.get_invite_job(wanted[:40])
        except NotFound:
            job = None
        if job is None or job.tenant != found.member.tenant:
            return _page(found, status=404, error="There is no such upload: upload the file again.")
    else:
        latest = repo.invite_jobs(found.member.tenant, limit=1)
        job = latest[0] if latest else None
    return _job_page(found, job)


def _job_page(found: web.SignedIn, job: Any, status: int = 200, **context: Any) -> Response[str]:
    from warmpath.core.errors import NotFound

    batch = None
    if job is not None and job.status == "done":
        try:
            batch = wiring.repository().get_invite_batch(found.member.tenant, job.job_id)
        except NotFound:
            batch = None
    return _page(found, status=status, job=job, batch=batch, **context)


@router.post("/admin/invites", include_in_schema=False)
def upload_invites() -> Response[str]:
    """Check the CSV, open its job and store the file; then post/redirect/get to the job's progress page.

    A file that cannot be used at all is refused here with what to fix (400), before anything is stored. The
    same file posted twice within minutes (a double click, a reload) goes to the same job.
    """
    from warmpath.contacts import UnreadableFile
    from warmpath.core.config import get_settings
    from warmpath.invite_jobs import needs_file, open_invite_job, store_invite_file

    found = _admin()
    fields, upload = read_upload(router.current_event)
    web.check_csrf(fields, found.session_id)
    if upload is None or not upload[1].strip():
        return _page(found, status=400, error="Choose a CSV file to upload.")
    repo = wiring.repository()
    try:
        job, created = open_invite_job(repo, found.member.tenant, found.member.email, upload[0], upload[1])
    except UnreadableFile as error:
        return _page(found, status=400, error=error.message)
    if needs_file(job):  # also a repeat whose first request stopped before storing it, or whose job stopped
        store_invite_file(get_settings().uploads_bucket, job, upload[1])
    logger.info("invite file uploaded", extra={"job_id": job.job_id, "lines": int(job.lines), "new_job": created})
    metrics.add_metric(name="InviteFileUploaded", unit="Count", value=1)
    return web.redirect(f"/admin/invites?job={job.job_id}")


def _join_link(token: str) -> Any:
    claims = verify(token, wiring.signing_keys(), purpose="join", now=datetime.now(UTC))
    member = wiring.repository().get_member(claims.tenant, claims.subject)
    if member is None:
        raise TokenError("This invitation was withdrawn.")
    return claims, member


def _already_in(member: Any, tenant_name: str) -> Response[str]:
    """A joined connector opened (or posted) their Join link again: no session, a way to sign in instead.

    The link was spent by joining, so it never signs anyone in again (it may sit in a forwarded email or a
    shared computer's history); signing in is by a fresh magic link, which the button here emails.
    """
    event = router.current_event
    found = web.signed_in(event)
    if found and (found.member.tenant, found.member.email) == (member.tenant, member.email):
        return web.redirect("/network?notice=joined")  # the same browser's double click: it is signed in
    binding, cookies = web.page_binding(event)
    return web.render(
        "already_in.html",
        cookies=cookies,
        csrf_token=web.csrf_token(binding),
        tenant_name=tenant_name,
        tenant=member.tenant,
        email=member.email,
        joined_at=member.joined_at,
    )


@router.get("/join/<token>", include_in_schema=False)
def confirm_join(token: str) -> Response[str]:
    claims, member = _join_link(token)
    tenant = wiring.repository().get_tenant(claims.tenant)
    if member.status == "joined":
        return _already_in(member, tenant.name)
    if router.current_event.get_query_string_value("answer", None) == "no":
        return _confirm_opt_out(token, tenant.name)
    if member.status == "opted_out":
        body = f"You said no to {tenant.name}'s invitation, so we will not email you about it again."
        return web.render("message.html", title="You said no", body=body)
    return web.confirm_page(
        router.current_event,
        title=f"Help {tenant.name} with warm introductions?",
        lines=[
            f"{tenant.name} invited you to Warmpath as a connector. When someone there would like to meet a person "
            "you know, you get one email asking whether you'd introduce them; you can always say no.",
            "Nobody at the company sees your contacts. Joining here counts for this company only.",
        ],
        action=f"/join/{token}",
        button=f"Join {tenant.name}",
    )


def _confirm_opt_out(token: str, tenant_name: str) -> Response[str]:
    return web.confirm_page(
        router.current_event,
        title=f"Not for you? Say no to {tenant_name}",
        lines=[f"{tenant_name} will see that you declined, and Warmpath will not email you about it again."],
        action=f"/join/{token}",
        fields={"answer": "no"},
        button="No, thank you",
    )


def _check_join_csrf(form: web.Form, event: Any) -> None:
    """The Join page's token is bound to the visitor cookie; by a double click's second press the first may
    have signed the browser in, which moves the binding to the session: either of this browser's is fine."""
    bindings = (web.form_binding(event), web.cookies_of(event).get(web.ANON_COOKIE))
    for binding in dict.fromkeys(b for b in bindings if b):
        try:
            web.check_csrf(form, binding)
        except web.CsrfFailed:
            continue
        return
    raise web.CsrfFailed()


@router.post("/join/<token>", include_in_schema=False)
def join(token: str) -> Response[str]:
    """Join once: the link is spent with the join, and only that first POST opens a session.

    A second POST (a double click, the link replayed after signing out) changes nothing and signs nobody in:
    the browser that joined is sent on to its network, anyone else gets "You're already in" with a button that
    emails a sign-in link. "No, thank you" on the link of someone who joined leaves them joined.
    """
    event = router.current_event
    form = web.read_form(event)
    _check_join_csrf(form, event)
    claims, member = _join_link(token)
    repo = wiring.repository()
    if member.status == "joined":
        return _already_in(member, repo.get_tenant(claims.tenant).name)
    now = datetime.now(UTC)
    if form.get("answer") == "no":
        repo.opt_out(member)
        metrics.add_metric(name="InviteDeclined", unit="Count", value=1)
        body = "Thank you for letting us know. You will not get more emails about this invitation."
        return web.render("message.html", title="Done", body=body)
    if not repo.join(member, now, jti=claims.jti, token_expires_at=claims.expires_at):
        current = repo.get_member(claims.tenant, claims.subject)
        if current is not None and current.status == "joined":  # a concurrent click joined first
            return _already_in(current, repo.get_tenant(claims.tenant).name)
        raise Conflict("This invitation can no longer be accepted.")
    metrics.add_metric(name="ConnectorJoined", unit="Count", value=1)
    from intake.service import SESSION_TTL

    session_id = repo.create_session(claims.tenant, member.email, now + SESSION_TTL)
    return web.redirect("/network?notice=joined", cookies=[web.session_cookie(event, session_id)])
