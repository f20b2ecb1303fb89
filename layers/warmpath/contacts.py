"""Reading the contact files people actually have: LinkedIn, Google, Outlook exports and vCards.

``parse_contacts(data)`` detects the encoding (UTF-8 with or without BOM, UTF-16 from Excel, Windows-1252),
the format (by the header row, found by scanning, since LinkedIn puts a "Notes:" block first; or by
``BEGIN:VCARD``) and returns every usable contact with the line it came from, and every line it could not
use with the reason. A bad row never stops the good ones; a file that cannot be read at all raises
``UnreadableFile`` with a message saying what to do instead.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from warmpath.errors import InvalidInput
from warmpath.identity import normalise_email, normalise_linkedin_url

MAX_BYTES = 20 * 1024 * 1024  # LinkedIn's 30,000-row maximum is about 4 MB
FORMATS = ("linkedin", "google", "google_legacy", "outlook", "vcard")


class UnreadableFile(InvalidInput):
    """The whole file is unusable (empty, too big, not a contact export)."""


@dataclass
class Contact:
    line: int
    name: str
    email: str | None = None
    linkedin_url: str | None = None
    organisation: str | None = None
    title: str | None = None
    connected_on: str | None = None  # ISO date


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str


@dataclass
class ParsedFile:
    format: str
    contacts: list[Contact] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


# -- decoding ------------------------------------------------------------------------------------------

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP or Excel (.xlsx) file",
    b"%PDF": "a PDF",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) file",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
}


def decode(data: bytes) -> str:
    """Text from bytes, by BOM, then strict UTF-8, then Windows-1252 (Excel's and Outlook's default)."""
    if not data.strip():
        raise UnreadableFile("The file is empty. Export your contacts again and upload the new file.")
    if len(data) > MAX_BYTES:
        raise UnreadableFile(
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit is {MAX_BYTES // 1_048_576} MB. "
            "Split it into smaller files or export only your connections."
        )
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise UnreadableFile(
                f"This looks like {kind}, not a contact export. Upload LinkedIn's Connections.csv, a Google or "
                "Outlook CSV export, or a vCard (.vcf)."
            )
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise UnreadableFile("This file is not text. Upload a CSV export or a vCard (.vcf).")
    return text


# -- dates ---------------------------------------------------------------------------------------------

_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d", "%d.%m.%Y")


def parse_date(value: str) -> str | None:
    """LinkedIn writes "07 Dec 2025" (and "3 Jan 2024"); older exports "11/02/17" (US order)."""
    text = value.strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


# -- CSV formats ---------------------------------------------------------------------------------------


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


def _detect_csv(header: list[str]) -> str | None:
    keys = {_key(h) for h in header}
    if {"first name", "last name", "connected on"} <= keys or {"first name", "last name", "position"} <= keys:
        return "linkedin"
    if {"first name", "last name", "organization name"} <= keys or ("e mail 1 value" in keys and "first name" in keys):
        return "google"
    if {"name", "given name", "family name"} <= keys:
        return "google_legacy"
    if {"first name", "last name", "e mail address", "job title"} <= keys:
        return "outlook"
    return None


def _first(value: str) -> str:
    """Google joins several values in one cell with ' ::: '; the first is the primary one."""
    return value.split(" ::: ")[0].strip()


def _linkedin_in(*values: str) -> str | None:
    for value in values:
        for part in value.split(" ::: "):
            if "linkedin.com" in part.lower():
                try:
                    return normalise_linkedin_url(part)
                except ValueError:
                    continue
    return None


def _row_to_contact(fmt: str, row: dict[str, str], line: int) -> Contact | Skipped:
    get = lambda *names: next((row[n].strip() for n in names if row.get(n, "").strip()), "")  # noqa: E731
    if fmt == "linkedin":
        first, last = get("first name"), get("last name")
        raw_email, url = get("email address"), get("url")
        organisation, title = get("company"), get("position")
        connected = get("connected on")
    elif fmt == "google":
        first, last = get("first name"), get("last name")
        raw_email = _first(get("e mail 1 value"))
        url = _linkedin_in(*(row.get(k, "") for k in row if k.startswith("website") and k.endswith("value"))) or ""
        organisation, title = _first(get("organization name")), _first(get("organization title"))
        connected = ""
        if not (first or last):
            first = get("file as", "nickname")
    elif fmt == "google_legacy":
        first, last = get("given name"), get("family name")
        if not (first or last):
            first = get("name")
        raw_email = _first(get("e mail 1 value"))
        url = _linkedin_in(*(row.get(k, "") for k in row if k.startswith("website") and k.endswith("value"))) or ""
        organisation, title = _first(get("organization 1 name")), _first(get("organization 1 title"))
        connected = ""
    else:  # outlook
        first, last = get("first name"), get("last name")
        raw_email = get("e mail address", "e mail 2 address", "e mail 3 address")
        url = _linkedin_in(get("web page")) or ""
        organisation, title = get("company"), get("job title")
        connected = ""
    name = " ".join(p for p in (first, last) if p)
    email: str | None = None
    if raw_email:
        try:
            email = normalise_email(raw_email)
        except ValueError:
            email = None
    linkedin: str | None = None
    if url:
        try:
            linkedin = normalise_linkedin_url(url)
        except ValueError:
            linkedin = None
    if not name:
        if email or linkedin:
            name = (email or linkedin or "").split("@")[0]
        else:
            return Skipped(line, "no name, email or LinkedIn URL")
    return Contact(
        line=line,
        name=name,
        email=email,
        linkedin_url=linkedin,
        organisation=organisation or None,
        title=title or None,
        connected_on=parse_date(connected) if connected else None,
    )


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (quoted newlines span several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def _parse_csv(text: str) -> ParsedFile:
    records = _records(text)
    for _line, header in records:
        fmt = _detect_csv(header)
        if fmt:
            break
    else:
        raise UnreadableFile(
            "No contact header row was found. Upload LinkedIn's Connections.csv, a Google or Outlook CSV export, "
            "or a vCard (.vcf), without editing its first row."
        )
    keys = [_key(h) for h in header]
    parsed = ParsedFile(format=fmt)
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(keys) and any(cell.strip() for cell in record[len(keys) :]):
            parsed.skipped.append(Skipped(line, f"{len(record)} columns where the header has {len(keys)}"))
            continue
        result = _row_to_contact(fmt, dict(zip(keys, record, strict=False)), line)
        (parsed.contacts if isinstance(result, Contact) else parsed.skipped).append(result)  # type: ignore[arg-type]
    return parsed


# -- vCard ---------------------------------------------------------------------------------------------


def _unfold(text: str) -> Iterator[tuple[int, str]]:
    """Logical vCard lines (RFC 6350 3.2: a line starting with a space or tab continues the previous one)."""
    current, start = "", 1
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and current:
            current += raw[1:]
            continue
        if current:
            yield start, current
        current, start = raw, number
    if current:
        yield start, current


def _vcard_value(value: str) -> str:
    return value.replace("\\,", ",").replace("\\;", ";").replace("\\n", " ").replace("\\N", " ").strip()


def _parse_vcard(text: str) -> ParsedFile:
    parsed = ParsedFile(format="vcard")
    card: dict[str, str] | None = None
    begin = 0
    for line, content in _unfold(text):
        name, _, value = content.partition(":")
        prop = name.split(";")[0].split(".")[-1].upper()
        if prop == "BEGIN" and value.strip().upper() == "VCARD":
            card, begin = {}, line
        elif prop == "END" and card is not None:
            result = _card_to_contact(card, begin)
            (parsed.contacts if isinstance(result, Contact) else parsed.skipped).append(result)  # type: ignore[arg-type]
            card = None
        elif (card is not None and prop not in card) or (
            card is not None and prop == "URL" and "linkedin" in value.lower()
        ):
            card[prop] = value
    return parsed


def _card_to_contact(card: dict[str, str], line: int) -> Contact | Skipped:
    family, given, *_ = [*card.get("N", "").split(";"), "", ""]
    name = " ".join(p for p in (_vcard_value(given), _vcard_value(family)) if p) or _vcard_value(card.get("FN", ""))
    row = {
        "first name": name,
        "email address": card.get("EMAIL", ""),
        "url": card.get("URL", "") if "linkedin" in card.get("URL", "").lower() else "",
        "company": _vcard_value(card.get("ORG", "").split(";")[0]),
        "position": _vcard_value(card.get("TITLE", "")),
    }
    return _row_to_contact("linkedin", row, line)


def parse_contacts(data: bytes) -> ParsedFile:
    text = decode(data)
    if re.search(r"^BEGIN:VCARD", text[:4096], re.IGNORECASE | re.MULTILINE):
        return _parse_vcard(text)
    return _parse_csv(text)
