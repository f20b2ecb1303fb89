"""The visible text of an email reply: what the sender wrote now, without the quoted history or signature.

Line by line, the reply ends at the first of:

- a quoted line (``>``), or a quote header: "On <date>, <name> wrote:" and its translations (German "Am ...
  schrieb", French "Le ... a écrit", Spanish, Italian, Portuguese, Dutch, Scandinavian, Polish, Russian,
  Chinese, Japanese ...), possibly wrapped over up to three consecutive lines (across a blank line only when
  its first line holds a date or an address, so "On second thought, no." above the header stays the reply's);
- an Outlook-style header block ("From:" then "Sent:"/"Date:"/"To:"/"Subject:" within a few lines, in
  many languages, with or without bold asterisks), or a separator ("-----Original Message-----", a line of
  underscores, "Begin forwarded message:");

then a trailing signature is dropped: everything after a "-- " delimiter line, and "Sent from my iPhone"
style lines (and their translations) at the end. What is left is stripped.

The labelled corpora in ``../shared/fixtures/email_replies/`` measure it (``tests/unit/test_replies.py``
asserts a floor per corpus; ``make bench`` prints the pass rates).
"""

from __future__ import annotations

import itertools
import re

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)

# "On Tue, 2 Jan 2024 at 10:00, Ann <ann@x.example> wrote:" and its translations. Matched on a line, or on
# up to three joined lines, since clients wrap long headers.
_VERBS = (
    r"wrote|schrieb|a écrit|écrit|escribió|ha scritto|scrisse|escreveu|schreef|skrev|menulis|napisał\(a\)|napisał|"
    r"pisze|написал\(а\)|написал|написала|пише|napsal|kirjoitti|írta|yazdı|写道|寫道"
)
_START_WORDS = r"on|am|le|el|il|em|op|den|pada|dnia|w dniu|dana|dne|o|på|в|el día"
# Tried on a line, and on a line joined with the next one or two (clients wrap long headers).
_WRAPPED_HEADERS = [
    # "On <date>, <name> wrote:", "Am <date> schrieb <name>:", "Op <date> schreef "<name>" <email>:"
    rf"^[*_]*({_START_WORDS})\b.{{3,400}}({_VERBS}).{{0,200}}[:：]\s*[*_]*$",
    # "<name> <email> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:"
    rf"^.{{0,200}}<[^<>\s]+@[^<>\s]+>.{{0,40}}({_VERBS}).{{0,200}}[:：]\s*$",
    # Gmail's dated form: "2016-03-03 17:21 GMT+01:00 Some One <some@one.example>:"
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}.{0,200}(<[^>]+@[^>]+>|@).{0,100}[:：]\s*$",
    # "30 серп. 2016 р. 20:45 "Arpit" <no-reply@example.com> пише:"
    rf"^\d{{1,2}}[ .].{{0,200}}({_VERBS})\s*[:：]\s*$",
]
# Only on a single line: the verb just before the colon.
_LINE_HEADERS = [
    rf"^.{{0,200}}\b({_VERBS})\s*[:：]\s*$",
    r"^.{0,200}(пользователь|user).{0,200}(написал|wrote)",
    r"^.{0,200}(のメッセージ|님이 작성)\s*[:：]?\s*$",
]
_WRAPPED_RES = [re.compile(p, re.IGNORECASE) for p in _WRAPPED_HEADERS]
# A wrapped header's first line starts like one: a start word, a date, or it names an address.
_HEADER_START = re.compile(
    rf"^[*_]*({_START_WORDS})\b|^\d|<[^<>\s]+@[^<>\s]+>",
    re.IGNORECASE,
)
_LINE_RES = [re.compile(p, re.IGNORECASE) for p in _LINE_HEADERS]
# What the first line of a wrapped header holds: a time, a year, a numeric date or an address.
_DATE_OR_ADDRESS = re.compile(r"\d{1,2}:\d{2}|\d{4}|\d{1,2}[./-]\d{1,2}|@|<")
_SEPARATORS = re.compile(
    r"^\s*[*_]*\s*(-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|"
    r"messaggio originale|oorspronkelijk bericht|opprinnelig melding|ursprungligt meddelande|wiadomość oryginalna|"
    r"исходное сообщение|"
    r"forwarded message|weitergeleitete nachricht|message transféré)\s*-{2,}|_{20,}|begin forwarded message:|"
    r"-{5,} ?(reply above this line|antworten sie über dieser zeile)? ?-{0,})\s*[*_]*\s*$",
    re.IGNORECASE,
)
_FROM = r"from|von|de|od|från|fra|da|van|от|kimden|lähettäjä|feladó|発信者|发件人|寄件者"
_HEADER_FIELDS = (
    r"sent|date|to|subject|cc|gesendet|datum|an|betreff|envoyé|objet|à|enviado|fecha|para|asunto|inviato|oggetto|"
    r"a|data|enviada|assunto|verzonden|aan|onderwerp|skickat|skickades|ämne|till|sendt|emne|til|wysłano|temat|do|"
    r"отправлено|дата|кому|тема|gönderildi|konu|lähetetty|aihe|küldve|tárgy|送信日時|件名|发送时间|主题|收件人"
)
_FROM_LINE = re.compile(rf"^\s*[*_]{{0,2}}\s*({_FROM})\s*[*_]{{0,2}}\s*:", re.IGNORECASE)
_FIELD_LINE = re.compile(rf"^\s*[*_]{{0,2}}\s*({_HEADER_FIELDS})\s*[*_]{{0,2}}\s*:", re.IGNORECASE)
_SENT_FROM = re.compile(
    r"^\s*(sent from my |sent from (outlook|mail|yahoo|samsung)|sent via |sent from a mobile|get outlook for |"
    r"envoyé de mon |envoyé depuis mon |envoyé à partir de |von meinem .{1,40} gesendet|gesendet von |"
    r"diese nachricht wurde von meinem |enviado desde mi |enviado do meu |inviato da |verzonden (vanaf|met) |"
    r"sendt fra min |skickat från min |wysłane z |отправлено с |iphone'umdan gönderildi|lähetetty )",
    re.IGNORECASE,
)
MAX_SENT_FROM_WORDS = 8  # "Sent from my desk, which is easier than my phone." is a sentence, not a signature
_DECORATION = re.compile(r"^[\s\u1427]*$")  # blank, or Gmail's tracking mark
_SIGNATURE_DELIMITER = re.compile(r"^\s*--\s*$|^\s*-- \S")


def normalise(body: str) -> str:
    """Line endings to LF, invisible characters out, no-break spaces as spaces."""
    text = body.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE).replace("\u00a0", " ")
    return text


def _is_quote_header(lines: list[str], index: int) -> bool:
    if any(pattern.match(lines[index].strip()) for pattern in _LINE_RES):
        return True
    # A wrapped header's lines follow one another; only a first line holding a date or an address (which a
    # sentence of the reply rarely does) is joined across blank lines ("2013/7/20 sam <info@x.org>\n\n| sam
    # replied ...:"). So "On second thought, no." above "On Tue, ... wrote:" stays the reply's last line.
    if _DATE_OR_ADDRESS.search(lines[index]):
        following = [line.strip() for line in lines[index : index + 4] if line.strip()][:3]
    else:
        following = [line.strip() for line in itertools.takewhile(str.strip, lines[index : index + 3])]
    width = _wrapped_header_width(following)
    if width is None:
        return False
    if width == 1 or _DATE_OR_ADDRESS.search(following[0]):
        return True
    # Otherwise, when the header also matches from a later line, it starts there.
    return not any(_wrapped_header_width(following[later : later + 3]) for later in range(1, width + 1))


def _wrapped_header_width(following: list[str]) -> int | None:
    """How many of these lines (1 to 3) a wrapped quote header spans, or None when they do not start one."""
    if not following or not _HEADER_START.search(following[0]):
        return None
    for width in (1, 2, 3):
        joined = " ".join(following[:width])
        if len(joined) > 600:
            break
        if any(pattern.match(joined) for pattern in _WRAPPED_RES):
            return width
    return None


def _is_header_block(lines: list[str], index: int) -> bool:
    if not _FROM_LINE.match(lines[index]):
        return False
    following = [line for line in lines[index + 1 : index + 6] if line.strip()]
    return sum(1 for line in following[:4] if _FIELD_LINE.match(line)) >= 1


def _reply_end(lines: list[str]) -> int:
    """The index of the first line that is no longer the new reply."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(">") and index > 0:
            return index
        if _SEPARATORS.match(stripped) or _is_header_block(lines, index):
            return index
        if _is_quote_header(lines, index):
            return index
    return len(lines)


def _drop_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if index > 0 and _SIGNATURE_DELIMITER.match(line):
            lines = lines[:index]
            break
    while lines and (_DECORATION.match(lines[-1]) or _is_sent_from(lines[-1])):
        lines = lines[:-1]
    return lines


def _is_sent_from(line: str) -> bool:
    return bool(_SENT_FROM.match(line)) and len(line.split()) <= MAX_SENT_FROM_WORDS


def visible_text(body: str) -> str:
    """The new text of a reply (plain text), without quoted history or signature."""
    lines = normalise(body).split("\n")
    lines = lines[: _reply_end(lines)]
    return "\n".join(line.rstrip() for line in _drop_signature(lines)).strip()
