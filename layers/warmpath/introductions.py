"""The words of a three-way introduction: written for the connector from the requester's reason.

The connector may change them (on the confirm page, or by replying "yes" with their own text below);
``intro_text`` on the ask then holds their wording, else ``default_text`` writes it. The greeting and the
signature are the email's, not part of the text.
"""

from __future__ import annotations

from typing import Any

MAX_LENGTH = 3000


def default_text(request: Any, tenant_name: str) -> str:
    """The introduction's body for ``request`` (an IntroRequest), in the connector's voice."""
    requester_first = first_name(request.requester_name)
    title = f", {request.target_title}" if request.target_title else ""
    reason = request.reason.strip()
    if request.request_kind == "reference":
        return (
            f"{request.requester_name} from {tenant_name} mentioned you would like to hear from a customer. "
            f"I'm happy to tell you about our experience: when suits you for a short call?\n\n{reason}"
        )
    return (
        f"I'd like to introduce you to {request.requester_name} from {tenant_name}. {reason}\n\n"
        f"{requester_first}, meet {request.target_name}{title} at {request.target_company}.\n\n"
        "I'll let you two take it from here."
    )


def clean(text: str) -> str:
    """A connector's own text, tidied: line endings, trailing spaces, at most one blank line in a row.

    Raises ValueError (saying what to change) when it is empty or longer than MAX_LENGTH.
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    paragraphs: list[str] = []
    for block in "\n".join(lines).split("\n\n"):
        if block.strip():
            paragraphs.append(block.strip("\n"))
    tidy = "\n\n".join(paragraphs).strip()
    if not tidy:
        raise ValueError("The introduction is empty: write a few words, or keep the suggested text.")
    if len(tidy) > MAX_LENGTH:
        raise ValueError(f"The introduction is {len(tidy):,} characters; keep it under {MAX_LENGTH:,}.")
    return tidy


MIN_OWN_TEXT = 40


def from_reply(visible_text: str) -> str | None:
    """A connector's own words in an accepting reply: the paragraphs after the first ("Sure, happy to").

    Only a substantial text counts (at least MIN_OWN_TEXT characters), so "Yes!\n\nThanks" keeps the
    suggested introduction. A text that cannot be used as it is (too long) is ignored rather than refused:
    the reply already said yes.
    """
    rest = paragraphs(visible_text.replace("\r\n", "\n").strip())[1:]
    if not rest or len("\n\n".join(rest)) < MIN_OWN_TEXT:
        return None
    try:
        return clean("\n\n".join(rest))
    except ValueError:
        return None


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def first_name(name: str) -> str:
    """The first word of a name (how emails greet people)."""
    return name.split()[0] if name.split() else name
