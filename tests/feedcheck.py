"""Feed validation for tests (issue #13): a real feed parser and the rules of the specs.

No validator that works offline is on PyPI, so: feedparser must read the feed without
complaint (its `bozo` flag), and the elements RSS 2.0 and Atom (RFC 4287) require, the
namespaces of WordPress's extension elements and unique, absolute IDs are checked here.
"""

from urllib.parse import urlsplit

import feedparser
from defusedxml import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"
EXTENSIONS = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def _parse(content: bytes):
    parsed = feedparser.parse(content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed, ElementTree.fromstring(content)


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and (parts.netloc or parts.scheme in ("urn", "tag")))


def valid_rss(content: bytes):
    """The feedparser result of an RSS 2.0 feed that passes the checks above."""
    parsed, root = _parse(content)
    assert parsed.version == "rss20"
    assert root.tag == "rss" and root.get("version") == "2.0"
    (channel,) = root.findall("channel")
    for name in ("title", "link", "description"):
        assert channel.find(name) is not None, f"<channel> lacks <{name}>"
    assert _absolute(channel.findtext("link"))
    guids = []
    for item in channel.findall("item"):
        assert item.find("title") is not None or item.find("description") is not None
        assert _absolute(item.findtext("link"))
        guid = item.find("guid")
        if guid is not None:
            guids.append(guid.text)
            if guid.get("isPermaLink", "true") == "true":
                assert _absolute(guid.text)
        for child in item:
            if child.tag.startswith("{"):
                namespace = child.tag[1:].split("}")[0]
                assert namespace in EXTENSIONS.values(), child.tag
        count = item.findtext(f"{{{EXTENSIONS['slash']}}}comments")
        assert count is None or count.isdigit()
        for name in (f"{{{EXTENSIONS['wfw']}}}commentRss", "comments"):
            if item.find(name) is not None:
                assert _absolute(item.findtext(name)), name
    assert len(guids) == len(set(guids)), "guids repeat"
    return parsed


def valid_atom(content: bytes):
    """The feedparser result of an Atom 1.0 feed that passes the checks above."""
    parsed, root = _parse(content)
    assert parsed.version == "atom10"
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None, f"<feed> lacks <{name}>"
    feed_author = root.find(f"{ATOM}author") is not None
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}") is not None, f"<entry> lacks <{name}>"
        assert feed_author or entry.find(f"{ATOM}author") is not None, "no author"
        ids.append(entry.findtext(f"{ATOM}id"))
        assert _absolute(ids[-1]), ids[-1]
        links = [
            link for link in entry.findall(f"{ATOM}link") if link.get("rel") in (None, "alternate")
        ]
        assert links and all(_absolute(link.get("href")) for link in links)
        content = entry.find(f"{ATOM}content")
        if content is None:  # RFC 4287 4.1.1.1: no content, then an alternate link: done
            assert entry.find(f"{ATOM}summary") is not None or links
    assert len(ids) == len(set(ids)), "ids repeat"
    return parsed
