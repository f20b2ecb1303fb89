"""Invitation sender: SQS messages {tenant, email, batch} from a bulk invite -> one invite email each.

``batch`` is the job that stored the member, so an invitation queued again (a retried chunk, a re-upload
finishing an interrupted one) is the same message; the first send marks the member's invitation sent and a
later copy sends nothing.

Messages are handled in batches with partial failure (Powertools BatchProcessor): a send that fails is
returned to the queue and retried, and after the queue's maxReceiveCount lands in its DLQ; the others
are done. The queue's consumer concurrency (template parameter) keeps sending within the SES rate. Each
message is sent at most once per content (Powertools idempotency), so a redelivery sends nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.core.config import get_settings
from warmpath.core.observability import logger, metrics, tracer
from warmpath.core.once import OncePerContent

JOIN_TTL = timedelta(days=30)
REMINDERS = (timedelta(days=3), timedelta(days=10))
_processor = BatchProcessor(event_type=EventType.SQS)


def send_invitation(tenant: str, email: str, reminder: int = 0) -> bool:
    """Email one invitation (or reminder ``n``) with its Join link; False when nobody is waiting to join.

    The first invitation schedules the reminders (EventBridge Scheduler, one-time schedules that put a
    message on this queue); a reminder for someone who joined or said no in the meantime sends nothing.
    """
    from warmpath.mail import AllSuppressed, OutgoingEmail
    from warmpath.tokens import Claims, expiry, sign

    from notify.render import shared_renderer

    repo = wiring.repository()
    member = repo.get_member(tenant, email)
    if member is None or member.status not in ("invited", "reminded"):
        logger.info("invitation skipped", extra={"status": member.status if member else None})
        return False
    if not reminder and member.invitation == "sent":  # queued again by a re-upload or a retried job
        logger.info("invitation skipped: sent already")
        return False
    settings = get_settings()
    admin = repo.get_member(tenant, member.invited_by) if member.invited_by else None
    tenant_name = repo.get_tenant(tenant).name
    claims = Claims(purpose="join", tenant=tenant, subject=email, expires_at=expiry(datetime.now(UTC), JOIN_TTL))
    token = sign(claims, wiring.signing_keys())
    leave = Claims(
        purpose="unsubscribe",
        tenant=tenant,
        subject=email,
        expires_at=expiry(datetime.now(UTC), JOIN_TTL * 3),
        ref={"list": "invitations"},
    )
    unsubscribe_url = f"{settings.public_base_url}/u/{sign(leave, wiring.signing_keys())}"
    # Replying with a contacts file attached imports it (notify.inbound); the address says whose it is.
    reply_id = repo.create_reply_address("network_import", tenant, email, datetime.now(UTC) + JOIN_TTL)
    rendered = shared_renderer().render(
        "invite",
        tenant_name=tenant_name,
        name=member.name,
        inviter=admin.name if admin else tenant_name,
        reminder=reminder > 0,
        note=member.invite_note,
        join_url=f"{settings.public_base_url}/join/{token}",
        no_url=f"{settings.public_base_url}/join/{token}?answer=no",
        days=JOIN_TTL.days,
    )
    message = OutgoingEmail(
        sender_name=f"{admin.name} via Warmpath" if admin else settings.sender_name,
        sender_address=settings.sender_address,
        to=[email],
        reply_to=[f"reply+{reply_id}@{settings.inbound_domain}"],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        tags={"email": "invite"},
        # RFC 8058 one-click unsubscribe (mail clients POST "List-Unsubscribe=One-Click" to the URL).
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    try:
        wiring.mail_sender().send(message)
    except AllSuppressed:
        logger.info("invitation not sent: the address is suppressed")
        return False
    if reminder:
        repo.mark_reminded(member)
        metrics.add_metric(name="InviteReminded", unit="Count", value=1)
    else:
        repo.mark_invitation_sent(member)
        schedule_reminders(tenant, email, datetime.now(UTC))
        metrics.add_metric(name="InviteSent", unit="Count", value=1)
    return True


def schedule_reminders(tenant: str, email: str, now: datetime) -> None:
    """One-time schedules that re-queue this invitation as reminder 1 and 2 (created once: names are stable)."""
    from warmpath.schedules import schedule_message, schedule_name

    settings = get_settings()
    for number, after in enumerate(REMINDERS, start=1):
        schedule_message(
            schedule_name("invite", tenant, email, str(number)),
            now + after,
            settings.invite_queue_arn,
            {"tenant": tenant, "email": email, "reminder": number},
        )


def _send(message: dict[str, Any]) -> bool:
    return send_invitation(message["tenant"], message["email"], int(message.get("reminder", 0)))


_send_once = OncePerContent("invites", _send, "message")


def reset_idempotency() -> None:
    _send_once.reset()


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    def handle(record: SQSRecord) -> None:
        _send_once(context, json.loads(record.body))

    return dict(process_partial_response(event=event, record_handler=handle, processor=_processor, context=context))
