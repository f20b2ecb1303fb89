"""The labelled reply corpora in ../shared/fixtures/email_replies/, as (name, body, expected visible text).

Each corpus labels differently (see ../shared/fixtures/SOURCES.md); the labels used are those its project's
own tests check exactly. Used by tests/unit/test_replies.py (a floor per corpus) and ``make bench`` (the rates).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from warmpath.replies import normalise, visible_text

ROOT = Path(__file__).resolve().parents[2]
SHARED_FIXTURES = Path(os.environ.get("WARMPATH_FIXTURES", ROOT.parent / "shared" / "fixtures"))
REPLIES = SHARED_FIXTURES / "email_replies"
LOREM = "Fusce bibendum"
GITHUB = {
    "email_2_1": "Outlook with a reply",
    "email_2_2": "Outlook with a reply directly above line",
    "email_iPhone": "Here is another email",
    "email_BlackBerry": "Here is another email",
    "email_multi_word_sent_from_my_mobile_device": "Here is another email",
    "email_sent_from_my_not_signature": (
        "Here is another email\n\nSent from my desk, is much easier then my mobile phone."
    ),
}


def _clean(text: str) -> str:
    return "\n".join(line.rstrip() for line in normalise(text).split("\n")).strip()


def discourse() -> Iterator[tuple[str, str, str]]:
    root = REPLIES / "discourse-email_reply_trimmer"
    for email in sorted((root / "emails").glob("*.txt")):
        expected = root / "trimmed" / email.name
        if expected.exists():
            yield email.name, email.read_text(encoding="utf-8"), expected.read_text(encoding="utf-8")


def crisp_lorem() -> Iterator[tuple[str, str, str]]:
    """The crisp corpus's replies whose label is the opening Lorem paragraph."""
    for email in sorted((REPLIES / "crisp-oss-email-reply-parser" / "fixtures").glob("*.txt")):
        text = email.read_text(encoding="utf-8")
        if normalise(text).startswith(LOREM):
            yield email.name, text, normalise(text).split("\n\n")[0]


def github() -> Iterator[tuple[str, str, str]]:
    for name, expected in GITHUB.items():
        yield name, (REPLIES / "github-email_reply_parser" / "emails" / f"{name}.txt").read_text("utf-8"), expected


Cases = Callable[[], Iterator[tuple[str, str, str]]]
# corpus -> (its labelled cases, the pass rate the tests hold it to)
CORPORA: dict[str, tuple[Cases, float]] = {
    "discourse": (discourse, 0.8),
    "crisp": (crisp_lorem, 0.65),
    "github": (github, 1.0),
}


def pass_rate(cases: Iterator[tuple[str, str, str]]) -> tuple[float, int]:
    """The share of cases whose visible text equals the label (line ends and trailing spaces aside)."""
    results = [_clean(visible_text(body)) == _clean(expected) for _, body, expected in cases]
    return sum(results) / len(results), len(results)
