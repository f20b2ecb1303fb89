"""Matching function: EventBridge events in, paths and asks out.

IntroRequested ranks a new request; AskRequested, AskAnswered (a decline) and AskExpiryDue (no answer in
time) ask a connector; TargetAccountFlagged (CRM) records who has ties at a target account;
NetworkImported and NetworkChanged re-rank the open requests at the organisations that changed.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.core.observability import logger, metrics, tracer
from warmpath.events import (
    AskAnswered,
    AskExpiryDue,
    AskRequested,
    IntroRequested,
    NetworkChanged,
    NetworkImported,
    TargetAccountFlagged,
    parse_event,
)


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
    if isinstance(contract, AskExpiryDue):
        asked = service.expire_ask(repo, bus, contract)
        if asked:
            metrics.add_metric(name="AskCreated", unit="Count", value=1)
        return {"asked": asked}
    if isinstance(contract, TargetAccountFlagged):
        return {"connectors": service.warm_paths_at_target(repo, contract)}
    if isinstance(contract, NetworkChanged):
        return {"rematched": service.rematch(repo, bus, contract.connector_email, contract.org_keys)}
    if isinstance(contract, NetworkImported):
        if contract.status != "done":
            return {"rematched": 0}
        job = repo.get_import_job(contract.job_id)
        return {"rematched": service.rematch(repo, bus, job.connector_email, sorted(job.org_keys or ()))}
    raise ValueError(f"matching does not handle {type(contract).__name__}")
