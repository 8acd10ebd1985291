"""Comment bodies to safe HTML, once at save time (issue #3).

Commenters get a small Markdown subset: paragraphs and line breaks as typed, emphasis,
links, inline code and code blocks, quotes and lists. HTML they type is shown as text:
Markdown's raw-HTML handling is switched off, so it escapes tags like any other text,
and bleach removes anything Markdown produced beyond the subset (headings, images). Every link gets
rel="nofollow ugc noopener"; bare URLs become links, as WordPress makes them.
"""

import re
import threading
from functools import partial

import bleach
import markdown
from bleach.linkifier import URL_RE, Linker

from blog.markup import budgeted, convert_within, nesting_limiter, plain_paragraphs

COMMENT_TAGS = frozenset(
    {"p", "br", "em", "strong", "a", "code", "pre", "blockquote", "ul", "ol", "li", "del"}
)
COMMENT_ATTRIBUTES = {"a": ["href", "rel", "title"]}
PROTOCOLS = frozenset({"http", "https", "mailto"})
REL = "nofollow ugc noopener"
# Deeper nesting of quotes and list items than this is flattened: bounded work for
# hostile input ("> > > …", "- - - …").
MAX_QUOTE_DEPTH = 5
_DEEP_QUOTE = nesting_limiter(MAX_QUOTE_DEPTH)
# bleach's sanitiser and linkifier cost some 50 µs per tag or character reference:
# 65,000 "<" (each one "&lt;") would take seconds. Output with more of them than this,
# far more than any real comment has, is shown as plain text instead (issue #7).
MAX_MARKUP_TOKENS = 8000
# CPU time for Markdown's part (see blog/markup.py); a comment takes a millisecond.
COMMENT_MARKDOWN_SECONDS = 0.3
# bleach's URL pattern starts with "\(*" and so is tried again at every "(" of a run:
# "((((…" takes quadratic time. Starting only at the first "(" of a run finds the same
# links in linear time.
_URL_RE = re.compile(r"(?<!\()" + URL_RE.pattern, URL_RE.flags)


def _set_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    if not attrs[href_key].lower().startswith(("http:", "https:", "mailto:")):
        return None
    attrs[(None, "rel")] = REL
    return attrs


# No skip_tags: bleach 6 escapes the text of skipped elements a second time.
_linker = Linker(callbacks=[_set_rel], parse_email=False, url_re=_URL_RE)
_clean = partial(
    bleach.clean,
    tags=COMMENT_TAGS,
    attributes=COMMENT_ATTRIBUTES,
    protocols=PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def render_comment(text: str) -> str:
    """Render a comment's text to sanitised HTML; see the module docstring."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _DEEP_QUOTE.sub(r"\1", text)
    rendered = convert_within(_markdown(), text, COMMENT_MARKDOWN_SECONDS)
    if rendered is None or rendered.count("<") + rendered.count("&") > MAX_MARKUP_TOKENS:
        return plain_paragraphs(text)
    return _linker.linkify(_clean(rendered)).strip()


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """One configured Markdown instance per thread (building one costs more than a comment)."""
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=["nl2br", "sane_lists"])
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        _local.md = budgeted(md)
    return md
