"""Webmention endpoint discovery, as the W3C Recommendation says (section 3.1.2).

The HTTP Link header first; then the first <link> or <a> element with rel="webmention"
in document order (HTML comments and other elements are no links). A relative
endpoint is resolved against the page's final URL after redirects; an empty href is
the page itself; the query string stays. Checked against the cases of the W3C test
suite (webmention.rocks) in tests/webmentions/test_discovery.py.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

from . import fetch

# One link-value of a Link header: <URI> and its parameters, up to the next comma
# outside quotes.
_LINK_VALUE = re.compile(r'<([^>]*)>((?:\s*;\s*[^;,"=\s]+\s*(?:=\s*(?:"[^"]*"|[^;,"\s]*))?)*)')
_PARAM = re.compile(r';\s*([^=;,\s]+)\s*(?:=\s*(?:"([^"]*)"|([^;,]*)))?')


def _is_webmention_rel(value: str) -> bool:
    return "webmention" in value.lower().split()


def from_link_headers(values: list[str]) -> str | None:
    """The first URI of a Link header value whose rel names webmention."""
    for value in values:
        for match in _LINK_VALUE.finditer(value):
            for name, quoted, bare in _PARAM.findall(match[2]):
                if name.lower() == "rel" and _is_webmention_rel(quoted or bare):
                    return match[1].strip()
    return None


class _FirstRel(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.href = None

    def handle_starttag(self, tag, attrs):
        if self.href is not None or tag not in ("link", "a"):
            return
        attributes = dict(attrs)
        if "href" in attributes and _is_webmention_rel(attributes.get("rel") or ""):
            self.href = attributes["href"] or ""

    handle_startendtag = handle_starttag


def from_html(html: str) -> str | None:
    """The href of the first <link> or <a> with rel=webmention in document order."""
    parser = _FirstRel()
    parser.feed(html)
    parser.close()
    return parser.href


def discover(target: str) -> str | None:
    """The Webmention endpoint of `target`, absolute, or None (FetchError if unreachable)."""
    response = fetch.request("GET", target, headers={"Accept": "text/html, */*;q=0.5"})
    if not 200 <= response.status < 300:
        return None
    endpoint = from_link_headers(response.headers.get_all("Link") or [])
    if endpoint is None and response.content_type in ("text/html", "application/xhtml+xml"):
        endpoint = from_html(response.text())
    if endpoint is None:
        return None
    return urljoin(response.url, endpoint)
