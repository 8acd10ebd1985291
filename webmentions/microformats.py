"""What a Webmention's source says, from its microformats (h-entry, h-card) via mf2py."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import mf2py
from django.utils.dateparse import parse_datetime

# The properties that make a post a response of a kind, most specific first
# (Post Type Discovery, https://www.w3.org/TR/post-type-discovery/).
KIND_PROPERTIES = (
    ("in-reply-to", "reply"),
    ("repost-of", "repost"),
    ("like-of", "like"),
    ("bookmark-of", "bookmark"),
)


def normalise(url: str) -> str:
    """A URL for comparison: scheme and host lower-case, default port and fragment
    dropped, an empty path as "/". The query string stays."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    scheme = parts.scheme.lower()
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    if parts.hostname and ":" in parts.hostname:
        host = f"[{parts.hostname}]" + (f":{port}" if port else "")
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


@dataclass
class Entry:
    kind: str = "mention"
    author_name: str = ""
    author_url: str = ""
    author_photo: str = ""
    text: str = ""
    published: datetime.datetime | None = None
    in_reply_to: tuple = ()


def _urls(values) -> list[str]:
    """The URLs of a property's values: strings, or embedded h-cite/h-entry's url."""
    found = []
    for value in values or []:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            found.extend(
                v for v in value.get("properties", {}).get("url", []) if isinstance(v, str)
            )
            if isinstance(value.get("value"), str):
                found.append(value["value"])
    return found


def _first_text(values) -> str:
    for value in values or []:
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            text = value.get("value")
            if isinstance(text, str):
                return text
    return ""


def _entries(items):
    for item in items:
        if "h-entry" in item.get("type", []):
            yield item
        yield from _entries(item.get("children", []))


def _author(entry: dict, items: list) -> tuple[str, str, str]:
    """Name, URL and photo: the entry's author property, else the page's first h-card."""
    values = entry.get("properties", {}).get("author", [])
    card = next((v for v in values if isinstance(v, dict)), None)
    if card is None:
        card = next((i for i in items if "h-card" in i.get("type", [])), None)
    if card is None:
        text = _first_text(values)
        if text.startswith(("http://", "https://")):
            return "", text, ""
        return text, "", ""
    props = card.get("properties", {})
    photo = props.get("photo", [])
    photo_url = photo[0] if photo and isinstance(photo[0], str) else ""
    if photo and isinstance(photo[0], dict):
        photo_url = photo[0].get("value", "")
    return (
        _first_text(props.get("name")) or _first_text([card.get("value")]),
        _first_text(props.get("url")),
        photo_url,
    )


def parse(html: str, url: str, target: str) -> Entry:
    """The h-entry of the source (the one that responds to `target`, else the first)."""
    document = mf2py.parse(doc=html, url=url, metaformats=False)
    items = document.get("items", [])
    entries = list(_entries(items))
    wanted = normalise(target)

    def responds(entry):
        props = entry.get("properties", {})
        return any(
            normalise(u) == wanted for name, _ in KIND_PROPERTIES for u in _urls(props.get(name))
        )

    entry = next((e for e in entries if responds(e)), entries[0] if entries else None)
    if entry is None:
        return Entry()
    props = entry.get("properties", {})
    result = Entry()
    for name, kind in KIND_PROPERTIES:
        urls = _urls(props.get(name))
        if name == "in-reply-to":
            result.in_reply_to = tuple(urls)
            if any(_answers(u, wanted) for u in urls):
                result.kind = kind
                break
        elif wanted in {normalise(u) for u in urls}:
            result.kind = kind
            break
    content = props.get("content", [])
    result.text = (
        _first_text(content) or _first_text(props.get("summary")) or _first_text(props.get("name"))
    ).strip()
    result.author_name, result.author_url, result.author_photo = _author(entry, items)
    published = _first_text(props.get("published"))
    if published:
        try:
            result.published = parse_datetime(published.strip())
        except ValueError:
            result.published = None
    return result


def _answers(url: str, wanted: str) -> bool:
    """Whether an in-reply-to URL is the target, or one of its comments (#comment-N,
    on the post's page or one of its comment pages below it)."""
    base = normalise(url)
    if base == wanted:
        return True
    return "#comment-" in url and base.startswith(wanted)
