"""The one writer of every CSV the product hands out (dashboard exports, the rewards export).

Names, titles and organisations come from outside (connectors' own imports, CRMs, invite files), and a
spreadsheet runs a cell that starts like a formula: ``=HYPERLINK("http://evil.example","Zed")``. So a text
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after any leading spaces, and in
their full-width forms, which some spreadsheets read as the same) gets a leading apostrophe: it shows as the
text it is and is never evaluated (OWASP's advice for CSV injection). Numbers stay numbers: ints and floats
are written as they are, and so is text that is a plain decimal number ("-12.50").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any, TextIO

_FORMULA_START = re.compile(r"^[\s\u3000]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def safe_cell(value: Any) -> Any:
    """A value as it may go into a CSV cell: numbers unchanged, formula-like text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        value = str(value)
    if isinstance(value, str) and _FORMULA_START.match(value) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def write_rows(stream: TextIO, rows: Iterable[Iterable[Any]]) -> None:
    """Write ``rows`` (the header first) to ``stream`` as CSV, every cell through ``safe_cell``."""
    # CRLF, as RFC 4180 has it: the writer then quotes any cell holding a CR or LF (with "\n" alone, a bare CR
    # in a name went out unquoted and split the row).
    writer = csv.writer(stream, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """``rows`` as one CSV document (see ``write_rows``)."""
    out = io.StringIO()
    write_rows(out, rows)
    return out.getvalue()
