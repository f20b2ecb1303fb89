"""Reading the contact files people actually have: LinkedIn, Google, Outlook exports and vCards.

``parse_contacts(data)`` detects the encoding (UTF-8 with or without BOM, UTF-16 from Excel, Windows-1252)
and decodes line by line (``warmpath.contact_text``), detects the format (by the header row, found by
scanning, since LinkedIn puts a "Notes:" block first; or by ``BEGIN:VCARD``) and returns every usable contact
with the line it came from, and every line it could not use with the reason: undecodable bytes, binary data,
unbalanced quotes, a row cut short at the end of the file, an unended vCard, no name. A bad row never stops
the good ones. A file is refused whole (``UnreadableFile``, with a message saying what to do instead) only
when it is empty, too big, of a known non-text type, has no contact header row (CSV) or card (vCard), or when
too few of its rows can be read to be a contacts export: at least ``REFUSE_AT_UNREADABLE`` rows unreadable,
and more of them than readable ones.

Exporters write every column in every row, so a row with fewer cells than the header was cut short or had
cells merged by a stray quote: it is skipped. A contact needs a name: a first, last or full name (a nickname
in Google's export) with at least one letter in it, at most ``MAX_NAME`` characters. A row with only an email
address or a LinkedIn URL is skipped ("no name"): a path through someone nobody can name is no use to a
requester, and a name made up from an address is wrong for the people it would be shown to.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from warmpath.contact_text import BadRecord, CsvRecords, ExportText, read_lines
from warmpath.core.errors import InvalidInput
from warmpath.identity import normalise_email, normalise_linkedin_url

MAX_BYTES = 20 * 1024 * 1024  # LinkedIn's 30,000-row maximum is about 4 MB
MAX_NAME = 200  # characters; longer is a swallowed row or junk, not a person's name
REFUSE_AT_UNREADABLE = 10  # unreadable rows from which a file whose rows are mostly unreadable is refused whole
MAX_LINES = 500_000  # LinkedIn's 30,000 rows are 30,000 lines; a file of many tiny lines would exhaust memory
MAX_CONTACTS = 100_000  # per file (LinkedIn exports at most 30,000, Google holds at most 25,000)
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


def _check_size(data: bytes) -> None:
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


def decode(data: bytes) -> str:
    """Text from bytes, by BOM, then strict UTF-8, then Windows-1252 (Excel's and Outlook's default).

    The whole file at once (the bulk invite reads it so); contact imports decode line by line instead
    (``warmpath.contact_text.read_lines``), so that one bad row does not make the whole file unreadable.
    """
    _check_size(data)
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


@lru_cache(maxsize=4096)  # an export's dates repeat (a few thousand days at most); strptime is slow
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


_IDENTITY = {
    "linkedin": ("first name", "last name", "url", "email address", "company", "position"),
    "google": ("first name", "last name", "nickname", "e mail 1 value", "organization name", "organization title"),
    "google_legacy": ("name", "given name", "family name", "e mail 1 value", "organization 1 name",
                      "organization 1 title"),
    "outlook": ("first name", "last name", "e mail address", "e mail 2 address", "e mail 3 address", "web page",
                "company", "job title"),
}  # fmt: skip


def _identity_columns(fmt: str, keys: list[str]) -> frozenset[int]:
    """The columns a contact is built from (a line break in one of them means a quote swallowed lines)."""
    wanted = set(_IDENTITY.get(fmt, ()))
    return frozenset(
        i for i, k in enumerate(keys) if k in wanted or (fmt.startswith("google") and k.startswith("website"))
    )


def row_to_contact(fmt: str, row: dict[str, str], line: int) -> Contact | Skipped:
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
            first = get("nickname")  # not "File As": for a company's entry that is the company's name
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
    name = " ".join(f"{first} {last}".split())
    if not any(ch.isalpha() for ch in name):
        return Skipped(line, "no name")
    if len(name) > MAX_NAME:
        return Skipped(line, f"name longer than {MAX_NAME} characters")
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
    return Contact(
        line=line,
        name=name,
        email=email,
        linkedin_url=linkedin,
        organisation=" ".join(organisation.split()) or None,
        title=" ".join(title.split()) or None,
        connected_on=parse_date(connected) if connected else None,
    )


@dataclass
class Tally:
    """Rows that could and could not be read as rows, for deciding whether a file is a contacts export."""

    readable: int = 0
    unreadable: list[Skipped] = field(default_factory=list)


def _parse_csv(exported: ExportText) -> tuple[ParsedFile, Tally]:
    records = CsvRecords(exported, is_header=lambda fields: _detect_csv(fields) is not None)
    early: list[Skipped] = []  # bad lines before the header (the header may still be found after them)
    iterator = iter(records)
    for item in iterator:
        if isinstance(item, BadRecord):
            early.append(Skipped(item.line, item.reason))
            continue
        fmt = _detect_csv(item.fields)
        if fmt:
            header = item.fields
            break
    else:
        if len(early) > sum(1 for line in exported.lines if line.strip()) / 2:
            raise UnreadableFile("This file is not text. Upload a CSV export or a vCard (.vcf).")
        raise UnreadableFile(
            "No contact header row was found. Upload LinkedIn's Connections.csv, a Google or Outlook CSV export, "
            "or a vCard (.vcf), without editing its first row."
        )
    keys = [_key(h) for h in header]
    records.width, records.identity_columns = len(keys), _identity_columns(fmt, keys)
    parsed, tally = ParsedFile(format=fmt, skipped=early), Tally()
    header_start = header[0].strip().lower().lstrip("\ufeff")
    for item in iterator:
        if isinstance(item, BadRecord):
            tally.unreadable.append(Skipped(item.line, item.reason))
            continue
        record = item.fields
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(keys) and any(cell.strip() for cell in record[len(keys) :]):
            tally.unreadable.append(Skipped(item.line, f"{len(record)} columns where the header has {len(keys)}"))
            continue
        if len(record) < len(keys):  # exporters write every column: a short row was cut, or quotes merged cells
            reason = f"{len(record)} columns where the header has {len(keys)}"
            if item.unterminated:
                reason = f"cut short: the file ends in the middle of this row ({reason})"
            tally.unreadable.append(Skipped(item.line, reason))
            continue
        tally.readable += 1
        if record[0].strip().lower() == header_start and [_key(cell) for cell in record] == keys:
            parsed.skipped.append(Skipped(item.line, "the header row again"))
            continue
        result = row_to_contact(fmt, dict(zip(keys, record, strict=False)), item.line)
        (parsed.contacts if isinstance(result, Contact) else parsed.skipped).append(result)  # type: ignore[arg-type]
    return parsed, tally


# -- the whole file ------------------------------------------------------------------------------------


def _refuse_unless_readable(tally: Tally) -> None:
    """Refuse a file too few of whose rows can be read to be a contacts export (see the module docstring)."""
    bad = len(tally.unreadable)
    if bad < REFUSE_AT_UNREADABLE or bad <= tally.readable:
        return
    examples = "; ".join(f"line {s.line}: {s.reason}" for s in tally.unreadable[:3])
    raise UnreadableFile(
        f"Only {tally.readable:,} of the {tally.readable + bad:,} rows of this file could be read ({examples}). "
        "It does not look like an unedited contacts export: export your contacts again and upload the new file."
    )


def parse_contacts(data: bytes) -> ParsedFile:
    """Every contact of an export and every line skipped with its reason; ``UnreadableFile`` for a whole bad file."""
    _check_size(data)
    if max(data.count(b"\n"), data.count(b"\r")) > MAX_LINES:
        raise UnreadableFile(f"The file has more than {MAX_LINES:,} lines. Split it into smaller files.")
    exported = read_lines(data)
    if not any(line.strip() for line in exported.lines):
        raise UnreadableFile("The file is empty. Export your contacts again and upload the new file.")
    head = exported.text(200)[:4096]
    if re.search(r"^BEGIN:VCARD", head, re.IGNORECASE | re.MULTILINE):
        from warmpath.contact_vcard import parse_vcard

        parsed, tally = parse_vcard(exported)
    else:
        parsed, tally = _parse_csv(exported)
    _refuse_unless_readable(tally)
    if len(parsed.contacts) > MAX_CONTACTS:
        raise UnreadableFile(
            f"The file holds {len(parsed.contacts):,} contacts; the limit is {MAX_CONTACTS:,} a file. "
            "Split it into smaller files."
        )
    parsed.skipped = sorted([*parsed.skipped, *tally.unreadable], key=lambda s: s.line)
    return parsed
