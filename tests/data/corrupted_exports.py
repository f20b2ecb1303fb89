"""Corrupted copies of every real contact export (../shared/fixtures/contact_exports), built in code.

Each ``Export`` is one fixture with the encoding it is written in, so a corruption is made in text and
written back in the fixture's own encoding, or made of raw bytes that are wrong *in that encoding*
(undecodable bytes differ between UTF-8, Windows-1252 and UTF-16).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property

from tests.conftest import SHARED_FIXTURES

EXPORTS = SHARED_FIXTURES / "contact_exports"
NAME_KEYS = {"first name", "last name", "name", "given name", "family name", "nickname", "file as", "middle name"}


@dataclass(frozen=True)
class Export:
    file: str
    codec: str  # how the fixture is written: utf-8, utf-8-sig (BOM), utf-16 (BOM), cp1252
    format: str

    @property
    def raw(self) -> bytes:
        return (EXPORTS / self.file).read_bytes()

    @cached_property
    def lines(self) -> list[str]:
        """Physical lines with their endings, as a CSV reader sees them."""
        return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+", self.raw.decode(self.codec))

    @property
    def header_index(self) -> int:
        return next(i for i, line in enumerate(self.lines) if re.match(r"(First Name|Title|Name),", line))

    @property
    def header(self) -> list[str]:
        return next(csv.reader([self.lines[self.header_index]]))

    @property
    def width(self) -> int:
        return len(self.header)

    def encode(self, text: str, *, start: bool = True) -> bytes:
        """Text in the fixture's encoding (with its byte-order mark only at the start of the file)."""
        codec = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le"}.get(self.codec, self.codec) if not start else self.codec
        return text.encode(codec)

    def with_lines(self, lines: list[str]) -> bytes:
        return self.encode("".join(lines))

    def inserted(self, after: int, junk: bytes) -> bytes:
        """The file with raw ``junk`` (already in this encoding) as a line after line index ``after``."""
        return (
            self.encode("".join(self.lines[: after + 1]))
            + junk
            + self.encode("".join(self.lines[after + 1 :]), start=False)
        )

    def row(self, **cells: str) -> str:
        """A CSV line of this export's width, cells given by header key ("first name", ...)."""
        keys = [re.sub(r"[^a-z0-9]+", " ", h.lower()).strip() for h in self.header]
        values = [cells.get(k, "") for k in keys]
        return ",".join(f'"{v}"' if "," in v else v for v in values) + "\r\n"

    def nameless_row(self) -> str:
        """A whole row (email, company, title, ...) with every name column empty."""
        keys = [re.sub(r"[^a-z0-9]+", " ", h.lower()).strip() for h in self.header]
        cells = ["" if k in NAME_KEYS else ("nobody@acme.example" if "mail" in k else "Acme") for k in keys]
        return ",".join(cells) + "\r\n"

    def undecodable(self) -> bytes:
        """A line with bytes that no decoder of this encoding accepts, in this encoding's framing."""
        if self.codec == "utf-16":
            return "Bad,".encode("utf-16-le") + b"\x00\xd8" + ",Row\r\n".encode("utf-16-le")  # a lone surrogate
        if self.codec == "cp1252":
            return b"Bad,\x81\x8d\x90,Row\r\n"  # the bytes Windows-1252 leaves undefined
        return b"Bad,\xff\xfe\xc3(,Row\r\n"

    def control_junk(self) -> bytes:
        return self.encode("\x00\x01\x02binary\x03\x04\x1b[0m\x7f\r\n", start=False)


CSV_EXPORTS = [
    Export("linkedin-connections.csv", "utf-8", "linkedin"),
    Export("linkedin-connections-old.csv", "utf-8", "linkedin"),
    Export("linkedin-connections-utf16.csv", "utf-16", "linkedin"),
    Export("google-contacts.csv", "utf-8-sig", "google"),
    Export("google-contacts-legacy.csv", "utf-8", "google_legacy"),
    Export("outlook-contacts.csv", "cp1252", "outlook"),
]
VCARD = Export("contacts.vcf", "utf-8", "vcard")
ALL_EXPORTS = [*CSV_EXPORTS, VCARD]
