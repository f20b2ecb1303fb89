"""Corrupted exports: every good row imports; each bad row is skipped with its line number and a reason.

Every corruption is applied to a copy of every real format (tests/data/corrupted_exports.py): LinkedIn
(current, old, UTF-16), Google (current with BOM, legacy), Outlook (Windows-1252, multi-line notes), vCard.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warmpath.contacts import REFUSE_AT_UNREADABLE, ParsedFile, UnreadableFile, parse_contacts

from tests.data.corrupted_exports import ALL_EXPORTS, CSV_EXPORTS, VCARD, Export

IDS = [e.file for e in CSV_EXPORTS]


def _names(parsed: ParsedFile) -> list[str]:
    return [c.name for c in parsed.contacts]


def _good_names(export: Export) -> list[str]:
    return _names(parse_contacts(export.raw))


def _skips(parsed: ParsedFile) -> list[tuple[int, str]]:
    return [(s.line, s.reason) for s in parsed.skipped]


def _bad_line(export: Export) -> int:
    """The 1-based line number of a row inserted right after the header (every real row comes after it)."""
    return export.header_index + 2


def _insert_text(export: Export, row: str) -> bytes:
    lines = list(export.lines)
    lines.insert(export.header_index + 1, row)
    return export.with_lines(lines)


def _assert_only_skip(parsed: ParsedFile, line: int, reason: str) -> None:
    [(skipped_line, skipped_reason)] = _skips(parsed)
    assert skipped_line == line
    assert reason in skipped_reason


# -- one bad row, in every CSV format --------------------------------------------------------------------


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=IDS)
def test_an_unclosed_quote_mid_file_is_reported_and_does_not_swallow_the_rows_after_it(export: Export) -> None:
    # Given a row whose quote is never closed, before every real row of the export
    row = 'Unterminated,"Row,https://www.linkedin.com/in/unterminated' + ",x" * (export.width - 3) + "\r\n"

    parsed = parse_contacts(_insert_text(export, row))

    assert _names(parsed) == _good_names(export)
    _assert_only_skip(parsed, _bad_line(export), "unbalanced quotes")


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=IDS)
def test_a_last_row_cut_inside_a_quote_is_reported_not_imported_as_a_person(export: Export) -> None:
    data = export.raw + export.encode('Unterminated,"Row,https://www.linkedin.com/in/cut', start=False)

    parsed = parse_contacts(data)

    assert _names(parsed) == _good_names(export)
    assert not any("Unterminated" in name or "," in name for name in _names(parsed))
    _assert_only_skip(parsed, len(export.lines) + 1, "unbalanced quotes")


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=IDS)
def test_a_last_row_cut_short_is_reported(export: Export) -> None:
    data = export.raw + export.encode("Ada,Love", start=False)

    parsed = parse_contacts(data)

    assert _names(parsed) == _good_names(export)
    _assert_only_skip(parsed, len(export.lines) + 1, "cut short")


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=IDS)
def test_a_row_with_no_name_is_skipped_even_with_an_email_and_a_company(export: Export) -> None:
    parsed = parse_contacts(_insert_text(export, export.nameless_row()))

    assert _names(parsed) == _good_names(export)
    _assert_only_skip(parsed, _bad_line(export), "no name")


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=IDS)
def test_a_row_of_undecodable_bytes_is_skipped_and_the_rest_of_the_file_still_decodes(export: Export) -> None:
    parsed = parse_contacts(export.inserted(export.header_index, export.undecodable()))

    assert _names(parsed) == _good_names(export)
    _assert_only_skip(parsed, _bad_line(export), "undecodable bytes")


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=IDS)
def test_a_row_of_binary_junk_is_skipped_not_the_whole_file(export: Export) -> None:
    parsed = parse_contacts(export.inserted(export.header_index, export.control_junk()))

    assert _names(parsed) == _good_names(export)
    _assert_only_skip(parsed, _bad_line(export), "binary data")


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=IDS)
def test_a_row_with_nul_bytes_is_skipped(export: Export) -> None:
    row = export.row(**{"first name": "Nul", "last name": "By\x00te", "given name": "Nul", "name": "Nul By\x00te"})

    parsed = parse_contacts(_insert_text(export, row))

    assert _names(parsed) == _good_names(export)
    _assert_only_skip(parsed, _bad_line(export), "binary data")


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
@pytest.mark.parametrize("export", CSV_EXPORTS, ids=IDS)
def test_a_field_over_the_csv_modules_limit_skips_its_row_only(export: Export, quoted: bool) -> None:
    huge = "x" * (csv.field_size_limit() + 10)
    row = export.row(**{"first name": "Huge", "last name": "Field", "given name": "Huge", "company": "Acme"})
    row = row.rstrip("\r\n") + (f',"{huge}"' if quoted else f",{huge}") + "\r\n"

    parsed = parse_contacts(_insert_text(export, row))

    assert _names(parsed) == _good_names(export)
    _assert_only_skip(parsed, _bad_line(export), "longer than 64 KB")


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=IDS)
def test_mixed_line_endings_read_the_same_rows(export: Export) -> None:
    endings = ["\n", "\r", "\r\n"]
    lines = []
    for i, line in enumerate(export.lines):
        body = line.rstrip("\r\n")
        lines.append(body + (endings[i % 3] if line != body else ""))

    parsed = parse_contacts(export.with_lines(lines))

    assert _names(parsed) == _good_names(export)
    assert parsed.skipped == []


def test_a_utf16_file_cut_at_an_odd_byte_reports_its_last_line() -> None:
    [export] = [e for e in CSV_EXPORTS if e.codec == "utf-16"]
    row = export.row(**{"first name": "Ada", "last name": "Lovelace", "company": "Analytical Engines"})
    data = export.raw + export.encode(row, start=False)
    cut = data.rindex("Lovelace".encode("utf-16-le")) + 5  # in the middle of a character

    parsed = parse_contacts(data[:cut])

    assert cut % 2 == 1
    assert _names(parsed) == _good_names(export)
    _assert_only_skip(parsed, len(export.lines) + 1, "undecodable bytes")


def test_a_junk_row_of_odd_length_in_a_utf16_file_spoils_only_its_own_line() -> None:
    [export] = [e for e in CSV_EXPORTS if e.codec == "utf-16"]
    junk = b"\x01\x02\x03" + "\r\n".encode("utf-16-le")  # three bytes: everything after is misaligned by one

    parsed = parse_contacts(export.inserted(export.header_index, junk))

    assert _names(parsed) == _good_names(export)
    assert [line for line, _ in _skips(parsed)] == [_bad_line(export)]


def test_a_file_cut_in_the_middle_of_a_character_reports_that_line() -> None:
    [export] = [e for e in CSV_EXPORTS if e.file == "linkedin-connections.csv"]
    row = export.row(**{"first name": "Zoë", "last name": "Ångström", "company": "Acme"})
    data = export.raw + row.encode("utf-8")
    cut = data.rindex("Å".encode()) + 1

    parsed = parse_contacts(data[:cut])

    assert _names(parsed) == _good_names(export)
    _assert_only_skip(parsed, len(export.lines) + 1, "undecodable bytes")


def test_an_ascii_file_with_one_windows_1252_row_reads_it_as_windows_1252() -> None:
    [export] = [e for e in CSV_EXPORTS if e.file == "linkedin-connections-old.csv"]

    parsed = parse_contacts(export.inserted(export.header_index, b"Ren\xe9e,M\xfcller,,Acme,CEO,11/02/17\r\n"))

    assert _names(parsed) == ["Renée Müller", *_good_names(export)]


def test_a_utf8_file_with_a_few_windows_1252_rows_keeps_its_utf8_names() -> None:
    [export] = [e for e in CSV_EXPORTS if e.file == "linkedin-connections.csv"]
    junk = b"".join(f"Ren\xe9{i},M\xfcller,,,Acme,CEO,01 Jan 2020\r\n".encode("latin-1") for i in range(2))

    parsed = parse_contacts(export.inserted(export.header_index, junk))

    assert _names(parsed) == _good_names(export)  # "Mateo García" and "Zoë Whitaker", not mojibake
    assert [reason for _, reason in _skips(parsed)] == ["undecodable bytes (not valid UTF-8)"] * 2


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=IDS)
def test_every_corruption_at_once_still_imports_every_good_row(export: Export) -> None:
    # Given one of each bad row after the header, and a last row cut inside a quote
    h = export.header_index
    lines = list(export.lines)
    head = export.encode("".join(lines[: h + 1]))
    bad = (
        export.encode(export.nameless_row(), start=False)
        + export.undecodable()
        + export.control_junk()
        + export.encode(
            'Unterminated,"Row,https://www.linkedin.com/in/x' + ",x" * (export.width - 3) + "\r\n", start=False
        )
    )
    tail = export.encode("".join(lines[h + 1 :]) + 'Cut,"Short', start=False)

    parsed = parse_contacts(head + bad + tail)

    assert _names(parsed) == _good_names(export)
    first = h + 2
    reasons = dict(_skips(parsed))
    assert sorted(reasons) == [first, first + 1, first + 2, first + 3, len(lines) + 5]
    assert "no name" in reasons[first]
    assert "undecodable" in reasons[first + 1]
    assert "binary" in reasons[first + 2]
    assert "unbalanced quotes" in reasons[first + 3]
    assert "unbalanced quotes" in reasons[len(lines) + 5]


# -- vCard ------------------------------------------------------------------------------------------------


def _vcard_lines() -> list[str]:
    return list(VCARD.lines)


def test_a_card_without_its_end_is_reported_and_the_next_card_imports() -> None:
    lines = _vcard_lines()
    end = lines.index("END:VCARD\r\n")
    del lines[end]

    parsed = parse_contacts(VCARD.with_lines(lines))

    assert _names(parsed) == ["Hana Kobayashi"]
    _assert_only_skip(parsed, 1, "card not ended")


def test_a_vcard_file_cut_inside_its_last_card_reports_that_card() -> None:
    data = VCARD.raw
    cut = data.rindex(b"TITLE:")

    parsed = parse_contacts(data[:cut])

    assert _names(parsed) == ["Avery Quinn"]
    _assert_only_skip(parsed, _vcard_lines().index("BEGIN:VCARD\r\n", 1) + 1, "card not ended")


@pytest.mark.parametrize(
    ("junk", "reason"),
    [(b"NOTE:\xff\xfe\xc3(\r\n", "undecodable bytes"), (b"NOTE:a\x00b\x01\r\n", "binary data")],
    ids=["undecodable", "binary"],
)
def test_a_bad_line_inside_a_card_skips_that_card_only(junk: bytes, reason: str) -> None:
    lines = _vcard_lines()
    second = lines.index("BEGIN:VCARD\r\n", 1)

    parsed = parse_contacts(VCARD.inserted(second + 2, junk))

    assert _names(parsed) == ["Avery Quinn"]
    [(line, why)] = _skips(parsed)
    assert line == second + 4
    assert reason in why and f"line {second + 1}" in why


def test_junk_between_cards_is_reported_and_both_cards_import() -> None:
    lines = _vcard_lines()
    second = lines.index("BEGIN:VCARD\r\n", 1)

    parsed = parse_contacts(VCARD.inserted(second - 1, b"\x00\x01\x02\xff\xfe junk\r\n"))

    assert _names(parsed) == ["Avery Quinn", "Hana Kobayashi"]
    _assert_only_skip(parsed, second + 1, "")


def test_a_card_with_no_name_is_skipped() -> None:
    nameless = "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:nobody@acme.example\r\nORG:Acme\r\nEND:VCARD\r\n"

    parsed = parse_contacts(VCARD.raw + nameless.encode())

    assert _names(parsed) == ["Avery Quinn", "Hana Kobayashi"]
    _assert_only_skip(parsed, len(_vcard_lines()) + 1, "no name")


def test_a_vcard_with_mixed_line_endings_and_a_huge_note_still_reads_both_cards() -> None:
    text = VCARD.raw.decode().replace("TITLE:Chief Scientist\r\n", "TITLE:Chief Scientist\n")
    text = text.replace("VERSION:3.0\r\n", "VERSION:3.0\r").replace("NOTE:", "NOTE:" + "x" * 300_000, 1)

    parsed = parse_contacts(text.encode())

    assert _names(parsed) == ["Avery Quinn", "Hana Kobayashi"]
    assert parsed.skipped == []


# -- refused whole ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("export", ALL_EXPORTS, ids=[e.file for e in ALL_EXPORTS])
def test_a_file_whose_rows_are_mostly_unreadable_is_refused_whole(export: Export) -> None:
    # Given the export's own header and rows, followed by far more junk lines than it has rows
    junk = export.control_junk() * (REFUSE_AT_UNREADABLE + 5)

    with pytest.raises(UnreadableFile, match=r"could be read \(line \d+: binary data"):
        parse_contacts(export.raw + junk)


@pytest.mark.parametrize("export", ALL_EXPORTS, ids=[e.file for e in ALL_EXPORTS])
def test_a_few_unreadable_rows_below_the_threshold_never_refuse_the_file(export: Export) -> None:
    junk = export.control_junk() * (REFUSE_AT_UNREADABLE - 1)

    parsed = parse_contacts(export.raw + junk)

    assert _names(parsed) == _good_names(export)
    assert len(parsed.skipped) == REFUSE_AT_UNREADABLE - 1


def test_a_binary_file_without_a_known_signature_is_refused_as_not_text() -> None:
    data = bytes(range(256)) * 40

    with pytest.raises(UnreadableFile, match="not text"):
        parse_contacts(data)


# -- properties ---------------------------------------------------------------------------------------------


def _assert_well_formed(parsed: ParsedFile) -> None:
    """No contact is junk or a swallowed row: a name has a letter, no line break, no URL, a sane length."""
    for contact in parsed.contacts:
        assert contact.name.strip() == contact.name and any(ch.isalpha() for ch in contact.name)
        assert "\n" not in contact.name and "\r" not in contact.name
        assert "://" not in contact.name and len(contact.name) <= 200
    assert all(s.line >= 1 and s.reason for s in parsed.skipped)


def _parse_or_refuse(data: bytes) -> ParsedFile | None:
    try:
        return parse_contacts(data)
    except UnreadableFile as error:
        assert error.message
        return None


@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise_anything_but_a_refusal(data: bytes) -> None:
    parsed = _parse_or_refuse(data)

    if parsed is not None:
        _assert_well_formed(parsed)


@given(
    st.sampled_from(ALL_EXPORTS),
    st.lists(
        st.tuples(
            st.sampled_from(["flip", "quote", "newline", "nul", "cut", "duplicate"]),
            st.floats(0, 1),
            st.integers(0, 255),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_mutated_real_exports_never_raise_and_never_yield_junk_contacts(
    export: Export, mutations: list[tuple[str, float, int]]
) -> None:
    data = bytearray(export.raw)
    for kind, where, value in mutations:
        at = int(where * len(data))
        if kind == "flip":
            data[min(at, len(data) - 1)] ^= value or 1
        elif kind == "quote":
            data[at:at] = b'"' if export.codec != "utf-16" else b'"\x00'
        elif kind == "newline":
            data[at:at] = b"\r\n"
        elif kind == "nul":
            data[at:at] = b"\x00"
        elif kind == "cut":
            del data[max(at, 1) :]
        else:
            data += data[at:]
        if not data:
            break

    parsed = _parse_or_refuse(bytes(data))

    if parsed is not None:
        _assert_well_formed(parsed)


@given(st.sampled_from(ALL_EXPORTS), st.floats(0, 1))
def test_a_truncated_export_only_ever_loses_contacts(export: Export, where: float) -> None:
    data = export.raw[: max(1, int(where * len(export.raw)))]

    parsed = _parse_or_refuse(data)

    if parsed is not None:
        assert set(_names(parsed)) <= set(_good_names(export))


@given(st.sampled_from(CSV_EXPORTS), st.floats(0, 1))
def test_one_inserted_quote_never_merges_rows_into_a_contact(export: Export, where: float) -> None:
    # (anywhere after the header row: a damaged header names other columns, which is another matter)
    text = export.raw.decode(export.codec)
    body = len("".join(export.lines[: export.header_index + 1]))
    at = body + int(where * (len(text) - body))

    parsed = _parse_or_refuse(export.encode(text[:at] + '"' + text[at:]))

    if parsed is not None:
        assert {n.replace('"', "") for n in _names(parsed)} <= set(_good_names(export))


_CELL = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30)
_NOTE = st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40), max_size=4).map(
    lambda lines: "\n".join(lines)
)


@given(st.lists(st.tuples(_CELL, _CELL, _CELL, _NOTE), max_size=8))
def test_any_rows_a_csv_writer_writes_are_read_back_notes_with_line_breaks_and_all(
    rows: list[tuple[str, str, str, str]],
) -> None:
    # Given a Google export written by a real CSV writer: quoted commas, quotes and multi-line notes
    [google] = [e for e in CSV_EXPORTS if e.format == "google"]
    keys = google.header
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(keys)
    for first, last, company, note in rows:
        writer.writerow(
            [
                {"First Name": first, "Last Name": last, "Organization Name": company, "Notes": note}.get(k, "")
                for k in keys
            ]
        )

    parsed = parse_contacts(out.getvalue().encode("utf-8"))

    expected = [" ".join(f"{f} {last}".split()) for f, last, _, _ in rows]
    expected = [n for n in expected if any(ch.isalpha() for ch in n) and len(n) <= 200]
    assert _names(parsed) == expected
    assert all(s.reason == "no name" for s in parsed.skipped)


def _generated_linkedin(rows: int) -> tuple[bytes, int, list[str]]:
    """A LinkedIn-shaped export (every row has a quoted company, as real ones often do), its header's end
    and its names."""
    head = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    names = [f"Person{i} Number{i}" for i in range(rows)]
    body = "".join(
        f'Person{i},Number{i},https://www.linkedin.com/in/p{i},,"Company {i % 7}, Inc.",Role {i},'
        f"0{1 + i % 9} Dec 2024\r\n"
        for i in range(rows)
    )
    return (head + body).encode(), len(head), names


@given(st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), min_size=1, max_size=3))
def test_each_damaged_byte_costs_at_most_the_row_it_is_in(flips: list[tuple[float, int]]) -> None:
    data, body, names = _generated_linkedin(30)
    damaged = bytearray(data)
    for where, mask in flips:
        damaged[body + int(where * (len(data) - body - 1))] ^= mask

    parsed = _parse_or_refuse(bytes(damaged))

    assert parsed is not None
    _assert_well_formed(parsed)
    assert len(parsed.contacts) >= len(names) - len(flips)


@given(st.floats(0, 1))
def test_a_stray_quote_in_a_long_export_costs_one_row_at_most(where: float) -> None:
    data, body, names = _generated_linkedin(30)
    at = body + int(where * (len(data) - body))

    parsed = parse_contacts(data[:at] + b'"' + data[at:])

    assert {c.name.replace('"', "") for c in parsed.contacts} <= set(names)
    assert len(parsed.contacts) >= len(names) - 1
