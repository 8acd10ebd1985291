"""Comment bodies to safe HTML, once at save time (issue #3).

Commenters get a small Markdown subset: paragraphs and line breaks as typed, emphasis,
links, inline code and code blocks, quotes and lists. Out of WordPress habit they also
type HTML: the tags WordPress allows in comments (`$allowedtags` in wp-includes/kses.php,
WORDPRESS_TAGS below) are markup, with their allowed attributes only (issue #10). Any
other tag they type is shown as text: Markdown's own raw-HTML handling is switched off,
so it escapes tags like any other text, and bleach removes anything Markdown produced
beyond the subset (headings, images) and every attribute not allowed. Every link gets
rel="nofollow ugc noopener"; bare URLs become links, as WordPress makes them.
"""

import re
import threading

import markdown
from bleach.linkifier import URL_RE, Linker
from markdown.inlinepatterns import HtmlInlineProcessor

from blog.markup import (
    budgeted,
    convert_within,
    make_cleaner,
    nesting_limiter,
    plain_paragraphs,
)

# The HTML WordPress allows in comments, with its attributes (its del's datetime is left
# out: a wrong date would make the page invalid HTML). acronym and strike are obsolete
# in HTML5: they become abbr and s.
WORDPRESS_TAGS = {
    "a": ("href", "title"),
    "abbr": ("title",),
    "acronym": ("title",),
    "b": (),
    "blockquote": ("cite",),
    "cite": (),
    "code": (),
    "del": (),
    "em": (),
    "i": (),
    "q": ("cite",),
    "s": (),
    "strike": (),
    "strong": (),
}
_OBSOLETE = {"acronym": "abbr", "strike": "s"}
COMMENT_TAGS = frozenset(
    {"p", "br", "em", "strong", "a", "code", "pre", "blockquote", "ul", "ol", "li", "del"}
    | (WORDPRESS_TAGS.keys() - _OBSOLETE.keys())
)
COMMENT_ATTRIBUTES = {
    "a": ["href", "rel", "title"],
    "abbr": ["title"],
    "blockquote": ["cite"],
    "q": ["cite"],
}
PROTOCOLS = frozenset({"http", "https", "mailto"})
REL = "nofollow ugc noopener"
# Deeper nesting of quotes and list items than this is flattened: bounded work for
# hostile input ("> > > …", "- - - …").
MAX_QUOTE_DEPTH = 5
_DEEP_QUOTE = nesting_limiter(MAX_QUOTE_DEPTH)
# Typed tags nest this deep at most (see _WordPressTags).
MAX_TAG_DEPTH = 16
# bleach's sanitiser and linkifier cost some 50 µs per tag or character reference:
# 65,000 "<" (each one "&lt;") would take seconds. Output with more of them than this,
# far more than any real comment has, is shown as plain text instead (issue #7).
MAX_MARKUP_TOKENS = 8000
# bleach's URL pattern starts with "\(*" and so is tried again at every "(" of a run:
# "((((…" takes quadratic time. Starting only at the first "(" of a run finds the same
# links in linear time.
_URL_RE = re.compile(r"(?<!\()" + URL_RE.pattern, URL_RE.flags)
# One opening or closing tag of WORDPRESS_TAGS, its attributes quoted or bare. Possessive
# throughout: a tag that does not close is text at once, in linear time.
_ATTRIBUTE = r"""\s++[a-zA-Z][\w:-]*+(?:\s*+=\s*+(?:"[^"<>]*+"|'[^'<>]*+'|[^\s"'<>=`]++))?+"""
_WORDPRESS_TAG = rf"(?i)(</?({'|'.join(WORDPRESS_TAGS)})(?:{_ATTRIBUTE})*+\s*+/?>)"
# A <blockquote> typed inside a paragraph leaves the HTML parser an empty paragraph
# before and after it, and the line breaks of the lines it starts and ends.
_EMPTY_AROUND_QUOTES = re.compile(
    r"<p></p>|(?<=</blockquote>)<br>|(<blockquote[^>]*+>)<br>|<br>\n?(?=</p>|</blockquote>)"
)


class _WordPressTags(HtmlInlineProcessor):
    """Keeps a typed tag WordPress allows as raw HTML (for bleach to clean); acronym
    and strike under their HTML5 names. Opening tags beyond MAX_TAG_DEPTH unclosed
    ones stay text: the HTML parser's work grows with the depth of each element."""

    depth = 0  # opening tags minus closing ones so far; reset for each comment

    def handleMatch(self, m, data):
        closing = m.group(1).startswith("</")
        if not closing and self.depth >= MAX_TAG_DEPTH:
            return None, None, None
        self.depth = max(0, self.depth + (-1 if closing else 1))
        name = m.group(2).lower()
        name = _OBSOLETE.get(name, name)
        tag = data[m.start(1) : m.start(2)] + name + data[m.end(2) : m.end(1)]
        return self.md.htmlStash.store(tag), m.start(0), m.end(0)


def _set_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    if not attrs[href_key].lower().startswith(("http:", "https:", "mailto:")):
        return None
    attrs[(None, "rel")] = REL
    return attrs


_local = threading.local()
# Where the linker has nothing to do: no link (whose rel it sets) and nothing that could
# start an address.
_MAY_LINK = re.compile(r"<a[\s>]|" + _URL_RE.pattern, _URL_RE.flags)


def _clean(rendered: str) -> str:
    """bleach with the comment allow-list, by one Cleaner per thread, built once:
    building one cost a sixth of a comment's rendering (issue #13). Neither bleach's
    Cleaner nor its Linker is thread-safe: one shared Linker rendered some comments of
    concurrent requests empty or failed (tests/comments/test_markup_speed.py)."""
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = make_cleaner(
            tags=COMMENT_TAGS,
            attributes=COMMENT_ATTRIBUTES,
            protocols=PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
    return cleaner.clean(rendered)


def _linker() -> Linker:
    """The thread's Linker. No skip_tags: bleach 6 escapes the text of skipped elements
    a second time."""
    linker = getattr(_local, "linker", None)
    if linker is None:
        linker = _local.linker = Linker(callbacks=[_set_rel], parse_email=False, url_re=_URL_RE)
    return linker


def _linkify(html: str) -> str:
    """Links for bare URLs, rel for every link. Parsing and writing the HTML again is
    a fifth of a comment's rendering: skipped when there is nothing to link (most
    comments), which leaves the same HTML (tests/comments/test_markup_speed.py)."""
    return _linker().linkify(html) if _MAY_LINK.search(html) else html


# The plain comment (issue #13): text that Markdown would only split into paragraphs and
# lines, with at most *emphasis*, and in which bleach has nothing to remove or escape.
# Anything else takes the whole way: characters of Markdown's inline syntax or that
# HTML escapes, a line that may start a block (indented, a heading, quote, list, rule or
# underline), a line ending in spaces, characters that are not printable (control
# characters, separators, unassigned ones) and text the linker would act on.
_NOT_PLAIN = re.compile(r"[<>&_`\[\]\\]|\*\*|^(?: |[#>+\-=]|\*[\s*]|\d+[.)])|[ ]$", re.M)
_EMPHASIS = re.compile(r"\*([^*\s](?:[^*\n]*[^*\s])?)\*")
_PARAGRAPHS = re.compile(r"\n\n+")
# Longer text, or text with more line breaks and emphasis, takes the whole way: within
# these Markdown's work (about 4 × breaks × length) stays well inside its budget and the
# tags far below MAX_MARKUP_TOKENS, beyond which the whole way shows plain text instead.
MAX_PLAIN_LENGTH = 4000
MAX_PLAIN_MARKS = 100  # newlines and asterisks


def _render_plain(text: str) -> str | None:
    """The HTML the whole way gives a plain comment (see _NOT_PLAIN), or None if `text`
    is not one; the same HTML, character for character
    (tests/comments/test_markup_plain.py), at a small part of the cost."""
    if (
        not text
        or text != text.strip()
        or len(text) > MAX_PLAIN_LENGTH
        or text.count("\n") + text.count("*") > MAX_PLAIN_MARKS
        or not text.replace("\n", "").isprintable()
        or _NOT_PLAIN.search(text)
    ):
        return None
    if "*" in text:
        text = _EMPHASIS.sub(r"<em>\1</em>", text)
        if "*" in text:
            return None
    html = "\n".join(
        "<p>" + paragraph.replace("\n", "<br>\n") + "</p>" for paragraph in _PARAGRAPHS.split(text)
    )
    return None if _MAY_LINK.search(html) else html


def render_comment(text: str) -> str:
    """Render a comment's text to sanitised HTML; see the module docstring."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _DEEP_QUOTE.sub(r"\1", text)
    plain = _render_plain(text)
    return plain if plain is not None else _render_whole(text)


def _render_whole(text: str) -> str:
    """render_comment() by Markdown, bleach and the linker, for normalised `text`."""
    md = _markdown()
    md.inlinePatterns["html"].depth = 0
    rendered = convert_within(md, text)
    if rendered is None or rendered.count("<") + rendered.count("&") > MAX_MARKUP_TOKENS:
        return plain_paragraphs(text)
    html = _linkify(_clean(rendered))
    return _EMPTY_AROUND_QUOTES.sub(lambda m: m.group(1) or "", html).strip()


def _markdown() -> markdown.Markdown:
    """One configured Markdown instance per thread (building one costs more than a comment)."""
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=["nl2br", "sane_lists"])
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.register(_WordPressTags(_WORDPRESS_TAG, md), "html", 90)
        md.ESCAPED_CHARS = [*md.ESCAPED_CHARS, "<"]  # "\<b>" reads as typed
        _local.md = budgeted(md)
    return md
