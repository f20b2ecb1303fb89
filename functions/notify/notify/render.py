"""Email rendering: MJML compiled to HTML once per template per container, then filled by jinja2.

Each email is ``templates/<name>.mjml`` (the body sections, placed into ``layout.mjml``) and
``templates/<name>.txt`` (the plain-text part). The first line of the text template is ``Subject: ...``.
MJML sees jinja placeholders as plain text, so compiling first and filling later gives the same result
as filling first, at a fraction of the cost per message.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).parent / "templates"

# What the layout shows when the sender does not say: the default brand, no logo, no footer links.
LAYOUT_DEFAULTS: dict[str, Any] = {
    "brand_colour": "#1f4b99",
    "brand_text_colour": "#ffffff",
    "logo_url": "",
    "preferences_url": "",
    "unsubscribe_url": "",
    "offers_address": "",
}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class EmailRenderer:
    def __init__(self, templates: Path = TEMPLATES) -> None:
        self.templates = templates
        self._html_env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        self._text_env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=False,  # noqa: S701 - plain-text part, never shown as HTML
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            auto_reload=False,  # templates ship with the code: no stat() per message
        )
        self._compiled: dict[str, tuple[str, jinja2.Template]] = {}

    def compiled_html(self, name: str) -> str:
        """The template's MJML compiled to HTML (still holding its jinja2 placeholders), once per container."""
        if name not in self._compiled:
            from mjml import mjml2html

            layout = (self.templates / "layout.mjml").read_text()
            body = (self.templates / f"{name}.mjml").read_text()
            html = mjml2html(layout.replace("<!-- body -->", body))
            self._compiled[name] = (html, self._html_env.from_string(html))
        return self._compiled[name][0]

    def render(self, template: str, **context: Any) -> RenderedEmail:
        context = LAYOUT_DEFAULTS | context
        text = self._text_env.get_template(f"{template}.txt").render(**context)
        first, _, rest = text.partition("\n")
        if not first.startswith("Subject: "):
            raise ValueError(f"{template}.txt must start with a 'Subject: ' line")
        subject = first.removeprefix("Subject: ").strip()
        self.compiled_html(template)
        html = self._compiled[template][1].render(subject=subject, **context)
        return RenderedEmail(subject=subject, text=rest.lstrip("\n") + _text_footer(context), html=html)


def _text_footer(context: dict[str, Any]) -> str:
    """The plain-text part's footer: the same links as the HTML footer."""
    lines = [
        f"{label}: {context[key]}"
        for key, label in (
            ("offers_address", "Know someone a colleague is trying to reach? Write to"),
            ("preferences_url", "Email preferences"),
            ("unsubscribe_url", "Unsubscribe"),
        )
        if context.get(key)
    ]
    return "\n-- \n" + "\n".join(lines) + "\n" if lines else ""


@lru_cache(maxsize=1)
def shared_renderer() -> EmailRenderer:
    """One renderer per container: it holds the compiled MJML."""
    return EmailRenderer()
