"""The one CSV writer (warmpath.csv_export): formula-like text is neutralised, numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warmpath.csv_export import csv_text, safe_cell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example","Zed")', '\'=HYPERLINK("http://evil.example","Zed")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("  =1+1", "'  =1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("Zed Shaw", "Zed Shaw"),
        ("O'Brien", "O'Brien"),
        ("-12.50", "-12.50"),
        ("+44", "+44"),
        (-3, -3),
        (2.5, 2.5),
        (None, ""),
    ],
)
def test_formula_like_text_becomes_text_and_numbers_stay_numbers(value: object, written: object) -> None:
    assert safe_cell(value) == written


@given(st.lists(st.lists(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False)), max_size=5), max_size=5))
def test_no_cell_read_back_from_an_export_starts_like_a_formula_unless_a_number(rows: list[list[object]]) -> None:
    for row in csv.reader(io.StringIO(csv_text(rows))):
        for cell in row:
            if cell.lstrip(" \u3000").startswith(TRIGGERS):
                float(cell)  # only a plain number may start with a sign


@given(st.text())
def test_text_that_was_neutralised_reads_back_as_the_original_after_the_apostrophe(value: str) -> None:
    written = safe_cell(value)
    assert written == value or written == "'" + value
