"""Rewards for connectors: rules per connector type and trigger, and a ledger that never goes negative.

A tenant's rules (``warmpath tenant settings --set 'rewards=[...]'``, validated before saving) are a list of
``{"trigger": introduction|meeting_held|closed_won, "connector_type": "*" or a type, "kind": cash|points|
charity|recognition, "amount": 100, "percent": 1.5, "currency": "USD"}``; ``percent`` (of the deal's amount)
applies to closed_won only. Every rule that matches pays. A connector who declines cash (``declines_cash``)
gets recognition instead of cash (a charity or points rule still applies).

The ledger has one line per earning (``earned``), per reversal (``reversed``: a deal that left closed-won
takes back what it earned, but never more than the connector's unpaid balance of that kind, so a balance is
never negative) and per payment (``paid``). Each line has a stable key, so booking twice books once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warmpath.models import RewardEntry
    from warmpath.repository import Repository

TRIGGERS = ("introduction", "meeting_held", "closed_won")
KINDS = ("cash", "points", "charity", "recognition")
MAX_AMOUNT = 1_000_000


@dataclass(frozen=True)
class Rule:
    trigger: str
    connector_type: str = "*"
    kind: str = "recognition"
    amount: float = 0
    percent: float = 0
    currency: str = "USD"


def rules_from(settings: dict[str, Any] | None) -> list[Rule]:
    """The tenant's reward rules; ValueError says what to fix."""
    from warmpath.models import CONNECTOR_TYPES

    raw = (settings or {}).get("rewards", [])
    if not isinstance(raw, list):
        raise ValueError("rewards must be a list of rules")
    rules: list[Rule] = []
    for index, item in enumerate(raw):
        where = f"rewards[{index}]"
        if not isinstance(item, dict):
            raise ValueError(f"{where} must be an object")
        unknown = set(item) - {"trigger", "connector_type", "kind", "amount", "percent", "currency"}
        if unknown:
            raise ValueError(f"{where} has unknown key(s) {', '.join(sorted(unknown))}")
        if "trigger" not in item:
            raise ValueError(f"{where} needs a trigger ({', '.join(TRIGGERS)})")
        rule = Rule(**item)
        if rule.trigger not in TRIGGERS:
            raise ValueError(f"{where}.trigger must be one of {', '.join(TRIGGERS)}")
        if rule.kind not in KINDS:
            raise ValueError(f"{where}.kind must be one of {', '.join(KINDS)}")
        if rule.connector_type != "*" and rule.connector_type not in CONNECTOR_TYPES:
            raise ValueError(f"{where}.connector_type must be * (any) or one of {', '.join(CONNECTOR_TYPES)}")
        if not (isinstance(rule.currency, str) and len(rule.currency) == 3 and rule.currency.isalpha()
                and rule.currency.isupper()):  # fmt: skip
            raise ValueError(f"{where}.currency must be a three-letter code like USD, not {rule.currency!r}")
        if any((r.trigger, r.connector_type, r.kind) == (rule.trigger, rule.connector_type, rule.kind) for r in rules):
            raise ValueError(f"{where} repeats an earlier rule (same trigger, connector type and reward)")
        if not isinstance(rule.amount, int | float) or not isinstance(rule.percent, int | float):
            raise ValueError(f"{where}: amount and percent must be numbers")
        if not 0 <= rule.amount <= MAX_AMOUNT or not 0 <= rule.percent <= 100:  # refuses nan and inf too
            raise ValueError(f"{where}: amount must be from 0 to {MAX_AMOUNT:,} and percent from 0 to 100")
        if rule.percent and rule.trigger != "closed_won":
            raise ValueError(f"{where}: a percent of the deal applies to closed_won only")
        rules.append(rule)
    return rules


@dataclass(frozen=True)
class Earning:
    rule: int
    kind: str
    amount: float
    currency: str | None


def earnings(
    rules: list[Rule], trigger: str, connector_type: str | None, declines_cash: bool, deal_amount: float | None
) -> list[Earning]:
    found: list[Earning] = []
    for index, rule in enumerate(rules):
        if rule.trigger != trigger or rule.connector_type not in ("*", connector_type):
            continue
        amount = rule.amount + (rule.percent / 100 * (deal_amount or 0) if rule.percent else 0)
        kind = "recognition" if rule.kind == "cash" and declines_cash else rule.kind
        if kind == "recognition":
            amount = 0
        found.append(Earning(index, kind, round(amount, 2), rule.currency if kind in ("cash", "charity") else None))
    return found


def balances(entries: list[RewardEntry]) -> dict[tuple[str, str | None], float]:
    """What the connector is owed, per kind and currency (earned - reversed - paid)."""
    owed: dict[tuple[str, str | None], float] = defaultdict(float)
    for entry in entries:
        sign = 1 if entry.entry == "earned" else -1
        owed[(entry.reward_kind, entry.currency)] += sign * float(entry.amount or 0)
    return dict(owed)


def book(
    repo: Repository,
    *,
    tenant: str,
    connector_email: str,
    trigger: str,
    request_id: str,
    deal: str | None = None,
    deal_amount: float | None = None,
) -> list[RewardEntry]:
    """Book what ``trigger`` earns the connector (once per trigger, request, rule and closed-won cycle)."""
    from warmpath.models import RewardEntry

    member = repo.get_member(tenant, connector_email)
    if member is None:
        return []
    ledger = repo.ledger_of(tenant, connector_email)
    booked: list[RewardEntry] = []
    rules = rules_from(repo.tenant_settings(tenant))
    for earning in earnings(rules, trigger, member.connector_type, member.declines_cash, deal_amount):
        prefix = f"{trigger}#{request_id}#{earning.rule}"
        cycle = sum(1 for e in ledger if e.entry == "reversed" and e.SK.startswith(f"ENTRY#reversal#{prefix}#"))
        entry = RewardEntry(
            tenant=tenant,
            connector_email=connector_email,
            entry="earned",
            trigger=trigger,
            request_id=request_id,
            reward_kind=earning.kind,
            amount=earning.amount,
            currency=earning.currency,
            deal=deal,
        )
        if repo.book_reward(entry, f"{prefix}#{cycle}"):
            booked.append(entry)
            _count(repo, entry, "rewards_earned", 1)
    return booked


def _count(repo: Repository, entry: RewardEntry, counter: str, sign: int) -> None:
    """Money rewards feed the program's return on the dashboard (points and recognition do not)."""
    from warmpath.analytics import count

    if entry.reward_kind in ("cash", "charity") and entry.amount:
        count(repo, entry.tenant, entry.at, {counter: sign * float(entry.amount)}, connector=entry.connector_email)


def reverse(repo: Repository, *, tenant: str, connector_email: str, request_id: str, deal: str) -> list[RewardEntry]:
    """A deal left closed-won: take back what it earned, never more than the unpaid balance."""
    from warmpath.models import RewardEntry

    ledger = repo.ledger_of(tenant, connector_email)
    reversed_keys = {e.SK.removeprefix("ENTRY#reversal#") for e in ledger if e.entry == "reversed"}
    owed = balances(ledger)
    done: list[RewardEntry] = []
    for earned in ledger:
        key = earned.SK.removeprefix("ENTRY#")
        if earned.entry != "earned" or earned.trigger != "closed_won" or earned.request_id != request_id:
            continue
        if key in reversed_keys:
            continue
        pot = (earned.reward_kind, earned.currency)
        back = round(min(float(earned.amount or 0), max(owed.get(pot, 0.0), 0.0)), 2)
        entry = RewardEntry(
            tenant=tenant,
            connector_email=connector_email,
            entry="reversed",
            trigger="closed_won",
            request_id=request_id,
            reward_kind=earned.reward_kind,
            amount=back,
            currency=earned.currency,
            deal=deal,
            note="" if back == float(earned.amount or 0) else "part was paid already: only the unpaid balance",
        )
        if repo.book_reward(entry, f"reversal#{key}"):
            owed[pot] = owed.get(pot, 0.0) - back
            done.append(entry)
            _count(repo, entry, "rewards_earned", -1)
    return done


def pay(
    repo: Repository, *, tenant: str, connector_email: str, kind: str, currency: str | None, amount: float, note: str
) -> RewardEntry:
    """Record a payment (never more than is owed, so a balance never goes negative); ValueError says why not."""
    import secrets

    from warmpath.models import RewardEntry

    if kind not in ("cash", "charity") or amount <= 0:
        raise ValueError("only cash and charity rewards are paid, and by an amount above 0")
    owed = balances(repo.ledger_of(tenant, connector_email)).get((kind, currency), 0.0)
    if amount > owed + 1e-9:
        raise ValueError(f"{connector_email} is owed {owed:.2f} {currency or ''} in {kind}; nothing was recorded")
    entry = RewardEntry(tenant=tenant, connector_email=connector_email, entry="paid", trigger="payment",
                        request_id="-", reward_kind=kind, amount=round(amount, 2), currency=currency,
                        note=note)  # fmt: skip
    repo.book_reward(entry, f"paid#{secrets.token_hex(6)}")
    _count(repo, entry, "rewards_paid", 1)
    return entry
