"""The visible text of a reply (warmpath.replies), on the labelled corpora of real replies.

Each corpus labels differently (see ../shared/fixtures/SOURCES.md); the labels used here are the ones its
project's own tests check exactly. A floor per corpus keeps the pass rate from falling; ``make bench``
prints the rates themselves.
"""

from __future__ import annotations

import pytest
from warmpath.replies import visible_text

from tests.data.reply_corpora import CORPORA, pass_rate


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_each_labelled_corpus_stays_above_its_floor(corpus: str) -> None:
    cases, floor = CORPORA[corpus]
    rate, count = pass_rate(cases())

    assert count >= 6
    assert rate >= floor, f"{corpus}: {rate:.2f} of {count} cases"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Sure, happy to!\n\nOn Tue, 3 Nov 2026 at 10:00, Riley <riley@acme.example> wrote:\n> Could you...",
            "Sure, happy to!",
        ),
        ("Gerne.\n\nAm 03.11.2026 um 10:00 schrieb Riley Chen <riley@acme.example>:\n> Hallo", "Gerne."),
        (
            "Avec plaisir\n\nLe mar. 3 nov. 2026 à 10:00, Riley <riley@acme.example> a écrit :\n> Bonjour",
            "Avec plaisir",
        ),
        (
            "Not this time.\r\n\r\n________________________________\r\n"
            "From: Riley Chen\r\nSent: Tuesday\r\nTo: Ada\r\n",
            "Not this time.",
        ),
        ("Yes\n\n-----Original Message-----\nFrom: Riley", "Yes"),
        ("Sounds good\n\nSent from my iPhone\n\n> quoted", "Sounds good"),
        ("Happy to help.\n-- \nMargaret Hale\nHale Ventures", "Happy to help."),
        ("\ufeffYes\u200b please", "Yes please"),
    ],
)
def test_quotes_headers_and_signatures_are_not_part_of_the_reply(body: str, expected: str) -> None:
    assert visible_text(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Yes\r\non second thought\r\n\r\nOn Tue, Warmpath <intros@warmpath.localhost> wrote:\r\n> Ask",
            "Yes\non second thought",
        ),
        ("Sure\nOn 2nd thought, no\n\nOn Tue, 3 Nov 2026 at 10:00, Riley <r@x.example> wrote:\n> q", None),
        ("Ja\nAm liebsten nicht\n\nAm 03.11.2026 um 10:00 schrieb Riley <r@x.example>:\n> q", None),
        ("Oui\nLe mois prochain\n\nLe mar. 3 nov. 2026 à 10:00, Riley <r@x.example> a écrit :\n> q", None),
        ("Yes\nOn reflection, no\n\nSent from my iPhone\n\n> On 3 Nov 2026, at 10:00, Riley wrote:\n> q", None),
    ],
)
def test_a_last_line_of_the_reply_above_a_quote_header_is_kept(body: str, expected: str | None) -> None:
    # Given a reply whose last line starts like a quote header ("On ...", "Am ...", "Le ..."), then the real one
    # Then that line stays in the reply (it is not taken for the first line of a wrapped header)
    kept = body.split("\n\n")[0].replace("\r", "")

    assert visible_text(body) == (expected or kept)


def test_a_sentence_that_starts_like_a_signature_is_kept() -> None:
    body = "Here it is\n\nSent from my desk, which is much easier than my phone for long answers."

    assert visible_text(body) == body


def test_a_reply_with_no_quote_is_kept_whole() -> None:
    assert visible_text("Line one\n\nLine two\n") == "Line one\n\nLine two"
