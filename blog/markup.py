"""Markdown to safe HTML, done once at save time (issue #2).

Authors write Markdown; what readers get is the rendered HTML passed through bleach
with an allow-list. Nothing outside the list survives: no script, style or iframe
elements, no event-handler attributes, no javascript: or data: URLs.
"""

import html
import re

import bleach
import markdown
from django.utils.html import strip_tags
from django.utils.text import Truncator

POST_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
        "details", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q",
        "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
POST_ATTRIBUTES = {
    "a": ["href", "title", "rel", "id"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height", "loading", "srcset", "sizes"],
    "td": ["align", "colspan", "rowspan"],
    "th": ["align", "colspan", "rowspan", "scope"],
    "ol": ["start", "reversed"],
    "li": ["id", "value"],
    "sup": ["id"],
    "div": ["class"],
    "span": ["class"],
    "code": ["class"],
    "h2": ["id"],
    "h3": ["id"],
    "h4": ["id"],
    "h5": ["id"],
    "h6": ["id"],
}
PROTOCOLS = frozenset({"http", "https", "mailto"})

# Extensions that ship with Python-Markdown. Raw HTML in the source is allowed, as
# Markdown allows it, because everything goes through bleach afterwards.
POST_EXTENSIONS = ["extra", "sane_lists"]


def render_markdown(text: str) -> str:
    """Render an author's Markdown to sanitised HTML."""
    raw = markdown.markdown(text or "", extensions=POST_EXTENSIONS, output_format="html")
    return sanitize_html(raw)


def sanitize_html(raw: str) -> str:
    """Clean HTML we did not write ourselves down to the post allow-list."""
    cleaned = bleach.clean(
        raw,
        tags=POST_TAGS,
        attributes=POST_ATTRIBUTES,
        protocols=PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return cleaned.strip()


_WHITESPACE = re.compile(r"\s+")


def plain_text(rendered_html: str) -> str:
    """The visible text of rendered HTML, whitespace folded (for excerpts and search)."""
    return _WHITESPACE.sub(" ", html.unescape(strip_tags(rendered_html))).strip()


def derive_excerpt(rendered_html: str, words: int = 55) -> str:
    """A plain-text excerpt of about `words` words, as WordPress makes one."""
    return Truncator(plain_text(rendered_html)).words(words, truncate=" …")
