"""Matching function: EventBridge events in (IntroRequested, AskRequested, AskAnswered), paths and asks out."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.events import AskAnswered, AskRequested, IntroRequested, parse_event
from warmpath.observability import logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path="id")
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from matching import service

    contract = parse_event(event)
    repo, bus = wiring.repository(), wiring.event_bus()
    if isinstance(contract, IntroRequested):
        found = service.match_request(repo, bus, contract)
        if found is not None:
            metrics.add_metric(name="RequestMatched", unit="Count", value=1)
        return {"paths": found}
    if isinstance(contract, AskRequested):
        asked = service.create_ask(repo, bus, contract)
        if asked:
            metrics.add_metric(name="AskCreated", unit="Count", value=1)
        return {"asked": asked}
    if isinstance(contract, AskAnswered):
        asked = service.ask_next(repo, bus, contract)
        if asked:
            metrics.add_metric(name="AskCreated", unit="Count", value=1)
        return {"asked": asked}
    raise ValueError(f"matching does not handle {type(contract).__name__}")
