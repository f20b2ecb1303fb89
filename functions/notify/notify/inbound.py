"""Inbound mail: SES stores the raw message in S3, then invokes this handler with the receipt.

The foundation records each message once, with SES's spam, virus, SPF, DKIM and DMARC verdicts and
where the raw MIME lives, and announces it with ``InboundMailReceived``. Reading replies (quote
stripping, intent, acting on tokens) is the email-first work built on top of this record.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes import SESEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.observability import logger, metrics, tracer

INBOUND_PREFIX = "inbound/"
UNROUTED_TENANT = "-"


def record_receipt(event: SESEvent) -> list[str]:
    """Store each received message once; returns the ids recorded for the first time."""
    from warmpath.events import InboundMailReceived
    from warmpath.models import InboundMessage

    repo, bus = wiring.repository(), wiring.event_bus()
    recorded: list[str] = []
    for record in event.records:
        mail, receipt = record.ses.mail, record.ses.receipt
        message = InboundMessage(
            message_id=mail.message_id,
            sender=mail.source,
            recipients=list(receipt.recipients),
            # Powertools' accessor raises on a message without a Subject header; such mail still counts.
            subject=mail.common_headers.get("subject"),
            s3_key=f"{INBOUND_PREFIX}{mail.message_id}",
            verdicts={
                "spam": receipt.spam_verdict.status,
                "virus": receipt.virus_verdict.status,
                "spf": receipt.spf_verdict.status,
                "dkim": receipt.dkim_verdict.status,
                "dmarc": receipt.dmarc_verdict.status,
            },
        )
        if repo.record_inbound(message):
            recorded.append(mail.message_id)
        else:
            logger.info("inbound message already recorded; announcing again", extra={"message_id": mail.message_id})
        # Announced on every delivery: a retry after a failed announcement must not lose it.
        bus.publish(InboundMailReceived(tenant=UNROUTED_TENANT, message_id=mail.message_id))
    return recorded


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
@event_source(data_class=SESEvent)
def lambda_handler(event: SESEvent, context: LambdaContext) -> dict[str, Any]:
    recorded = record_receipt(event)
    metrics.add_metric(name="InboundMailReceived", unit="Count", value=len(recorded))
    return {"recorded": recorded}
