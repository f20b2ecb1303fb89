"""Reading emailed replies (warmpath.intent, warmpath.inbound_mail): meaning, MIME, auto-replies and checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warmpath.inbound_mail import (
    Origin,
    aligned,
    authenticated,
    auto_reply_reason,
    body_text,
    conclude,
    origin_of,
    read_mime,
    reply_ids,
    verdicts_from_headers,
)
from warmpath.intent import classify
from warmpath.replies import visible_text

from tests.data.reply_corpora import SHARED_FIXTURES

TALON = SHARED_FIXTURES / "email_replies" / "mailgun-talon" / "fixtures" / "standard_replies"
PASSING = {"spam": "PASS", "virus": "PASS", "spf": "PASS", "dkim": "PASS", "dmarc": "PASS"}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Sure, happy to", "accept"),
        ("Yes!", "accept"),
        ("Okay, will do.", "accept"),
        ("No problem, I'll make the intro", "accept"),
        ("Gerne.", "accept"),
        ("No, sorry", "decline"),
        ("Not this time.", "decline"),
        ("Not sure I know her well enough \u2014 who else?", "dont_know"),
        ("I don't really know him", "dont_know"),
        ("Sure \u2014 what is the context?", "question"),
        ("Happy to, but can't this month", "unclear"),
        ("Yes... actually no", "unclear"),
        ("", "unclear"),
        ("lol", "unclear"),
    ],
)
def test_only_a_plain_yes_is_an_accept(text: str, intent: str) -> None:
    assert classify(text).kind == intent


@pytest.mark.parametrize("name", ["android.eml", "gmail.eml", "iphone.eml", "outlook.eml", "yahoo.eml", "aol.eml"])
def test_real_client_replies_read_as_hello(name: str) -> None:
    mime = read_mime((TALON / name).read_bytes())

    assert visible_text(body_text(mime)) == "Hello"


def test_an_html_only_reply_is_read_as_text_without_the_quote() -> None:
    raw = (
        b"From: Cara <cara@x.example>\r\nTo: reply+0123456789abcdef@inbound.example\r\nSubject: Re: Ask\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b'<div>Oui, avec plaisir =E0 vous</div><div class=3D"gmail_quote">Le lun. X a =E9crit :'
        b"<blockquote>old</blockquote></div>"
    )

    assert visible_text(body_text(read_mime(raw))) == "Oui, avec plaisir \u00e0 vous"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Auto-Submitted: auto-replied\r\n", "Auto-Submitted: auto-replied"),
        ("X-Autoreply: yes\r\n", "X-Autoreply header"),
        ("Precedence: bulk\r\n", "Precedence: bulk"),
        ("Subject: Out of Office: back Monday\r\n", "out-of-office subject: Out of Office: back Monday"),
        ("Subject: Abwesenheitsnotiz\r\n", "out-of-office subject: Abwesenheitsnotiz"),
        ("Auto-Submitted: no\r\nSubject: Re: your ask\r\n", None),
    ],
)
def test_auto_replies_are_told_apart_by_their_headers(headers: str, reason: str | None) -> None:
    mime = read_mime(f"From: a@x.example\r\n{headers}\r\nI am away.".encode())

    assert auto_reply_reason(mime) == reason


def _reply(body: str, sender: str = "cara@x.example", extra: str = "") -> bytes:
    return (
        f"From: Cara <{sender}>\r\nTo: reply+0123456789abcdef@inbound.example\r\nSubject: Re: Ask\r\n{extra}"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n\r\n"
        "On Mon, Riley <riley@acme.example> wrote:\r\n> Ask"
    ).encode()


def test_a_trusted_yes_is_actionable() -> None:
    found = conclude(
        _reply("Sure, happy to"),
        verdicts=PASSING,
        expected_sender="cara@x.example",
        reply_id="0123456789abcdef",
        token_valid=True,
    )

    assert (found.intent, found.visible_text, found.actionable) == ("accept", "Sure, happy to", True)
    assert found.as_json()["checks"] == dict.fromkeys(
        ("spam", "virus", "authenticated", "one_from_address", "sender", "token", "size", "not_auto_reply"), True
    )


@pytest.mark.parametrize(
    ("verdicts", "sender", "token", "failed"),
    [
        ({**PASSING, "spam": "FAIL"}, "cara@x.example", True, "spam"),
        ({**PASSING, "virus": "FAIL"}, "cara@x.example", True, "virus"),
        ({**PASSING, "spf": "FAIL", "dkim": "FAIL"}, "cara@x.example", True, "authenticated"),
        ({**PASSING, "dmarc": "FAIL"}, "cara@x.example", True, "authenticated"),
        (PASSING, "mallory@evil.example", True, "sender"),
        (PASSING, "cara@x.example", False, "token"),
    ],
)
def test_any_failed_check_makes_a_reply_not_actionable(
    verdicts: dict[str, str], sender: str, token: bool, failed: str
) -> None:
    found = conclude(
        _reply("Sure", sender=sender),
        verdicts=verdicts,
        expected_sender="cara@x.example",
        reply_id="0123456789abcdef",
        token_valid=token,
    )

    assert not found.actionable
    assert [name for name, ok in found.checks.items() if not ok] == [failed]


def test_an_auto_reply_is_never_an_answer() -> None:
    found = conclude(
        _reply("Yes, I am out until Monday", extra="Auto-Submitted: auto-replied\r\n"),
        verdicts=PASSING,
        expected_sender="cara@x.example",
        reply_id="0123456789abcdef",
        token_valid=True,
    )

    assert found.intent == "auto_reply" and not found.actionable


def test_reply_ids_and_verdicts_are_read_from_a_stored_message() -> None:
    mime = read_mime(
        b"From: c@x.example\r\nTo: Warmpath <reply+00ff00ff00ff00ff@inbound.example>\r\n"
        b"X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n"
        b"Authentication-Results: amazonses.com; spf=pass smtp.mailfrom=x.example; dkim=pass; dmarc=none\r\n\r\nYes"
    )

    assert reply_ids(mime) == ["00ff00ff00ff00ff"]
    assert verdicts_from_headers(mime) == {
        "spam": "PASS",
        "virus": "PASS",
        "spf": "PASS",
        "dkim": "PASS",
        "dmarc": "NONE",
    }


def test_the_cli_prints_what_a_reply_means_without_a_stack(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    from pathlib import Path

    from warmpath_cli.main import main

    eml = Path(str(tmp_path)) / "reply.eml"
    eml.write_bytes(_reply("Not sure I know her well enough \u2014 who else?"))

    code = main(["inbound", "parse", str(eml), "--json", "--connection", str(Path(str(tmp_path)) / "none.json")])

    found = json.loads(capsys.readouterr().out)
    assert code == 0
    assert found["intent"] == "dont_know"
    assert found["visible_text"] == "Not sure I know her well enough \u2014 who else?"
    assert (found["sender"], found["reply_id"], found["token_valid"]) == ("cara@x.example", "0123456789abcdef", False)
    assert found["checks"]["token"] is False and "not checked" in found["note"]


@pytest.mark.parametrize(
    ("domain", "from_domain", "expected"),
    [
        ("x.example", "x.example", True),
        ("X.Example.", "x.example", True),
        ("mail.x.example", "x.example", True),
        ("x.example", "eu.x.example", True),
        ("evil.example", "x.example", False),
        ("xx.example", "x.example", False),
        ("example", "x.example", False),  # nothing aligns through a bare top-level domain
        ("", "x.example", False),
    ],
)
def test_relaxed_alignment_of_a_domain_with_the_from_domain(domain: str, from_domain: str, expected: bool) -> None:
    assert aligned(domain, from_domain) is expected


def test_a_reply_read_from_a_file_takes_its_envelope_from_the_return_path() -> None:
    found = conclude(
        b"Return-Path: <bounce@mallory.example>\r\n" + _reply("Yes"),
        verdicts={**PASSING, "dkim": "FAIL", "dmarc": "GRAY"},
        expected_sender="cara@x.example",
        reply_id="0123456789abcdef",
        token_valid=True,
    )

    assert found.checks["authenticated"] is False


_HEADER_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=80)


@given(from_value=_HEADER_TEXT, envelope=_HEADER_TEXT, dkim=_HEADER_TEXT, body=st.text(max_size=200))
def test_whatever_the_headers_say_only_one_aligned_from_address_is_authenticated(
    from_value: str, envelope: str, dkim: str, body: str
) -> None:
    """Property: a message counts as authenticated (with no DMARC verdict from SES) only when its From header
    names one address and SPF's envelope domain or every DKIM domain aligns with it; reading never raises."""
    raw = f"From: {from_value}\r\nDKIM-Signature: {dkim}\r\nSubject: Re\r\n\r\n{body}".encode()
    origin = origin_of(read_mime(raw), envelope)
    verdicts = {"spf": "PASS", "dkim": "PASS", "dmarc": "GRAY"}

    if authenticated(verdicts, origin):
        assert isinstance(origin, Origin) and len(origin.from_addresses) == 1
        from_domain = origin.sender.rpartition("@")[2]
        assert aligned(origin.envelope_from.rpartition("@")[2], from_domain) or (
            origin.dkim_domains and all(aligned(d, from_domain) for d in origin.dkim_domains)
        )
