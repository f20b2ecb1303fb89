"""vCard 3.0 and 4.0 (RFC 6350): each card is one contact; a card that is not ended, or holds a bad line, is
skipped with the line and the reason (see ``warmpath.contacts``)."""

from __future__ import annotations

from collections.abc import Iterator

from warmpath.contact_text import ExportText
from warmpath.contacts import Contact, ParsedFile, Skipped, Tally, row_to_contact


def _unfold(exported: ExportText) -> Iterator[tuple[int, str, str | None]]:
    """Logical vCard lines (RFC 6350 3.2: a line starting with a space or tab continues the previous one),
    each with the line it starts on and why it is unusable (None when it is fine)."""
    current, start, problem = "", 1, None
    for index, raw in enumerate(exported.lines):
        text = raw.rstrip("\r\n")
        bad = exported.bad.get(index)
        if text[:1] in (" ", "\t") and current:
            current += text[1:]
            problem = problem or bad
            continue
        if current or problem:
            yield start, current, problem
        current, start, problem = text, index + 1, bad
    if current or problem:
        yield start, current, problem


def parse_vcard(exported: ExportText) -> tuple[ParsedFile, Tally]:
    parsed, tally = ParsedFile(format="vcard"), Tally()
    card: dict[str, str] | None = None
    begin, spoiled, outside = 0, False, False
    for line, content, problem in _unfold(exported):
        if problem:
            where = f" (the card starting on line {begin} is skipped)" if card is not None else ""
            tally.unreadable.append(Skipped(line, problem + where))
            spoiled = spoiled or card is not None
            continue
        name, _, value = content.partition(":")
        prop = name.split(";")[0].split(".")[-1].strip().upper()
        if prop == "BEGIN" and value.strip().upper() == "VCARD":
            if card is not None:
                tally.unreadable.append(Skipped(begin, "card not ended (no END:VCARD before the next card)"))
            card, begin, spoiled, outside = {}, line, False, False
        elif card is None:
            if content.strip() and not outside:
                tally.unreadable.append(Skipped(line, "not inside a card (no BEGIN:VCARD before it)"))
            outside = bool(content.strip()) or outside
        elif prop == "END":
            if not spoiled:
                tally.readable += 1
                result = _card_to_contact(card, begin)
                (parsed.contacts if isinstance(result, Contact) else parsed.skipped).append(result)  # type: ignore[arg-type]
            card = None
        elif prop not in card or (prop == "URL" and "linkedin" in value.lower()):
            card[prop] = value
    if card is not None:
        tally.unreadable.append(Skipped(begin, "card not ended (the file ends inside it)"))
    return parsed, tally


def _card_to_contact(card: dict[str, str], line: int) -> Contact | Skipped:
    if card.get("KIND", "").strip().lower() in ("org", "group") or "COMPANY" in card.get("X-ABSHOWAS", "").upper():
        return Skipped(line, "a company or group card, not a person")
    family, given, *_ = [*card.get("N", "").split(";"), "", ""]
    name = " ".join(p for p in (_vcard_value(given), _vcard_value(family)) if p) or _vcard_value(card.get("FN", ""))
    row = {
        "first name": name,
        "email address": card.get("EMAIL", ""),
        "url": card.get("URL", "") if "linkedin" in card.get("URL", "").lower() else "",
        "company": _vcard_value(card.get("ORG", "").split(";")[0]),
        "position": _vcard_value(card.get("TITLE", "")),
    }
    return row_to_contact("linkedin", row, line)


def _vcard_value(value: str) -> str:
    return value.replace("\\,", ",").replace("\\;", ";").replace("\\n", " ").replace("\\N", " ").strip()
