"""A tenant's email settings: timings of reminders and follow-ups, double opt-in, digests, branding.

Read from the tenant's ``settings`` map (``warmpath tenant settings --set KEY=VALUE``), defaults below;
bad values raise ValueError with what to fix, so nothing invalid is ever saved.

| key                   | default  | meaning                                                           |
|-----------------------|----------|-------------------------------------------------------------------|
| ask_reminder_days     | 3        | a connector who has not answered an ask is reminded after this    |
| ask_expiry_days       | 7        | ...and the ask expires after this (the next connector is asked)   |
| meeting_check_days    | 7        | the requester is asked "Did you meet?" this long after the intro  |
| double_opt_in         | true     | the target agrees before the three-way introduction is sent       |
| digest_shows_all      | false    | digests list every open request, not only where a connector has ties |
| brand.colour          | #1f4b99  | buttons and the header rule (#rrggbb)                              |
| brand.logo_url        | (none)   | an https:// image shown at the top of every email                  |
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_COLOUR = "#1f4b99"
MAX_DAYS = 365
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Brand:
    colour: str = DEFAULT_COLOUR
    logo_url: str | None = None

    @property
    def text_colour(self) -> str:
        """White or near-black, whichever reads better on the brand colour (WCAG contrast, always >= 4.5)."""
        on_white = contrast(self.colour, "#ffffff")
        on_black = contrast(self.colour, "#111111")
        return "#ffffff" if on_white >= on_black else "#111111"


@dataclass(frozen=True)
class MailSettings:
    ask_reminder_days: float = 3
    ask_expiry_days: float = 7
    meeting_check_days: float = 7
    double_opt_in: bool = True
    digest_shows_all: bool = False
    brand: Brand = Brand()

    @classmethod
    def from_tenant(cls, settings: Mapping[str, Any] | None) -> MailSettings:
        settings = settings or {}
        reminder = _number(settings, "ask_reminder_days", cls.ask_reminder_days)
        expiry = _number(settings, "ask_expiry_days", cls.ask_expiry_days)
        check = _number(settings, "meeting_check_days", cls.meeting_check_days)
        if not 0 < reminder < expiry:
            raise ValueError("ask_reminder_days must be more than 0 and less than ask_expiry_days")
        if expiry > 30:
            raise ValueError("ask_expiry_days must be at most 30 (the ask's links expire with it)")
        if check <= 0:
            raise ValueError("meeting_check_days must be more than 0")
        brand = dict(settings.get("brand") or {})
        colour = str(brand.get("colour", DEFAULT_COLOUR))
        if not _HEX.match(colour):
            raise ValueError(f"brand.colour must look like #1f4b99, not {colour!r}")
        logo = brand.get("logo_url")
        if logo is not None and not str(logo).startswith("https://"):
            raise ValueError("brand.logo_url must be an https:// address (mail clients block others)")
        return cls(
            ask_reminder_days=reminder,
            ask_expiry_days=expiry,
            meeting_check_days=check,
            double_opt_in=_flag(settings, "double_opt_in", cls.double_opt_in),
            digest_shows_all=_flag(settings, "digest_shows_all", cls.digest_shows_all),
            brand=Brand(colour=colour.lower(), logo_url=str(logo) if logo else None),
        )

    @classmethod
    def or_defaults(cls, settings: Mapping[str, Any] | None) -> MailSettings:
        """The tenant's settings, or the defaults if a hand-edited item holds a bad value (every writer validates
        first): an email or a page must not fail on it."""
        try:
            return cls.from_tenant(settings)
        except ValueError:
            from warmpath.core.observability import logger

            logger.warning("bad email settings; using the defaults")
            return cls()


def _number(settings: Mapping[str, Any], key: str, default: float) -> float:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{key} must be a number of days")
    try:
        days = float(value)
    except ValueError:
        raise ValueError(f"{key} must be a number of days, not {value!r}") from None
    if not 0 <= days <= MAX_DAYS:  # also refuses nan and inf, which no date arithmetic survives
        raise ValueError(f"{key} must be from 0 to {MAX_DAYS} days")
    return days


def _flag(settings: Mapping[str, Any], key: str, default: bool) -> bool:
    value = settings.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false")
    return value


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
