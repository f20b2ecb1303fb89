"""Digests of open requests, and offers to introduce.

The daily run (``DigestDue``, from the template's DigestSchedule) fans out one ``TenantDigestDue`` per
tenant. Each connector then gets at most one digest a day, on their own frequency: daily, weekly (on
Mondays, the default) or never. A digest lists the tenant's requests nobody had a path for, where the
connector has ties at the organisation (``pathfinding.digest_connectors``, so never-ask, sharing and
linked organisations count as in matching) -- or every one, when the tenant sets ``digest_shows_all``.
Paused, snoozed and opted-out connectors get none. Each request has an "I can help" link. On Mondays the
run also sends each admin the analytics dashboard's headline figures (the weekly summary).

An offer (from that link, or written to the offers address) goes to the account's owner -- the CRM's owner
when known, else the tenant's admin -- whose one click makes the connector a path and asks them as usual.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from warmpath.core.observability import logger
from warmpath.events import DigestDue, EventBus, OfferMade, TenantDigestDue
from warmpath.introductions import first_name
from warmpath.tokens import Claims, expiry, sign

if TYPE_CHECKING:
    from warmpath.models import IntroRequest, Member

    from notify.emails import Notifier

DIGEST_STATUSES = ("no_path",)  # requests waiting for anyone who can help
DIGEST_LIMIT = 20  # requests listed in one digest (the newest)
HELP_TTL = timedelta(days=14)
OFFER_TTL = timedelta(days=14)
ONCE_A_DAY = timedelta(hours=20)
WEEKLY_ON = 0  # Monday
FREQUENCY_WORDS = {"daily": "every day", "weekly": "on Mondays"}


def fan_out(bus: EventBus, tenants: list[str], event: DigestDue) -> int:
    """One digest run per tenant (each its own event: a slow tenant never delays another)."""
    bus.publish(*(TenantDigestDue(tenant=t, scheduled_time=event.scheduled_time) for t in tenants))
    return len(tenants)


def due(member: Member, day: datetime, now: datetime) -> bool:
    """Whether this member gets a digest on ``day``."""
    if "connector" not in member.roles or member.status != "joined" or member.paused:
        return False
    if member.snoozed_until is not None and member.snoozed_until > now:
        return False
    frequency = member.digest or "weekly"
    return frequency == "daily" or (frequency == "weekly" and day.weekday() == WEEKLY_ON)


def send_digests(notifier: Notifier, event: TenantDigestDue) -> int:
    """Send this tenant's digests for the run's day; returns how many were sent."""
    from warmpath.pathfinding import digest_connectors

    repo = notifier.repo
    day = datetime.fromisoformat(event.scheduled_time.replace("Z", "+00:00"))
    if day.weekday() == WEEKLY_ON:
        send_weekly_summary(notifier, event.tenant)
    members = {m.email: m for m in repo.list_members(event.tenant) if due(m, day, notifier.now)}
    if not members:
        return 0
    open_requests = [r for r in repo.list_requests(event.tenant, limit=200) if r.status in DIGEST_STATUSES]
    shows_all = notifier.mail_settings(event.tenant).digest_shows_all
    lists: dict[str, list[IntroRequest]] = {email: [] for email in members}
    for request in open_requests:
        helpers = members if shows_all else digest_connectors(repo, event.tenant, request.target_company)
        for email in helpers:
            if email in lists and email != request.requester_email:
                lists[email].append(request)
    sent = 0
    for email, requests in lists.items():
        if not requests or not repo.claim_window(f"digest#{event.tenant}#{email}", ONCE_A_DAY, notifier.now):
            continue
        member = members[email]
        notifier._send(
            "digest",
            to=[email],
            tag="digest",
            tenant=event.tenant,
            member=email,
            unsubscribe="digests",
            tenant_name=notifier.tenant_name(event.tenant),
            connector_first_name=first_name(member.name),
            shows_all=shows_all,
            frequency=FREQUENCY_WORDS.get(member.digest or "weekly", "weekly"),
            requests=[_listed(notifier, r, email) for r in requests[:DIGEST_LIMIT]],
        )
        sent += 1
    logger.info("digests sent", extra={"tenant": event.tenant, "sent": sent, "open_requests": len(open_requests)})
    return sent


def send_weekly_summary(notifier: Notifier, tenant: str) -> int:
    """On Mondays, each admin gets the dashboard's headline figures (once a week each)."""
    from warmpath.analytics import dashboard

    repo = notifier.repo
    admins = [m for m in repo.list_members(tenant) if "admin" in m.roles and m.status == "joined"]
    if not admins:
        return 0
    figures = dashboard(repo, tenant, notifier.now)
    sent = 0
    for admin in admins:
        if not repo.claim_window(f"weekly-summary#{tenant}#{admin.email}", timedelta(days=6), notifier.now):
            continue
        notifier._send(
            "weekly_summary",
            to=[admin.email],
            tag="weekly_summary",
            tenant=tenant,
            member=admin.email,
            tenant_name=notifier.tenant_name(tenant),
            admin_first_name=first_name(admin.name),
            business_case=figures.business_case,
            funnel=[(label, f"{count:,.0f}") for label, count, _ in figures.funnel],
            introduced=f"{figures.totals['introduced']:,.0f}",
            dashboard_url=notifier._url("/admin/analytics"),
        )
        sent += 1
    return sent


def _listed(notifier: Notifier, request: IntroRequest, connector_email: str) -> dict[str, Any]:
    claims = Claims(
        purpose="offer",
        tenant=request.tenant,
        subject=connector_email,
        expires_at=expiry(notifier.now, HELP_TTL),
        ref={"request_id": request.request_id},
    )
    return {
        "target_name": request.target_name,
        "target_title": request.target_title,
        "target_company": request.target_company,
        "requester_name": request.requester_name,
        "reason": request.reason,
        "help_url": notifier._url(f"/offer/{sign(claims, notifier.keys)}"),
    }


def send_offer(notifier: Notifier, event: OfferMade) -> None:
    """Tell the account's owner about an offer, with a one-click "Ask them" when it is for a request."""
    repo = notifier.repo
    offer = repo.get_offer(event.tenant, event.offer_id)
    if offer.status != "offered":
        return
    owner = repo.get_member(event.tenant, offer.owner_email)
    request = repo.get_request(event.tenant, offer.request_id) if offer.request_id else None
    accept_url = ""
    if request is not None:
        claims = Claims(purpose="offer_accept", tenant=event.tenant, subject=offer.owner_email,
                        expires_at=expiry(notifier.now, OFFER_TTL), ref={"offer_id": offer.offer_id},
                        jti=secrets.token_urlsafe(12))  # fmt: skip
        accept_url = notifier._url(f"/offers/{sign(claims, notifier.keys)}")
    notifier._send(
        "offer",
        to=[offer.owner_email],
        tag="offer",
        tenant=event.tenant,
        member=offer.owner_email,
        reply_to=[offer.connector_email],
        tenant_name=notifier.tenant_name(event.tenant),
        owner_first_name=first_name(owner.name) if owner else "there",
        connector_name=offer.connector_name,
        connector_first_name=first_name(offer.connector_name),
        target_name=request.target_name if request else "",
        target_company=request.target_company if request else "",
        requester_name=request.requester_name if request else "",
        organisation=offer.organisation or "",
        note=offer.text or "",
        accept_url=accept_url,
        new_request_url=notifier._url("/requests/new"),
    )
