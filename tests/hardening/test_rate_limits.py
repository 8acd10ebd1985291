"""Flood and login limits hold across processes (issue #7).

A real gunicorn with three sync workers serves a fresh database; each worker has its
own local-memory cache (no Redis), so a limit kept in process memory would let every
worker accept a comment. Requests go out at once from threads, each on its own
connection: a sync worker handles one request at a time, so concurrent requests are
necessarily spread over the workers.

- Comments: of N simultaneous comments from one IP address (or one e-mail address from
  N addresses) exactly one is accepted; the others get 429, the German message and
  their text back.
- Admin login: after five wrong passwords (django-axes, attempts in the database) the
  sixth attempt and then even the right password get 429.

The server runs on SQLite (a temporary file), and on PostgreSQL as well when the suite
runs there (DATABASE_URL), in a database of its own.
"""

import html
import http.client
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings

from tests.live.server import free_port, static_files_outdated

BASE_DIR = Path(settings.BASE_DIR)
WORKERS = 3
CONCURRENT = 8
FLOOD_MESSAGE = "Du schreibst die Kommentare zu schnell"
PASSWORD = "Richtig-Pferd-Batterie-42"

SETUP = f"""
from django.contrib.auth import get_user_model
from blog.models import Post
from comments.models import DiscussionSettings
author = get_user_model().objects.create_superuser("chefin", "chefin@example.org", {PASSWORD!r})
post = Post.objects.create(title="Offen", body="Text.", status="published", author=author)
row = DiscussionSettings.load()
row.require_previous_approval = False
row.notify_author = False
row.flood_seconds = 60
row.save()
print(post.pk)
"""


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class Server:
    """gunicorn on 127.0.0.1 with its own database; see the module docstring."""

    def __init__(self, tmp: Path, database_url: str | None):
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_SECRET_KEY="rate-limit-test-key-" + uuid.uuid4().hex,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SQLITE_PATH=str(tmp / "blog.sqlite3"),
            DJANGO_BEHIND_PROXY="1",  # X-Real-IP names the client: many addresses on loopback
            BLOG_CONTENT_VERSION_FILE=str(tmp / "content-version"),
            CAPTCHA_TEST_MODE="1",
            BLOG_PAGE_CACHE="0",
            WEB_CONCURRENCY=str(WORKERS),
            GUNICORN_BIND=self.host,
            GUNICORN_LOG_LEVEL="warning",
            PYTHONPATH=str(BASE_DIR),
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        self.env = env
        self.log = open(tmp / "gunicorn.log", "w+")  # noqa: SIM115
        manage = [sys.executable, str(BASE_DIR / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=120)
        if static_files_outdated():
            # Production settings serve static files by their manifest: collect them
            # (as make loadtest does), but only when needed, since a run rewrites files
            # other test runs in this folder may be reading.
            subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
        out = subprocess.run(
            [*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
        )
        self.post_id = int(out.stdout.strip().splitlines()[-1])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_up()

    def _wait_until_up(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("gunicorn did not start:\n" + self.log.read())
            try:
                if self.request("GET", "/robots.txt")[0] == 200 and len(self.workers()) == WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer with {WORKERS} workers within 30 s")

    def workers(self) -> list[int]:
        """The master's live child processes (from /proc): the workers."""
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                pids.append(int(entry))
        return pids

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def request(self, method, path, body=None, headers=None):
        """One request on a new connection: (status, headers, body text)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def errors(self) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text()
        return "\n".join(
            line for line in text.splitlines() if "Traceback" in line or " 500 " in line
        )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    database_url = None
    if request.param == "postgresql":
        base = _postgres_url()
        if base is None:
            pytest.skip("the suite runs on SQLite (no PostgreSQL DATABASE_URL)")
        import psycopg

        name = f"hardening_{uuid.uuid4().hex[:10]}"
        admin_url = urlsplit(base)._replace(path="/postgres").geturl()
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        database_url = urlsplit(base)._replace(path=f"/{name}").geturl()
    server = Server(tmp_path_factory.mktemp(request.param), database_url)
    yield server
    server.stop()
    if database_url:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def at_once(count: int, send):
    """Call send(i) for i in range(count) from threads released together; the results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        barrier.wait()
        results[i] = send(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def comment(server, *, ip: str, email: str, body: str):
    data = {
        "body": body,
        "author_name": "Flut",
        "author_email": email,
        "author_url": "",
        "captcha": "passed",
        "honeypot": "",
        "parent": "",
    }
    return server.request(
        "POST",
        f"/comments/post/{server.post_id}/",
        body=urlencode(data),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://{server.host}",
            "X-Real-IP": ip,
            "Accept-Language": "de",
        },
    )


def textarea(page: str) -> str:
    match = re.search(r'<textarea[^>]*id="id_body"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert match, "no comment textarea in the answer"
    return html.unescape(match.group(1))


def assert_one_accepted(results, bodies):
    statuses = sorted(status for status, _headers, _page in results)
    assert statuses == [302] + [429] * (len(results) - 1), statuses
    for (status, _headers, page), body in zip(results, bodies, strict=True):
        if status == 429:
            assert FLOOD_MESSAGE in page
            assert textarea(page) == body


def test_one_comment_per_ip_address_across_workers(server):
    bodies = [f"Kommentar Nummer {i}, Ü ß 😀" for i in range(CONCURRENT)]
    results = at_once(
        CONCURRENT,
        lambda i: comment(server, ip="203.0.113.50", email=f"flut{i}@example.net", body=bodies[i]),
    )
    assert_one_accepted(results, bodies)
    # And a moment later, on whichever worker, still refused.
    status, _headers, page = comment(
        server, ip="203.0.113.50", email="spaeter@example.net", body="Noch einer"
    )
    assert status == 429 and FLOOD_MESSAGE in page
    assert server.errors() == ""


def test_one_comment_per_email_address_across_workers(server):
    bodies = [f"Andere Adresse {i}" for i in range(CONCURRENT)]
    results = at_once(
        CONCURRENT,
        lambda i: comment(
            server, ip=f"198.51.100.{i + 1}", email="Flut@Example.net", body=bodies[i]
        ),
    )
    assert_one_accepted(results, bodies)
    status, _headers, page = comment(
        server, ip="198.51.100.200", email="flut@example.NET", body="Gleiche Adresse"
    )
    assert status == 429 and FLOOD_MESSAGE in page
    assert server.errors() == ""


def test_repeated_rounds_never_let_two_through(server):
    """Several rounds of simultaneous comments, each from a new address: one each."""
    for round_ in range(4):
        bodies = [f"Runde {round_}, Nummer {i}" for i in range(CONCURRENT)]
        results = at_once(
            CONCURRENT,
            lambda i, r=round_, b=bodies: comment(
                server, ip=f"192.0.2.{r + 1}", email=f"r{r}-{i}@example.net", body=b[i]
            ),
        )
        assert_one_accepted(results, bodies)


# Admin login -------------------------------------------------------------------------------


def login_form(server) -> tuple[str, str]:
    """A CSRF cookie and token for the admin login form."""
    status, headers, page = server.request("GET", "/admin/login/")
    assert status == 200
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return cookie, token


def login(server, password: str, *, ip: str, cookie: str, token: str):
    return server.request(
        "POST",
        "/admin/login/?next=/admin/",
        body=urlencode({"username": "chefin", "password": password, "csrfmiddlewaretoken": token}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "X-Real-IP": ip,
            "Accept-Language": "de",
        },
    )


def test_admin_login_is_locked_after_five_failures_across_workers(server):
    cookie, token = login_form(server)
    ip = "203.0.113.77"
    # Six wrong passwords at once, one connection each: spread over the three workers.
    results = at_once(6, lambda i: login(server, f"falsch-{i}", ip=ip, cookie=cookie, token=token))
    statuses = sorted(status for status, _headers, _page in results)
    assert all(status in (200, 429) for status in statuses), statuses
    for _round in range(3):
        status, _headers, page = login(server, "noch-falsch", ip=ip, cookie=cookie, token=token)
        assert status == 429
        status, headers, page = login(server, PASSWORD, ip=ip, cookie=cookie, token=token)
        assert status == 429, "the right password after the lockout"
        assert "sessionid" not in headers.get("Set-Cookie", "")
    # Another address is not locked out: the right password works there.
    status, headers, _page = login(server, PASSWORD, ip="203.0.113.78", cookie=cookie, token=token)
    assert status == 302 and headers["Location"] == "/admin/"
    assert server.errors() == ""


def test_admin_login_failures_one_by_one_across_workers(server):
    """Sequential failures, each on a new connection (so on changing workers)."""
    cookie, token = login_form(server)
    ip = "203.0.113.88"
    statuses = [
        login(server, f"falsch-{i}", ip=ip, cookie=cookie, token=token)[0] for i in range(6)
    ]
    # The form again with an error four times; the fifth failure locks (axes answers
    # it with the lockout already), and so does every attempt after it.
    assert statuses == [200, 200, 200, 200, 429, 429], statuses
    assert login(server, PASSWORD, ip=ip, cookie=cookie, token=token)[0] == 429
