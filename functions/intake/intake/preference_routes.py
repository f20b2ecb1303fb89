"""Email preferences, from a signed link in every email: digest frequency, reminders, snooze, pause, opt out.

The link is signed for the member and the tenant and may be opened again until it expires (it is not
single use: preferences change more than once). GET only shows the form; the form's POST carries the
page's CSRF token, so a scanner following the link changes nothing.

Signed in, ``/me/preferences`` sends a member to the same page with a link signed for them there and then
(valid an hour): one page and one form, whichever way people arrive.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring
from warmpath.core.errors import TokenError
from warmpath.core.observability import logger
from warmpath.tokens import verify

from intake import web

if TYPE_CHECKING:
    from warmpath.models import Member

router = Router()
DIGEST_CHOICES = [("daily", "Daily"), ("weekly", "Weekly (Mondays)"), ("never", "Never")]
MAX_SNOOZE = timedelta(days=365)


def _member(token: str) -> Member:
    claims = verify(token, wiring.signing_keys(), purpose="preferences", now=datetime.now(UTC))
    member = wiring.repository().get_member(claims.tenant, claims.subject)
    if member is None:
        raise TokenError("You are no longer a member here, so there is nothing to set.")
    return member


def _page(token: str, member: Member, *, notice: str = "", error: str = "", status: int = 200) -> Response[str]:
    binding, cookies = web.page_binding(router.current_event)
    snoozed = member.snoozed_until
    today = datetime.now(UTC).date()
    return web.render(
        "preferences.html",
        status=status,
        cookies=cookies,
        csrf_token=web.csrf_token(binding),
        action=f"/p/{token}",
        email=member.email,
        tenant_name=wiring.repository().get_tenant(member.tenant).name,
        digest=member.digest or "weekly",
        digest_choices=DIGEST_CHOICES,
        reminders=member.reminders,
        paused=member.paused,
        opted_out=member.status == "opted_out",
        snooze_until=snoozed.date().isoformat() if snoozed and snoozed.date() > today else "",
        today=today.isoformat(),
        notice=notice,
        error=error,
    )


SIGNED_IN_LINK_TTL = timedelta(hours=1)


@router.get("/me/preferences", include_in_schema=False)
def mine() -> Response[str]:
    from warmpath.tokens import Claims, expiry, sign

    member = web.require_signed_in(router.current_event).member
    claims = Claims(purpose="preferences", tenant=member.tenant, subject=member.email,
                    expires_at=expiry(datetime.now(UTC), SIGNED_IN_LINK_TTL))  # fmt: skip
    return web.redirect(f"/p/{sign(claims, wiring.signing_keys())}")


@router.get("/p/<token>", include_in_schema=False)
def show(token: str) -> Response[str]:
    return _page(token, _member(token))


@router.post("/p/<token>", include_in_schema=False)
def save(token: str) -> Response[str]:
    event = router.current_event
    form = web.read_form(event)
    web.check_csrf(form, web.form_binding(event))
    member = _member(token)
    digest = form.get("digest", "")
    if digest not in dict(DIGEST_CHOICES):
        return _page(token, member, error="Choose how often to get the digest.", status=400)
    raw_snooze = form.get("snooze_until", "").strip()
    until: datetime | None = None
    if raw_snooze:
        try:
            day = date.fromisoformat(raw_snooze)
        except ValueError:
            return _page(token, member, error="Write the snooze date as YYYY-MM-DD, or leave it empty.", status=400)
        now = datetime.now(UTC)
        until = datetime.combine(day, time(), tzinfo=UTC)
        if until <= now or until - now > MAX_SNOOZE:
            return _page(token, member, error="Snooze until a day after today, at most a year ahead.", status=400)
    repo = wiring.repository()
    repo.set_email_preferences(member, digest=digest, reminders=form.get("reminders") == "on")
    repo.set_availability(member.email, paused=form.get("paused") == "on", snoozed_until=until)
    repo.set_opted_out(member, form.get("opted_out") == "on")
    logger.info("preferences saved", extra={"digest": digest})
    member.refresh()
    return _page(token, member, notice="Saved.")
