"""A stand-in for the open web on loopback: a small HTTP server whose pages each test
sets, recording every request it gets (ports 18810–18899 of this suite's range)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest


class Remote:
    def __init__(self, server):
        self.server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        self.pages = {}
        self.requests = []

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path, body="", *, status=200, headers=None, content_type="text/html"):
        """Serve `body` at `path` (headers: a list of (name, value) pairs)."""
        self.pages[path] = (status, [("Content-Type", content_type), *(headers or [])], body)

    def posts(self, path=None):
        """The form data of the POSTs received (at `path`)."""
        return [
            {k: v[0] for k, v in parse_qs(body).items()}
            for method, got, body in self.requests
            if method == "POST" and (path is None or got == path)
        ]

    def gets(self, path):
        return [r for r in self.requests if r[0] == "GET" and r[1] == path]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, method):
        remote = self.server.remote
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        remote.requests.append((method, self.path, body))
        status, headers, content = remote.pages.get(
            self.path, (404, [("Content-Type", "text/plain")], "not here")
        )
        if method == "POST" and self.path not in remote.pages:
            status, headers, content = 202, [("Content-Type", "text/plain")], "accepted"
        data = content.encode() if isinstance(content, str) else content
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._answer("GET")

    def do_POST(self):
        self._answer("POST")


def _serve():
    for port in range(18810, 18900):
        try:
            return ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        except OSError:
            continue
    raise RuntimeError("no free port in 18810–18899")


@pytest.fixture
def remote(settings):
    settings.WEBMENTIONS_ALLOW_LOOPBACK = True
    server = _serve()
    server.remote = Remote(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.remote
    server.shutdown()
    server.server_close()
