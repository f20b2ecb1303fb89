"""Normalising the identifiers people are matched on.

The foundation matches on exact normalised email and LinkedIn profile URL; fuzzy name + organisation
matching arrives with the identity-resolution work and will live in this module too.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

_EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
# /in/<slug>, or the legacy /pub/<name>/<a>/<b>/<c> whose trailing parts tell same-named people apart.
_LINKEDIN_PROFILE = re.compile(r"^/(in)/([^/?#]+)|^/(pub)/([^?#]+?)/?$", re.IGNORECASE)


def normalise_email(value: str) -> str:
    """Lower-case and trim an email address; raise ValueError when it is not one."""
    email = value.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise ValueError(f"'{value.strip()}' is not an email address (expected name@company.com)")
    return email


def normalise_linkedin_url(value: str) -> str:
    """Reduce a LinkedIn profile URL to ``linkedin.com/in/<slug>``; raise ValueError when it is not one.

    Exports and people write the same profile many ways: with or without scheme, ``www.`` or a country
    subdomain, a trailing slash, query strings, upper case.
    """
    raw = value.strip()
    if not raw:
        raise ValueError("the LinkedIn URL is empty")
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        raise ValueError(f"'{value.strip()}' is not a LinkedIn profile URL (expected linkedin.com/in/...)")
    match = _LINKEDIN_PROFILE.match(parts.path)
    if not match:
        raise ValueError(f"'{value.strip()}' is not a LinkedIn profile URL (expected linkedin.com/in/...)")
    kind, slug = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return f"linkedin.com/{kind.lower()}/{slug.lower()}"


def person_id_for(*, email: str | None, linkedin_url: str | None, name: str, organisation: str) -> str:
    """A stable id for a person from their strongest identifier (email, then LinkedIn, then name+org)."""
    if email:
        basis = "email:" + normalise_email(email)
    elif linkedin_url:
        basis = "linkedin:" + normalise_linkedin_url(linkedin_url)
    else:
        basis = "name:" + " ".join(name.lower().split()) + "|" + " ".join(organisation.lower().split())
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


def organisation_key(name: str) -> str:
    """A key for an organisation name: lower case, words only (legal suffixes are handled later)."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    return "-".join(words) or "unknown"
