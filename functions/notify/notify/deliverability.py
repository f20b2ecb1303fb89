"""Bounces and complaints: SES publishes them (configuration set -> EventBridge); we stop writing to them.

A permanent bounce puts the address on the suppression list and marks it "bounced" wherever it is a
member; a complaint suppresses it and marks pending invitations "opted_out". Transient bounces change
nothing. Both are idempotent: a redelivery sets the same state again.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.core.observability import logger, metrics, tracer


def record_feedback(detail: dict[str, Any]) -> list[str]:
    """Apply one SES bounce or complaint; returns the addresses now suppressed."""
    from warmpath.identity import normalise_email

    kind = detail.get("eventType")
    if kind == "Bounce" and detail.get("bounce", {}).get("bounceType") == "Permanent":
        recipients, reason, status = detail["bounce"]["bouncedRecipients"], "bounce", "bounced"
    elif kind == "Complaint":
        recipients, reason, status = detail["complaint"]["complainedRecipients"], "complaint", "opted_out"
    else:
        logger.info("feedback ignored", extra={"type": kind})
        return []
    repo = wiring.repository()
    suppressed: list[str] = []
    for address in (r["emailAddress"] for r in recipients):
        try:
            email = normalise_email(address)
        except ValueError:
            continue
        repo.suppress(email, reason)
        repo.mark_undeliverable(email, status)
        suppressed.append(email)
    metrics.add_metric(name="AddressSuppressed", unit="Count", value=len(suppressed))
    return suppressed


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"suppressed": record_feedback(event.get("detail") or {})}
