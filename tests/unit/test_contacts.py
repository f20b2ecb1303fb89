"""Reading real contact exports: every format and encoding people send, built from ../shared/fixtures."""

from __future__ import annotations

import codecs

import pytest
from warmpath.contacts import MAX_BYTES, UnreadableFile, parse_contacts

from tests.conftest import SHARED_FIXTURES

EXPORTS = SHARED_FIXTURES / "contact_exports"


def _bytes(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


def _linkedin_text() -> str:
    return _bytes("linkedin-connections.csv").decode("utf-8")


@pytest.mark.parametrize(
    ("name", "fmt", "count"),
    [
        ("linkedin-connections.csv", "linkedin", 3),
        ("linkedin-connections-old.csv", "linkedin", 1),
        ("linkedin-connections-utf16.csv", "linkedin", 1),
        ("google-contacts.csv", "google", 2),
        ("google-contacts-legacy.csv", "google_legacy", 1),
        ("outlook-contacts.csv", "outlook", 1),
        ("contacts.vcf", "vcard", 2),
    ],
)
def test_each_export_format_is_detected_and_read(name: str, fmt: str, count: int) -> None:
    parsed = parse_contacts(_bytes(name))

    assert parsed.format == fmt
    assert len(parsed.contacts) == count
    assert parsed.skipped == []


def test_linkedin_export_skips_its_notes_block_and_keeps_line_numbers() -> None:
    parsed = parse_contacts(_bytes("linkedin-connections.csv"))

    avery, mateo, zoe = parsed.contacts
    assert (avery.line, avery.name, avery.email) == (5, "Avery Quinn", None)
    assert avery.linkedin_url == "linkedin.com/in/averyquinn"
    assert avery.connected_on == "2025-12-07"
    assert (mateo.email, mateo.connected_on) == ("mateo.garcia@initech.example", "2024-01-03")
    assert (zoe.name, zoe.organisation, zoe.title) == ("Zoë Whitaker", "Soylent, Inc.", "Head of People")


def test_old_linkedin_export_dates_are_read_in_us_order() -> None:
    [priyanka] = parse_contacts(_bytes("linkedin-connections-old.csv")).contacts

    assert priyanka.connected_on == "2017-11-02"


def test_google_multi_value_cells_take_the_first_value_and_find_the_linkedin_website() -> None:
    avery, hana = parse_contacts(_bytes("google-contacts.csv")).contacts

    assert avery.linkedin_url == "linkedin.com/in/averyquinn"
    assert hana.email == "hana@vandelay.example"


def test_outlook_windows_1252_with_a_multi_line_note_is_read() -> None:
    [zoe] = parse_contacts(_bytes("outlook-contacts.csv")).contacts

    assert zoe.name == "Zoë Whitaker"
    assert zoe.email == "zoe.whitaker@soylent.example"


def test_vcard_folded_lines_and_both_versions_are_read() -> None:
    avery, hana = parse_contacts(_bytes("contacts.vcf")).contacts

    assert (avery.organisation, avery.linkedin_url) == ("Globex Corporation", "linkedin.com/in/averyquinn")
    assert (hana.name, hana.title) == ("Hana Kobayashi", "Chief Scientist")


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("cp1252"),
        lambda t: t.encode("latin-1"),
        lambda t: t.replace("\r\n", "\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "windows-1252", "latin-1", "lf-only"],
)
def test_every_common_encoding_gives_the_same_contacts(encode: object) -> None:
    expected = parse_contacts(_bytes("linkedin-connections.csv")).contacts

    parsed = parse_contacts(encode(_linkedin_text()))  # type: ignore[operator]

    assert [(c.name, c.organisation) for c in parsed.contacts] == [(c.name, c.organisation) for c in expected]


def test_a_bad_row_is_reported_with_its_line_and_the_good_rows_still_import() -> None:
    text = _linkedin_text().rstrip("\r\n") + "\r\n,,,,,,\r\n,,,not-an-email,Acme,CEO,01 Jan 2020\r\n"
    text += (
        'Extra,Columns,,,"A",B,01 Jan 2020,surprise,more\r\nAda,Lovelace,,,Analytical Engines,Countess,10 Dec 2015\r\n'
    )

    parsed = parse_contacts(text.encode("utf-8"))

    assert [c.name for c in parsed.contacts] == ["Avery Quinn", "Mateo García", "Zoë Whitaker", "Ada Lovelace"]
    assert [(s.line, s.reason) for s in parsed.skipped] == [
        (9, "no name"),
        (10, "9 columns where the header has 7"),
    ]


def test_linkedins_maximum_of_30000_rows_is_read() -> None:
    header, rows = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n", []
    for i in range(30_000):
        rows.append(f"Person{i},Number{i},https://www.linkedin.com/in/p{i},,Company {i % 500},Role,07 Dec 2025\r\n")

    parsed = parse_contacts((header + "".join(rows)).encode("utf-8"))

    assert len(parsed.contacts) == 30_000
    assert parsed.contacts[-1].line == 30_001


def test_an_empty_file_says_so() -> None:
    with pytest.raises(UnreadableFile, match="empty"):
        parse_contacts(b"  \r\n")


def test_a_file_over_the_limit_says_what_the_limit_is() -> None:
    with pytest.raises(UnreadableFile, match=r"the limit is 20 MB"):
        parse_contacts(b"x" * (MAX_BYTES + 1))


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"PK\x03\x04rest-of-zip", "Excel"), (b"%PDF-1.7 ...", "PDF"), (b"\x89PNG\r\n\x1a\n", "image")],
)
def test_the_wrong_file_type_is_named(data: bytes, kind: str) -> None:
    with pytest.raises(UnreadableFile, match=kind):
        parse_contacts(data)


def test_a_csv_without_a_known_header_says_which_exports_work() -> None:
    with pytest.raises(UnreadableFile, match=r"Connections\.csv"):
        parse_contacts(b"foo,bar\r\n1,2\r\n")


def test_a_file_of_more_lines_than_any_export_has_is_refused_before_it_is_read() -> None:
    with pytest.raises(UnreadableFile, match=r"more than 500,000 lines"):
        parse_contacts(b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + b"a\n" * 600_000)


def test_a_file_with_more_contacts_than_the_limit_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("warmpath.contacts.MAX_CONTACTS", 2)

    with pytest.raises(UnreadableFile, match=r"3 contacts; the limit is 2 a file"):
        parse_contacts(_bytes("linkedin-connections.csv"))
