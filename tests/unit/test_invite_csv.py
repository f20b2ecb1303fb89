"""Reading an invite CSV: any bytes give a status per line or a refusal that says what to fix, never a crash."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warmpath.contacts import UnreadableFile
from warmpath.invites import read_invites

STATUSES = {"invited", "invalid email", "invalid type", "duplicate in file", "unreadable row"}
HEADER = "email,name,type,note\r\n"


def _statuses(data: bytes) -> dict[int, tuple[str, str]]:
    return {line.line: (line.status, line.email) for line in read_invites(data)}


def test_an_unclosed_quote_past_the_csv_modules_field_limit_is_one_bad_line() -> None:
    """Given a quote opened on line 3 and never closed, with more text after it than the csv module allows in
    one field, then line 3 is an unreadable row and the rows after it are still read."""
    data = (
        HEADER + "a@x.example,Ann,advisor,\r\n" + 'b@x.example,"Bob ' + "x" * 200_000 + ",advisor,\r\n"
        "c@x.example,Cat,investor,\r\n"
    ).encode()

    lines = read_invites(data)

    assert [(line.line, line.status) for line in lines] == [(2, "invited"), (3, "unreadable row"), (4, "invited")]
    assert "quote" in lines[1].reason


def test_an_open_quote_does_not_swallow_the_good_rows_after_it() -> None:
    data = (HEADER + 'a@x.example,"Ann,advisor,\r\nb@x.example,Bob,advisor,"a note, with a comma"\r\n').encode()

    assert _statuses(data) == {2: ("unreadable row", ""), 3: ("invited", "b@x.example")}


def test_a_note_written_over_several_lines_is_one_row() -> None:
    data = (HEADER + 'a@x.example,Ann,advisor,"Met at SaaStr.\r\nFollow up in May."\r\nb@x.example,Bob,,\r\n').encode()

    lines = read_invites(data)

    assert [(line.line, line.status) for line in lines] == [(2, "invited"), (4, "invited")]
    assert lines[0].note == "Met at SaaStr.\nFollow up in May."


def test_a_line_with_bytes_that_are_not_utf8_is_reported_and_the_others_read() -> None:
    data = HEADER.encode() + "zoë@x.example,Zoë,advisor,\r\n".encode() + b"bad@x.example,\xff\xfe\xfa,advisor,\r\n"

    lines = read_invites(data)

    assert [(line.line, line.status) for line in lines] == [(2, "invited"), (3, "unreadable row")]
    assert "not text" in lines[1].reason


def test_a_missing_email_says_the_column_is_empty() -> None:
    [line] = read_invites((HEADER + ",Nobody,advisor,\r\n").encode())

    assert (line.line, line.status, line.reason) == (2, "invalid email", "the email column is empty")


def test_windows_1252_semicolon_and_utf16_files_are_read() -> None:
    text = "E-mail;Name;Type\r\nzoe@x.example;Zoë Whitaker;advisor\r\n"

    for data in (text.encode("cp1252"), text.encode("utf-16"), b"\xef\xbb\xbf" + text.encode()):
        [line] = read_invites(data)
        assert (line.status, line.name) == ("invited", "Zoë Whitaker")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"PK\x03\x04rest-of-a-workbook", "Excel workbook"),
        (b"name,title\r\nAnn,CEO\r\n", "email column"),
        (b'"email,name\r\n', "email column"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_saying_what_to_fix(data: bytes, says: str) -> None:
    with pytest.raises(UnreadableFile, match=says):
        read_invites(data)


def _data_lines(data: bytes) -> int:
    return len(re.findall(rb"\r\n|\n|\r", data)) + 1


@given(st.binary(max_size=3000))
def test_any_bytes_give_each_line_a_status_or_a_refusal(data: bytes) -> None:
    try:
        lines = read_invites(HEADER.encode() + data)
    except UnreadableFile as error:
        assert error.message
        return
    assert all((line.status in STATUSES and line.reason) or line.status == "invited" for line in lines)
    numbers = [line.line for line in lines]
    assert numbers == sorted(set(numbers)) and all(2 <= n <= _data_lines(HEADER.encode() + data) for n in numbers)


cells = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffd") | st.just("\n"), max_size=40
)
emails = st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.example", fullmatch=True)


@given(st.lists(st.tuples(emails, cells, cells), min_size=1, max_size=15))
def test_whatever_a_csv_writer_writes_is_read_back_cell_for_cell(rows: list[tuple[str, str, str]]) -> None:
    """Given rows written by Python's csv module (quotes, commas and line breaks in names and notes), then each
    is read back with its own cells -- unless a note has a line that is itself a row with an email address."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["email", "name", "note"])
    written = [(email, name, note) for email, name, note in rows]
    writer.writerows(written)

    lines = read_invites(out.getvalue().encode())

    good = [line for line in lines if line.status in ("invited", "duplicate in file")]
    if all("@" not in note for _, _, note in written) and all("@" not in name for _, name, _ in written):
        assert len(good) == len(written)
        for line, (email, name, note) in zip(good, written, strict=True):
            assert line.email == email
            assert (line.note or "") == note.strip().replace("\r\n", "\n")
            assert line.name == (name.strip() or line.name)
