"""Markdown for guidelines, rendered safely: raw HTML in the source is escaped, never passed on.

Rendering is cached: guidelines appear on every annotation page, and markdown-it's time grows
faster than linearly on some input (10,000 characters of "![" take about a second, 200,000
took 5-6 s on every page view before this cache). Each worker now renders a text once, when
it first shows it after a change; the length limit bounds that one rendering.
"""

import functools

from markdown_it import MarkdownIt
from markupsafe import Markup

# About 8,000 words, some 16 printed pages: room for a codebook, not for a denial of service.
MAX_GUIDELINES_LENGTH = 50_000
RENDER_CACHE_SIZE = 64  # distinct texts per worker: every project's guidelines, and the help

# "commonmark" with html=False turns any HTML in the input into visible text;
# links keep markdown-it's own URL validation (no javascript: URLs).
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(source: str | None) -> Markup:
    return _render_cached(source or "")


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def _render_cached(source: str) -> Markup:
    # Keyed by the text itself: a changed text is a new key, so nothing stale is ever shown.
    return Markup(_renderer.render(source))  # noqa: S704 - html disabled above


def guidelines_problem(guidelines: str) -> str | None:
    """Why these guidelines cannot be saved, or None."""
    if len(guidelines) > MAX_GUIDELINES_LENGTH:
        return (f"the guidelines are {len(guidelines):,} characters long; at most "
                f"{MAX_GUIDELINES_LENGTH:,} are allowed")
    return None
