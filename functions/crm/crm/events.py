"""CRM events in (EventBridge): rewards and conversions.

- ``IntroductionSent`` books the ``introduction`` rewards; ``OutcomeRecorded`` (meeting held) the
  ``meeting_held`` ones;
- ``DealStageChanged`` to closed-won, for an attributed deal, marks the introduction converted, books the
  ``closed_won`` rewards (a percent of the deal's amount where a rule says so) and publishes
  ``IntroductionConverted`` (notify thanks the connector); a deal that leaves closed-won reverses them.

Each event is handled once per content (Powertools idempotency), and every ledger line has a stable key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from warmpath import wiring
from warmpath.core.observability import logger, metrics, tracer
from warmpath.core.once import OncePerContent
from warmpath.events import (
    DealStageChanged,
    IntroductionConverted,
    IntroductionSent,
    OutcomeRecorded,
    parse_event,
)


def _connector_of(tenant: str, request_id: str) -> str | None:
    """Who made the introduction."""
    return wiring.repository().get_request_bundle(tenant, request_id).introducer


OUTCOME_WORDS = {"meeting_held": "they met", "no_response": "no response yet", "not_a_fit": "not a fit"}


def write_back(tenant: str, request_id: str, what: str, http: Any = None) -> int:
    """Log the introduction (or its outcome) as an activity on the target's contact, and on the attributed
    deal, in every CRM the tenant turned write-back on for; returns how many activities were logged."""
    from warmpath.crm import tenant_config
    from warmpath.crm_writeback import Activity, activity_log

    repo = wiring.repository()
    request = repo.get_request(tenant, request_id)
    if not request.target_email:
        return 0
    contacts = repo.crm_contacts_by_email(tenant, request.target_email)
    deals = {d.provider: d.external_id for d in repo.list_deals(tenant) if d.request_id == request_id}
    subject = (
        f"Warm introduction: {request.requester_name} to {request.target_name} (Warmpath)"
        if what == "introduction"
        else f"Introduction outcome: {OUTCOME_WORDS.get(what, what)} (Warmpath)"
    )
    description = (
        f"{request.requester_name} asked to meet {request.target_name} at {request.target_company}: {request.reason}"
    )
    logged = 0
    for provider in ("salesforce", "hubspot"):
        if provider not in contacts and provider not in deals:
            continue
        log = activity_log(provider, tenant_config(tenant, provider) or {}, http or wiring.crm_http())
        if log is None:
            continue
        log.log(Activity(subject, description, datetime.now(UTC), contacts.get(provider), deals.get(provider)))
        logged += 1
    if logged:
        metrics.add_metric(name="CrmActivitiesLogged", unit="Count", value=logged)
    return logged


def _dispatch(event: dict[str, Any]) -> dict[str, Any]:
    from warmpath import rewards

    repo = wiring.repository()
    contract = parse_event(event)
    if isinstance(contract, IntroductionSent):
        booked = rewards.book(repo, tenant=contract.tenant, connector_email=contract.connector_email,
                              trigger="introduction", request_id=contract.request_id)  # fmt: skip
        logged = write_back(contract.tenant, contract.request_id, "introduction")
        return {"booked": len(booked), "activities": logged}
    if isinstance(contract, OutcomeRecorded):
        logged = write_back(contract.tenant, contract.request_id, contract.outcome)
        connector = _connector_of(contract.tenant, contract.request_id)
        if contract.outcome != "meeting_held" or connector is None:
            return {"booked": 0, "activities": logged}
        booked = rewards.book(repo, tenant=contract.tenant, connector_email=connector, trigger="meeting_held",
                              request_id=contract.request_id)  # fmt: skip
        return {"booked": len(booked), "activities": logged}
    if isinstance(contract, DealStageChanged):
        return _deal_moved(contract)
    raise ValueError(f"crm does not handle {type(contract).__name__}")


def _deal_moved(event: DealStageChanged) -> dict[str, Any]:
    from warmpath import rewards
    from warmpath.crm import deal_amount

    repo, bus = wiring.repository(), wiring.event_bus()
    if not event.request_id:
        return {"attributed": False}
    connector = _connector_of(event.tenant, event.request_id)
    if connector is None:
        return {"attributed": False}
    if event.stage == "closed_won":
        deal = repo.get_deal(event.tenant, event.deal)
        amount = deal_amount(deal.fields.as_dict()) if deal is not None else 0.0
        repo.mark_converted(event.tenant, event.request_id, event.deal, datetime.now(UTC))
        booked = rewards.book(repo, tenant=event.tenant, connector_email=connector, trigger="closed_won",
                              request_id=event.request_id, deal=event.deal, deal_amount=amount)  # fmt: skip
        bus.publish(
            IntroductionConverted(
                tenant=event.tenant, request_id=event.request_id, connector_email=connector, deal=event.deal
            )
        )
        metrics.add_metric(name="IntroductionConverted", unit="Count", value=1)
        return {"booked": len(booked)}
    if event.previous_stage == "closed_won":
        reversed_ = rewards.reverse(
            repo, tenant=event.tenant, connector_email=connector, request_id=event.request_id, deal=event.deal
        )
        logger.info("deal left closed-won; rewards reversed", extra={"reversed": len(reversed_)})
        return {"reversed": len(reversed_)}
    return {"booked": 0}


_dispatch_once = OncePerContent("crm-events", _dispatch, "event", event_key_jmespath='[source, "detail-type", detail]')


def reset_idempotency() -> None:
    _dispatch_once.reset()


@logger.inject_lambda_context(correlation_id_path="id")
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return _dispatch_once(context, event)  # type: ignore[no-any-return]
