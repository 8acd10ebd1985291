"""WordPress comment HTML to the Markdown subset our comments are written in (issue #5).

WordPress keeps a comment as the commenter typed it, with the few tags it allows
(<a>, <strong>, <em>, <code>, <blockquote> …), and breaks lines when showing it. Our
comments are Markdown, with those tags too (comments/markup.py): the tags are turned
into their Markdown equivalents, and the text is escaped where Markdown would
otherwise read it as syntax or as one of those tags. Line breaks keep their meaning:
the comment renderer turns single newlines into <br> and blank lines into paragraphs,
like wpautop.
"""

import re
from html.parser import HTMLParser

from comments.markup import WORDPRESS_TAGS

_SPECIAL = re.compile(r"([\\`*_\[\]])")
_TAG = re.compile(rf"<(?=/?(?:{'|'.join(WORDPRESS_TAGS)})[\s/>])", re.IGNORECASE)
_LINE_START = re.compile(r"^([ \t]*)([#>+-])(?=\s|$)", re.M)
_NUMBERED = re.compile(r"^([ \t]*\d+)\.(?=\s|$)", re.M)
_BLOCKS = {"p", "div", "blockquote", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


def _escape(text: str) -> str:
    """Text Markdown must not read as syntax: emphasis, links, headings, quotes, lists,
    and the HTML tags comments may contain (which WordPress showed as text here)."""
    text = _TAG.sub(r"\\<", _SPECIAL.sub(r"\\\1", text))
    text = _LINE_START.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\.", text)


class _Converter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        # A stack of [tag, attrs, parts]; the bottom one is the whole comment.
        self.stack: list[list] = [["", {}, []]]
        self.in_pre = 0  # inside <pre> or <code>: text is code, not escaped

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self._emit("\n")
            return
        if tag == "img":
            alt = dict(attrs).get("alt") or ""
            if alt:
                self._emit(_escape(alt))
            return
        if tag in ("pre", "code"):
            self.in_pre += 1
        self.stack.append([tag, dict(attrs), []])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if not any(frame[0] == tag for frame in self.stack[1:]):
            return  # a stray closing tag
        while True:
            open_tag, attrs, parts = self.stack.pop()
            self._emit(self._render(open_tag, attrs, "".join(parts)))
            if open_tag == tag:
                break

    def handle_data(self, data):
        self._emit(data if self.in_pre else _escape(data))

    def _emit(self, text):
        self.stack[-1][2].append(text)

    def _render(self, tag, attrs, inner) -> str:
        if tag == "pre":
            self.in_pre -= 1
            code = "\n".join("    " + line for line in inner.strip("\n").split("\n"))
            return f"\n\n{code}\n\n"
        if tag in ("strong", "b"):
            return _wrap("**", inner)
        if tag in ("em", "i", "cite"):
            return _wrap("*", inner)
        if tag == "code":
            self.in_pre -= 1
            return f"`{inner.replace('`', '')}`" if inner.strip() else inner
        if tag == "a":
            href = (attrs.get("href") or "").strip().replace(" ", "%20").replace(")", "%29")
            text = inner.strip()
            if not href.lower().startswith(("http:", "https:", "mailto:")):
                return inner
            if not text or text.replace("\\", "") == href:
                return href
            return f"[{text}]({href})"
        if tag == "blockquote":
            quoted = "\n".join(f"> {line}".rstrip() for line in inner.strip("\n").split("\n"))
            return f"\n\n{quoted}\n\n"
        if tag == "li":
            return f"\n- {inner.strip()}"
        if tag in _BLOCKS:
            return f"\n\n{inner.strip()}\n\n"
        return inner


def _wrap(marker: str, inner: str) -> str:
    """Emphasis that Markdown reads: the markers hug the text, spaces go outside."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"


_TRAILING_BLANKS = re.compile(r"[ \t]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


def comment_markdown(content: str) -> str:
    """A WordPress comment's HTML as comment Markdown; see the module docstring."""
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in content or "&" in content:
        converter = _Converter()
        converter.feed(content)
        converter.close()
        while len(converter.stack) > 1:
            converter.handle_endtag(converter.stack[-1][0])
        text = "".join(converter.stack[0][2])
    else:
        # Neither a tag nor a character reference (most comments, issue #13): the parser
        # would hand all of it to handle_data at once.
        text = _escape(content)
    text = _TRAILING_BLANKS.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()
