"""WordPress post content to the HTML our posts keep in `body` (issue #5).

WordPress stores post content as HTML whose blank lines become paragraphs only when
it is displayed (`wpautop`), with shortcodes expanded at the same moment. We do that
once, at import: the result is plain block HTML, which Markdown passes through
untouched and the post sanitiser cleans when the post is saved, so the author can
go on editing it. Block-editor content (<!-- wp:paragraph --> …) is already HTML and
only loses its block comments, as WordPress does not autop it either.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from blog.markup import plain_text, sanitize_html

ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_HTML_SPLIT = re.compile(r"(<!--.*?(?:-->|$)|<!\[CDATA\[.*?(?:\]\]>|$)|<[^>]*>?)", re.S)


def _replace_in_tags(text: str, old: str, new: str) -> str:
    """Replace `old` inside tags and comments only (WordPress's wp_replace_in_html_tags)."""
    parts = _HTML_SPLIT.split(text)
    for i in range(1, len(parts), 2):
        parts[i] = parts[i].replace(old, new)
    return "".join(parts)


def wpautop(text: str, br: bool = True) -> str:
    """Double line breaks to paragraphs, single ones to <br />: WordPress's wpautop().

    A line-by-line port of wp-includes/formatting.php (WordPress 6.x), so that imported
    posts break into paragraphs exactly where WordPress showed them.
    """
    if not text.strip():
        return ""
    text += "\n"
    pre_tags = {}
    if "<pre" in text:
        parts = text.split("</pre>")
        last = parts.pop()
        text = ""
        for i, part in enumerate(parts):
            start = part.find("<pre")
            if start == -1:
                text += part
                continue
            name = f"<pre wp-pre-tag-{i}></pre>"
            pre_tags[name] = part[start:] + "</pre>"
            text += part[:start] + name
        text += last
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(rf"(<{ALLBLOCKS}[\s/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{ALLBLOCKS}>)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _replace_in_tags(text, "\n", " <!-- wpnl --> ")
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{ALLBLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{ALLBLOCKS}[^>]*>)", r"\1", text)
    text = re.sub(rf"(</?{ALLBLOCKS}[^>]*>)\s*</p>", r"\1", text)
    if br:
        text = re.sub(
            r"<(script|style|svg|math).*?</\1>",
            lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"),
            text,
            flags=re.S,
        )
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")
    text = re.sub(rf"(</?{ALLBLOCKS}[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


# --- shortcodes ---------------------------------------------------------------------

_ATTRS = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_ANY_SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:\s[^\]]*)?)\]")


def shortcode_regex(names) -> re.Pattern:
    """WordPress's get_shortcode_regex() for the given shortcode names."""
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(
        r"\[(\[?)(" + alternatives + r")(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)(\]?)",
        re.S,
    )


def shortcode_attrs(text: str) -> dict[str, str]:
    """Attributes of a shortcode, as WordPress's shortcode_parse_atts() reads them."""
    text = re.sub(r"[\u00a0\u200b]", " ", text)
    attrs = {}
    for m in _ATTRS.finditer(text):
        if m.group(1):
            attrs[m.group(1).lower()] = m.group(2)
        elif m.group(3):
            attrs[m.group(3).lower()] = m.group(4)
        elif m.group(5):
            attrs[m.group(5).lower()] = m.group(6)
    return {k: html.unescape(v) for k, v in attrs.items()}


@dataclass
class Attachment:
    """What post content needs to know about an attachment."""

    wp_id: int
    url: str  # the new address when the file was imported, else the old one
    title: str = ""
    caption: str = ""
    alt: str = ""
    parent: int = 0
    menu_order: int = 0
    is_image: bool = True


@dataclass
class Conversion:
    """What converting one post found: unknown shortcodes, missing gallery images."""

    unknown_shortcodes: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


def _caption(attrs: dict, inner: str) -> str:
    match = re.match(r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", inner.strip(), re.S | re.I)
    if not match:
        return inner
    image, caption = match.group(1), match.group(2).strip()
    caption = caption or attrs.get("caption", "")
    if not caption:
        return f"<figure>{image}</figure>"
    return f"<figure>{image}<figcaption>{caption}</figcaption></figure>"


def _gallery(attrs, post_id, attachments, result) -> str:
    ids = attrs.get("ids") or attrs.get("include") or ""
    if ids:
        wanted = [int(n) for n in re.findall(r"\d+", ids)]
        images = [attachments[n] for n in wanted if n in attachments]
        if len(images) < len(wanted):
            result.notes.append(f"{len(wanted) - len(images)} gallery images are not in the file")
    else:
        images = sorted(
            (a for a in attachments.values() if a.parent == post_id and a.is_image),
            key=lambda a: (a.menu_order, a.wp_id),
        )
    if not images:
        result.notes.append("an empty [gallery] was dropped")
        return ""
    link = attrs.get("link", "")
    figures = []
    for image in images:
        img = f'<img src="{html.escape(image.url)}" alt="{html.escape(image.alt)}">'
        if link != "none":
            img = f'<a href="{html.escape(image.url)}">{img}</a>'
        caption = f"<figcaption>{html.escape(image.caption)}</figcaption>" if image.caption else ""
        figures.append(f"<figure>{img}{caption}</figure>")
    return '<div class="gallery">' + "".join(figures) + "</div>"


def _media_link(attrs: dict, inner: str) -> str:
    sources = [attrs.get(k, "") for k in ("src", "mp3", "m4a", "ogg", "wav", "mp4", "webm")]
    url = next((s for s in sources if s), inner.strip())
    if not url:
        return ""
    return f'<p><a href="{html.escape(url)}">{html.escape(unquote(url.rsplit("/", 1)[-1]))}</a></p>'


KNOWN_SHORTCODES = ("caption", "wp_caption", "gallery", "embed", "audio", "video")
_KNOWN = shortcode_regex(KNOWN_SHORTCODES)


def expand_shortcodes(text: str, *, post_id: int, attachments: dict, result: Conversion) -> str:
    """[caption] → figure, [gallery] → a plain list of figures, [embed]/[audio]/[video] → link.

    Other shortcodes stay as they are (WordPress plugins made them; we cannot) and are
    counted in `result`, so that the import report can name them.
    """

    def replace(m):
        if m.group(1) == "[" and m.group(6) == "]":
            return m.group(0)[1:-1]  # [[caption]] is an escaped, literal [caption]
        name, attrs, inner = m.group(2), shortcode_attrs(m.group(3)), m.group(5) or ""
        if name in ("caption", "wp_caption"):
            inner = expand_shortcodes(
                inner, post_id=post_id, attachments=attachments, result=result
            )
            return _caption(attrs, inner)
        if name == "gallery":
            return _gallery(attrs, post_id, attachments, result)
        if name == "embed":
            url = inner.strip()
            return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>' if url else ""
        return _media_link(attrs, inner)

    text = _KNOWN.sub(replace, text)
    for m in _ANY_SHORTCODE.finditer(text):
        closing, name, attrs = m.groups()
        if closing or name in KNOWN_SHORTCODES:
            continue
        # A bare [word] is more often text ("[sic]", footnotes) than a shortcode.
        if "=" in attrs or attrs.rstrip().endswith("/") or f"[/{name}]" in text:
            result.unknown_shortcodes[name] += 1
    return text


# --- upload links ---------------------------------------------------------------------

_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")
_SCALED_SUFFIX = re.compile(r"-scaled(?=\.\w+$)")


class UploadLinks:
    """Rewrites links to WordPress uploads (…/wp-content/uploads/2020/01/a-300x200.jpg).

    `files` maps an upload path relative to the uploads folder ("2020/01/a.jpg") to
    its new URL. Resized copies WordPress made (-300x200) and "-scaled" originals
    map to the same image: our media library makes its own sizes.
    """

    def __init__(self, files: dict[str, str], hosts: set[str], bases: set[str]):
        self.files = files
        self._by_stem = {self._stem(rel): url for rel, url in files.items()}
        hosts_re = "|".join(re.escape(h) for h in sorted(hosts, key=len, reverse=True) if h)
        bases_re = "|".join(re.escape(b) for b in sorted(bases, key=len, reverse=True))
        # With a known host, or relative; never the same path on somebody else's site.
        origin = (
            rf"(?:(?:https?:)?//(?:{hosts_re})|(?<![\w./:-]))" if hosts_re else r"(?<![\w./:-])"
        )
        self._url = re.compile(rf"{origin}(?:{bases_re})([^\s\"'<>()?#\]]+)") if bases else None

    @staticmethod
    def _stem(rel: str) -> str:
        return _SCALED_SUFFIX.sub("", _SIZE_SUFFIX.sub("", unquote(rel)))

    def lookup(self, rel: str) -> str | None:
        """The new URL for an upload path, or None when that file was not imported."""
        rel = unquote(rel)
        return self.files.get(rel) or self._by_stem.get(self._stem(rel))

    def rewrite(self, text: str) -> tuple[str, int]:
        """`text` with upload links replaced; also the number of links left unchanged."""
        if self._url is None:
            return text, 0
        missed = 0

        def replace(m):
            nonlocal missed
            new = self.lookup(m.group(1))
            if new is None:
                missed += 1
                return m.group(0)
            return quote(new, safe="/:%")

        text = self._url.sub(replace, text)
        return _simplify_images(text, set(self.files.values())), missed


_IMG_TAG = re.compile(r"<img\s([^>]*?)/?>", re.I | re.S)
_IMG_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def _simplify_images(text: str, library_urls: set[str]) -> str:
    """Images from the media library become <img src alt title>, src first.

    WordPress's width, height and class named its own resized copy; the post's save
    adds srcset and the real dimensions for library images (blog.models.responsive_images).
    """
    quoted = {quote(u, safe="/:%") for u in library_urls}

    def replace(m):
        attrs = {}
        for a in _IMG_ATTR.finditer(m.group(1)):
            attrs.setdefault(a.group(1).lower(), a.group(2) or a.group(3) or a.group(4) or "")
        if attrs.get("src") not in quoted:
            return m.group(0)
        parts = [f'src="{attrs["src"]}"', f'alt="{attrs.get("alt", "")}"']
        if attrs.get("title"):
            parts.append(f'title="{attrs["title"]}"')
        return "<img " + " ".join(parts) + ">"

    return _IMG_TAG.sub(replace, text)


# --- whole posts -----------------------------------------------------------------------

_MORE = re.compile(r"<!--more(.*?)?-->", re.S)
_BLOCK_COMMENT = re.compile(r"<!-- /?wp:[^>]*?-->\n?")
_NEXTPAGE = re.compile(r"<!--(?:nextpage|noteaser)-->")
_BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.M)


@dataclass
class PostContent:
    body: str
    excerpt: str
    conversion: Conversion


def convert_post(
    content: str,
    excerpt: str,
    *,
    post_id: int,
    attachments: dict,
    links: UploadLinks | None = None,
) -> PostContent:
    """WordPress content and excerpt to what a Post stores: body HTML and plain excerpt.

    The <!--more--> marker stays in the body (the sanitiser drops it from what readers
    see) and, without an explicit excerpt, the text before it becomes the excerpt.
    """
    result = Conversion()
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    is_blocks = "<!-- wp:" in content
    content = _BLOCK_COMMENT.sub("", content)
    if _NEXTPAGE.search(content):
        result.notes.append("a post split into pages (<!--nextpage-->) is now one page")
        content = _NEXTPAGE.sub("", content)
    # A URL alone on a line was an embed (YouTube …) in WordPress; here it is a link.
    content = _BARE_URL_LINE.sub(
        lambda m: f'<a href="{html.escape(m.group(1))}">{html.escape(m.group(1))}</a>', content
    )
    content = expand_shortcodes(content, post_id=post_id, attachments=attachments, result=result)
    if links is not None:
        content, missed = links.rewrite(content)
        if missed:
            result.notes.append(
                f"{missed} links to uploads that were not imported stay as they are"
            )
    teaser = None
    more = _MORE.search(content)
    if more:
        teaser = content[: more.start()]
        before = teaser if is_blocks else wpautop(teaser)
        rest = content[more.end() :]
        after = rest if is_blocks else wpautop(rest)
        body = f"{before.strip()}\n\n<!--more-->\n\n{after.strip()}".strip()
    else:
        body = content.strip() if is_blocks else wpautop(content).strip()
    text_excerpt = plain_text(sanitize_html(excerpt)) if excerpt.strip() else ""
    if not text_excerpt and teaser and teaser.strip():
        text_excerpt = plain_text(sanitize_html(teaser if is_blocks else wpautop(teaser)))
    return PostContent(body=_spaced_blocks(body), excerpt=text_excerpt, conversion=result)


def _spaced_blocks(body: str) -> str:
    """A blank line between top-level blocks, so that Markdown sees each as raw HTML."""
    return re.sub(
        r"(</(?:p|h[1-6]|ul|ol|blockquote|figure|div|table|pre|dl|hr)>)\n(?=<)", r"\1\n\n", body
    )


def plain_title(value: str) -> str:
    """A title as text: WordPress titles may hold entities (&amp;) and inline tags."""
    return plain_text(value) if value.strip() else ""
