"""Fetching a page from the open web for Webmentions, safely (issue #15).

Only http and https; every address a host name resolves to must be public (no
loopback, private, link-local, multicast or reserved range) unless
WEBMENTIONS_ALLOW_LOOPBACK lets loopback through (tests, two instances on one
machine); the connection goes to the address that was checked, so a name cannot
resolve to a public address for the check and to a private one for the request.
Redirects are followed a few times, each hop checked the same way; the body is read
up to a size limit, within a timeout per read.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import quote, urljoin, urlsplit

from . import conf

USER_AGENT = "Webmention (Django blog engine; +https://www.w3.org/TR/webmention/)"
REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """The address may not be fetched, or the remote server did not answer usably."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        # Trying again cannot help (a private address, not http(s)).
        self.permanent = permanent


@dataclass
class Response:
    status: int
    url: str  # the final URL, after redirects
    headers: Message
    body: bytes = b""
    links: list = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get_content_type()

    def text(self) -> str:
        charset = self.headers.get_content_charset() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def _allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return bool(conf.get("WEBMENTIONS_ALLOW_LOOPBACK"))
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> str:
    """The first address of `host`, if every address it has may be fetched."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host}: {error}") from error
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(_allowed(address) for address in addresses):
        raise FetchError(f"{host} is not a public address", permanent=True)
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _one(method: str, url: str, body: bytes | None, headers: dict, timeout: float):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url}", permanent=True)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FetchError(f"bad port in {url}") from error
    address = _resolve(parts.hostname, port)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(parts.hostname, port, address, timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # Characters a request line may not carry as they are ("<", spaces, non-ASCII)
    # percent-encoded; what is encoded already stays.
    path = quote(path, safe="/%?&=:@!$'()*+,;~-._")
    connection.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **headers})
    return connection, connection.getresponse()


def request(
    method: str, url: str, *, data: bytes | None = None, headers: dict | None = None
) -> Response:
    """One request, redirects followed (a POST that is redirected with 301–303 becomes
    a GET, as browsers do), the body read up to WEBMENTIONS_MAX_BYTES."""
    timeout = conf.get("WEBMENTIONS_TIMEOUT")
    limit = conf.get("WEBMENTIONS_MAX_BYTES")
    headers = dict(headers or {})
    for _hop in range(conf.get("WEBMENTIONS_MAX_REDIRECTS") + 1):
        try:
            connection, response = _one(method, url, data, headers, timeout)
            try:
                if response.status in REDIRECTS and response.getheader("Location"):
                    url = urljoin(url, response.getheader("Location"))
                    if response.status in (301, 302, 303) and method == "POST":
                        method, data = "GET", None
                        headers.pop("Content-Type", None)
                    continue
                body = response.read(limit + 1)
            finally:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(f"{url}: {error}") from error
        if len(body) > limit:
            raise FetchError(f"{url}: more than {limit} bytes")
        return Response(response.status, url, response.msg, body)
    raise FetchError(f"{url}: too many redirects")


def host_of(url: str) -> str:
    """The host name of a URL, without "www." (the "via …" marker, a fallback name)."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
