"""What a connector's emailed answer means: accept, decline, don't know them well, a question, or unclear.

Conservative by design: only a reply that says yes, and nothing else, is an accept. Any sign of doubt,
refusal or a question wins over a yes ("Sure, but who else could do it?" is a question; "Yes... actually
no" is unclear), an empty or unreadable reply is unclear, and unclear never acts: the connector gets a
one-click follow-up instead. Phrases are matched on the visible text only (``replies.visible_text``), case
and accents folded, in English and the most common other languages of the corpora.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

INTENTS = ("accept", "decline", "dont_know", "question", "unclear", "auto_reply")

_ACCEPT = [
    r"\byes\b", r"\byep\b", r"\byeah\b", r"\bsure\b", r"happy to", r"glad to", r"delighted", r"of course",
    r"absolutely", r"will do", r"\bok\b", r"\bokay\b", r"sounds good", r"go ahead", r"with pleasure", r"count me in",
    r"i can (do|help|introduce|make)", r"i'?ll (do|make|send|introduce)", r"\bdone\b", r"no problem",
    r"\bgerne\b", r"\bja\b", r"avec plaisir", r"\boui\b", r"con gusto", r"\bclaro\b", r"\bsi\b", r"\bsim\b",
    r"volentieri", r"\bgraag\b",
]  # fmt: skip
_DECLINE = [
    r"\bno\b", r"\bnope\b", r"not this time", r"can'?t", r"cannot", r"unable", r"won'?t", r"\bpass\b",
    r"rather not", r"not comfortable", r"decline", r"not (a )?good (time|fit)", r"not able", r"\bsorry\b",
    r"too busy", r"leider nicht", r"\bnein\b", r"non merci", r"\bnon\b", r"lo siento", r"no puedo",
]  # fmt: skip
_DONT_KNOW = [
    r"(don'?t|do not|didn'?t) (really )?know (him|her|them|this person)",
    r"not sure i know", r"barely know", r"hardly know", r"(haven'?t|have not) (spoken|talked|been in touch)",
    r"not (that |very |really )?close", r"know (him|her|them) (only )?(well enough|a little|slightly|vaguely)",
    r"(not|n'?t) (know|knows) .{0,20}well enough", r"lost touch", r"met (him|her|them) once",
]  # fmt: skip
_ACCEPT_RES = [re.compile(p) for p in _ACCEPT]
_DECLINE_RES = [re.compile(p) for p in _DECLINE]
_DONT_KNOW_RES = [re.compile(p) for p in _DONT_KNOW]


@dataclass(frozen=True)
class Intent:
    kind: str  # one of INTENTS
    evidence: list[str]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'")).lower()
    return "".join(c for c in text if not unicodedata.combining(c))


def _found(patterns: list[re.Pattern[str]], text: str) -> list[str]:
    return [m.group(0) for p in patterns if (m := p.search(text))]


def classify(visible: str) -> Intent:
    """The intent of a reply's visible text (auto-replies are told apart by their headers, not here)."""
    text = _fold(" ".join(visible.split()))
    text = re.sub(r"\bno (problem|worries)\b", "sure", text)  # a yes, though it starts with "no"
    if not text:
        return Intent("unclear", ["the reply is empty"])
    dont_know, declines, accepts = _found(_DONT_KNOW_RES, text), _found(_DECLINE_RES, text), _found(_ACCEPT_RES, text)
    if dont_know:
        return Intent("dont_know", [f'says "{dont_know[0]}"'])
    if "?" in text:
        return Intent("question", ["asks a question"])
    if declines and accepts:
        return Intent("unclear", [f'both "{accepts[0]}" and "{declines[0]}"'])
    if declines:
        return Intent("decline", [f'says "{declines[0]}"'])
    if accepts:
        return Intent("accept", [f'says "{accepts[0]}"'])
    return Intent("unclear", ["no yes or no found"])
