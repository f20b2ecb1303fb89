"""Reading an emailed reply: its MIME, its visible text, what it means, and whether we may act on it.

``conclude`` is the one place the decision is made, for the inbound function (which then acts) and for
``warmpath inbound parse`` (which only prints it). We act only when every check passes:

- ``spam`` and ``virus``: SES's verdicts are PASS;
- ``authenticated``: DMARC's rule: SPF or DKIM passes *aligned* with the From domain (see ``authenticated``),
  and DMARC does not fail;
- ``one_from_address``: the From header names exactly one address (DMARC cannot judge more than one);
- ``sender``: the From address is the one the reply address was made for;
- ``token``: the reply address (``reply+<id>@<inbound domain>``) exists, is unexpired and expects an answer;
- ``size``: the message is under MAX_BYTES;
- ``not_auto_reply``: no Auto-Submitted / X-Autoreply / Precedence: bulk header or out-of-office subject.

Otherwise the message is recorded and nothing is answered (an answer could leak that an address is known).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser
from typing import Any

from warmpath.intent import classify
from warmpath.replies import visible_text

MAX_BYTES = 10 * 1024 * 1024
_REPLY_ADDRESS = re.compile(r"^reply\+([0-9a-f]{8,64})@", re.IGNORECASE)
_AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|autoreply|away from (the )?office|"
    r"abwesenheitsnotiz|automatische antwort|réponse automatique|absence|fuera de la oficina|respuesta automática|"
    r"risposta automatica|fuori ufficio|afwezig|automatisch antwoord|frånvaro|fravær|poza biurem|"
    r"автоматический ответ|vacation|on vacation|ooo\b)",
    re.IGNORECASE,
)


@dataclass
class Conclusion:
    """What the inbound path concluded about one message (the CLI's --json shape)."""

    intent: str
    visible_text: str
    sender: str
    reply_id: str | None
    token_valid: bool
    checks: dict[str, bool] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)

    @property
    def actionable(self) -> bool:
        return all(self.checks.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "visible_text": self.visible_text,
            "sender": self.sender,
            "reply_id": self.reply_id,
            "token_valid": self.token_valid,
            "checks": dict(self.checks),
            "evidence": list(self.evidence),
            "actionable": self.actionable,
        }


class _Text(HTMLParser):
    """Visible text of an HTML part: block elements become line breaks, quotes and scripts are dropped."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "blockquote", "table"})
    SKIP = frozenset({"script", "style", "head", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = " ".join(v or "" for k, v in attrs if k == "class")
        if tag in self.SKIP or "gmail_quote" in classes or "moz-cite-prefix" in classes:
            self.skipping += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts))


def read_mime(raw: bytes) -> EmailMessage:
    """Parse a message leniently: broken headers and bad charsets do not stop the body being read."""
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def body_text(mime: EmailMessage) -> str:
    """The reply's text: the text/plain part, else the HTML part as text ("" when there is neither)."""
    for preference in ("plain", "html"):
        try:
            part = mime.get_body(preferencelist=(preference,))
        except (KeyError, LookupError):
            part = None
        if part is None:
            continue
        try:
            content = part.get_content()
        except (LookupError, UnicodeDecodeError, AssertionError):
            payload = part.get_payload(decode=True) or b""
            content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)
        return content if preference == "plain" else html_to_text(content)
    return ""


def auto_reply_reason(mime: EmailMessage) -> str | None:
    submitted = str(mime.get("Auto-Submitted", "")).strip().lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if mime.get(header) and header != "X-Auto-Response-Suppress":
            return f"{header} header"
    precedence = str(mime.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "auto_reply", "junk", "list"):
        return f"Precedence: {precedence}"
    subject = str(mime.get("Subject", ""))
    if _AUTO_SUBJECT.match(subject):
        return f"out-of-office subject: {subject.strip()[:60]}"
    return None


def reply_ids(mime: EmailMessage, recipients: list[str] | None = None) -> list[str]:
    """The reply-address ids a message was sent to (envelope recipients first, then its headers)."""
    addresses = list(recipients or [])
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        addresses += [a for _, a in getaddresses([str(v) for v in mime.get_all(header, [])])]
    return list(dict.fromkeys(m.group(1).lower() for a in addresses if (m := _REPLY_ADDRESS.match(a.strip()))))


def verdicts_from_headers(mime: EmailMessage) -> dict[str, str]:
    """SES's verdicts as it writes them into a stored message (for a message read from a file)."""
    results = " ".join(str(v) for v in mime.get_all("Authentication-Results", [])).lower()

    def result(name: str) -> str:
        match = re.search(rf"\b{name}=(\w+)", results)
        return match.group(1).upper() if match else "GRAY"

    return {
        "spam": str(mime.get("X-SES-Spam-Verdict", "GRAY")).upper(),
        "virus": str(mime.get("X-SES-Virus-Verdict", "GRAY")).upper(),
        "spf": result("spf"),
        "dkim": result("dkim"),
        "dmarc": result("dmarc"),
    }


@dataclass(frozen=True)
class Origin:
    """Who a message says it is from, and what vouches for it: the From header's addresses, the envelope
    sender (SES's ``mail.source``, or the stored copy's Return-Path) and the domains of its DKIM signatures."""

    from_addresses: tuple[str, ...]
    envelope_from: str = ""
    dkim_domains: tuple[str, ...] = ()

    @property
    def sender(self) -> str:
        """The From address when there is exactly one ("" otherwise: nobody to trust)."""
        return self.from_addresses[0] if len(self.from_addresses) == 1 else ""


_DKIM_DOMAIN = re.compile(r"(?:^|;)\s*d\s*=\s*([^;\s]+)", re.IGNORECASE)


def origin_of(mime: EmailMessage, envelope_from: str | None = None) -> Origin:
    """The message's Origin; ``envelope_from`` from SES's receipt when there is one, else the Return-Path."""
    try:
        addresses = tuple(a.lower() for _, a in getaddresses([str(v) for v in mime.get_all("From", [])]) if a)
    except (ValueError, IndexError, TypeError):  # a From the parser cannot read: nobody to trust
        addresses = ()
    if envelope_from is None:
        envelope_from = parseaddr(str(mime.get("Return-Path", "")))[1]
    signatures = [str(v) for v in mime.get_all("DKIM-Signature", [])]
    domains = tuple(m.group(1).lower().rstrip(".") for s in signatures if (m := _DKIM_DOMAIN.search(s)))
    return Origin(addresses, (envelope_from or "").lower(), domains)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def aligned(domain: str, from_domain: str) -> bool:
    """DMARC's relaxed alignment, approximated without the Public Suffix List: the same domain, or one a
    subdomain of the other where the parent has at least two labels (``mail.x.example`` aligns with
    ``x.example``; ``evil.example`` never aligns with ``x.example``; nothing aligns through a bare TLD)."""
    domain, from_domain = domain.lower().rstrip("."), from_domain.lower().rstrip(".")
    if not domain or not from_domain:
        return False
    if domain == from_domain:
        return True
    parent, child = sorted((domain, from_domain), key=len)
    return parent.count(".") >= 1 and child.endswith("." + parent)


def authenticated(verdicts: dict[str, str], origin: Origin) -> bool:
    """DMARC's rule, whether or not the From domain publishes a policy: DMARC does not fail, and SPF passes
    for an envelope domain aligned with the From domain, or DKIM passes and every signature's domain aligns
    with it (a passing signature for some other domain proves nothing about the From address; with mixed
    signatures we cannot tell which one passed), or SES's DMARC verdict itself passed (which requires an
    aligned SPF or DKIM pass). SPF passing for an unrelated envelope domain counts for nothing."""
    if verdicts.get("dmarc") == "FAIL" or not origin.sender:
        return False
    spf, dkim = verdicts.get("spf") == "PASS", verdicts.get("dkim") == "PASS"
    from_domain = _domain(origin.sender)
    if spf and aligned(_domain(origin.envelope_from), from_domain):
        return True
    if dkim and origin.dkim_domains and all(aligned(d, from_domain) for d in origin.dkim_domains):
        return True
    return verdicts.get("dmarc") == "PASS" and (spf or dkim)


def trust_checks(verdicts: dict[str, str], origin: Origin, expected_sender: str | None) -> dict[str, bool]:
    """SES's verdicts pass, the sender is authenticated, and it is who we wrote to. Every check reads true
    when it passed."""
    return {
        "spam": verdicts.get("spam") == "PASS",
        "virus": verdicts.get("virus") == "PASS",
        "authenticated": authenticated(verdicts, origin),
        "one_from_address": len(origin.from_addresses) == 1,
        "sender": bool(expected_sender) and origin.sender == (expected_sender or "").lower(),
    }


def conclude(
    raw: bytes,
    *,
    verdicts: dict[str, str],
    expected_sender: str | None,
    reply_id: str | None,
    token_valid: bool,
    envelope_from: str | None = None,
) -> Conclusion:
    """What a raw message means and whether we may act on it (``envelope_from``: SES's ``mail.source``; a
    stored copy's Return-Path when not given)."""
    mime = read_mime(raw)
    origin = origin_of(mime, envelope_from)
    sender = origin.sender or (origin.from_addresses[0] if origin.from_addresses else "")
    automatic = auto_reply_reason(mime)
    checks = {
        **trust_checks(verdicts, origin, expected_sender),
        "token": token_valid,
        "size": len(raw) <= MAX_BYTES,
        "not_auto_reply": automatic is None,
    }
    text = visible_text(body_text(mime)) if len(raw) <= MAX_BYTES else ""
    if automatic:
        return Conclusion("auto_reply", text, sender, reply_id, token_valid, checks, [automatic])
    intent = classify(text)
    return Conclusion(intent.kind, text, sender, reply_id, token_valid, checks, intent.evidence)
