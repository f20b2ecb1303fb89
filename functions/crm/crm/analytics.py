"""Analytics function: keeps the referral metrics' counters from events (``warmpath.analytics``).

Each event is counted once per content (Powertools idempotency), so a redelivery adds nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.core.observability import logger, metrics, tracer
from warmpath.core.once import OncePerContent
from warmpath.events import parse_event


def _count(event: dict[str, Any]) -> dict[str, Any]:
    from warmpath.analytics import apply_event

    when = datetime.fromisoformat(str(event.get("time") or datetime.now(UTC).isoformat()).replace("Z", "+00:00"))
    counts = apply_event(wiring.repository(), parse_event(event), when)
    return {"counted": counts}


_count_once = OncePerContent("analytics", _count, "event", event_key_jmespath='[source, "detail-type", detail]')


def reset_idempotency() -> None:
    _count_once.reset()


@logger.inject_lambda_context(correlation_id_path="id")
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return _count_once(context, event)  # type: ignore[no-any-return]
