"""A stand-in for a Mastodon server on loopback: serves actor documents, records what is
POSTed to its inboxes, and can answer 500 or hang (for the delivery retries).

The actor document's shape is Mastodon's own (spec/fixtures/requests/activitypub-actor.txt
in github.com/mastodon/mastodon, AGPL-3.0; used as test data), with a fresh key pair.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fediverse.keys import new_key_pair


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class MockMastodon:
    server: ThreadingHTTPServer = None
    documents: dict = field(default_factory=dict)
    received: list = field(default_factory=list)
    # What the next inbox POSTs get: status codes, or "hang" (no answer for a while).
    answers: list = field(default_factory=list)
    hang_seconds: float = 3.0

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def host(self) -> str:
        return self.base.removeprefix("http://")

    def add_actor(self, name: str) -> "RemoteAccount":
        private, public = new_key_pair()
        url = f"{self.base}/users/{name}"
        self.documents[f"/users/{name}"] = actor_document(self.base, name, public)
        return RemoteAccount(url=url, key_id=url + "#main-key", private_key_pem=private)

    def posts(self, path=None) -> list[Received]:
        return [r for r in self.received if r.method == "POST" and path in (None, r.path)]


@dataclass
class RemoteAccount:
    url: str
    key_id: str
    private_key_pem: str


def actor_document(base: str, name: str, public_key_pem: str) -> dict:
    url = f"{base}/users/{name}"
    return {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1",
            {"manuallyApprovesFollowers": "as:manuallyApprovesFollowers"},
        ],
        "id": url,
        "type": "Person",
        "following": f"{url}/following",
        "followers": f"{url}/followers",
        "inbox": f"{url}/inbox",
        "outbox": f"{url}/outbox",
        "preferredUsername": name,
        "name": name.capitalize(),
        "summary": "<p>test</p>",
        "url": f"{base}/@{name}",
        "manuallyApprovesFollowers": False,
        "publicKey": {"id": f"{url}#main-key", "owner": url, "publicKeyPem": public_key_pem},
        "endpoints": {"sharedInbox": f"{base}/inbox"},
        "icon": {"type": "Image", "url": f"{base}/avatar.png"},
    }


def _handler(mock: MockMastodon):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            mock.received.append(Received("GET", self.path, dict(self.headers), b""))
            doc = mock.documents.get(self.path.split("?")[0])
            if doc is None:
                self.send_response(404)
                self.end_headers()
                return
            body = json.dumps(doc).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/activity+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            answer = mock.answers.pop(0) if mock.answers else 202
            mock.received.append(Received("POST", self.path, dict(self.headers), body))
            if answer == "hang":
                time.sleep(mock.hang_seconds)
                answer = 202
            try:
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the client gave up waiting

    return Handler


@pytest.fixture
def mastodon(settings):
    """A mock Mastodon on 127.0.0.1 (any free port); loopback allowed for the test."""
    settings.FEDIVERSE_ALLOW_LOOPBACK = True
    settings.FEDIVERSE_DELIVERY_TIMEOUT = 1
    mock = MockMastodon()
    mock.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(mock))
    mock.server.daemon_threads = True
    thread = threading.Thread(target=mock.server.serve_forever, daemon=True)
    thread.start()
    yield mock
    mock.server.shutdown()
    mock.server.server_close()
