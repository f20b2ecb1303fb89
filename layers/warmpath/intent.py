"""What a connector's emailed answer means: accept, decline, don't know them well, a question, or unclear.

A false accept is the worst error this product can make (it sends an introduction the connector did not
agree to), so acceptance is the narrow case and "when in doubt, ask again":

- **The answer** is the first paragraph of the visible text (``replies.visible_text``) after any opening
  greeting or thank-you line ("Hi Riley,", "Thanks for asking!"), up to the first blank line, sign-off line
  ("Best,", "Viele Grüße") or disclaimer line. Only the answer can make an accept. What follows it (the
  connector's own words for the introduction, a signature, a legal disclaimer) neither makes nor blocks one,
  with two exceptions that can only block: a next paragraph that *opens* with a blocker ("Yes.\\n\\nBut not
  now.", "Sure\\n\\nActually, never mind") continues the answer (HTML mail puts every line in its own
  paragraph), and a postscript ("P.S. not before March") is written to the reader like the answer. At most
  three greeting lines are skipped; an answer over MAX_ANSWER_CHARS is not a plain yes (unclear).
- **An accept** needs an accept phrase in the answer ("yes", "sure", "happy to", "gerne", "avec plaisir", "claro
  que sí", "com prazer", "volentieri", "graag", ...) and *no* blocker anywhere in it: a negation or refusal
  ("not", "n't", "never", "no", "I'd prefer you didn't", "nicht", "pas", "não"), a condition ("if", "once", "as
  soon as", "only after", "unless", "provided", "when", "wenn", "si", "se", "als"), a deferral ("not now",
  "later", "after the holidays", "next week", "let me think", "maybe", "might"), a reversal ("actually", "on
  second thought", "scratch that", "wait", "never mind", "hmm"), a hedge ("I guess", "probably", "I'll try"), a
  contrast ("but", "however", "though", "aber", "mais", "pero", "ma", "maar"), a hesitant ellipsis ("yes..."),
  or text in a script we do not read (Cyrillic, Greek, Arabic, CJK ...). The no/but/if of Scandinavian,
  Polish, Finnish and Turkish block too, so a "ja" or "ok" in a language we do not read is never a yes.
  Fixed idioms that mean yes are read as "yes" first ("no problem", "not a problem", "no worries", "why not", "I
  can't say no", "kein Problem", "pas de souci", "nessun problema", "geen probleem"); "absolutely" and "of
  course" alone are yes, "absolutely not" and "of course not" are refusals. An apology for replying late and a
  goodbye ("talk soon", "bis bald") are not read at all. Near commitments ("today", "tomorrow") do not block;
  anything a week or more away does.
- **A decline** is a refusal with no accept phrase left standing and no condition or deferral ("No, sorry",
  "Absolutely not!", "I'm not happy to introduce them", "I'd prefer not to"). **dont_know** is doubt about
  knowing the person; **question** is an answer holding "?" ("Why not?" is an idiom, not a question).
- Everything else is **unclear**: the connector gets the one-click links again.

Text is folded before it is read (case, accents, typographic apostrophes, dashes, ellipses, invisible
characters), and the words
are those of ``warmpath.intent_lexicon`` in English, German, French, Spanish, Portuguese, Italian and Dutch.
Spanish and Italian "sí"/"sì" is a yes; unaccented "si" is a yes only on its own ("Si, claro", "Claro que si"),
and otherwise the French, Spanish and Italian "if".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from warmpath import intent_lexicon as lexicon

INTENTS = ("accept", "decline", "dont_know", "question", "unclear", "auto_reply")
MAX_ANSWER_CHARS = 2_000  # a longer answer paragraph is not a plain yes (and is not worth reading word by word)
MAX_REST_CHARS = 20_000  # how much of the text after the answer is searched for a postscript or a question


def _words(phrases: list[str]) -> re.Pattern[str]:
    """One pattern matching any of the phrases as whole words."""
    return re.compile(r"(?<![\w'])(?:" + "|".join(phrases) + r")(?![\w'])")


_YES_IDIOMS = _words(lexicon.YES_IDIOMS)
_NOISE = _words(lexicon.NOISE)
_ACCEPT = _words(lexicon.ACCEPT)
_NEGATED_ACCEPT = re.compile(
    rf"(?<![\w'])(?:{lexicon.NEGATORS_BEFORE})(?:\s+[^\s,.;:!?]+){{0,3}}?\s+(?:{'|'.join(lexicon.ACCEPT)})(?![\w'])"
    rf"|(?<![\w'])(?:{'|'.join(lexicon.ACCEPT)})\s+{lexicon.NEGATORS_AFTER}(?![\w'])"
)
_BLOCKERS = {kind: _words(phrases) for kind, phrases in lexicon.BLOCKERS.items()}
_ELLIPSIS = re.compile(r"\.{2,}")
_ANY_BLOCKER = re.compile(
    r"^[\W_]*(?:p\.?\s?s\.?[\W_]*)?(?:" + "|".join(p for ps in lexicon.BLOCKERS.values() for p in ps) + r")(?![\w'])"
    r"|^[\W_]*\.{2,}"
)
_DONT_KNOW = _words(lexicon.DONT_KNOW)
_OPENING_LINE = re.compile(rf"^\W*{lexicon.OPENING}{lexicon.OPENING_TAIL}(\s+[^\s,!:.]+){{0,3}}\s*[,!:.]*\s*$")
_OPENING_PREFIX = re.compile(rf"^\W*{lexicon.OPENING}{lexicon.OPENING_TAIL}(\s+[^\s,!:.]+){{0,3}}\s*[,!:.]+\s*")
_CLOSING_LINE = re.compile(rf"^\W*{lexicon.CLOSING}\s*[,.!]*(\s+[^\s]+){{0,3}}\s*$")
_DISCLAIMER = re.compile(lexicon.DISCLAIMER)
_POSTSCRIPT = re.compile(r"(?im)^[\W_]*(p\.?\s?s|n\.?\s?b)\b.*(\n.+)*")
_UNREAD_SCRIPT = re.compile(r"[\u0370-\u1fff\u2e80-\ua4ff\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff66-\uffdc]")
_ACCENTED_SI = re.compile(r"(?<![\w'])s[íì](?![\w'])")
_LONE_SI = re.compile(
    r"(?<![\w'])si(?=\s*(?:[,.!;:)]|-|$)|\s+(?:si|yes|claro|senor|senora|por favor|gracias|grazie|certo|"
    r"volentieri|con gusto|con piacere|perfecto|perfetto|vale|va bene)(?![\w']))"
)
_TYPOGRAPHY = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2013": " - ", "\u2014": " - ", "\u2015": " - ", "\u2012": " - ", "\u2212": " - ", "\u2010": "-",
        "\u2026": "...", "\u00a0": " ", "\u2028": "\n", "\u2029": "\n\n",
        "\u200b": None, "\u200c": None, "\u200d": None, "\u200e": None, "\u200f": None, "\u2060": None,
        "\ufeff": None, "\u00ad": None,
    }
)  # fmt: skip


@dataclass(frozen=True)
class Intent:
    kind: str  # one of INTENTS
    evidence: list[str]


@dataclass(frozen=True)
class Answer:
    """A reply split where it is read: the answer, and the text after it (the connector's own words etc.)."""

    text: str
    rest: str
    continued: bool  # the paragraph after the answer opens with a blocker, so it is read as part of the answer


def fold(text: str) -> str:
    """Lower case without accents, typographic apostrophes, quotes, dashes and ellipses made plain; "sí"/"sì"
    (a yes, never the "si" of "if") becomes "yes"."""
    text = _ACCENTED_SI.sub("yes", text.translate(_TYPOGRAPHY).casefold())
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def split_answer(visible: str) -> Answer:
    """The answer paragraph of a reply's visible text and what follows it (see the module docstring)."""
    lines = visible.replace("\r\n", "\n").replace("\r", "\n").translate(_TYPOGRAPHY).split("\n")
    start, openings = 0, 0
    while start < len(lines) and (not lines[start].strip() or (openings < 3 and _is_opening(lines[start]))):
        openings += bool(lines[start].strip())
        start += 1
    end, size = start, 0
    while end < len(lines) and lines[end].strip() and size <= MAX_ANSWER_CHARS:
        if end > start and (_is_closing(lines[end]) or _DISCLAIMER.search(fold(lines[end][:MAX_ANSWER_CHARS]))):
            break
        size += len(lines[end]) + 1
        end += 1
    answer = "\n".join(lines[start:end]).strip()
    if answer and _DISCLAIMER.search(fold(answer.split("\n")[0][:MAX_ANSWER_CHARS])):
        answer = ""
    rest = "\n".join(lines[end:]).strip()[:MAX_REST_CHARS]
    following = rest.split("\n\n")[0].strip()[:200] if rest else ""
    continued = bool(following) and not _DISCLAIMER.search(fold(following)) and _opens_with_blocker(following)
    # A postscript is written to the reader, like the answer: read with it wherever it stands.
    continued = continued or any(_blockers(_read(ps.group(0)[:MAX_ANSWER_CHARS])) for ps in _POSTSCRIPT.finditer(rest))
    text = fold(answer[: MAX_ANSWER_CHARS + 1])
    opening = _OPENING_PREFIX.match(text[:300])
    if opening and not _blockers(_read(opening.group(0))):  # "Lieber Riley, gerne", not "Lieber nicht, ja"
        text = text[opening.end() :]
    return Answer(text, rest, continued)


def _is_closing(line: str) -> bool:
    """A sign-off line ("Best,", "Thanks, Margaret"), with no blocker ("Thanks, but no" is an answer)."""
    if len(line) > 200:
        return False
    text = fold(line)
    return bool(_CLOSING_LINE.match(text)) and not _blockers(_read(text))


def _is_opening(line: str) -> bool:
    """A greeting or thank-you line before the answer ("Hi Riley,", "Thanks for asking!"), with no blocker."""
    if len(line) > 200:
        return False
    text = fold(line)
    return bool(_OPENING_LINE.match(text)) and not _blockers(_read(text))


def _opens_with_blocker(paragraph: str) -> bool:
    text = _read(paragraph)
    return bool(_ANY_BLOCKER.match(text))


def _read(text: str) -> str:
    """Folded, one line, idioms meaning yes made "yes", apologies and goodbyes out, a lone "si" a yes."""
    text = " ".join(fold(text).split())
    text = _NOISE.sub(" ", text)
    text = _YES_IDIOMS.sub("yes", text)
    return " ".join(_LONE_SI.sub("yes", text).split())


def _blockers(text: str) -> dict[str, str]:
    found = {kind: m.group(0) for kind, pattern in _BLOCKERS.items() if (m := pattern.search(text))}
    if _ELLIPSIS.search(text):
        found.setdefault("hesitation", "...")
    return found


def classify(visible: str) -> Intent:
    """The intent of a reply's visible text (auto-replies are told apart by their headers, not here)."""
    if not visible.strip():
        return Intent("unclear", ["the reply is empty"])
    answer = split_answer(visible)
    if len(answer.text) > MAX_ANSWER_CHARS:
        return Intent("unclear", [f"the answer is over {MAX_ANSWER_CHARS} characters: not a plain yes"])
    text = _read(answer.text)
    if not text:
        return Intent("unclear", ["no answer before the signature"])
    if m := _DONT_KNOW.search(text):
        return Intent("dont_know", [f'says "{m.group(0)}"'])
    if "?" in text or "\u00bf" in text:
        return Intent("question", ["asks a question"])
    accept, blockers = _ACCEPT.search(text), _blockers(text)
    if answer.continued:
        blockers.setdefault("continuation", "the next paragraph opens with a blocker")
    if _UNREAD_SCRIPT.search(text):  # Cyrillic, Greek, Arabic, Hebrew, CJK ...: we cannot tell what it says
        blockers.setdefault("unread", "text in a script not read")
    if accept and not blockers:
        return Intent("accept", [f'says "{accept.group(0)}"'])
    negated = _NEGATED_ACCEPT.search(text) if accept else None
    standing = accept and (not negated or _ACCEPT.search(_NEGATED_ACCEPT.sub(" no ", text)))
    refusal = negated or _BLOCKERS["negation"].search(text)
    if refusal and not standing and not {"condition", "deferral", "continuation"} & set(blockers):
        return Intent("decline", [f'says "{refusal.group(0)}"'])
    if accept:
        kind, word = next(iter(blockers.items()))
        return Intent("unclear", [f'says "{accept.group(0)}" but also "{word}" ({kind})'])
    if not blockers:
        return _from_the_rest(answer.rest)
    return Intent("unclear", ["no unconditional yes or no found"])


def _from_the_rest(rest: str) -> Intent:
    """An answer with no yes, no no and no blocker ("Thanks for thinking of me."): a doubt or a question in
    the rest is still read (never an accept, which only the answer can make)."""
    text = _read(rest)
    if m := _DONT_KNOW.search(text):
        return Intent("dont_know", [f'says "{m.group(0)}"'])
    if "?" in text or "\u00bf" in text:
        return Intent("question", ["asks a question"])
    return Intent("unclear", ["no yes or no found"])
