"""A connector's own page: what their introductions led to, and what they earned (``/me/contributions``)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from warmpath import wiring

from intake import web

router = Router()
WHY = {"introduction": "an introduction", "meeting_held": "a meeting held", "closed_won": "a closed deal",
       "payment": "a payment"}  # fmt: skip


@router.get("/me/contributions", include_in_schema=False)
def contributions() -> Response[str]:
    from warmpath.analytics import COUNTERS
    from warmpath.rewards import balances

    found = web.require_connector(
        router.current_event, "This page is for connectors: it shows the introductions you made."
    )
    repo = wiring.repository()
    tenant, email = found.member.tenant, found.member.email
    line = repo.counters(tenant, [f"CONNECTOR#{email}"]).get(f"CONNECTOR#{email}")
    figures = {name: float(getattr(line, name, 0) or 0) for name in COUNTERS}
    ledger = sorted(repo.ledger_of(tenant, email), key=lambda e: e.at, reverse=True)
    owed = [(kind, currency, amount) for (kind, currency), amount in sorted(balances(ledger).items(), key=str)]
    return web.member_page(
        found,
        "contributions.html",
        figures=figures,
        ledger=[_line(e) for e in ledger[:50]],
        owed=owed,
        declines_cash=bool(found.member.declines_cash),
    )


def _line(entry: Any) -> dict[str, Any]:
    return {
        "at": entry.at,
        "entry": entry.entry,
        "why": WHY.get(entry.trigger, entry.trigger),
        "kind": entry.reward_kind,
        "amount": float(entry.amount or 0),
        "currency": entry.currency or "",
    }
