"""Markdown to safe HTML, done once at save time (issue #2).

Authors write Markdown; what readers get is the rendered HTML passed through bleach
with an allow-list. Nothing outside the list survives: no script, style or iframe
elements, no event-handler attributes, no javascript: or data: URLs.
"""

import html
import re
import threading

import bleach
import markdown
from bleach import html5lib_shim
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from markdown.inlinepatterns import LinkInlineProcessor

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

# Hostile input (issue #7). Quotes and list items opened on one line ("> > > …",
# "- - - …", "1. 1. …") nest, and Markdown parses each level by recursion: thousands
# of them end in a RecursionError, hundreds take seconds. Deeper nesting than this is
# cut.
MAX_NESTING = 16
# One quote or list marker at the start of a line (possessive: no backtracking).
_MARKER = r"[ \t]*+(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))"
# Python-Markdown is quadratic on some input: a run of unclosed "[" makes it scan the
# rest of the text once per bracket; thousands of code spans, emphasis marks, rules or
# headings in one block make it copy or search the rest of the block once per match.
# Its work is counted (see budgeted()), not timed, so that the result does not depend
# on how busy the machine is: real Markdown costs under a hundred units per character
# (this README, the Node.js manual, Rust's release notes), quadratic input thousands.
# Text whose rendering would cost more than this is shown as plain paragraphs instead.
MARKDOWN_WORK_PER_CHAR = 1000
MARKDOWN_WORK_MIN = 1_000_000
# Link patterns walk their text character by character in Python: a unit of their work
# costs as much time as this many units of the others' (which search and copy in C).
LINK_WORK_WEIGHT = 32


class TooMuchWork(Exception):
    """Markdown rendering ran over its work budget."""


def nesting_limiter(depth: int) -> re.Pattern:
    """A pattern whose substitution with r"\1" keeps the first `depth` markers of a line."""
    return re.compile(rf"^((?:{_MARKER}){{{depth}}})(?:{_MARKER})+", re.MULTILINE)


_DEEP_NESTING = nesting_limiter(MAX_NESTING)


def budgeted(md: markdown.Markdown) -> markdown.Markdown:
    """Make `md` count its work in `md.work` and raise TooMuchWork beyond `md.budget`.

    The inline patterns and block processors are where the work happens: each call is
    charged the length of the text it is handed (what it searches, and what Markdown
    copies after an inline match), so that the overrun is at most one call.
    """

    def guard(function, weight: int):
        def guarded(node, text, *args):
            md.work += weight * (len(text) + 1)
            if md.work > md.budget:
                raise TooMuchWork
            return function(node, text, *args)

        return guarded

    for pattern in md.inlinePatterns:
        weight = LINK_WORK_WEIGHT if isinstance(pattern, LinkInlineProcessor) else 1
        pattern.handleMatch = guard(pattern.handleMatch, weight)
    for processor in md.parser.blockprocessors:
        processor.test = guard(processor.test, 1)
    md.work, md.budget = 0, float("inf")
    return md


def convert_within(md: markdown.Markdown, text: str) -> str | None:
    """`text` converted by a budgeted() Markdown, or None if that is too much work or
    too deep."""
    md.work, md.budget = 0, MARKDOWN_WORK_MIN + MARKDOWN_WORK_PER_CHAR * len(text)
    try:
        return md.reset().convert(text)
    except (TooMuchWork, RecursionError):
        return None
    finally:
        md.budget = float("inf")


def plain_paragraphs(text: str) -> str:
    """Text as escaped paragraphs and line breaks: what hostile input is shown as."""
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        "<p>" + escape(block.strip("\n")).replace("\n", "<br>") + "</p>"
        for block in blocks
        if block.strip()
    )


_local = threading.local()


def _post_markdown() -> markdown.Markdown:
    """One configured Markdown instance per thread."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = budgeted(
            markdown.Markdown(extensions=POST_EXTENSIONS, output_format="html")
        )
    return md


def render_markdown(text: str) -> str:
    """Render an author's Markdown to sanitised HTML."""
    text = _DEEP_NESTING.sub(r"\1", (text or "").replace("\x00", ""))
    raw = convert_within(_post_markdown(), text)
    if raw is None:
        return plain_paragraphs(text)  # escaped: nothing for bleach to clean
    return sanitize_html(raw)


class _TreeWalker(html5lib_shim.getTreeWalker("etree")):
    """The walker bleach reads its parse tree with, without html5lib's quadratic step:
    leaving an element's children, it looked the element up among its siblings with
    list.index (and list.count), so that a post of thousands of paragraphs with a link
    or emphasis each, or a table of thousands of rows, took seconds to clean. Here each
    element's place is looked up in a map made once per parent."""

    def __init__(self, tree):
        super().__init__(tree)
        self._places = {}

    def getParentNode(self, node):  # noqa: N802 (html5lib's name)
        if not isinstance(node, tuple):
            return None
        element, key, parents, flag = node
        if flag == "text":
            return (element, key, parents, None) if parents else element
        parent = parents.pop()
        if not parents:
            return parent
        siblings = parents[-1]
        places = self._places.get(id(siblings))
        if places is None:
            places = self._places[id(siblings)] = {id(e): i for i, e in enumerate(siblings)}
        return parent, places[id(parent)], parents, None


def make_cleaner(**options) -> bleach.Cleaner:
    """A bleach.Cleaner(**options) that cleans in time linear in the number of elements.
    A Cleaner is not thread-safe: one per call, or one per thread."""
    cleaner = bleach.Cleaner(**options)
    cleaner.walker = _TreeWalker
    return cleaner


def clean_html(raw: str, **options) -> str:
    """bleach.clean(raw, **options), in time linear in the number of elements."""
    return make_cleaner(**options).clean(raw)


def sanitize_html(raw: str) -> str:
    """Clean HTML we did not write ourselves down to the post allow-list, by one Cleaner
    per thread (not thread-safe), built once: an import saves thousands of posts."""
    cleaner = getattr(_local, "post_cleaner", None)
    if cleaner is None:
        cleaner = _local.post_cleaner = make_cleaner(
            tags=POST_TAGS,
            attributes=POST_ATTRIBUTES,
            protocols=PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
    return cleaner.clean(raw).strip()


_WHITESPACE = re.compile(r"\s+")


def plain_text(rendered_html: str) -> str:
    """The visible text of rendered HTML, whitespace folded (for excerpts and search)."""
    return _WHITESPACE.sub(" ", html.unescape(strip_tags(rendered_html))).strip()


def derive_excerpt(rendered_html: str, words: int = 55) -> str:
    """A plain-text excerpt of about `words` words, as WordPress makes one."""
    return Truncator(plain_text(rendered_html)).words(words, truncate=" …")
