"""The values a CRM sends, checked once where deliveries are read (``warmpath.crm``), and what they mean.

A field whose value cannot be right is **dropped, with a reason**, and the rest of the record is applied:
a CRM retries a refused delivery for hours or for ever, so refusing a whole batch for one bad amount would
block every good change behind it. The handler logs each dropped field (its name and reason, never the
value) and the JSON endpoints answer with them under ``dropped``.

- an **amount** must be a finite number from 0 to ``MAX_AMOUNT`` (a trillion, in any currency): NaN,
  Infinity, ``1e308`` and negative amounts would break every counter they reach. An empty amount clears it.
- any other **text** is at most ``MAX_TEXT`` characters (names, addresses, stages are far shorter; a
  longer one is not a CRM field we read, and it would not fit in a record).

``deal_amount`` reads a stored amount with the same rule, so an amount stored before this check (or by
hand) still never reaches a counter as NaN, infinity or a negative number.
"""

from __future__ import annotations

import math
from typing import Any

MAX_AMOUNT = 1e12
MAX_TEXT = 2000
AMOUNT_FIELDS = ("amount",)


def amount_of(value: Any) -> float | None:
    """The amount as a number, or None when it is not one we accept (see the module's rule)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip()[:64])
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and 0 <= number <= MAX_AMOUNT else None


def text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def checked(fields: dict[str, Any]) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """The fields that pass, as text, and (field, reason) for each one dropped."""
    kept: dict[str, str] = {}
    dropped: list[tuple[str, str]] = []
    for name, value in fields.items():
        text = text_of(value)
        if len(text) > MAX_TEXT:
            dropped.append((name, f"longer than {MAX_TEXT} characters"))
        elif name in AMOUNT_FIELDS and text.strip() and amount_of(text) is None:
            dropped.append((name, f"not an amount from 0 to {MAX_AMOUNT:,.0f}"))
        else:
            kept[name] = text.strip() if name in AMOUNT_FIELDS else text
    return kept, tuple(dropped)


def deal_amount(fields: dict[str, Any]) -> float:
    """A deal's amount as a number: 0 when absent, empty, or not an amount we accept."""
    return amount_of(fields.get("amount") or 0) or 0.0


# -- what the fields mean ---------------------------------------------------------------------------------

DEFAULT_STAGES = {
    "closedwon": "closed_won",
    "closed won": "closed_won",
    "closedlost": "closed_lost",
    "closed lost": "closed_lost",
}


def deal_stage(fields: dict[str, str], mapping: dict[str, str] | None = None) -> str:
    """Warmpath's stage of a deal: open, closed_won or closed_lost (the tenant's mapping of CRM stages first)."""
    stage = fields.get("stage", "")
    mapped = {k.lower(): v for k, v in (mapping or {}).items()}
    if stage.lower() in mapped:
        return mapped[stage.lower()]
    if fields.get("won") == "true":
        return "closed_won"
    if fields.get("closed") == "true":
        return "closed_lost"
    return DEFAULT_STAGES.get(stage.lower(), "open")


def domain_of(website: str) -> str | None:
    """``https://www.acme.example/about`` -> ``acme.example``."""
    host = website.strip().lower().split("://")[-1].split("/")[0].split(":")[0]
    host = host.removeprefix("www.")
    return host if "." in host else None
