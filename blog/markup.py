"""Markdown to safe HTML, done once at save time (issue #2).

Authors write Markdown; what readers get is the rendered HTML passed through bleach
with an allow-list. Nothing outside the list survives: no script, style or iframe
elements, no event-handler attributes, no javascript: or data: URLs.
"""

import html
import re

import bleach
import markdown
from django.utils.html import escape, strip_tags
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
# Quotes and list items opened on one line ("> > > …", "- - - …", "1. 1. …") nest, and
# Markdown parses each level by recursion: thousands of them end in a RecursionError,
# hundreds take seconds. Deeper nesting than this is cut (issue #7).
MAX_NESTING = 16
# One quote or list marker at the start of a line (possessive: no backtracking).
_MARKER = r"[ \t]*+(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))"


def nesting_limiter(depth: int) -> re.Pattern:
    """A pattern whose substitution with r"\1" keeps the first `depth` markers of a line."""
    return re.compile(rf"^((?:{_MARKER}){{{depth}}})(?:{_MARKER})+", re.MULTILINE)


_DEEP_NESTING = nesting_limiter(MAX_NESTING)


def plain_paragraphs(text: str) -> str:
    """Text as escaped paragraphs and line breaks: the fallback for input Markdown
    cannot handle in bounded time and depth."""
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        "<p>" + escape(block.strip("\n")).replace("\n", "<br>") + "</p>"
        for block in blocks
        if block.strip()
    )


def render_markdown(text: str) -> str:
    """Render an author's Markdown to sanitised HTML."""
    text = _DEEP_NESTING.sub(r"\1", (text or "").replace("\x00", ""))
    try:
        raw = markdown.markdown(text, extensions=POST_EXTENSIONS, output_format="html")
    except RecursionError:  # nesting by indentation alone, thousands of levels deep
        raw = plain_paragraphs(text)
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
