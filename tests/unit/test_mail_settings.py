"""A tenant's email settings (warmpath.mail_settings) and the introduction's words (warmpath.introductions)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from warmpath import introductions
from warmpath.mail_settings import Brand, MailSettings, contrast


def test_defaults_are_three_days_to_a_reminder_seven_to_expiry_and_double_opt_in() -> None:
    settings = MailSettings.from_tenant(None)

    assert (settings.ask_reminder_days, settings.ask_expiry_days, settings.meeting_check_days) == (3, 7, 7)
    assert settings.double_opt_in is True and settings.digest_shows_all is False


@pytest.mark.parametrize(
    ("stored", "problem"),
    [
        ({"ask_reminder_days": 8}, "less than ask_expiry_days"),
        ({"ask_expiry_days": 45}, "at most 30"),
        ({"ask_reminder_days": "soon"}, "number of days"),
        ({"double_opt_in": "yes"}, "true or false"),
        ({"brand": {"colour": "blue"}}, "#1f4b99"),
        ({"brand": {"logo_url": "http://insecure.example/logo.png"}}, "https://"),
    ],
)
def test_bad_settings_say_what_to_fix(stored: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        MailSettings.from_tenant(stored)


@pytest.mark.parametrize("colour", ["#ffcc00", "#1f4b99", "#000000", "#ffffff", "#808080", "#ff0000"])
def test_button_text_always_reads_on_the_brand_colour(colour: str) -> None:
    brand = Brand(colour=colour)

    assert contrast(brand.colour, brand.text_colour) >= 4.5


def _request(**overrides: str) -> SimpleNamespace:
    fields = {
        "requester_name": "Riley Chen",
        "target_name": "Priya Natarajan",
        "target_title": "VP Sales",
        "target_company": "Northwind",
        "reason": "We cut reporting time for logistics teams.",
        "request_kind": "introduction",
    }
    return SimpleNamespace(**(fields | overrides))


def test_the_suggested_introduction_is_written_from_the_requesters_reason() -> None:
    text = introductions.default_text(_request(), "Acme")

    assert text.startswith("I'd like to introduce you to Riley Chen from Acme. We cut reporting time")
    assert "Riley, meet Priya Natarajan, VP Sales at Northwind." in text


def test_own_words_are_tidied_and_must_be_neither_empty_nor_too_long() -> None:
    assert introductions.clean("  Hi both,\r\n\r\n\r\n\r\nMeet each other.  ") == "Hi both,\n\nMeet each other."
    with pytest.raises(ValueError, match="empty"):
        introductions.clean(" \n ")
    with pytest.raises(ValueError, match="under 3,000"):
        introductions.clean("x" * 3001)


@pytest.mark.parametrize(
    ("reply", "own"),
    [
        ("Sure, happy to", None),
        ("Yes!\n\nThanks", None),
        (
            "Sure.\n\nPriya, meet Riley: the most thoughtful seller I know.",
            "Priya, meet Riley: the most thoughtful seller I know.",
        ),
    ],
)
def test_an_accepting_reply_carries_own_words_only_in_a_substantial_second_paragraph(
    reply: str, own: str | None
) -> None:
    assert introductions.from_reply(reply) == own
