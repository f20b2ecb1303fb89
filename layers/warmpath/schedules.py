"""One-time EventBridge Scheduler schedules: "put this on the invite queue / the bus at that time".

Reminders, expiries and follow-ups are one-time ``at(...)`` schedules deleted after they run
(``ActionAfterCompletion=DELETE``). Names are derived from what the schedule is for, so scheduling the
same thing twice (a redelivered event) creates one schedule. Whoever handles a due event checks the
state first: a reminder for an ask answered in the meantime sends nothing, so schedules are never
cancelled.

A schedule that targets the bus puts the event with its contract's source and detail-type; the schedule
role (``infra/template.yaml`` SchedulerRole) may put events on the bus and messages on the invite queue.
A target Scheduler could not deliver to (after ``RETRY_POLICY``) goes to the schedule DLQ
(``SCHEDULE_DLQ_ARN``, the template's ScheduleDLQ) instead of being dropped.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from warmpath.core.config import get_settings
from warmpath.core.observability import logger
from warmpath.events import EventContract

# Scheduler names: [0-9a-zA-Z-_.]{1,64}; the template's IAM policy allows these prefixes.
PREFIXES = ("invite", "ask", "meet")
FLEXIBLE_MINUTES = 15
# A reminder a day late is still worth sending; after that the DLQ (and its alarm) has it.
RETRY_POLICY = {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 20}


def schedule_name(prefix: str, *parts: str) -> str:
    """A stable name for what ``parts`` identify (no addresses or ids in the name: it is an ARN)."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown schedule prefix {prefix!r}")
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]
    return f"{prefix}-{digest}"


def _at(when: datetime) -> str:
    return f"at({when.strftime('%Y-%m-%dT%H:%M:%S')})"


def _create(name: str, when: datetime, target: dict[str, Any], client: Any = None) -> bool:
    """Create the schedule; False when one of that name exists (scheduled before)."""
    from warmpath import wiring

    scheduler = client or wiring.scheduler()
    settings = get_settings()
    target = {**target, "RoleArn": settings.scheduler_role_arn, "RetryPolicy": RETRY_POLICY}
    if settings.schedule_dlq_arn:
        target["DeadLetterConfig"] = {"Arn": settings.schedule_dlq_arn}
    try:
        scheduler.create_schedule(
            Name=name,
            ScheduleExpression=_at(when),
            ScheduleExpressionTimezone="UTC",
            FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": FLEXIBLE_MINUTES},
            Target=target,
            ActionAfterCompletion="DELETE",
        )
    except scheduler.exceptions.ConflictException:
        logger.info("already scheduled", extra={"schedule": name})
        return False
    return True


def schedule_event(name: str, when: datetime, event: EventContract, client: Any = None) -> bool:
    """Put ``event`` on the bus at ``when`` (once per name)."""
    settings = get_settings()
    target = {
        "Arn": settings.event_bus_arn,
        "Input": json.dumps(event.model_dump(mode="json")),
        "EventBridgeParameters": {"DetailType": event.DETAIL_TYPE, "Source": event.SOURCE},
    }
    return _create(name, when, target, client)


def schedule_message(name: str, when: datetime, queue_arn: str, body: dict[str, Any], client: Any = None) -> bool:
    """Send ``body`` to an SQS queue at ``when`` (once per name)."""
    return _create(name, when, {"Arn": queue_arn, "Input": json.dumps(body)}, client)
