"""Email rendering (notify.render.EmailRenderer): MJML compiled once, filled by jinja2, text and HTML parts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import mjml
import pytest
from notify.render import TEMPLATES, EmailRenderer

from tests.data.email_cases import CASES, PATH

HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")


@pytest.fixture
def renderer() -> EmailRenderer:
    return EmailRenderer()


def visible_text(html: str) -> str:
    """The words a reader sees in an HTML part (tags, styles and conditional comments removed)."""
    html = re.sub(r"<(style|title)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    return " ".join(HTML_TAG.sub(" ", html).split())


def test_every_template_on_disk_has_a_case() -> None:
    """Given the templates directory, then every email (bar the layout) is covered by CASES below."""
    on_disk = {p.stem for p in TEMPLATES.glob("*.mjml")} - {"layout"}

    assert on_disk == {template for template, _ in CASES.values()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_email_renders_a_subject_a_plain_text_part_and_an_html_part(renderer: EmailRenderer, case: str) -> None:
    template, context = CASES[case]

    email = renderer.render(template, **context)

    assert email.subject
    assert "\n" not in email.subject
    assert not email.subject.startswith("Subject:")
    assert email.text.strip()
    assert not HTML_TAG.search(email.text), "the plain-text part must not contain HTML tags"
    assert "Subject:" not in email.text
    assert email.html.lstrip().lower().startswith("<!doctype html")
    assert "{{" not in email.html and "{%" not in email.html, "MJML must keep jinja placeholders intact"
    assert "Warmpath" in visible_text(email.html)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_html_title_is_the_subject(renderer: EmailRenderer, case: str) -> None:
    template, context = CASES[case]

    email = renderer.render(template, **context)

    title = re.search(r"<title>(.*?)</title>", email.html, flags=re.S)
    assert title is not None
    assert title.group(1).strip() == str(markupsafe.escape(email.subject))


def test_the_sign_in_email_carries_the_link_in_both_parts(renderer: EmailRenderer) -> None:
    email = renderer.render("sign_in", **CASES["sign_in"][1])

    assert email.subject == "Your Warmpath sign-in link for Acme"
    assert "https://app.example/auth/magic?token=v1.k1.p.s" in email.text
    assert 'href="https://app.example/auth/magic?token=v1.k1.p.s"' in email.html
    assert "expires in 15 minutes" in email.text


def test_paths_found_lists_each_path_with_its_reasons(renderer: EmailRenderer) -> None:
    email = renderer.render("paths_found", **CASES["paths_found"][1])

    assert email.subject == "1 warm path to Tom Target"
    assert "1. Cara Connector, CTO - Paris" in email.text
    assert "Board member, direct, very strong tie, accepted 4 of 5 asks, usually within 6 hours" in email.text
    assert "Knows Tom Target directly (LinkedIn connection)" in email.text
    html = visible_text(email.html)
    assert "accepted 4 of 5 asks, usually within 6 hours" in html
    assert "Cara Connector" in html
    assert "Relationship strength: strong (inferred)" in html
    assert "Choose who to ask" in html


def test_paths_found_pluralises_the_subject_for_several_paths(renderer: EmailRenderer) -> None:
    context = dict(CASES["paths_found"][1], paths=[PATH, dict(PATH, connector_name="Dan Connector")])

    email = renderer.render("paths_found", **context)

    assert email.subject == "2 warm paths to Tom Target"
    assert "2 people at Acme" in email.text


def test_paths_found_without_paths_says_nobody_knows_the_target_yet(renderer: EmailRenderer) -> None:
    email = renderer.render("paths_found", **CASES["paths_found_none"][1])

    assert email.subject == "No warm path to Tom Target yet"
    assert "Nobody in Acme's network knows Tom Target" in email.text
    html = visible_text(email.html)
    assert "View your request" in html
    assert "Choose who to ask" not in html


def test_the_ask_email_carries_both_answer_links(renderer: EmailRenderer) -> None:
    email = renderer.render("ask", **CASES["ask"][1])

    assert email.subject == "Rita Requester would like an introduction to Tom Target"
    for url in ("https://app.example/a/accept-token", "https://app.example/a/decline-token"):
        assert url in email.text
        assert f'href="{url}"' in email.html


def test_an_introduction_to_a_known_target_does_not_ask_the_connector_to_forward_it(renderer: EmailRenderer) -> None:
    email = renderer.render("introduction", **CASES["introduction_known"][1])

    assert email.subject == "Introduction: Tom Target <> Rita Requester (Acme)"
    assert "Rita, meet Tom Target, VP Sales at Big Corp." in email.text
    assert "forward" not in email.text
    assert "forward" not in visible_text(email.html)


def test_an_introduction_to_an_unknown_target_asks_the_connector_to_forward_it(renderer: EmailRenderer) -> None:
    email = renderer.render("introduction", **CASES["introduction_unknown"][1])

    assert "Please forward it to Tom." in email.text
    html = visible_text(email.html)
    assert "Please forward it to Tom." in html
    assert "Hi Tom (via Cara)," in html


def test_a_decline_with_others_remaining_names_the_next_connector(renderer: EmailRenderer) -> None:
    email = renderer.render("ask_declined", **CASES["ask_declined_remaining"][1])

    assert email.subject == "Cara Connector can't introduce you to Tom Target"
    assert "2 other people can. Next in line: Dan Connector." in email.text
    assert "Ask the next connector" in visible_text(email.html)


def test_a_decline_on_an_ordered_list_says_who_is_asked_next(renderer: EmailRenderer) -> None:
    email = renderer.render("ask_declined", **CASES["ask_declined_asking_next"][1])

    assert "we are asking the next connector on your list: Dan Connector" in email.text
    assert "Ask the next connector" not in visible_text(email.html)


def test_a_decline_with_nobody_remaining_says_the_request_stays_open(renderer: EmailRenderer) -> None:
    email = renderer.render("ask_declined", **CASES["ask_declined_none"][1])

    assert "Nobody else in the network knows Tom Target yet" in email.text
    assert "Next in line" not in email.text
    html = visible_text(email.html)
    assert "View your request" in html
    assert "Ask the next connector" not in html


def test_user_supplied_text_is_escaped_in_the_html_part(renderer: EmailRenderer) -> None:
    """Given a reason containing a script tag, when the ask is rendered, then the HTML shows it as text only."""
    context = dict(CASES["ask"][1], reason="<script>alert('x')</script> & more", target_name='Tom "Bobby" <b>T</b>')

    email = renderer.render("ask", **context)

    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in email.html
    assert "<b>T</b>" not in email.html
    assert "&lt;b&gt;T&lt;/b&gt;" in email.html


def test_user_supplied_text_is_left_verbatim_in_the_plain_text_part(renderer: EmailRenderer) -> None:
    context = dict(CASES["ask"][1], reason="Fish & chips <3, they're great")

    email = renderer.render("ask", **context)

    assert "Fish & chips <3, they're great" in email.text


def test_a_link_cannot_break_out_of_its_href_attribute(renderer: EmailRenderer) -> None:
    context = dict(CASES["sign_in"][1], sign_in_url='https://app.example/x" onclick="steal()')

    email = renderer.render("sign_in", **context)

    assert 'onclick="steal()' not in email.html
    assert "&#34;" in email.html


def test_mjml_is_compiled_once_per_template(renderer: EmailRenderer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a renderer, when the same email is rendered twice, then MJML is compiled once; another email once more."""
    compiled: list[str] = []
    real = mjml.mjml2html

    def spy(source: str, *args: Any, **kwargs: Any) -> str:
        compiled.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(mjml, "mjml2html", spy)
    template, context = CASES["sign_in"]

    first = renderer.render(template, **context)
    second = renderer.render(template, **dict(context, name="Someone Else"))
    assert len(compiled) == 1
    assert "Someone Else" in second.html and "Someone Else" not in first.html

    renderer.render("ask", **CASES["ask"][1])
    assert len(compiled) == 2


def test_the_compiled_template_is_reused_from_the_cache(renderer: EmailRenderer) -> None:
    first = renderer.compiled_html("sign_in")

    assert renderer.compiled_html("sign_in") is first
    assert set(renderer._compiled) == {"sign_in"}


def test_a_missing_context_variable_raises(renderer: EmailRenderer) -> None:
    """Given a context without sign_in_url, when rendering, then StrictUndefined raises instead of sending a blank."""
    context = {k: v for k, v in CASES["sign_in"][1].items() if k != "sign_in_url"}

    with pytest.raises(jinja2.UndefinedError, match="sign_in_url"):
        renderer.render("sign_in", **context)


def test_a_variable_missing_only_from_the_html_part_also_raises(tmp_path: Path) -> None:
    (tmp_path / "layout.mjml").write_text((TEMPLATES / "layout.mjml").read_text())
    (tmp_path / "note.txt").write_text("Subject: Hello\nPlain body.\n")
    (tmp_path / "note.mjml").write_text(
        "<mj-section><mj-column><mj-text>{{ only_html }}</mj-text></mj-column></mj-section>"
    )

    with pytest.raises(jinja2.UndefinedError, match="only_html"):
        EmailRenderer(tmp_path).render("note", tenant_name="Acme")


def test_a_text_template_without_a_subject_line_is_refused(tmp_path: Path) -> None:
    (tmp_path / "layout.mjml").write_text((TEMPLATES / "layout.mjml").read_text())
    (tmp_path / "note.txt").write_text("Hello without a subject\n")
    (tmp_path / "note.mjml").write_text("<mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>")

    with pytest.raises(ValueError, match="Subject: "):
        EmailRenderer(tmp_path).render("note", tenant_name="Acme")


def test_an_import_report_lists_skipped_lines_and_how_many_more(renderer: EmailRenderer) -> None:
    email = renderer.render("network_imported", **CASES["network_imported_done"][1])

    assert email.subject == "Your contacts are in: 120 new, 3 updated"
    assert "line 9: no name, email or LinkedIn URL" in email.text
    assert "and 24 more" in email.text


def test_a_joined_request_names_the_colleague_or_says_it_was_your_own(renderer: EmailRenderer) -> None:
    colleague = renderer.render("request_joined", **CASES["request_joined_colleague"][1])
    own = renderer.render("request_joined", **CASES["request_joined_own"][1])

    assert colleague.subject == "Tom Target is already being asked for by Rita Requester"
    assert "we added you to that request" in colleague.text
    assert own.subject == "Tom Target is already being asked for"
    assert "You already have an open request" in own.text
    assert "Follow the request" in visible_text(colleague.html)
    assert "https://app.example/requests/r1" in colleague.text


def test_new_paths_after_a_network_change_say_so(renderer: EmailRenderer) -> None:
    email = renderer.render("paths_found", **dict(CASES["paths_found"][1], new_paths=True))

    assert email.subject == "New paths: 1 warm path to Tom Target"
    assert "someone's network changed" in email.text


def test_an_approval_request_asks_the_approver_with_both_links(renderer: EmailRenderer) -> None:
    email = renderer.render("approval_request", **CASES["approval_request"][1])

    assert email.subject == "May Cara Connector be asked to introduce Rita Requester to Tom Target?"
    assert "Let Cara Connector be asked: https://app.example/approve/yes" in email.text
    assert "Not this time: https://app.example/approve/no" in email.text
    assert "Not this time" in visible_text(email.html)


def test_an_ask_through_a_private_tie_tells_the_connector_they_are_not_named(renderer: EmailRenderer) -> None:
    email = renderer.render("ask", **dict(CASES["ask"][1], private=True))

    assert "does not know this is you. If you decline, they never will." in email.text
    assert "does not know this is you" in visible_text(email.html)


def test_a_question_by_reply_is_forwarded_to_the_requester(renderer: EmailRenderer) -> None:
    email = renderer.render("reply_question", **CASES["reply_question"][1])

    assert email.subject == "Cara Connector has a question about your request to meet Tom Target"
    assert '"Happy to, but what is the context?"' in email.text
    assert "Happy to, but what is the context?" in visible_text(email.html)


def test_an_ask_after_an_unclear_reply_says_nothing_happened_yet(renderer: EmailRenderer) -> None:
    email = renderer.render("ask", **dict(CASES["ask"][1], follow_up=True))

    assert "We could not tell from your reply" in email.text
    assert "We could not tell from your reply" in visible_text(email.html)


def test_a_digest_lists_each_request_with_an_i_can_help_button_and_footer_links(renderer: EmailRenderer) -> None:
    email = renderer.render("digest", **CASES["digest"][1])

    assert email.subject == "1 open request at Acme you may help with"
    assert "I can help: https://app.example/offer/help-token" in email.text
    assert "Email preferences: https://app.example/p/prefs-token" in email.text
    assert "Unsubscribe: https://app.example/u/unsub-token" in email.text
    assert 'href="https://app.example/offer/help-token"' in email.html
    assert 'href="https://app.example/p/prefs-token"' in email.html


def test_an_offer_without_a_request_suggests_starting_one(renderer: EmailRenderer) -> None:
    email = renderer.render("offer", **CASES["offer_as_a_lead"][1])

    assert email.subject == "Cara Connector offers an introduction"
    assert "I know the CTO of Globex." in email.text
    assert "Start a request: https://app.example/requests/new" in email.text
    assert "/offers/" not in email.html


def test_a_brand_colour_reaches_the_buttons_with_readable_text(renderer: EmailRenderer) -> None:
    email = renderer.render("target_consent", **CASES["target_consent"][1])

    assert "background:#ffcc00" in email.html and "color:#111111" in email.html
    assert 'alt="Acme"' in email.html and 'src="https://cdn.acme.example/logo.png"' in email.html


def test_a_members_email_offers_help_by_writing_to_the_offers_address(renderer: EmailRenderer) -> None:
    context = dict(CASES["ask"][1], offers_address="offers@reply.example", preferences_url="https://app.example/p/t")

    email = renderer.render("ask", **context)

    assert 'href="mailto:offers@reply.example?subject=I%20can%20introduce"' in email.html
    assert "Write to: offers@reply.example" in email.text
