"""The blog as a person meets it: `runserver` or gunicorn in a subprocess, spoken to over HTTP.

    with LiveServer(tmp_path, "gunicorn") as server:
        server.manage("load_demo")
        assert server.get("/").status == 200

Each server gets its own SQLite database (DATABASE_URL), media folder (DJANGO_MEDIA_ROOT),
content-version stamp, secret key and free port on 127.0.0.1, inside the folder given;
it runs `migrate` first and waits until it answers. `kind` is "runserver" (what
`make run` starts, DEBUG on by default) or "gunicorn" (`config/gunicorn.py`, DEBUG off by
default); `debug` and `env` override. Redis only when asked (`env={"REDIS_URL": …}`).

A `Session` keeps cookies across requests and sends forms (with files) the way a
browser does, e.g. the admin's login and upload forms.
"""

import http.client
import http.cookies
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from email.message import Message
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[2]
# Variables of the calling environment that would point the server at shared state.
_INHERITED_PREFIXES = ("DJANGO_", "BLOG_", "GUNICORN_", "CAPTCHA_")
_INHERITED_NAMES = ("DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY")
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def static_files_outdated() -> bool:
    """Whether `collectstatic` must run before a server with DEBUG off starts."""
    manifest = BASE_DIR / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    sources = [p for p in (BASE_DIR / "static").rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > manifest.stat().st_mtime for p in sources)


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def content_type(self) -> str:
        """The media type without parameters, e.g. "image/png"."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()


class LiveServer:
    """A blog server in a subprocess with its own database and media; see the module."""

    def __init__(
        self,
        tmp: Path,
        kind: str = "gunicorn",
        *,
        debug: bool | None = None,
        env: dict[str, str] | None = None,
        workers: int = 2,
        start: bool = True,
    ):
        if kind not in ("gunicorn", "runserver"):
            raise ValueError(f"unknown server kind {kind!r}")
        self.kind = kind
        self.tmp = Path(tmp)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.media_root = self.tmp / "media"
        self.database = self.tmp / "blog.sqlite3"
        self.debug = (kind == "runserver") if debug is None else debug
        self.workers = workers
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.process = None
        self.log_path = self.tmp / f"{kind}.log"
        self.log = None
        self.env = self._environment(env or {})
        if start:
            self.start()

    def _environment(self, extra: dict[str, str]) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(_INHERITED_PREFIXES) and k not in _INHERITED_NAMES
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_DEBUG="1" if self.debug else "0",
            DJANGO_SECRET_KEY="live-test-key-" + uuid.uuid4().hex,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"sqlite:///{self.database}",
            DJANGO_MEDIA_ROOT=str(self.media_root),
            BLOG_CONTENT_VERSION_FILE=str(self.tmp / "content-version"),
            CAPTCHA_TEST_MODE="1",
            BLOG_REQUIRE_2FA="off",
            WEB_CONCURRENCY=str(self.workers),
            GUNICORN_BIND=self.host,
            GUNICORN_LOG_LEVEL="warning",
            PYTHONPATH=str(BASE_DIR),
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    # Life cycle

    def start(self) -> "LiveServer":
        """Migrate, collect static files when needed (DEBUG off), start, wait for an answer."""
        self.manage("migrate", "--noinput", "-v0")
        if not self.debug and static_files_outdated():
            # DEBUG off serves static files by their manifest; collect them only when
            # needed, since other test runs in this checkout may be reading them.
            self.manage("collectstatic", "--noinput", "-v0")
        if self.kind == "gunicorn":
            command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
        else:
            command = [sys.executable, "manage.py", "runserver", self.host, "--noreload"]
        self.log = open(self.log_path, "a+")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_until_up()
        return self

    def _wait_until_up(self, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} did not start:\n{self.output()}")
            try:
                self.request("GET", "/robots.txt", timeout=5)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.kind} did not answer within {timeout} s:\n{self.output()}")

    def stop(self):
        """End the server (SIGTERM, then SIGKILL after 20 s)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()
            self.log = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # Talking to it

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def request(self, method, path, body=None, headers=None, *, timeout=30) -> Response:
        """One request on a new connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path, headers=None) -> Response:
        return self.request("GET", path, headers=headers)

    def session(self) -> "Session":
        return Session(self)

    # Management commands against the same database and media

    def manage(self, *args, input=None) -> str:  # noqa: A002
        """Run `manage.py ARGS` with the server's environment; its standard output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def shell(self, code: str) -> str:
        """Run Python in `manage.py shell`; what it prints."""
        return self.manage("shell", "--no-imports", "-c", code)

    def create_superuser(self, username: str, password: str) -> None:
        self.shell(
            "from django.contrib.auth import get_user_model\n"
            f"get_user_model().objects.create_superuser({username!r}, "
            f"{username + '@example.org'!r}, {password!r})"
        )

    # Diagnosis

    def output(self) -> str:
        """Everything the server wrote so far."""
        if self.log is not None:
            self.log.flush()
        return self.log_path.read_text() if self.log_path.exists() else ""

    def errors(self) -> str:
        """The lines of the server's output that tell of a traceback or a 500."""
        return "\n".join(
            line
            for line in self.output().splitlines()
            if "Traceback" in line or "Error" in line or '" 500 ' in line or " 500 " in line
        )


class RedisServer:
    """A redis-server of our own on a free port (no persistence): never the shared one.

    `url` for REDIS_URL; `all_keys()` lists what the blog stored. Needs `redis-server`.
    """

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(tmp)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.settimeout(0.5)
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def all_keys(self) -> list[str]:
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port)
        try:
            return sorted(key.decode() for key in client.scan_iter(count=1000))
        finally:
            client.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Session:
    """Requests that share cookies, like one browser (no redirects followed)."""

    def __init__(self, server: LiveServer):
        self.server = server
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.server.request(method, path, body=body, headers=headers)
        for line in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path, headers=None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path, data, *, files=None, headers=None) -> Response:
        """A form as a browser sends it; `files` {field: (filename, bytes, content type)}."""
        headers = {"Origin": f"http://{self.server.host}", **(headers or {})}
        if files:
            from django.core.files.uploadedfile import SimpleUploadedFile
            from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

            fields = dict(data)
            for field, (name, content, content_type) in files.items():
                fields[field] = SimpleUploadedFile(name, content, content_type)
            body = encode_multipart(BOUNDARY, fields)
            headers["Content-Type"] = MULTIPART_CONTENT
        else:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, headers=headers)

    def login(self, username: str, password: str) -> Response:
        """Log in through the admin's login form; raises unless it redirects."""
        page = self.get("/admin/login/")
        response = self.post(
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": csrf_token(page.text),
                "username": username,
                "password": password,
                "next": "/admin/",
            },
        )
        if response.status != 302:
            raise AssertionError(f"login failed: {response.status}\n{response.text[:2000]}")
        return response


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF_INPUT.search(page)
    if match is None:
        raise AssertionError("no CSRF token on the page")
    return unescape(match.group(1))
