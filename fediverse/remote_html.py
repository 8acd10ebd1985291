"""A remote post's HTML (a Mastodon `content`) as the text of a comment (issue #15).

A reply from the fediverse is stored like a typed comment: `body` in the comment markup
(comments/markup.py) and `body_html` rendered from it by the same sanitiser, so that
nothing from outside reaches a page without passing `render_comment`. This module turns
the remote HTML into that markup: paragraphs and line breaks as typed, the tags the
markup knows (emphasis, code, quotes, links to http(s) addresses: mentions and hashtags
among them) kept without any of their attributes but `href`, lists as Markdown lists.
Everything else goes: scripts and styles with their text, images (no tracking pixels),
event handlers, classes, `javascript:` and `data:` addresses. Text is escaped for the
markup, so that a typed "<b>" or "*" stays as it was written.
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote

# Kept as tags, without attributes (the markup allows them as typed HTML).
_INLINE = {"em": "em", "i": "i", "strong": "strong", "b": "b", "code": "code", "del": "del"}
_INLINE |= {"s": "s", "q": "q", "cite": "cite", "blockquote": "blockquote", "pre": "code"}
# Whose text is dropped with them.
_DROPPED = {"script", "style", "template", "noscript", "iframe", "object", "svg", "math", "head"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "embed", "col"}
# The markup's special characters, escaped with a backslash wherever they stand.
_SPECIAL = re.compile(r"([\\`*_\[\]<])")
# Characters that start a Markdown block at the beginning of a line.
_LINE_START = re.compile(r"(?m)^(\s*)([#>+-]|\d+(?=\.))")
MAX_DEPTH = 32


def _safe_href(href: str) -> str:
    href = (href or "").strip()
    if not href.lower().startswith(("http://", "https://")):
        return ""
    # The markup's tag pattern takes double-quoted values without quotes or brackets.
    return quote(href, safe="/:?#[]@!$&'()*+,;=%~-._")


class _Converter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0  # inside script, style and the like
        self.links: list[bool] = []  # for each open <a>: whether it was kept as a link
        self.open_tags: list[str] = []
        self.depth = 0

    def _newlines(self, count: int) -> None:
        text = "".join(self.out)
        stripped = text.rstrip(" \n")
        if not stripped:
            self.out = []
            return
        have = len(text) - len(text.rstrip("\n"))
        if have < count:
            self.out.append("\n" * (count - have))

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED:
            self.dropping += 1
            return
        if self.dropping:
            return
        if tag not in _VOID:
            self.depth += 1
        if tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self._newlines(1)
            self.out.append("- ")
        elif tag in _BLOCKS and tag not in ("blockquote", "pre"):
            self._newlines(2)
        if tag == "code" and "pre" in self.open_tags:
            return  # <pre><code>: one code element
        if tag == "a":
            href = _safe_href(dict(attrs).get("href"))
            kept = bool(href) and not any(self.links) and self.depth <= MAX_DEPTH
            self.links.append(kept)
            if kept:
                self.out.append(f'<a href="{href}">')
        elif tag in _INLINE and tag not in _VOID and self.depth <= MAX_DEPTH:
            if tag in ("blockquote", "pre"):
                self._newlines(2)
            self.out.append(f"<{_INLINE[tag]}>")
            self.open_tags.append(tag)

    def handle_endtag(self, tag):
        if tag in _DROPPED:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag in _VOID:
            return
        self.depth = max(0, self.depth - 1)
        if tag == "a":
            if self.links and self.links.pop():
                self.out.append("</a>")
        elif tag == "code" and "code" not in self.open_tags:
            return  # closed with its <pre>
        elif tag in _INLINE and tag in self.open_tags:
            # Close what opened after it too: the output is always well nested.
            while self.open_tags:
                open_tag = self.open_tags.pop()
                self.out.append(f"</{_INLINE[open_tag]}>")
                if open_tag == tag:
                    break
            if tag in ("blockquote", "pre"):
                self._newlines(2)
        elif tag in _BLOCKS and tag != "li":
            self._newlines(2)

    def handle_data(self, data):
        if self.dropping:
            return
        # Whitespace as HTML treats it: a run is one space (line breaks come from tags).
        text = _SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", data))
        if not self.out or self.out[-1].endswith("\n"):
            text = _LINE_START.sub(r"\1\\\2", text)
        self.out.append(text)

    def result(self) -> str:
        while self.open_tags:
            self.out.append(f"</{_INLINE[self.open_tags.pop()]}>")
        if any(self.links):
            self.out.append("</a>")
        text = "".join(self.out)
        text = re.sub(r"[ \t]+\n", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip()


def html_to_markup(html: str) -> str:
    """The comment markup for a remote post's HTML; see the module docstring."""
    converter = _Converter()
    converter.feed((html or "").replace("\x00", ""))
    converter.close()
    return converter.result()


def attachment_links(attachments, limit: int = 8) -> str:
    """Links to a post's attached media (never the media themselves: no remote image is
    loaded on our pages), one per line, named by their description."""
    if isinstance(attachments, dict):
        attachments = [attachments]
    if not isinstance(attachments, list):
        return ""
    lines = []
    for item in attachments[:limit]:
        if not isinstance(item, dict):
            continue
        url = item.get("url")
        if isinstance(url, list):
            url = url[0] if url else ""
        if isinstance(url, dict):
            url = url.get("href")
        href = _safe_href(url if isinstance(url, str) else "")
        if not href:
            continue
        name = item.get("name") if isinstance(item.get("name"), str) else ""
        label = re.sub(r"\s+", " ", name).strip()[:200] or href
        label = _SPECIAL.sub(r"\\\1", label)
        lines.append(f'<a href="{href}">{label}</a>')
    return "\n".join(lines)
