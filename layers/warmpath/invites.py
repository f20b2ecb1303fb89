"""Bulk invites: reading an admin's CSV of connectors, line by line, and the queue invitations go out on.

Header names are matched loosely ("E-mail", "Email address", "Connector Type", "type" ...) and extra
columns are ignored; the delimiter may be a comma, a semicolon or a tab. Every data line gets a status with a
reason -- here invalid email, invalid type, duplicate in file or unreadable row (bytes that are not text, a
quote left open, a cell over 10,000 characters, control characters); the job (``warmpath.invite_jobs``) adds
invited, already a member, suppressed and not sent. A bad line never stops the good ones: a quote left open
swallows no following row (see ``_records``). Only a file that cannot be used at all (empty, not a CSV, no
email column, too big) is refused, with a message saying what to fix.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from warmpath.contacts import UnreadableFile
from warmpath.identity import normalise_email
from warmpath.models import CONNECTOR_TYPES

# Column -> the header spellings people use for it (compared lower-case, punctuation as spaces).
COLUMNS = {
    "email": ("email", "e mail", "email address", "e mail address", "work email", "mail"),
    "name": ("name", "full name", "connector", "connector name", "contact name"),
    "connector_type": ("connector type", "type", "relationship", "role", "kind"),
    "title": ("title", "job title", "position"),
    "location": ("location", "city", "region", "country"),
    "approver_email": ("approver", "approver email", "approver e mail", "assistant email", "approved by"),
    "note": ("note", "personal note", "message", "notes"),
    # A customer connector's profile, used to pick references (optional; the CRM can fill it later).
    "industry": ("industry", "sector", "vertical"),
    "company_size": ("company size", "employees", "size", "headcount"),
    "products": ("products", "product", "products used", "product used"),
}
TYPE_ALIASES = {
    "board member": "board_member", "board": "board_member", "director": "board_member",
    "investor": "investor", "angel": "investor", "advisor": "advisor", "adviser": "advisor",
    "executive": "executive", "exec": "executive", "employee": "employee", "staff": "employee",
    "customer": "customer", "client": "customer", "channel partner": "channel_partner", "partner": "channel_partner",
    "reseller": "channel_partner", "vc partner": "vc_partner", "vc": "vc_partner",
    "friend family": "friend_family", "friends family": "friend_family", "friend": "friend_family",
    "family": "friend_family", "friends and family": "friend_family", "other": "other",
}  # fmt: skip


@dataclass
class InviteLine:
    line: int
    email: str
    name: str = ""
    connector_type: str = "other"
    title: str | None = None
    location: str | None = None
    approver_email: str | None = None
    note: str | None = None
    industry: str | None = None
    company_size: str | None = None
    products: str | None = None
    status: str = "invited"
    reason: str = ""

    def as_row(self) -> dict[str, object]:
        return {"line": self.line, "email": self.email, "status": self.status, "reason": self.reason}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


def connector_type(value: str) -> str | None:
    key = _key(value).replace(" and ", " ")
    if not key:
        return "other"
    if key.replace(" ", "_") in CONNECTOR_TYPES:
        return key.replace(" ", "_")
    return TYPE_ALIASES.get(key)


MAX_BYTES = 4 * 1024 * 1024  # API Gateway's 10 MB and Lambda's 6 MB request limits, with base64, leave room for this
MAX_LINES = 20_000  # a job's worth for one function run (about a minute per 10,000 lines in AWS)
MAX_CELL = 10_000  # characters in one cell; longer is a quote left open, not a real note
MAX_SPAN = 20  # lines one quoted cell may span (a note with line breaks)
SHOWN = 120  # characters of a cell repeated in the report
_BINARY = {
    b"PK\x03\x04": "an Excel workbook or a zip file",
    b"\xd0\xcf\x11\xe0": "an Excel 97 workbook",
    b"%PDF": "a PDF",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
    b"GIF8": "an image",
}
_LINE_BREAK = re.compile(rb"\r\n|\n|\r")
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_CP1252_TEXT = frozenset(
    [0x80, 0x85, 0x8A, 0x8C, 0x8E, *range(0x91, 0x98), 0x9A, 0x9C, 0x9E, 0x9F, *range(0xA0, 0x100)]
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
DELIMITERS = (",", ";", "\t")  # Excel writes ";" where the decimal separator is a comma


def shown(value: str) -> str:
    """A cell as the report repeats it: bounded, so one absurd cell cannot bloat the report."""
    return value if len(value) <= SHOWN else value[: SHOWN - 1] + "\u2026"


def _text_lines(data: bytes) -> list[str | None]:
    """The file's physical lines as text; None for a line whose bytes are not text in the file's encoding.

    The encoding is the file's, not the line's: a BOM says it (UTF-8, UTF-16); otherwise UTF-8, unless every
    non-ASCII byte reads as Windows-1252 text (Excel's legacy "CSV (Comma delimited)") -- see ``_looks_cp1252``.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(data):
        encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else _utf16_order(data)
        text = data.decode(encoding, errors="replace").removeprefix("\ufeff")
        return [None if "\ufffd" in line else line for line in re.split(r"\r\n|\n|\r", text)]
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return re.split(r"\r\n|\n|\r", data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    encoding = "cp1252" if not _UTF8_MULTIBYTE.search(data) and _looks_cp1252(data) else "utf-8"
    lines: list[str | None] = []
    for raw in _LINE_BREAK.split(data):
        try:
            lines.append(raw.decode(encoding))
        except UnicodeDecodeError:
            lines.append(None)
    return lines


def _looks_cp1252(data: bytes) -> bool:
    """Whether the file's non-ASCII bytes read as Windows-1252 text: short runs of its letters and punctuation
    inside words or next to spaces ("Zo\xeb", "M\xfc\xdfig", "don\x92t"). Anything else (a run of three, bytes
    between separators) is damage, so the file is read as UTF-8 and the damaged lines are reported."""
    for run in _HIGH_RUN.finditer(data):
        if len(run.group()) > 2 or not set(run.group()) <= _CP1252_TEXT:
            return False
        before, after = data[run.start() - 1 : run.start()], data[run.end() : run.end() + 1]
        if not (before.isalnum() or after.isalnum() or b" " in (before, after)):
            return False
    return True


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4000]
    return len(sample) >= 4 and sample.count(0) > len(sample) // 3


def _utf16_order(data: bytes) -> str:
    sample = data[:4000]
    return "utf-16-le" if sample[1::2].count(0) >= sample[0::2].count(0) else "utf-16-be"


def _split(text: str, delimiter: str) -> tuple[list[str], bool]:
    """The cells of one record's text, as the csv module reads them; True when a quoted cell is still open.

    A quote opens a quoted cell only at the start of a cell; ``""`` inside is a quote; text after the closing
    quote is kept as it is (csv's lenient reading).
    """
    cells: list[str] = []
    pos, size = 0, len(text)
    while True:
        if pos < size and text[pos] == '"':
            parts: list[str] = []
            i = pos + 1
            while True:
                quote = text.find('"', i)
                if quote == -1:
                    cells.append("".join(parts) + text[i:])
                    return cells, True
                parts.append(text[i:quote])
                if text.startswith('"', quote + 1):
                    parts.append('"')
                    i = quote + 2
                    continue
                pos = quote + 1
                break
            end = text.find(delimiter, pos)
            cells.append("".join(parts) + (text[pos:] if end == -1 else text[pos:end]))
        else:
            end = text.find(delimiter, pos)
            cells.append(text[pos:] if end == -1 else text[pos:end])
        if end == -1:
            return cells, False
        pos = end + 1


@dataclass
class _Record:
    line: int
    cells: list[str] | None  # None: unreadable
    reason: str = ""


def _records(lines: list[str | None], start: int, delimiter: str, email_at: int) -> Iterator[_Record]:
    """Records from ``lines[start:]``: a quoted cell may span lines, but a quote left open is one bad line.

    A quote still open at the end of a line takes the next lines until it closes -- unless one of them is a
    row of its own (it reads whole and has an email address in the email column): then the open quote was a
    mistake, that line is reported and reading goes on from the next line, so no good row is swallowed.
    """

    def is_row(text: str) -> bool:
        cells, still_open = _split(text, delimiter)
        if still_open or email_at >= len(cells):
            return False
        try:
            normalise_email(cells[email_at])
        except ValueError:
            return False
        return True

    i, total = start, len(lines)
    while i < total:
        text = lines[i]
        if text is None:
            yield _Record(i + 1, None, "this line has bytes that are not text (is the file saved as UTF-8 CSV?)")
            i += 1
            continue
        if not text.strip():
            i += 1
            continue
        cells, still_open = _split(text, delimiter)
        end = i + 1
        while still_open and end < total and end - i < MAX_SPAN and len(text) <= MAX_CELL:
            following = lines[end]
            if following is None or is_row(following):
                break
            text += "\n" + following
            cells, still_open = _split(text, delimiter)
            end += 1
        if still_open:
            yield _Record(i + 1, None, "a quote opened on this line is never closed")
            i += 1
        elif any(len(cell) > MAX_CELL for cell in cells):
            yield _Record(i + 1, None, f"a cell is over {MAX_CELL:,} characters")
            i = end
        elif _CONTROL.search(text):
            yield _Record(i + 1, None, "this line holds control characters, not text")
            i = end
        else:
            yield _Record(i + 1, cells)
            i = end


def read_invites(data: bytes) -> list[InviteLine]:
    """Every data line of an invite CSV with its status so far (invalid email, invalid type, duplicate in file,
    unreadable row); raises UnreadableFile, saying what to fix, when the file as a whole cannot be used."""
    if not data.strip():
        raise UnreadableFile("The file is empty. Upload a CSV with a header row and one connector per line.")
    if len(data) > MAX_BYTES:
        raise UnreadableFile(
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit is {MAX_BYTES // 1_048_576} MB. Split it into "
            "smaller files."
        )
    for signature, kind in _BINARY.items():
        if data.startswith(signature):
            raise UnreadableFile(f'This is {kind}, not a CSV. In your spreadsheet, save it as "CSV UTF-8" first.')
    lines = _text_lines(data)
    first = next((i for i, text in enumerate(lines) if text is None or text.strip()), None)
    header = lines[first] if first is not None else None
    if header is None:
        raise UnreadableFile(
            "The first row must name the columns, with at least an email column "
            "(email, name, connector type, title, location, approver email, personal note)."
        )
    delimiter, columns = _header(header)
    assert first is not None
    invites: list[InviteLine] = []
    seen: dict[str, int] = {}
    for record in _records(lines, first + 1, delimiter, columns["email"]):
        if record.cells is None:
            invites.append(InviteLine(line=record.line, email="", status="unreadable row", reason=record.reason))
        else:
            invites.append(_read_line(record.line, record.cells, columns))
        if len(invites) > MAX_LINES:
            raise UnreadableFile(f"The file has over {MAX_LINES:,} connectors; split it into smaller files.")
        invite = invites[-1]
        if invite.status != "invited":
            continue
        if invite.email in seen:
            invite.status, invite.reason = "duplicate in file", f"same email as line {seen[invite.email]}"
        else:
            seen[invite.email] = invite.line
    return invites


def _header(text: str) -> tuple[str, dict[str, int]]:
    """The delimiter and columns of the header line (the first delimiter that finds an email column)."""
    for delimiter in DELIMITERS:
        cells, still_open = _split(text, delimiter)
        if not still_open:
            try:
                return delimiter, _columns(cells)
            except UnreadableFile:
                continue
    return ",", _columns([])


def _columns(header: list[str]) -> dict[str, int]:
    keys = [_key(h) for h in header]
    columns = {name: keys.index(alias) for name, aliases in COLUMNS.items() for alias in aliases if alias in keys}
    if "email" not in columns:
        raise UnreadableFile(
            "The first row must name the columns, with at least an email column "
            "(email, name, connector type, title, location, approver email, personal note)."
        )
    return columns


def _read_line(line: int, record: list[str], columns: dict[str, int]) -> InviteLine:
    def cell(name: str) -> str:
        index = columns.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    invite = InviteLine(
        line=line,
        email=cell("email"),
        name=cell("name"),
        title=cell("title") or None,
        location=cell("location") or None,
        note=cell("note") or None,
        industry=cell("industry") or None,
        company_size=cell("company_size") or None,
        products=cell("products") or None,
    )
    if not invite.email:
        invite.status, invite.reason = "invalid email", "the email column is empty"
        return invite
    try:
        invite.email = normalise_email(invite.email)
    except ValueError:
        invite.email = shown(invite.email)
        invite.status, invite.reason = (
            "invalid email",
            f"'{invite.email}' is not an email address (expected name@company.com)",
        )
        return invite
    kind = connector_type(cell("connector_type"))
    if kind is None:
        invite.status = "invalid type"
        kind_given = shown(cell("connector_type"))
        invite.reason = f"'{kind_given}' is not a connector type (one of: {', '.join(CONNECTOR_TYPES)})"
        return invite
    invite.connector_type = kind
    approver = cell("approver_email")
    if approver:
        try:
            invite.approver_email = normalise_email(approver)
        except ValueError:
            invite.status, invite.reason = "invalid email", f"the approver '{shown(approver)}' is not an email address"
            return invite
    if not invite.name:
        invite.name = invite.email.split("@")[0].replace(".", " ").title()
    return invite


class InviteQueue(Protocol):
    """Port: hands invitations to the sender (SQS in AWS and locally); raises when it cannot."""

    def enqueue(self, messages: Sequence[dict[str, str]]) -> list[int]:
        """Queue the messages; returns the indexes that could not be queued."""
        ...


class SqsInviteQueue:
    def __init__(self, queue_url: str, client: Any = None) -> None:
        self.queue_url = queue_url
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("sqs")
        return self._client

    def enqueue(self, messages: Sequence[dict[str, str]]) -> list[int]:
        failed: list[int] = []
        for start in range(0, len(messages), 10):
            entries = [
                {"Id": str(start + i), "MessageBody": json.dumps(m)} for i, m in enumerate(messages[start : start + 10])
            ]
            response = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            failed += [int(f["Id"]) for f in response.get("Failed", [])]
        return failed
