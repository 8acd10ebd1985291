"""Talking to other servers (issue #15): fetching actors and objects, posting to inboxes.

Only http(s), never an address inside the network (loopback, private, link-local) unless
settings.FEDIVERSE_ALLOW_LOOPBACK (tests and development run two blogs on 127.0.0.1);
each redirect is checked the same way. Short timeouts and a size limit on every answer.
GETs are signed with a local author's key where one exists (servers in "secure mode"
answer unsigned fetches with 401).
"""

import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone

from .models import RemoteActor

logger = logging.getLogger("fediverse.remote")

ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
MAX_ANSWER = 1024 * 1024
TIMEOUT = 10
MAX_REDIRECTS = 3
USER_AGENT = "Django-Blog (ActivityPub; +{site})"


class FetchError(Exception):
    """A fetch or post that failed; `status` is the remote's answer when there was one."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class Answer:
    status: int
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def check_address(url: str) -> None:
    """FetchError unless `url` is http(s) on a public address (or loopback if allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"Not an http(s) address: {url[:200]}")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"{parts.hostname} cannot be resolved") from exc
    loopback_ok = getattr(settings, "FEDIVERSE_ALLOW_LOOPBACK", False)
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address.is_loopback and loopback_ok:
            continue
        if not address.is_global:
            raise FetchError(f"{parts.hostname} is not a public address")


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = TIMEOUT,
    sign_as=None,
) -> Answer:
    """One HTTP request, its redirects followed (GET only) after the same checks.

    `sign_as` is an author whose key signs the request (draft-cavage). Raises FetchError
    for a refused address, a network error or timeout, an answer over MAX_ANSWER; any
    HTTP status comes back as the Answer.
    """
    from . import keys, signatures

    for _ in range(MAX_REDIRECTS + 1):
        check_address(url)
        all_headers = {"User-Agent": USER_AGENT.format(site=settings.SITE_URL)}
        all_headers.update(headers or {})
        signer = sign_as if sign_as is not None else (instance_signer() if body is None else None)
        if signer is not None:
            key = keys.key_for(signer)
            all_headers.update(
                signatures.sign_request(method, url, body, keys.key_id(signer), key.private_key_pem)
            )
        req = urllib.request.Request(  # noqa: S310 (check_address above: http(s) only)
            url, data=body, headers=all_headers, method=method
        )
        try:
            with _opener.open(req, timeout=timeout) as response:  # noqa: S310 (checked above)
                return Answer(response.status, _read(response))
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location")
            if method == "GET" and exc.code in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            try:
                data = _read(exc)
            except FetchError:
                data = b""
            return Answer(exc.code, data)
        except (OSError, ValueError) as exc:  # URLError, timeouts, resets
            raise FetchError(f"{method} {url[:200]}: {exc}") from exc
    raise FetchError(f"Too many redirects from {url[:200]}")


def _read(response) -> bytes:
    data = response.read(MAX_ANSWER + 1)
    if len(data) > MAX_ANSWER:
        raise FetchError(f"Answer over {MAX_ANSWER} bytes")
    return data


def instance_signer():
    """The author whose key signs our fetches: the first that has one (None: unsigned)."""
    from .models import ActorKey

    key = ActorKey.objects.select_related("author").order_by("pk").first()
    return key.author if key else None


def fetch_object(url: str) -> dict:
    """The ActivityStreams document at `url`, whose `id` must be on the same host."""
    answer = request("GET", url, headers={"Accept": ACCEPT})
    if answer.status != 200:
        raise FetchError(f"GET {url[:200]} answered {answer.status}", answer.status)
    try:
        document = json.loads(answer.body)
    except ValueError as exc:
        raise FetchError(f"GET {url[:200]} is not JSON") from exc
    if not isinstance(document, dict):
        raise FetchError(f"GET {url[:200]} is not an object")
    found = document.get("id")
    if not isinstance(found, str) or urlsplit(found).netloc != urlsplit(url).netloc:
        raise FetchError(f"GET {url[:200]} names another host's id")
    return document


def _text(value, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _url(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("href") or value.get("url") or ""
    if isinstance(value, str) and urlsplit(value).scheme in ("http", "https"):
        return value[:500]
    return ""


def save_actor(document: dict) -> RemoteActor:
    """Keep the actor document's public parts (name, inboxes, key) as a RemoteActor."""
    ap_id = document.get("id")
    inbox = _url(document.get("inbox"))
    key = document.get("publicKey")
    if isinstance(key, list):
        key = key[0] if key else None
    if not isinstance(ap_id, str) or not inbox or not isinstance(key, dict):
        raise FetchError("Not an actor with an inbox and a key")
    if key.get("owner") not in (None, ap_id) or not isinstance(key.get("publicKeyPem"), str):
        raise FetchError("The actor's key belongs to someone else")
    endpoints = document.get("endpoints")
    shared = _url(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else ""
    actor, _ = RemoteActor.objects.update_or_create(
        ap_id=ap_id,
        defaults={
            "inbox": inbox,
            "shared_inbox": shared,
            "preferred_username": _text(document.get("preferredUsername"), 200),
            "name": _text(document.get("name"), 200),
            "url": _url(document.get("url")),
            "icon": _url(document.get("icon")),
            "public_key_pem": key["publicKeyPem"],
            "key_id": _url(key.get("id")) or ap_id + "#main-key",
            "domain": urlsplit(ap_id).netloc.lower(),
            "fetched_at": timezone.now(),
        },
    )
    return actor


def fetch_actor(url: str) -> RemoteActor:
    """Fetch the actor at `url` (or the actor owning the key at `url`) and keep it."""
    document = fetch_object(url.split("#", 1)[0])
    if "inbox" not in document and isinstance(document.get("owner"), str):
        document = fetch_object(document["owner"])
    return save_actor(document)


def actor_for_key(key_id: str) -> tuple[RemoteActor, bool]:
    """The actor that owns `key_id`: (kept one, False) or (just fetched, True)."""
    kept = RemoteActor.objects.filter(key_id=key_id).first()
    if kept is not None:
        return kept, False
    actor = fetch_actor(key_id)
    if actor.key_id != key_id:
        raise FetchError(f"{actor.ap_id} has no key {key_id}")
    return actor, True


def refresh_actor(actor: RemoteActor) -> RemoteActor:
    return fetch_actor(actor.ap_id)


def actor_by_id(ap_id: str) -> RemoteActor:
    """The kept actor of that id, fetched the first time."""
    return RemoteActor.objects.filter(ap_id=ap_id).first() or fetch_actor(ap_id)
