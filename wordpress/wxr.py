"""Streaming reader for WordPress eXtended RSS (WXR 1.0–1.2), the format of Tools → Export.

The file is parsed with defusedxml's `iterparse`, which refuses entity declarations
(billion laughs) and external entities, and each <item> is cleared once read, so
memory stays bounded by the largest single post with its comments. The file is fed
to the parser one line at a time, so that every record knows the line it started
on and errors can name it.

`read_wxr(path)` yields, in document order: `Author`, `Term` (categories, tags and
other taxonomies), one `Channel` (before the first item) and `Item`s.

Any generator (WordPress, WordPress.com, plugins that edit exports) is read as
WordPress's importer reads it (issue #13): the wp: and excerpt: namespaces are the ones
the file binds to those prefixes, elements WordPress does not write are skipped and
counted (`WXRReader.unknown`), and a prefix a plugin used without declaring it, which
libxml only warns about, is declared for it (the file is read again from the start,
the records already handed out are not repeated).
"""

import datetime
import html
import re
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings

NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
# WordPress writes http://, WordPress.com https:// (as WordPress's importer, the file's
# own declaration counts, whatever its scheme).
_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/(excerpt/)?$")
# Bytes XML 1.0 never allows. Old WordPress exports carry them (pasted from word
# processors); WordPress's importer tolerates them, so we drop them too.
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32)])
_NO_DATE = "0000-00-00 00:00:00"
# expat's XML_ERROR_UNBOUND_PREFIX: an element or attribute with an undeclared prefix.
_UNBOUND_PREFIX = 27
_PREFIXED = re.compile(rb"<([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=")
_RSS_TAG = re.compile(rb"<rss(?=[\s>/])")
_UNDECLARED = "urn:x-wxr-undeclared:"
# How many undeclared prefixes one file may need before it counts as broken.
MAX_UNDECLARED = 20

# What WordPress's exporter (and RSS 2.0 around it) writes; anything else below the
# channel, an item or a comment is counted as unknown and skipped.
RSS_CHANNEL = {
    "title", "link", "description", "language", "copyright", "managingEditor", "webMaster",
    "pubDate", "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image",
    "rating", "textInput", "skipHours", "skipDays",
}  # fmt: skip
KNOWN_IN_CHANNEL = RSS_CHANNEL | {
    "item", "wp:wxr_version", "wp:base_site_url", "wp:base_blog_url", "wp:author",
    "wp:category", "wp:tag", "wp:term", "wp:option",
}  # fmt: skip
KNOWN_IN_ITEM = {
    "title", "link", "description", "author", "category", "comments", "enclosure", "guid",
    "pubDate", "source", "dc:creator", "content:encoded", "excerpt:encoded", "wp:post_id",
    "wp:post_date", "wp:post_date_gmt", "wp:post_modified", "wp:post_modified_gmt",
    "wp:comment_status", "wp:ping_status", "wp:post_name", "wp:status", "wp:post_parent",
    "wp:menu_order", "wp:post_type", "wp:post_password", "wp:is_sticky", "wp:attachment_url",
    "wp:postmeta", "wp:comment",
}  # fmt: skip
KNOWN_IN_COMMENT = {
    "wp:comment_id", "wp:comment_author", "wp:comment_author_email", "wp:comment_author_url",
    "wp:comment_author_IP", "wp:comment_date", "wp:comment_date_gmt", "wp:comment_content",
    "wp:comment_approved", "wp:comment_type", "wp:comment_parent", "wp:comment_user_id",
    "wp:commentmeta",
}  # fmt: skip


class WXRError(Exception):
    """The file cannot be imported: not well-formed, unsafe, or not a WordPress export."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    description: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    # Post IDs of WordPress's "sticky_posts" option, when an export carries it.
    sticky_ids: set[int] = field(default_factory=set)


@dataclass
class Author:
    line: int
    wp_id: int | None
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    line: int
    taxonomy: str  # "category", "post_tag" or another taxonomy
    wp_id: int | None
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class Comment:
    wp_id: int
    author: str
    email: str
    url: str
    ip: str
    date: datetime.datetime
    content: str
    approved: str
    type: str
    parent: int
    user_id: int


@dataclass
class Item:
    line: int
    wp_id: int
    post_type: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    status: str
    date: datetime.datetime | None
    slug: str
    parent: int
    menu_order: int
    password: str
    is_sticky: bool
    comment_status: str
    attachment_url: str = ""
    # wp:post_date and wp:post_modified as written, naive: the old blog's local time
    # (the permalink's day); with their _gmt twins when the file has them (drafts have
    # no GMT date: `date` is then read in this blog's time zone, a guess).
    local_date: datetime.datetime | None = None
    gmt_date: datetime.datetime | None = None
    modified_local: datetime.datetime | None = None
    modified_gmt: datetime.datetime | None = None
    # (domain, slug, name) of <category> elements: categories, tags, formats.
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)


class _LineReader:
    """A binary file that hands the parser one line per read, counting lines.

    Lines longer than CHUNK come in pieces, so that a file without line breaks does
    not have to fit in memory either.
    """

    CHUNK = 64 * 1024

    def __init__(self, fh, declare: dict[str, str] | None = None):
        self._fh = fh
        self._newlines = 0
        self.line = 0  # the line of the data read last
        self.dropped = 0
        self.data = b""  # the data read last
        # Namespace declarations to add to <rss> (prefixes a plugin forgot to declare),
        # on the same line, so that line numbers stay those of the file.
        self._declare = "".join(f' xmlns:{p}="{uri}"' for p, uri in (declare or {}).items())

    def read(self, size=-1):
        for data in iter(lambda: self._fh.readline(self.CHUNK), b""):
            self.line = self._newlines + 1
            self._newlines += data.endswith(b"\n")
            clean = data.translate(None, _CONTROL_BYTES)
            self.dropped += len(data) - len(clean)
            if self._declare and _RSS_TAG.search(clean):
                clean = _RSS_TAG.sub(lambda m: m.group(0) + self._declare.encode(), clean, 1)
                self._declare = ""
            if clean:
                self.data = clean
                return clean
        return b""


class _Names:
    """Element tags as "prefix:local" (wp:, excerpt:, content:, dc:), any WXR version.

    As in WordPress's importer, the wp: and excerpt: namespaces are whatever the file
    binds to those prefixes (or any WXR namespace, http or https); content: and dc: are
    the fixed RSS ones. Other namespaces keep the file's own prefix, for the report.
    """

    def __init__(self):
        self.prefixes: dict[str, str] = {}  # namespace URI → the file's prefix
        self._cache: dict[str, str] = {}  # a file has a few dozen distinct tags

    def declare(self, prefix: str, uri: str) -> None:
        self.prefixes.setdefault(uri, prefix)
        self._cache.clear()

    def __call__(self, tag: str) -> str:
        name = self._cache.get(tag)
        if name is None:
            name = self._cache[tag] = self._name(tag)
        return name

    def _name(self, tag: str) -> str:
        if not tag.startswith("{"):
            return tag
        namespace, local = tag[1:].split("}", 1)
        match = _WP_NAMESPACE.match(namespace)
        if match:
            return f"{'excerpt' if match.group(2) else 'wp'}:{local}"
        if namespace in NAMESPACES:
            return f"{NAMESPACES[namespace]}:{local}"
        prefix = self.prefixes.get(namespace, "")
        if prefix in ("wp", "excerpt"):
            return f"{prefix}:{local}"
        if prefix and prefix not in NAMESPACES.values():
            return f"{prefix}:{local}"
        return tag


def _text(element, name: str, default: str = "") -> str:
    """The text of the child named `name` (tags already named by the reader)."""
    for child in element:
        if child.tag == name:
            return child.text or ""
    return default


def _int(value: str, what: str, line: int) -> int:
    value = (value or "").strip()
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:
        raise WXRError(f"{what} is not a number: {value!r}", line) from None


def _naive(value: str, line: int) -> datetime.datetime | None:
    """A WordPress date as written ("2025-01-07 23:30:00"), None for none or zeros."""
    value = (value or "").strip()
    if not value or value == _NO_DATE:
        return None
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise WXRError(f"not a date: {value!r}", line) from None


def parse_date(gmt: str, local: str, line: int, fallback: str = "") -> datetime.datetime | None:
    """An aware datetime from WordPress's GMT date, else its local date in TIME_ZONE.

    Drafts carry "0000-00-00 00:00:00" as GMT date; then the local date counts.
    `fallback` is an RSS pubDate, used when both are missing.
    """
    gmt, local = (gmt or "").strip(), (local or "").strip()
    try:
        if gmt and gmt != _NO_DATE:
            naive = datetime.datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S")
            return naive.replace(tzinfo=datetime.UTC)
        if local and local != _NO_DATE:
            naive = datetime.datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
            return naive.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    except ValueError:
        raise WXRError(f"not a date: {gmt or local!r}", line) from None
    if fallback.strip():
        try:
            return parsedate_to_datetime(fallback.strip())
        except (TypeError, ValueError):
            pass
    return None


def _comment(element, line: int) -> Comment:
    return Comment(
        wp_id=_int(_text(element, "wp:comment_id"), "wp:comment_id", line),
        author=_text(element, "wp:comment_author"),
        email=_text(element, "wp:comment_author_email").strip(),
        url=_text(element, "wp:comment_author_url").strip(),
        ip=_text(element, "wp:comment_author_IP").strip(),
        date=parse_date(
            _text(element, "wp:comment_date_gmt"), _text(element, "wp:comment_date"), line
        ),
        content=_text(element, "wp:comment_content"),
        approved=_text(element, "wp:comment_approved").strip(),
        type=_text(element, "wp:comment_type").strip(),
        parent=_int(_text(element, "wp:comment_parent"), "wp:comment_parent", line),
        user_id=_int(_text(element, "wp:comment_user_id"), "wp:comment_user_id", line),
    )


def _item(element, line: int) -> Item:
    item = Item(
        line=line,
        wp_id=_int(_text(element, "wp:post_id"), "wp:post_id", line),
        post_type=_text(element, "wp:post_type").strip() or "post",
        title=_text(element, "title"),
        link=_text(element, "link").strip(),
        guid=_text(element, "guid").strip(),
        creator=_text(element, "dc:creator").strip(),
        content=_text(element, "content:encoded"),
        excerpt=_text(element, "excerpt:encoded"),
        status=_text(element, "wp:status").strip(),
        date=parse_date(
            _text(element, "wp:post_date_gmt"),
            _text(element, "wp:post_date"),
            line,
            fallback=_text(element, "pubDate"),
        ),
        slug=_text(element, "wp:post_name").strip(),
        parent=_int(_text(element, "wp:post_parent"), "wp:post_parent", line),
        menu_order=_int(_text(element, "wp:menu_order"), "wp:menu_order", line),
        password=_text(element, "wp:post_password"),
        is_sticky=_text(element, "wp:is_sticky").strip() == "1",
        comment_status=_text(element, "wp:comment_status").strip() or "open",
        attachment_url=_text(element, "wp:attachment_url").strip(),
        local_date=_naive(_text(element, "wp:post_date"), line),
        gmt_date=_naive(_text(element, "wp:post_date_gmt"), line),
        modified_local=_naive(_text(element, "wp:post_modified"), line),
        modified_gmt=_naive(_text(element, "wp:post_modified_gmt"), line),
    )
    if not item.wp_id:
        raise WXRError("an <item> without wp:post_id", line)
    for child in element:
        name = child.tag
        if name == "category":
            item.terms.append(
                (child.get("domain", ""), child.get("nicename", ""), child.text or "")
            )
        elif name == "wp:postmeta":
            item.meta[_text(child, "wp:meta_key")] = _text(child, "wp:meta_value")
        elif name == "wp:comment":
            item.comments.append(_comment(child, line))
    return item


def _author(element, line: int) -> Author:
    wp_id = _text(element, "wp:author_id").strip()
    return Author(
        line=line,
        wp_id=_int(wp_id, "wp:author_id", line) if wp_id else None,
        login=_text(element, "wp:author_login").strip(),
        email=_text(element, "wp:author_email").strip(),
        display_name=html.unescape(_text(element, "wp:author_display_name").strip()),
        first_name=html.unescape(_text(element, "wp:author_first_name").strip()),
        last_name=html.unescape(_text(element, "wp:author_last_name").strip()),
    )


def _term(element, name: str, line: int) -> Term:
    term_id = _text(element, "wp:term_id").strip()
    wp_id = _int(term_id, "wp:term_id", line) if term_id else None
    if name == "wp:category":
        return Term(
            line=line,
            taxonomy="category",
            wp_id=wp_id,
            slug=_text(element, "wp:category_nicename").strip(),
            name=_text(element, "wp:cat_name"),
            parent_slug=_text(element, "wp:category_parent").strip(),
            description=_text(element, "wp:category_description"),
        )
    if name == "wp:tag":
        return Term(
            line=line,
            taxonomy="post_tag",
            wp_id=wp_id,
            slug=_text(element, "wp:tag_slug").strip(),
            name=_text(element, "wp:tag_name"),
            description=_text(element, "wp:tag_description"),
        )
    return Term(
        line=line,
        taxonomy=_text(element, "wp:term_taxonomy").strip(),
        wp_id=wp_id,
        slug=_text(element, "wp:term_slug").strip(),
        name=_text(element, "wp:term_name"),
        parent_slug=_text(element, "wp:term_parent").strip(),
        description=_text(element, "wp:term_description"),
    )


_STICKY_OPTION = re.compile(r"i:\d+;i:(\d+);")


def _sticky_ids(value: str) -> set[int]:
    """Post IDs from a serialised PHP array such as a:2:{i:0;i:12;i:1;i:40;}."""
    return {int(n) for n in _STICKY_OPTION.findall(value or "")}


class WXRReader:
    """Iterate over a WXR file's records; see the module docstring.

    `dropped_bytes` counts removed control bytes, `unknown` the skipped elements by
    name ("wpcom:meta"), `undeclared` the prefixes declared for the file.
    """

    HEADER = {
        "title": "title",
        "link": "link",
        "description": "description",
        "wp:base_site_url": "base_site_url",
        "wp:base_blog_url": "base_blog_url",
        "wp:wxr_version": "wxr_version",
    }

    def __init__(self, path, undeclared: dict[str, str] | None = None):
        self.path = path
        self.dropped_bytes = 0
        self.unknown: Counter = Counter()
        self.undeclared: dict[str, str] = dict(undeclared or {})

    def __iter__(self) -> Iterator[Channel | Author | Term | Item]:
        handed_out = 0
        while True:
            self.unknown = Counter()
            with open(self.path, "rb") as fh:
                source = _LineReader(fh, self.undeclared)
                names = _Names()
                try:
                    for n, record in enumerate(self._records(source, names)):
                        if n >= handed_out:  # a second reading repeats nothing
                            handed_out += 1
                            yield record
                    return
                except ParseError as exc:
                    line = exc.position[0] if getattr(exc, "position", None) else source.line
                    if getattr(exc, "code", None) == _UNBOUND_PREFIX and self._declare(
                        source, names
                    ):
                        continue
                    raise WXRError(f"the file is not well-formed XML ({exc})", line) from None
                except DefusedXmlException as exc:
                    raise WXRError(
                        "the file declares XML entities or refers to external ones; WordPress "
                        f"exports never do, and they are refused for safety ({exc})",
                        source.line,
                    ) from None
                finally:
                    self.dropped_bytes = source.dropped

    def _declare(self, source: _LineReader, names: _Names) -> bool:
        """Declare the prefixes the line in error uses without a declaration; False if
        there are none (another error) or too many."""
        known = set(names.prefixes.values()) | set(self.undeclared) | {"xml", "xmlns"}
        found = {a or b for a, b in _PREFIXED.findall(source.data)}
        new = {p.decode() for p in found} - known
        if not new or len(self.undeclared) + len(new) > MAX_UNDECLARED:
            return False
        for prefix in sorted(new):
            self.undeclared[prefix] = _UNDECLARED + prefix
        return True

    def _count_unknown(self, element, known: set[str]) -> None:
        for child in element:
            if child.tag not in known:
                self.unknown[child.tag] += 1

    def _records(self, source, names: _Names) -> Iterator[Channel | Author | Term | Item]:
        events = iterparse(source, events=("start", "end", "start-ns"))
        channel_element = None
        channel = Channel()
        channel_sent = False
        item_line = 0
        depth = 0
        for event, element in events:
            if event == "start-ns":
                names.declare(*element)
                continue
            if event == "start":
                depth += 1
                name = names(element.tag)
                if depth == 1 and name != "rss":
                    local = name.rsplit("}", 1)[-1]
                    raise WXRError(
                        f"this is not a WordPress export: the document is <{local}>, not <rss>",
                        source.line,
                    )
                if depth == 2 and name == "channel":
                    channel_element = element
                elif depth == 3 and name == "item":
                    item_line = source.line
                    if not channel_sent:
                        self._check_version(channel, source.line)
                        channel_sent = True
                        yield channel
                continue
            depth -= 1
            if depth != 2 or channel_element is None:
                continue
            # A child of the channel is complete: name its tags once, as "wp:post_id".
            for node in element.iter():
                node.tag = names(node.tag)
            name = element.tag
            line = item_line if name == "item" else source.line
            if name not in KNOWN_IN_CHANNEL:
                self.unknown[name] += 1
            if name == "item":
                self._count_unknown(element, KNOWN_IN_ITEM)
                for child in element:
                    if child.tag == "wp:comment":
                        self._count_unknown(child, KNOWN_IN_COMMENT)
                yield _item(element, line)
            elif name == "wp:author":
                yield _author(element, line)
            elif name in ("wp:category", "wp:tag", "wp:term"):
                yield _term(element, name, line)
            elif name in self.HEADER:
                setattr(channel, self.HEADER[name], (element.text or "").strip())
            elif name == "wp:option" and _text(element, "wp:option_name") == "sticky_posts":
                channel.sticky_ids |= _sticky_ids(_text(element, "wp:option_value"))
            # Everything below the channel has been read: free it.
            channel_element.clear()
        if channel_element is None:
            raise WXRError("this is not a WordPress export: there is no <channel>", source.line)
        if not channel_sent:
            self._check_version(channel, source.line)
            yield channel

    @staticmethod
    def _check_version(channel: Channel, line: int) -> None:
        if not channel.wxr_version:
            raise WXRError(
                "this is not a WordPress export: <wp:wxr_version> is missing (an RSS feed "
                "is not an export; use Tools → Export in WordPress)",
                line,
            )
        major, _dot, minor = channel.wxr_version.partition(".")
        if major != "1" or not minor.isdigit():
            raise WXRError(f"unsupported WXR version {channel.wxr_version!r}", line)


def read_wxr(path, undeclared: dict[str, str] | None = None) -> WXRReader:
    """The records of the WXR file at `path`, streamed; see the module docstring.

    `undeclared`: the prefixes an earlier reading of the same file had to declare.
    """
    return WXRReader(path, undeclared)
