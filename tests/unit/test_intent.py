"""What an emailed answer means (warmpath.intent): an accept is only an unconditional yes in the answer paragraph.

A false accept sends an introduction the connector did not agree to, so the generated adversarial set (every
accept phrase x every negation, condition, deferral, reversal, hedge and contrast, in seven languages and in
every position) is held at zero accepts, while plain yeses in every language stay accepts.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from warmpath.inbound_mail import conclude
from warmpath.intent import INTENTS, classify
from warmpath.replies import visible_text

from tests.data.intent_cases import (
    ACCEPTS,
    ATTACKS,
    DISCLAIMER,
    INTRO_WORDS,
    PLAIN_YES,
    SIGNATURE,
    adversarial,
    every_accept,
    every_blocker,
)

QUOTES = {
    "gmail": "\n\nOn Tue, 3 Nov 2026 at 10:00, Warmpath <intros@warmpath.example> wrote:\n> Would you introduce Riley?",
    "outlook": (
        "\r\n\r\n________________________________\r\nFrom: Warmpath <intros@warmpath.example>\r\n"
        "Sent: Tuesday, 3 November 2026 10:00\r\nTo: Margaret\r\nSubject: Would you introduce Riley?\r\n\r\n"
        "Would you introduce Riley? If not, just say no."
    ),
    "german": "\n\nAm 03.11.2026 um 10:00 schrieb Warmpath <intros@warmpath.example>:\n> Nicht jetzt?",
    "french": "\n\nLe mar. 3 nov. 2026 à 10:00, Warmpath <intros@warmpath.example> a écrit :\n> Pas maintenant ?",
    "iphone": "\n\nSent from my iPhone\n\n> On 3 Nov 2026, at 10:00, Warmpath wrote:\n> Maybe later?",
}


def test_no_accept_phrase_with_a_blocker_anywhere_in_the_answer_is_an_accept() -> None:
    # Given every accept phrase combined with every blocker of its language (and English), in every position
    cases = list(adversarial())

    # When each is read
    accepted = [(language, kind, text) for language, kind, text in cases if classify(text).kind == "accept"]

    # Then none is an accept
    assert len(cases) > 30_000
    assert {language for language, _, _ in cases} == set(ACCEPTS)
    assert accepted == [], f"{len(accepted)} false accepts, e.g. {accepted[:10]}"


@pytest.mark.parametrize("text", ATTACKS)
def test_other_wordings_of_a_blocked_yes_are_not_accepts(text: str) -> None:
    assert classify(text).kind != "accept", classify(text).evidence


@pytest.mark.parametrize("text", PLAIN_YES)
def test_a_plain_yes_is_an_accept(text: str) -> None:
    assert classify(text).kind == "accept", classify(text).evidence


@pytest.mark.parametrize("client", sorted(QUOTES))
@pytest.mark.parametrize("text", [t for accepts in ACCEPTS.values() for t in accepts[:3]])
def test_a_plain_yes_above_a_quoted_ask_is_an_accept(text: str, client: str) -> None:
    # Given a yes above the quoted ask (whose own words hold "no", "nicht jetzt", "maybe later")
    body = text + "\n\n" + SIGNATURE + QUOTES[client]

    # Then the visible reply is read as an accept
    assert classify(visible_text(body)).kind == "accept"


@pytest.mark.parametrize("client", sorted(QUOTES))
def test_a_blocker_on_the_line_above_a_quoted_ask_is_never_cut_off_as_part_of_the_quote(client: str) -> None:
    # Given "Yes", then a blocker on the next line (many start like a quote header: "On second thought",
    # "Le mois prochain", "Am liebsten nicht"), then the quoted ask in a real client's format
    bodies = [f"Yes\n{blocker[:1].upper()}{blocker[1:]}{QUOTES[client]}" for blocker in every_blocker()]

    # Then no visible reply is read as an accept
    assert [body for body in bodies if classify(visible_text(body)).kind == "accept"] == []


@given(
    accept=st.sampled_from(every_accept()),
    blocker=st.sampled_from(every_blocker()),
    joiner=st.sampled_from(["\n", "\r\n", ", ", " "]),
    client=st.sampled_from(sorted(QUOTES)),
)
def test_property_a_blocked_yes_above_a_quoted_ask_is_never_an_accept(
    accept: str, blocker: str, joiner: str, client: str
) -> None:
    body = accept + joiner + blocker[:1].upper() + blocker[1:] + QUOTES[client]

    assert classify(visible_text(body)).kind != "accept"


@pytest.mark.parametrize(
    "text",
    [
        "Absolutely not!",
        "I'm not happy to introduce them",
        "I'd prefer not to",
        "I'd rather not.",
        "Of course not.",
        "No, sorry",
        "Not this time.",
        "Nein, leider nicht.",
        "Non merci.",
        "No, lo siento.",
        "Não, obrigado.",
        "No, purtroppo.",
        "Nee, liever niet.",
    ],
)
def test_a_clear_refusal_is_a_decline(text: str) -> None:
    assert classify(text).kind == "decline"


@pytest.mark.parametrize(
    "text",
    [
        "Sure, but not now",
        "Yes \u2014 actually, I'd prefer you didn't",
        "yes... wait, never mind",
        "Yes, provided the budget is approved",
        "Ja, aber nicht jetzt",
        "Oui, mais pas maintenant",
        "Sí, pero más tarde",
        "Sim, se o orçamento for aprovado",
        "Sì, ma dopo le vacanze",
        "Ja, maar later",
        "Happy to, once the deal closes.",
        "Sure, let me think about it.",
        "Yes, in January.",
        "Happy to... I guess",
    ],
)
def test_a_conditional_deferred_or_reversed_yes_is_unclear_so_the_links_are_sent_again(text: str) -> None:
    assert classify(text).kind == "unclear"


@pytest.mark.parametrize(
    "text",
    [
        "No problem!",
        "Not a problem at all, I'll do it today.",
        "No worries.",
        "Why not?",
        "I can't say no to Riley.",
        "Kein Problem.",
        "Pas de souci !",
        "¿Por qué no?",
        "Nessun problema.",
        "Geen probleem!",
        "I can't wait to introduce them!",
        "I don't see why not.",
    ],
)
def test_fixed_idioms_that_mean_yes_are_accepts(text: str) -> None:
    assert classify(text).kind == "accept"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Sure \u2014 what is the context?", "question"),
        ("Why not ask Sam instead?", "question"),
        ("Not sure I know her well enough \u2014 who else?", "dont_know"),
        ("Ich kenne ihn kaum.", "dont_know"),
    ],
)
def test_questions_and_doubts_keep_their_label(text: str, intent: str) -> None:
    assert classify(text).kind == intent


@pytest.mark.parametrize(
    "text",
    [
        "Sure, happy to.\n\n" + INTRO_WORDS,
        "Yes!\n\n" + SIGNATURE + "\n\n" + DISCLAIMER,
        "Yes!\n\nPriya, meet Riley. Riley would love to meet you, but only if you have time; maybe next week?",
        "Gerne.\n\nIf you are not the intended recipient of this email, please delete it.",
    ],
)
def test_text_after_the_answer_paragraph_does_not_block_an_accept(text: str) -> None:
    assert classify(text).kind == "accept"


@pytest.mark.parametrize(
    "text",
    [
        "I'll look at this tonight.\n\nSure, happy to, Priya is great.",
        "Let me think about it.\n\nYes, happy to.",
        "Hmm.\n\nOK.",
    ],
)
def test_text_after_the_answer_paragraph_does_not_make_an_accept(text: str) -> None:
    assert classify(text).kind != "accept"


@pytest.mark.parametrize(
    "text",
    [
        "Yes.\n\nBut not now.",
        "Sure!\n\nActually, never mind.",
        "Happy to.\n\nIf the budget is approved, that is.",
        "Yes!\n\nPriya, meet Riley.\n\nP.S. Not before March, please.",
        "Yes\nThanks, but no.",
        "Lieber nicht, ja.",
    ],
)
def test_a_paragraph_that_continues_the_answer_or_a_postscript_blocks_it(text: str) -> None:
    assert classify(text).kind != "accept"


@pytest.mark.parametrize(
    "text",
    [
        "OK, \u043d\u043e \u043d\u0435 \u0441\u0435\u0439\u0447\u0430\u0441",
        "Ja, men inte nu",
        "OK, ale nie teraz",
        "Sure \U0001f914",
    ],
)
def test_a_yes_next_to_words_we_cannot_read_is_not_an_accept(text: str) -> None:
    assert classify(text).kind != "accept"


def test_an_answer_too_long_to_be_a_plain_yes_is_unclear() -> None:
    assert classify("Yes, happy to. " * 20_000).kind == "unclear"


JOINERS = [", ", " ", ". ", " \u2014 ", "\u2026 ", "\n", "; ", " (", " - ", "! ", ", and "]


@given(
    accept=st.sampled_from(every_accept()),
    blocker=st.sampled_from(every_blocker()),
    joiner=st.sampled_from(JOINERS),
    blocker_first=st.booleans(),
    case=st.sampled_from([str, str.upper, str.lower, str.title]),
)
def test_property_a_blocker_next_to_any_accept_never_makes_an_accept(
    accept: str, blocker: str, joiner: str, blocker_first: bool, case: object
) -> None:
    text = blocker + joiner + accept if blocker_first else accept + joiner + blocker

    assert classify(case(text)).kind != "accept"  # type: ignore[operator]


@given(st.text(max_size=400))
def test_property_reading_any_text_never_fails(text: str) -> None:
    assert classify(text).kind in INTENTS


_POSTSCRIPT = re.compile(r"(?im)^[\W_]*(p\.?\s?s|n\.?\s?b)\b")


@given(accept=st.sampled_from(every_accept()), rest=st.text(max_size=300))
def test_property_text_after_the_answer_never_changes_an_accept(accept: str, rest: str) -> None:
    # Given an accept, then the connector's own introduction words (which may hold anything but a postscript)
    after = "Priya, meet Riley." + rest
    plain = after.replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    assume(not _POSTSCRIPT.search(plain))

    assert classify(accept + "\n\n" + after).kind == "accept"


@given(
    accept=st.sampled_from(every_accept()),
    blocker=st.sampled_from(every_blocker()),
    later=st.sampled_from(every_accept() + PLAIN_YES),
)
def test_property_a_yes_after_a_blocked_answer_never_makes_an_accept(accept: str, blocker: str, later: str) -> None:
    assert classify(f"{accept}, {blocker}.\n\n{later}").kind != "accept"


@given(st.binary(max_size=2000))
def test_property_reading_any_message_never_fails(raw: bytes) -> None:
    found = conclude(raw, verdicts={}, expected_sender=None, reply_id=None, token_valid=False)

    assert found.intent in INTENTS and not found.actionable
