"""Markdown for guidelines, rendered safely: raw HTML in the source is escaped, never passed on."""

from markdown_it import MarkdownIt
from markupsafe import Markup

# "commonmark" with html=False turns any HTML in the input into visible text;
# links keep markdown-it's own URL validation (no javascript: URLs).
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(source: str | None) -> Markup:
    return Markup(_renderer.render(source or ""))  # noqa: S704 - html disabled above
