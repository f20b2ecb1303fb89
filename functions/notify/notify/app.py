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
from warmpath.config import get_settings
from warmpath.events import (
    AskAnswered,
    AskCreated,
    ConnectorsInvited,
    MatchingCompleted,
    NetworkImported,
    SignInRequested,
    parse_event,
)
from warmpath.observability import logger, metrics, tracer

_once: dict[str, Any] = {}


def _dispatch(event: dict[str, Any]) -> dict[str, Any]:
    """Send the email(s) an event calls for."""
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
        AskAnswered: notifier.send_answer,
        NetworkImported: notifier.send_import_report,
        ConnectorsInvited: notifier.send_invite_report,
    }
    action = actions.get(type(contract))
    if action is None:
        raise ValueError(f"notify does not handle {type(contract).__name__}")
    action(contract)
    metrics.add_metric(name=f"Notified{type(contract).__name__}", unit="Count", value=1)
    return {"handled": type(contract).__name__}


def _idempotent_dispatch(context: LambdaContext) -> Callable[..., Any]:
    """Build (once per container) the dispatcher wrapped in Powertools idempotency on the single table."""
    if "handler" not in _once:
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        store = DynamoDBPersistenceLayer(
            table_name=get_settings().table_name,
            key_attr="PK",
            sort_key_attr="SK",
            static_pk_value="idempotency#notify",
            expiry_attr="ttl",
        )
        config = IdempotencyConfig(
            event_key_jmespath='[source, "detail-type", detail]',
            expires_after_seconds=14 * 24 * 3600,
        )
        _once["config"] = config
        _once["handler"] = idempotent_function(data_keyword_argument="event", persistence_store=store, config=config)(
            _dispatch
        )
    _once["config"].register_lambda_context(context)
    return _once["handler"]  # type: ignore[no-any-return]


def reset_idempotency() -> None:
    """Forget the idempotency store (tests point it at a fresh table)."""
    _once.clear()


@logger.inject_lambda_context(correlation_id_path="id")
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return _idempotent_dispatch(context)(event=event)  # type: ignore[no-any-return]
