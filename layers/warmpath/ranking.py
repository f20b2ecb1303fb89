"""Ranking paths: the features of a path, their weights, fatigue rules, and the reasons a requester reads.

Pure code (no I/O): ``warmpath.pathfinding`` gathers the candidates, this module scores and explains them.

Features of a path, each scaled to 0..1 and multiplied by its weight (``DEFAULT_WEIGHTS``; a tenant may
override any of them in its settings):

=====================  ==========================================================================
strength               the tie's strength (at half for an indirect path: it is two hops)
rated                  1 when the connector rated the tie themselves
direct                 1 for a direct path (knows the target), 0 for an indirect one (a colleague)
match                  how sure identity resolution is that the person known *is* the target
recency                how recently they connected (1 within a year, fading to 0 at ten years)
type_fit               connector type against the target's seniority (``TYPE_FIT``), plus a bonus
                       for channel partners on an account with no deal yet
responsiveness         acceptance rate, smoothed towards 1/2 (``(accepted + 1) / (answered + 2)``)
speed                  1 / (1 + median hours to answer / 24)
load                   subtracted: asks in the last 30 days against the tenant's cap
history                the connector already introduced this requester (capped at 2)
=====================  ==========================================================================

Fatigue (``FatigueRules``, tenant settings with these defaults): at most ``asks_per_30_days`` asks
per connector, a cooldown of ``decline_cooldown_days`` after a decline, and the connector's own pause and
snooze. An unavailable connector stays in the list, last, with the reason, and cannot be asked.

Deterministic: the order is by score, then connector name, then email.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

DEFAULT_WEIGHTS: dict[str, float] = {
    "strength": 40.0,
    "rated": 5.0,
    "direct": 25.0,
    "match": 10.0,
    "recency": 5.0,
    "type_fit": 10.0,
    "responsiveness": 10.0,
    "speed": 3.0,
    "load": 8.0,
    "history": 5.0,
}
INDIRECT_DISCOUNT = 0.5  # an indirect path's tie is to a colleague: two hops, so it counts at half strength
STRENGTH_SCALE = {"very_strong": 1.0, "strong": 0.75, "average": 0.5, "unknown": 0.3, "weak": 0.25}
STRENGTH_LABELS = {
    "very_strong": "very strong",
    "strong": "strong",
    "average": "average",
    "weak": "weak",
    "unknown": "not rated yet",
}
SOURCE_LABELS = {
    "linkedin": "LinkedIn connection",
    "google": "Google contact",
    "outlook": "Outlook contact",
    "vcard": "address book",
    "manual": "added by the connector",
    "seed": "added by the admin",
}

# -- seniority from a job title --------------------------------------------------------------------------

LEVELS = ("c_level", "vp", "director", "manager", "individual")
LEVEL_LABELS = {
    "c_level": "C-level",
    "vp": "VP-level",
    "director": "director-level",
    "manager": "manager-level",
    "individual": "individual-contributor",
}
_LEVEL_PATTERNS = [
    # Order matters: "Vice President" before "President", "Managing Director" before "Director".
    ("vp", r"\b(vice[- ]president|s?e?vp|avp)\b"),
    (
        "c_level",
        r"\b(chief|c[eftoirmpsd]o|ciso|founder|co-?founder|president|owner|managing director|general partner|"
        r"managing partner|chair(man|woman|person)?)\b",
    ),
    ("director", r"\b(director|head of|principal|partner)\b"),
    ("manager", r"\b(manager|lead|supervisor|team leader)\b"),
]
_LEVEL_RES = [(level, re.compile(pattern, re.IGNORECASE)) for level, pattern in _LEVEL_PATTERNS]


def title_level(title: str | None) -> str | None:
    """The seniority a title states: c_level, vp, director, manager, individual; None when unknown."""
    if not title or not title.strip():
        return None
    for level, pattern in _LEVEL_RES:
        if pattern.search(title):
            return level
    return "individual"


# How well each connector type suits a target of each seniority (0..1): board members and investors open
# C-level doors; colleagues and customers reach the people who do the work.
TYPE_FIT: dict[str, dict[str, float]] = {
    "c_level": {
        "board_member": 1.0,
        "investor": 1.0,
        "vc_partner": 0.9,
        "executive": 0.8,
        "advisor": 0.7,
        "customer": 0.5,
        "channel_partner": 0.4,
        "friend_family": 0.4,
        "employee": 0.3,
    },
    "vp": {
        "executive": 1.0,
        "board_member": 0.8,
        "advisor": 0.8,
        "investor": 0.7,
        "vc_partner": 0.7,
        "customer": 0.7,
        "channel_partner": 0.6,
        "employee": 0.5,
        "friend_family": 0.4,
    },
    "director": {
        "executive": 0.8,
        "customer": 0.9,
        "employee": 0.8,
        "channel_partner": 0.8,
        "advisor": 0.7,
        "board_member": 0.5,
        "investor": 0.5,
        "vc_partner": 0.5,
        "friend_family": 0.4,
    },
    "manager": {"employee": 1.0, "customer": 0.9, "channel_partner": 0.8, "executive": 0.6, "advisor": 0.6},
    "individual": {"employee": 1.0, "customer": 0.8, "channel_partner": 0.7, "friend_family": 0.5},
}
UNKNOWN_LEVEL_FIT = 0.5
NEW_ACCOUNT_PARTNER_BONUS = 0.3


# -- fatigue ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FatigueRules:
    asks_per_30_days: int = 3
    decline_cooldown_days: int = 14


@dataclass(frozen=True)
class RankingSettings:
    """A tenant's ranking settings: the weights and the fatigue rules (defaults above, overridable)."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    fatigue: FatigueRules = FatigueRules()
    reference_weights: Mapping[str, float] = field(default_factory=lambda: dict(REFERENCE_WEIGHTS))

    @classmethod
    def from_tenant(cls, settings: Mapping[str, Any] | None) -> RankingSettings:
        """Read a tenant's ``settings`` map; unknown keys are ignored, bad values raise ValueError."""
        settings = settings or {}
        weights = _overridden(DEFAULT_WEIGHTS, settings.get("weights"), "ranking weight")
        reference_weights = _overridden(REFERENCE_WEIGHTS, settings.get("reference_weights"), "reference weight")
        fatigue = FatigueRules(
            asks_per_30_days=_whole(settings, "asks_per_30_days", FatigueRules.asks_per_30_days),
            decline_cooldown_days=_whole(settings, "decline_cooldown_days", FatigueRules.decline_cooldown_days),
        )
        if not 1 <= fatigue.asks_per_30_days <= 100:
            raise ValueError("asks_per_30_days must be at least 1 (and at most 100)")
        if not 0 <= fatigue.decline_cooldown_days <= 365:
            raise ValueError("decline_cooldown_days must be from 0 to 365")
        return cls(weights=weights, fatigue=fatigue, reference_weights=reference_weights)


def _whole(settings: Mapping[str, Any], key: str, default: int) -> int:
    value = settings.get(key, default)
    try:
        if isinstance(value, bool):
            raise TypeError
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a whole number, not {value!r}") from None


def _overridden(defaults: Mapping[str, float], overrides: Any, what: str) -> dict[str, float]:
    weights = dict(defaults)
    for name, value in dict(overrides or {}).items():
        if name not in defaults:
            raise ValueError(f"unknown {what} '{name}' (known: {', '.join(defaults)})")
        try:
            weights[name] = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{what} '{name}' must be a number, not {value!r}") from None
        if not -100 <= weights[name] <= 100:  # also refuses nan and inf
            raise ValueError(f"{what} '{name}' must be from -100 to 100")
    return weights


@dataclass(frozen=True)
class ConnectorHistory:
    """What a tenant's history says about a connector (kept on their membership, updated with every ask)."""

    ask_times: Sequence[datetime] = ()
    answered: int = 0
    accepted: int = 0
    response_hours: Sequence[float] = ()
    last_declined_at: datetime | None = None
    paused: bool = False
    snoozed_until: datetime | None = None
    introduced_requester: int = 0  # introductions this connector made for the requester at hand

    def asks_since(self, since: datetime) -> int:
        return sum(1 for t in self.ask_times if t >= since)

    @property
    def acceptance(self) -> float:
        return (self.accepted + 1) / (self.answered + 2)

    @property
    def median_hours(self) -> float | None:
        return median(self.response_hours[-20:]) if self.response_hours else None


def unavailable_reason(history: ConnectorHistory, rules: FatigueRules, now: datetime) -> str | None:
    """Why this connector may not be asked now, or None when they may."""
    if history.paused:
        return "Not available: has paused all asks"
    if history.snoozed_until is not None and history.snoozed_until > now:
        return f"Not available: snoozed until {history.snoozed_until:%d %b %Y}"
    recent = history.asks_since(now - timedelta(days=30))
    if recent >= rules.asks_per_30_days:
        return f"Not available: asked {recent} times in the last 30 days (limit {rules.asks_per_30_days})"
    if history.last_declined_at is not None:
        rest_until = history.last_declined_at + timedelta(days=rules.decline_cooldown_days)
        if rest_until > now:
            days = (now - history.last_declined_at).days
            ago = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
            return f"Not available: declined an ask {ago} (resting until {rest_until:%d %b %Y})"
    return None


# -- features and score -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathFacts:
    """Everything ranking needs to know about one path (gathered by ``warmpath.pathfinding``)."""

    kind: str  # "direct" or "indirect"
    strength: str
    rated_by_connector: bool
    match_confidence: float
    connector_type: str | None
    target_level: str | None
    history: ConnectorHistory
    connected_on: str | None = None
    new_account: bool = False  # no deal with the account yet (set from the CRM; unknown counts as not new)
    source: str | None = None


def recency(connected_on: str | None, today: date) -> float:
    """1 within a year of connecting, fading linearly to 0 at ten years; 0.3 when the date is unknown."""
    if not connected_on:
        return 0.3
    try:
        years = (today - date.fromisoformat(connected_on[:10])).days / 365.25
    except ValueError:
        return 0.3
    return max(0.0, min(1.0, 1.0 - (years - 1.0) / 9.0))


def type_fit(connector_type: str | None, level: str | None, new_account: bool) -> float:
    fit = TYPE_FIT.get(level or "", {}).get(connector_type or "", 0.3) if level else UNKNOWN_LEVEL_FIT
    if new_account and connector_type == "channel_partner":
        fit = min(1.0, fit + NEW_ACCOUNT_PARTNER_BONUS)
    return fit


def load(history: ConnectorHistory, rules: FatigueRules, now: datetime) -> float:
    """How close to the tenant's limit the connector's last 30 days of asks are (0..1)."""
    return min(1.0, history.asks_since(now - timedelta(days=30)) / rules.asks_per_30_days)


def features(facts: PathFacts, rules: FatigueRules, now: datetime) -> dict[str, float]:
    history = facts.history
    hours = history.median_hours
    return {
        "strength": STRENGTH_SCALE.get(facts.strength, 0.3) * (1.0 if facts.kind == "direct" else INDIRECT_DISCOUNT),
        "rated": 1.0 if facts.rated_by_connector else 0.0,
        "direct": 1.0 if facts.kind == "direct" else 0.0,
        "match": facts.match_confidence,
        "recency": recency(facts.connected_on, now.date()),
        "type_fit": type_fit(facts.connector_type, facts.target_level, facts.new_account),
        "responsiveness": history.acceptance,
        "speed": 0.5 if hours is None else 1.0 / (1.0 + hours / 24.0),
        "load": -load(history, rules, now),
        "history": min(1.0, history.introduced_requester / 2.0),
    }


def score(facts: PathFacts, settings: RankingSettings, now: datetime) -> float:
    values = features(facts, settings.fatigue, now)
    return round(sum(settings.weights.get(name, 0.0) * value for name, value in values.items()), 2)


# -- reasons --------------------------------------------------------------------------------------------------


def responsiveness_label(history: ConnectorHistory) -> str:
    """A short phrase for the page: "accepted 4 of 5, usually within 6 hours" or "not asked yet"."""
    if not history.answered:
        return "not asked here yet"
    text = f"accepted {history.accepted} of {history.answered} asks"
    hours = history.median_hours
    if hours is not None:
        text += f", usually within {_duration(hours)}"
    return text


def _duration(hours: float) -> str:
    if hours < 1:
        return "an hour"
    if hours < 36:
        return f"{round(hours)} hour{'s' if round(hours) != 1 else ''}"
    return f"{round(hours / 24)} days"


def fit_reason(facts: PathFacts) -> str | None:
    if not facts.target_level or not facts.connector_type:
        return None
    fit = type_fit(facts.connector_type, facts.target_level, facts.new_account)
    kind = facts.connector_type.replace("_", " ")
    level = LEVEL_LABELS[facts.target_level]
    if facts.connector_type == "channel_partner" and facts.new_account:
        return f"A channel partner: a good way into a new account ({level} target)"
    if fit >= 0.8:
        return f"A{'n' if kind[0] in 'aeiou' else ''} {kind}: a good fit for a {level} target"
    return None


def common_reasons(facts: PathFacts, rules: FatigueRules, now: datetime) -> list[str]:
    """The reasons every path shares: fit, responsiveness, the requester's history, the current load."""
    reasons: list[str] = []
    fit = fit_reason(facts)
    if fit:
        reasons.append(fit)
    history = facts.history
    if history.answered:
        reasons.append(f"Responsive: {responsiveness_label(history)}")
    if history.introduced_requester:
        times = history.introduced_requester
        reasons.append(f"Has introduced you before ({times} time{'s' if times != 1 else ''})")
    recent = history.asks_since(now - timedelta(days=30))
    if recent:
        plural = "s" if recent != 1 else ""
        reasons.append(f"Asked {recent} time{plural} in the last 30 days (limit {rules.asks_per_30_days})")
    return reasons


# -- customer references -------------------------------------------------------------------------------------

SIZE_BANDS = ("1-50", "51-200", "201-1000", "1001-5000", "5000+")
REFERENCE_WEIGHTS: dict[str, float] = {
    "industry": 10.0,
    "level": 5.0,
    "size": 5.0,
    "region": 5.0,
    "product": 10.0,
    "tie": 10.0,
    "responsiveness": 10.0,
    "load": 8.0,
}


def size_band(value: str | None) -> str | None:
    """A company size as one of SIZE_BANDS: a band as written, or a headcount ("1,200" -> "1001-5000")."""
    if not value or not value.strip():
        return None
    text = value.strip().replace(" ", "")
    if text in SIZE_BANDS:
        return text
    digits = re.sub(r"[^0-9]", "", text.split("-")[-1])
    if not digits:
        return None
    count = int(digits)
    for band, limit in zip(SIZE_BANDS, (50, 200, 1000, 5000), strict=False):
        if count <= limit:
            return band
    return "5000+"


def split_products(value: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"[;,|/]", value or "") if p.strip()]


def _region(value: str | None) -> str:
    """The broadest part of a place ("Toronto, CA" -> "ca"), for a same-region test."""
    return (value or "").split(",")[-1].strip().lower()


@dataclass(frozen=True)
class Prospect:
    """What a reference request says about the prospect, to match a customer to."""

    title: str | None = None
    industry: str | None = None
    size: str | None = None
    region: str | None = None
    product: str | None = None


def reference_fit(
    prospect: Prospect,
    *,
    industry: str | None,
    title: str | None,
    size: str | None,
    location: str | None,
    products: Sequence[str],
) -> tuple[dict[str, float], list[str]]:
    """How well a customer connector fits a prospect, feature by feature (0..1), with the reasons."""
    values: dict[str, float] = {}
    reasons: list[str] = []
    if prospect.industry and industry and prospect.industry.strip().lower() == industry.strip().lower():
        values["industry"] = 1.0
        reasons.append(f"Same industry: {industry}")
    prospect_level, own_level = title_level(prospect.title), title_level(title)
    if prospect_level and own_level:
        gap = abs(LEVELS.index(prospect_level) - LEVELS.index(own_level))
        values["level"] = {0: 1.0, 1: 0.5}.get(gap, 0.0)
        if gap == 0:
            reasons.append(f"A peer: {LEVEL_LABELS[own_level]} like the prospect")
    if prospect.size and size:
        gap = abs(SIZE_BANDS.index(prospect.size) - SIZE_BANDS.index(size)) if size in SIZE_BANDS else 9
        values["size"] = {0: 1.0, 1: 0.5}.get(gap, 0.0)
        if gap == 0:
            reasons.append(f"A company of the same size ({size} people)")
    if prospect.region and location and _region(prospect.region) == _region(location):
        values["region"] = 1.0
        reasons.append(f"In the same region ({location})")
    if prospect.product and any(prospect.product.strip().lower() == p.strip().lower() for p in products):
        values["product"] = 1.0
        reasons.append(f"Uses {prospect.product}")
    return values, reasons
