"""An uploaded export's text, line by line, whatever is wrong with some of its lines.

``read_lines(data)`` decides the file's encoding once, then decodes so that a bad byte spoils only
its own line:

- a byte-order mark names the encoding (UTF-8, UTF-16 LE/BE); without one, NUL bytes in every other
  position mean UTF-16 (Excel's "Unicode text"); otherwise the file is UTF-8 when it is valid UTF-8,
  or when at least as many of its non-ASCII lines read as UTF-8 as read as plausible Windows-1252 text
  (Excel's and Outlook's default: few non-ASCII bytes, never three in a row, no control characters),
  else Windows-1252. A line never falls back to another encoding on its own:
  a line that does not decode under the file's encoding is *undecodable*, whatever it might mean in
  another one;
- UTF-16 is decoded a line at a time (split at the encoded line feed), so a junk row of an odd number
  of bytes, or a file cut at an odd byte, spoils that line only;
- a line holding control characters (NUL, the other C0 controls but tab, DEL, C1 controls) is
  *binary data*.

``CsvRecords`` splits the text into CSV records the way the csv module does, but resynchronises at
line boundaries: a quoted field may run over several physical lines (Google and Outlook notes do),
but not past ``MAX_RECORD_LINES`` lines or ``MAX_RECORD_CHARS`` characters, not to the end of the file,
and not when what it swallowed looks like rows of their own (see ``CsvRecords``). Such a record is
reported as "unbalanced quotes" at the line it starts on, and reading resumes at the next line.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

MAX_RECORD_LINES = 100  # a note may have many lines; a quote left open swallows the rest of the file
MAX_RECORD_CHARS = 64 * 1024  # below the csv module's field limit (128 KB), so that limit is never what stops a row

ENCODING_NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}

_MARK = "\udcff"  # stands for undecodable bytes: a lone surrogate, which no strict decoder ever produces
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\udcff]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_BREAK = re.compile(r"[\r\n]")


@cache
def _marking_errors() -> str:
    """An error handler that replaces each undecodable run with one ``_MARK`` (registered on first use)."""

    def mark(error: UnicodeError) -> tuple[str, int]:
        assert isinstance(error, UnicodeDecodeError)
        return _MARK, error.end

    codecs.register_error("warmpath-mark", mark)
    return "warmpath-mark"


@dataclass
class ExportText:
    """The physical lines of a file (each with its line ending) and the lines that are unusable."""

    encoding: str
    lines: list[str]
    bad: dict[int, str] = field(default_factory=dict)  # 0-based line index -> reason

    def text(self, limit: int | None = None) -> str:
        return "".join(self.lines[:limit])


def detect_encoding(data: bytes) -> tuple[str, int]:
    """(codec name, bytes of byte-order mark to drop) for an export with no declared encoding."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8)
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    sample = data[:4096]
    half = len(sample) // 2
    if half >= 2:
        nul_even, nul_odd = sample[0::2].count(0), sample[1::2].count(0)
        if nul_odd > 0.3 * half and nul_even < 0.05 * half:
            return "utf-16-le", 0
        if nul_even > 0.3 * half and nul_odd < 0.05 * half:
            return "utf-16-be", 0
    try:
        data.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError:
        pass
    as_utf8 = as_cp1252 = 0
    for line in data.split(b"\n"):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            as_utf8 += 1
        except UnicodeDecodeError:
            as_cp1252 += _reads_as_cp1252(line)
    return ("cp1252", 0) if as_cp1252 > as_utf8 else ("utf-8", 0)


_HIGH_RUN = re.compile(rb"[\x80-\xff]{3,}")


def _reads_as_cp1252(line: bytes) -> bool:
    """Whether a line not valid as UTF-8 looks like Windows-1252 text rather than junk: it decodes, has no
    control characters, and its non-ASCII bytes are few (at most a fifth) and never three in a row."""
    try:
        text = line.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = sum(1 for byte in line if byte >= 0x80)
    return not _BAD_CHAR.search(text.rstrip("\r")) and not _HIGH_RUN.search(line) and high * 5 <= len(line.strip())


def read_lines(data: bytes) -> ExportText:
    """Decode ``data`` (see the module docstring) and split it into physical lines, noting the bad ones."""
    encoding, skip = detect_encoding(data)
    errors = _marking_errors()
    body = data[skip:]
    if encoding.startswith("utf-16"):
        newline = b"\n\x00" if encoding == "utf-16-le" else b"\x00\n"
        pieces = body.split(newline)
        # Each piece decodes on its own, so a junk run of odd length cannot shift every line after it.
        text = "\n".join(piece.decode(encoding, errors=errors) for piece in pieces)
    else:
        text = body.decode(encoding, errors=errors)
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = _LINE.findall(text)
    exported = ExportText(encoding=encoding, lines=lines)
    if _BAD_CHAR.search(text):
        for index, line in enumerate(lines):
            if not _BAD_CHAR.search(line):
                continue
            if _MARK in line:
                exported.bad[index] = f"undecodable bytes (not valid {ENCODING_NAMES[encoding]})"
            else:
                exported.bad[index] = "binary data (control characters)"
    return exported


@dataclass(frozen=True)
class Record:
    line: int  # the physical line (1-based) the record starts on
    fields: list[str]
    unterminated: bool = False  # its last line is the file's last and has no line ending


@dataclass(frozen=True)
class BadRecord:
    """Lines that could not be read as a row (they count against the file as a whole)."""

    line: int
    reason: str


class _Overlong(Exception):
    pass


class _Feed:
    """The physical lines ``csv.reader`` pulls, skipping bad lines and bounding each record's size."""

    def __init__(self, exported: ExportText) -> None:
        self.lines, self.bad = exported.lines, exported.bad
        self.pos = 0
        self.begin()

    def begin(self) -> None:
        self.first: int | None = None
        self.count = self.chars = 0
        self.exhausted = False

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        while self.pos in self.bad:
            self.pos += 1
        if self.pos >= len(self.lines):
            self.exhausted = self.first is not None
            raise StopIteration
        line = self.lines[self.pos]
        if self.first is None:
            self.first = self.pos
        if self.count >= MAX_RECORD_LINES or self.chars + len(line) > MAX_RECORD_CHARS:
            raise _Overlong
        self.count += 1
        self.chars += len(line)
        self.pos += 1
        return line


class CsvRecords:
    """CSV records of an export, with bad lines and unbalanced quotes reported instead of swallowed.

    A record spanning several physical lines is kept only when the file goes on after it, and, once the
    header is known (``width``, ``identity_columns``): it has exactly the header's number of fields
    (exporters write every column; a stray quote almost never lands on it), no line break falls in a
    column read for identity (names, email, URL, company, title never hold one), and no line it swallowed
    would on its own be a whole row of the file. Before the header, it must not swallow a line that is
    the header (``is_header``). Otherwise its first line is reported and reading resumes on the next.
    """

    def __init__(self, exported: ExportText, is_header: Callable[[list[str]], bool]) -> None:
        self.exported = exported
        self.is_header = is_header
        self.width: int | None = None
        self.identity_columns: frozenset[int] = frozenset()

    def __iter__(self) -> Iterator[Record | BadRecord]:
        lines, bad = self.exported.lines, self.exported.bad
        pending, reported = sorted(bad), 0  # bad lines, reported in order as reading passes them
        feed = _Feed(self.exported)
        reader = csv.reader(feed)
        while True:
            while reported < len(pending) and pending[reported] < feed.pos:
                yield BadRecord(pending[reported] + 1, bad[pending[reported]])
                reported += 1
            feed.begin()
            try:
                fields = next(reader)
            except StopIteration:
                break
            except (_Overlong, csv.Error) as error:
                first = feed.first if feed.first is not None else feed.pos
                yield BadRecord(first + 1, self._why(error, first))
                feed.pos, reader = first + 1, csv.reader(feed)
                continue
            first = feed.first if feed.first is not None else feed.pos - 1
            problem = None
            if feed.exhausted:  # the reader asked for more lines at the end: a quote is still open
                problem = "unbalanced quotes (a quoted field runs on to the end of the file)"
            elif feed.count > 1:
                problem = self._multiline_problem(
                    fields, [lines[i] for i in range(first + 1, feed.pos) if i not in bad]
                )
            if problem:
                yield BadRecord(first + 1, problem)
                feed.pos = first + 1
                continue
            last = lines[feed.pos - 1]
            yield Record(first + 1, fields, unterminated=feed.pos == len(lines) and not last.endswith(("\n", "\r")))
        for index in pending[reported:]:
            yield BadRecord(index + 1, bad[index])

    def _why(self, error: Exception, first: int) -> str:
        if isinstance(error, csv.Error):
            return f"unreadable row ({error})"
        if len(self.exported.lines[first]) > MAX_RECORD_CHARS:
            return f"row longer than {MAX_RECORD_CHARS // 1024} KB"
        return (
            f"unbalanced quotes (a quoted field runs on past {MAX_RECORD_LINES} lines or {MAX_RECORD_CHARS // 1024} KB)"
        )

    def _multiline_problem(self, fields: list[str], continuations: list[str]) -> str | None:
        unbalanced = "unbalanced quotes (a quote opened on this line swallows the lines after it)"
        if self.width is None:
            if any(self.is_header(_alone(line)) for line in continuations):
                return unbalanced
            return None
        if len(fields) != self.width:
            return unbalanced
        if any(i < len(fields) and _BREAK.search(fields[i]) for i in self.identity_columns):
            return unbalanced
        if any(len(_alone(line)) == self.width for line in continuations):
            return unbalanced
        return None


def _alone(line: str) -> list[str]:
    """A physical line parsed as if it were a record by itself."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return []
