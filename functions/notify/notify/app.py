"""Notify function: EventBridge events in, emails out (rendered from MJML, sent through SES).

Each event is handled at most once per content (Powertools idempotency over source, detail-type and
detail), so a redelivered or re-published event never sends a second email.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.core.config import get_settings
from warmpath.core.observability import logger, metrics, tracer
from warmpath.core.once import OncePerContent
from warmpath.events import (
    AskAnswered,
    AskAnsweredByEmail,
    AskApproved,
    AskCreated,
    AskExpired,
    AskReminderDue,
    ConnectorsInvited,
    DigestDue,
    InboundTooLarge,
    IntroductionConverted,
    MatchingCompleted,
    MeetingCheckDue,
    NetworkImported,
    OfferMade,
    ReplyNeedsFollowUp,
    SignInRequested,
    TargetAnswered,
    TenantDigestDue,
    parse_event,
)


def _dispatch(event: dict[str, Any]) -> dict[str, Any]:
    """Send the email(s) an event calls for."""
    from notify import digests
    from notify.emails import Notifier
    from notify.render import shared_renderer

    contract = parse_event(event)
    notifier = Notifier(
        repo=wiring.repository(),
        sender=wiring.mail_sender(),
        bus=wiring.event_bus(),
        renderer=shared_renderer(),
        keys=wiring.signing_keys(),
        settings=get_settings(),
        now=datetime.now(UTC),
    )
    actions: dict[type, Callable[[Any], None]] = {
        SignInRequested: notifier.send_sign_in,
        MatchingCompleted: notifier.send_paths,
        AskCreated: notifier.send_ask,
        AskApproved: notifier.send_ask,
        AskAnswered: notifier.send_answer,
        AskAnsweredByEmail: notifier.send_answer,
        ReplyNeedsFollowUp: notifier.send_follow_up,
        NetworkImported: notifier.send_import_report,
        ConnectorsInvited: notifier.send_invite_report,
        AskReminderDue: notifier.send_reminder,
        AskExpired: notifier.send_expired,
        TargetAnswered: notifier.send_target_answer,
        MeetingCheckDue: notifier.send_meeting_check,
        InboundTooLarge: notifier.send_too_large,
        IntroductionConverted: notifier.send_thank_you,
    }
    if isinstance(contract, DigestDue):
        tenants = [t.slug for t in notifier.repo.list_tenants()]
        return {"handled": "DigestDue", "tenants": digests.fan_out(notifier.bus, tenants, contract)}
    if isinstance(contract, TenantDigestDue):
        return {"handled": "TenantDigestDue", "sent": digests.send_digests(notifier, contract)}
    if isinstance(contract, OfferMade):  # from a digest's link, or written to the offers address
        digests.send_offer(notifier, contract)
        return {"handled": type(contract).__name__}
    action = actions.get(type(contract))
    if action is None:
        raise ValueError(f"notify does not handle {type(contract).__name__}")
    action(contract)
    metrics.add_metric(name=f"Notified{type(contract).__name__}", unit="Count", value=1)
    return {"handled": type(contract).__name__}


# Each announcement is handled once per content (not per event id): re-published events send nothing twice.
_dispatch_once = OncePerContent("notify", _dispatch, "event", event_key_jmespath='[source, "detail-type", detail]')


def reset_idempotency() -> None:
    """Forget the idempotency store (tests point it at a fresh table)."""
    _dispatch_once.reset()


@logger.inject_lambda_context(correlation_id_path="id")
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return _dispatch_once(context, event)  # type: ignore[no-any-return]
