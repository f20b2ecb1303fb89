"""Referral metrics, kept as counters updated from events (never by scanning history).

Every counted event ADDs to a few ``MetricCounter`` items: the tenant's month, the connector's month and
all-time line, and the requester's all-time line. A dashboard therefore reads a bounded number of items -- the
last 12 tenant months, plus one line per connector active in each of those months for the leaderboard --
however long the history. The connector's own page reads their all-time line. The consumer (``crm.analytics``) is
idempotent per event, so a redelivered event is counted once.

What is counted, and from which event:

| counter                    | event                                    |
|----------------------------|------------------------------------------|
| requested                  | IntroRequested                           |
| asked                      | AskCreated                               |
| accepted / declined        | AskAnswered, AskAnsweredByEmail          |
| introduced, intro_hours    | IntroductionSent (hours since the request) |
| introduced_by_customer     | IntroductionSent by a customer connector |
| meetings                   | OutcomeRecorded (meeting held)           |
| opportunities, won, lost, won_amount, won_cycle_days (and referred_* for attributed deals) | DealStageChanged |
| rewards_earned, rewards_paid | the rewards ledger (cash and charity)  |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warmpath.events import EventContract
    from warmpath.models import Member, MetricCounter
    from warmpath.repository import Repository

COUNTERS = (
    "requested", "asked", "accepted", "declined", "introduced", "intro_hours", "meetings",
    "opportunities", "won", "lost", "won_amount", "won_cycle_days",
    "referred_opportunities", "referred_won", "referred_lost", "referred_won_amount", "referred_won_cycle_days",
    "rewards_earned", "rewards_paid", "introduced_by_customer",
)  # fmt: skip
FUNNEL = [
    ("Requested", "requested"),
    ("Asked", "asked"),
    ("Accepted", "accepted"),
    ("Introduced", "introduced"),
    ("Meetings held", "meetings"),
    ("Opportunities", "referred_opportunities"),
    ("Won", "referred_won"),
]
CONNECTOR_MONTH = "CONNECTORMONTH#"  # + yyyy-mm#email: one connector's month (never matches "CONNECTOR#")
DEFAULT_CONTRIBUTION_WEIGHTS = {"answered": 1.0, "introduced": 5.0, "meetings": 10.0, "pipeline": 2.0, "revenue": 5.0}


def contribution_weights(settings: Mapping[str, Any]) -> dict[str, float]:
    """The tenant's weights of the contribution score (defaults overridden); ValueError says what to fix."""
    raw = settings.get("contribution_weights") or {}
    if not isinstance(raw, dict):
        raise ValueError("contribution_weights must be an object (answered, introduced, meetings, pipeline, revenue)")
    weights = dict(DEFAULT_CONTRIBUTION_WEIGHTS)
    for name, value in raw.items():
        if name not in weights:
            raise ValueError(f"unknown contribution weight '{name}' (known: {', '.join(weights)})")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1000:
            raise ValueError(f"contribution weight '{name}' must be a number from 0 to 1000")
        weights[name] = float(value)
    return weights


def month_of(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m")


def count(
    repo: Repository,
    tenant: str,
    when: datetime,
    counts: Mapping[str, float],
    *,
    connector: str | None = None,
    requester: str | None = None,
    tenant_month: bool = True,
) -> None:
    """ADD ``counts`` to the tenant's month (unless ``tenant_month`` is False) and the given lines."""
    unknown = set(counts) - set(COUNTERS)
    if unknown:
        raise ValueError(f"unknown counter(s) {sorted(unknown)}")
    if not counts:
        return
    if tenant_month:
        repo.add_counts(tenant, f"MONTH#{month_of(when)}", counts)
    if connector:
        repo.add_counts(tenant, f"CONNECTOR#{connector}", counts)
        repo.add_counts(tenant, f"{CONNECTOR_MONTH}{month_of(when)}#{connector}", counts)
    if requester:
        repo.add_counts(tenant, f"REQUESTER#{requester}", counts)


def apply_event(repo: Repository, contract: EventContract, when: datetime) -> dict[str, float]:
    """Count what one event means; returns the counts added to the tenant's month."""
    from warmpath import events

    counts: dict[str, float] = {}
    connector = requester = None
    if isinstance(contract, events.IntroRequested):
        request = repo.get_request(contract.tenant, contract.request_id)
        counts, requester = {"requested": 1}, request.requester_email
    elif isinstance(contract, events.AskCreated):
        counts, connector = {"asked": 1}, contract.connector_email
    elif isinstance(contract, events.AskAnswered):  # AskAnsweredByEmail too
        counts, connector = {contract.answer: 1}, contract.connector_email
    elif isinstance(contract, events.IntroductionSent):
        request = repo.get_request(contract.tenant, contract.request_id)
        hours = max((when - request.created_at).total_seconds() / 3600, 0)
        counts = {"introduced": 1, "intro_hours": round(hours, 2)}
        connector, requester = contract.connector_email, request.requester_email
        member = repo.get_member(contract.tenant, connector)
        if member is not None and member.connector_type == "customer":
            counts["introduced_by_customer"] = 1
    elif isinstance(contract, events.OutcomeRecorded):
        if contract.outcome != "meeting_held":
            return {}
        bundle = repo.get_request_bundle(contract.tenant, contract.request_id)
        counts, requester, connector = {"meetings": 1}, bundle.request.requester_email, bundle.introducer
    elif isinstance(contract, events.DealStageChanged):
        counts, connector = _deal_counts(repo, contract)
    count(repo, contract.tenant, when, counts, connector=connector, requester=requester)
    return counts


def _deal_counts(repo: Repository, event: Any) -> tuple[dict[str, float], str | None]:
    from warmpath.crm import deal_amount, parse_time

    deal = repo.get_deal(event.tenant, event.deal)
    fields = deal.fields.as_dict() if deal is not None else {}
    prefix = "referred_" if event.request_id else ""
    counts: dict[str, float] = {}
    if event.previous_stage is None:
        counts[f"{prefix}opportunities"] = 1
        if prefix:
            counts["opportunities"] = 1
    amount = deal_amount(fields)
    if event.stage in ("closed_won", "closed_lost") and event.previous_stage not in ("closed_won", "closed_lost"):
        outcome = "won" if event.stage == "closed_won" else "lost"
        for p in {"", prefix}:
            counts[f"{p}{outcome}"] = 1
        if outcome == "won":
            created = parse_time(fields.get("created_at")) or (deal.modified_at if deal is not None else None)
            closed = deal.modified_at if deal is not None else None
            days = (closed - created).total_seconds() / 86400 if created and closed else 0.0
            for p in {"", prefix}:
                counts[f"{p}won_amount"] = amount
                counts[f"{p}won_cycle_days"] = round(max(days, 0), 2)
    connector = repo.get_request_bundle(event.tenant, event.request_id).introducer if event.request_id else None
    return counts, connector


# -- the dashboard -----------------------------------------------------------------------------------------


def _values(item: MetricCounter | None) -> dict[str, float]:
    return (
        {name: float(getattr(item, name, 0) or 0) for name in COUNTERS}
        if item is not None
        else dict.fromkeys(COUNTERS, 0.0)
    )


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


@dataclass
class Dashboard:
    months: list[tuple[str, dict[str, float]]]
    totals: dict[str, float]
    funnel: list[tuple[str, float, float | None]]  # step, count, conversion from the step before
    comparison: dict[str, dict[str, float | None]]  # referred / non-referred: win rate, average deal, cycle days
    business_case: list[str]
    leaderboard: list[dict[str, Any]] = field(default_factory=list)
    leaderboard_hidden: bool = False
    per_connector: list[dict[str, Any]] = field(default_factory=list)  # referrals per connector in the period


def dashboard(repo: Repository, tenant: str, now: datetime, months: int = 12) -> Dashboard:
    settings = repo.tenant_settings(tenant)
    keys = [_month_back(now, n) for n in range(months - 1, -1, -1)]
    by_month = repo.counters(tenant, [f"MONTH#{k}" for k in keys])
    rows = [(k, _values(by_month.get(f"MONTH#{k}"))) for k in keys]
    totals = {name: sum(r[name] for _, r in rows) for name in COUNTERS}
    funnel: list[tuple[str, float, float | None]] = []
    for index, (label, name) in enumerate(FUNNEL):
        before = totals[FUNNEL[index - 1][1]] if index else None
        funnel.append((label, totals[name], _ratio(totals[name], before) if before is not None else None))
    referred = {
        "win_rate": _ratio(totals["referred_won"], totals["referred_won"] + totals["referred_lost"]),
        "average_deal": _ratio(totals["referred_won_amount"], totals["referred_won"]),
        "cycle_days": _ratio(totals["referred_won_cycle_days"], totals["referred_won"]),
        "won": totals["referred_won"],
    }
    other_won = totals["won"] - totals["referred_won"]
    other = {
        "win_rate": _ratio(other_won, other_won + totals["lost"] - totals["referred_lost"]),
        "average_deal": _ratio(totals["won_amount"] - totals["referred_won_amount"], other_won),
        "cycle_days": _ratio(totals["won_cycle_days"] - totals["referred_won_cycle_days"], other_won),
        "won": other_won,
    }
    members = repo.list_members(tenant)
    leaderboard = _leaderboard(repo, tenant, keys, settings, members)
    return Dashboard(
        months=rows,
        totals=totals,
        funnel=funnel,
        comparison={"referred": referred, "non_referred": other},
        business_case=_business_case(totals, referred, other),
        leaderboard=leaderboard,
        leaderboard_hidden=bool(settings.get("leaderboard_hidden", False)),
        per_connector=_per_connector(totals, members),
    )


def _per_connector(totals: dict[str, float], members: list[Member]) -> list[dict[str, Any]]:
    """Introductions per joined connector over the period: all connectors, and customers (references) alone."""
    joined = [m for m in members if "connector" in m.roles and m.status == "joined"]
    customers = [m for m in joined if m.connector_type == "customer"]
    rows = []
    for label, people, made in (("All connectors", joined, totals["introduced"]),
                                ("Customer connectors", customers, totals["introduced_by_customer"])):  # fmt: skip
        rows.append({"connectors": label, "count": len(people), "introductions": made,
                     "per_connector": _ratio(made, len(people))})  # fmt: skip
    return rows


def _month_back(now: datetime, n: int) -> str:
    year, month = now.year, now.month - n
    while month <= 0:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def _business_case(totals: dict[str, float], referred: dict[str, Any], other: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if referred["cycle_days"] is not None and other["cycle_days"] is not None:
        faster = other["cycle_days"] - referred["cycle_days"]
        if abs(faster) >= 1:
            lines.append(f"Referred deals closed {abs(faster):.0f} days {'faster' if faster > 0 else 'slower'}.")
    if referred["win_rate"] is not None and other["win_rate"] is not None:
        lines.append(f"Referred deals were won {referred['win_rate']:.0%} of the time, others {other['win_rate']:.0%}.")
    if referred["average_deal"] is not None and other["average_deal"]:
        ratio = referred["average_deal"] / other["average_deal"]
        lines.append(f"The average referred deal was {ratio:.1f}x the size of the others.")
    revenue, paid = totals["referred_won_amount"], totals["rewards_paid"] or totals["rewards_earned"]
    if revenue and paid:
        lines.append(
            f"Rewards of {paid:,.0f} brought {revenue:,.0f} in referred revenue: {revenue / paid:,.0f}x return."
        )
    elif revenue:
        lines.append(f"Referred deals brought {revenue:,.0f} in revenue, with no rewards paid yet.")
    if not lines:
        lines.append("Not enough closed deals yet to compare referred and other deals.")
    return lines


def _leaderboard(
    repo: Repository, tenant: str, months: list[str], settings: dict[str, Any], members: list[Member]
) -> list[dict[str, Any]]:
    """Each connector's contribution over the dashboard's months (their month lines summed)."""
    weights = contribution_weights(settings)
    by_email = {m.email: m for m in members}
    period: dict[str, dict[str, float]] = {}
    for month in months:
        for item in repo.counter_lines(tenant, f"{CONNECTOR_MONTH}{month}#"):
            email = item.SK.removeprefix(f"{CONNECTOR_MONTH}{month}#")
            summed = period.setdefault(email, dict.fromkeys(COUNTERS, 0.0))
            for name, value in _values(item).items():
                summed[name] += value
    rows = []
    for email, values in period.items():
        answered = values["accepted"] + values["declined"]
        revenue = values["referred_won_amount"]
        score = (
            weights["answered"] * answered
            + weights["introduced"] * values["introduced"]
            + weights["meetings"] * values["meetings"]
            + weights["pipeline"] * values["referred_opportunities"]
            + weights["revenue"] * revenue / 10_000
        )
        member = by_email.get(email)
        rows.append({"email": email, "name": member.name if member else email, "answered": answered,
                     "introduced": values["introduced"], "meetings": values["meetings"],
                     "opportunities": values["referred_opportunities"], "revenue": revenue,
                     "score": round(score, 1)})  # fmt: skip
    return sorted(rows, key=lambda r: (-r["score"], r["name"]))
