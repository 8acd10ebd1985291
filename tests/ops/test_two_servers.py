"""Scale-out (issue #14): two app servers behind nginx, sharing PostgreSQL and Redis.

Two gunicorn instances (each with its own workers and their in-process state) on one
fresh PostgreSQL database of their own and the machine's Redis (database 9, a key
prefix of this run), with nginx in front of them, round robin, as README's deployment
section describes. nginx as the machine has it; without nginx the test asks the two
servers in turn itself. Skipped with the reason when PostgreSQL or Redis do not answer.

Readers' pages are served from the page cache on both servers first; then the author
works on one server and readers ask the other (and nginx, which sends one request to
each): a comment approved in the admin is on the post's page at the other's next
request, an edited post shows its new text, a post moved to the trash and one set back
to draft are gone (404) on both.
"""

import http.client
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.live.server import LiveServer, Response, csrf_token, free_port
from tests.roles import form_values

PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/9")
PASSWORD = "Zwei-Server-Passwort-2026"


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _postgres(dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user="postgres", dbname=dbname, autocommit=True,
        connect_timeout=5,
    )  # fmt: skip


@pytest.fixture(scope="module")
def database():
    """A PostgreSQL database of this run, dropped afterwards: its URL."""
    if not _answers(PG_HOST, PG_PORT):
        pytest.skip(f"PostgreSQL does not answer on {PG_HOST}:{PG_PORT}")
    name = f"test_h9_scaleout_{uuid.uuid4().hex[:8]}"
    try:
        with _postgres() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - no server we may use: say why
        pytest.skip(f"no PostgreSQL database can be created: {exc}")
    try:
        yield f"postgres://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with _postgres() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def redis_prefix():
    """The cache key prefix of this run in the machine's Redis; its keys deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {exc}")
    prefix = f"scaleout-{uuid.uuid4().hex[:8]}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


class Nginx:
    """nginx on a free loopback port, round robin over the given ports; None without nginx."""

    def __init__(self, tmp: Path, ports: list[int]):
        self.port = free_port()
        self.tmp = tmp
        (tmp / "logs").mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
        user = "user root;\n" if os.geteuid() == 0 else ""
        (tmp / "nginx.conf").write_text(
            f"""{user}worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/logs/error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream blog_app {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            proxy_pass http://blog_app;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""
        )
        self.process = subprocess.Popen(
            [shutil.which("nginx"), "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while not _answers("127.0.0.1", self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx did not start: {self.process.stderr.read()!r}")
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def cluster(database, redis_prefix, tmp_path_factory):
    """(server A, server B, the front door): the front door is nginx, or None."""
    env = {
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "DJANGO_CACHE_PREFIX": redis_prefix,
    }
    a = LiveServer(tmp_path_factory.mktemp("server-a"), "gunicorn", env=env)
    try:
        b = LiveServer(tmp_path_factory.mktemp("server-b"), "gunicorn", env=env)
        try:
            a.create_superuser("chefin", PASSWORD)
            front = None
            if shutil.which("nginx"):
                front = Nginx(tmp_path_factory.mktemp("nginx"), [a.port, b.port])
            try:
                yield a, b, front
            finally:
                if front:
                    front.stop()
        finally:
            b.stop()
    finally:
        a.stop()


def _through_front(cluster, path: str) -> list:
    """Two requests through nginx (one to each server), or one to each server without it."""
    a, b, front = cluster
    if front is None:
        return [a.get(path), b.get(path)]
    responses = [_get(front.port, path) for _ in range(2)]
    assert len({r.headers["X-Upstream"] for r in responses}) == 2, "nginx used one server"
    return responses


def _get(port: int, path: str) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return Response(answer.status, answer.headers, answer.read())
    finally:
        connection.close()


def _everywhere(cluster, path: str) -> list:
    """The page from server A, server B and (twice) through the front door."""
    a, b, _ = cluster
    return [a.get(path), b.get(path), *_through_front(cluster, path)]


def _cached_everywhere(cluster, path: str, text: str) -> None:
    """The page shows `text` and comes from the page cache on both servers."""
    a, b, _ = cluster
    for server in (a, b):
        for _ in range(20):
            response = server.get(path)
            assert response.status == 200 and text in response.text
            if response.headers.get("X-Page-Cache") == "hit":
                break
            time.sleep(0.25)
        else:
            raise AssertionError(f"{path} never came from the page cache of {server.host}")


def _setup(server, code: str) -> list[str]:
    return server.shell("from tests.factories import CommentFactory, PostFactory\n" + code).split()


def _admin(server):
    session = server.session()
    session.login("chefin", PASSWORD)
    return session


def test_comment_approved_on_one_server_is_on_the_other(cluster):
    a, b, _ = cluster
    url, pk = _setup(
        a,
        "post = PostFactory(title='Zwei Server')\n"
        "CommentFactory(post=post, body='Schon sichtbar')\n"
        "c = CommentFactory(post=post, body='Wartet auf Freigabe', status='pending')\n"
        "print(post.get_absolute_url(), c.pk)",
    )
    _cached_everywhere(cluster, url, "Schon sichtbar")
    assert all("Wartet auf Freigabe" not in r.text for r in _everywhere(cluster, url))

    author = _admin(a)
    action = f"/admin/comments/comment/{pk}/moderate/approve/"
    response = author.post(action, {"csrfmiddlewaretoken": csrf_token(author.get(action).text)})
    assert response.status == 302, response.text[:2000]

    # The other server's very next request, then both through the front door.
    assert "Wartet auf Freigabe" in b.get(url).text
    for response in _everywhere(cluster, url):
        assert response.status == 200
        assert "Wartet auf Freigabe" in response.text
        assert "Schon sichtbar" in response.text


def test_post_edited_on_one_server_shows_on_the_other(cluster):
    a, b, _ = cluster
    url, pk = _setup(
        a,
        "post = PostFactory(title='Vor dem Umbau', body='Der alte Text.')\n"
        "print(post.get_absolute_url(), post.pk)",
    )
    _cached_everywhere(cluster, url, "Der alte Text.")
    _cached_everywhere(cluster, "/", "Vor dem Umbau")

    author = _admin(b)
    change = f"/admin/blog/post/{pk}/change/"
    data = form_values(author.get(change).text, "post_form")
    data.update(title="Nach dem Umbau", body="Der neue Text.", _save="Sichern")
    response = author.post(change, data)
    assert response.status == 302, response.text[:3000]

    assert "Der neue Text." in a.get(url).text
    for response in _everywhere(cluster, url):
        assert "Der neue Text." in response.text
        assert "Der alte Text." not in response.text
    for response in _everywhere(cluster, "/"):
        assert "Nach dem Umbau" in response.text
        assert "Vor dem Umbau" not in response.text


@pytest.mark.parametrize(("action", "server"), [("trash_selected", 0), ("draft_selected", 1)])
def test_post_trashed_or_unpublished_on_one_server_is_gone_on_both(cluster, action, server):
    title = f"Bald weg {action}"
    url, pk = _setup(
        cluster[0],
        f"post = PostFactory(title={title!r}, body='Nur kurz da.')\n"
        "print(post.get_absolute_url(), post.pk)",
    )
    _cached_everywhere(cluster, url, "Nur kurz da.")
    _cached_everywhere(cluster, "/", title)

    author = _admin(cluster[server])
    changelist = "/admin/blog/post/"
    token = csrf_token(author.get(changelist).text)
    response = author.post(
        changelist,
        {"csrfmiddlewaretoken": token, "action": action, "_selected_action": pk, "index": "0"},
    )
    assert response.status == 302, response.text[:3000]

    other = cluster[1 - server]
    assert other.get(url).status == 404
    for response in _everywhere(cluster, url):
        assert response.status == 404
    for response in _everywhere(cluster, "/"):
        assert response.status == 200
        assert title not in response.text
