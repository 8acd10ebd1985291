"""A takedown made while Redis is paused reaches readers once Redis answers (issue #10, item 4).

A gunicorn server with its own redis-server (a free port, no persistence). The post
page is cached with its comment thread; then Redis is stopped (SIGSTOP: connections
hang, as with an overloaded or swapped-out server), the comment is marked as spam,
and Redis resumes (SIGCONT). From then on no reader may see the comment, on any
worker, and the cache must work again. Never the machine's shared Redis on 6379.
"""

import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest

from tests.live.server import LiveServer, csrf_token, free_port

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)

PASSWORD = "Korrekt-Pferd-Batterie-42"
# Longer than the backend's RETRY_AFTER (5 s): a worker that met the outage asks Redis
# again within this time, and so do all others.
WATCH_SECONDS = 7.0


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.settimeout(0.5)
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _wait_for_redis(port: int, process) -> None:
    deadline = time.monotonic() + 20
    while not _pong(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("redis-server did not start")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """Our own redis-server subprocess: (process, port)."""
    port = free_port()
    directory = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_redis(port, process)
        yield process, port
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(redis_server, tmp_path_factory):
    _, port = redis_server
    env = {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "DJANGO_CACHE_PREFIX": "pause-test"}
    with LiveServer(tmp_path_factory.mktemp("blog"), "gunicorn", env=env) as live:
        live.create_superuser("chefin", PASSWORD)
        yield live


@contextmanager
def paused(redis_server):
    """Redis stopped (SIGSTOP) inside the block, answering again after it."""
    process, port = redis_server
    process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        process.send_signal(signal.SIGCONT)
        _wait_for_redis(port, process)


def _post_with_comment(server, body: str) -> tuple[str, int]:
    """A published post with one approved comment: (post URL, comment ID)."""
    out = server.shell(
        "from tests.factories import CommentFactory, PostFactory\n"
        "post = PostFactory(title='Uhrenvergleich')\n"
        f"comment = CommentFactory(post=post, author_name='Händler', body={body!r})\n"
        "print(post.get_absolute_url(), comment.pk)"
    )
    url, pk = out.split()
    return url, int(pk)


def _cached_with_comment(server, url: str, body: str) -> None:
    """The post is served from the page cache, with the comment.

    A worker may key the page under the version before the set-up's writes for up to
    a second (it reads the database stamp at most once a second), so the page is asked
    for until a hit comes, a few seconds at most.
    """
    for _ in range(20):
        response = server.get(url)
        assert body in response.text
        if response.headers["X-Page-Cache"] == "hit":
            return
        time.sleep(0.25)
    raise AssertionError(f"{url} never came from the page cache")


def _never_shown_again(server, url: str, body: str) -> None:
    """For WATCH_SECONDS, no request to any worker shows the body; then pages are cached."""
    deadline = time.monotonic() + WATCH_SECONDS
    while time.monotonic() < deadline:
        for path in (url, "/"):
            response = server.get(path)
            assert response.status == 200
            assert body not in response.text, f"{path} still shows the comment"
        time.sleep(0.25)
    server.get(url)
    again = server.get(url)
    assert again.headers["X-Page-Cache"] == "hit"
    assert body not in again.text


def test_spam_marked_in_the_admin_during_a_redis_pause_disappears(server, redis_server):
    """The author marks a cached comment as spam while Redis hangs: readers never see it again."""
    body = "Billige Uhren hier: beste Preise"
    url, pk = _post_with_comment(server, body)
    _cached_with_comment(server, url, body)
    author = server.session()
    author.login("chefin", PASSWORD)
    action = f"/admin/comments/comment/{pk}/moderate/spam/"
    token = csrf_token(author.get(action).text)

    with paused(redis_server):
        response = author.post(action, {"csrfmiddlewaretoken": token})
        assert response.status == 302, response.text[:2000]

    _never_shown_again(server, url, body)


def test_spam_marked_by_a_process_that_ends_during_the_pause_disappears(server, redis_server):
    """A takedown by a short-lived process (manage.py) while Redis hangs still reaches readers."""
    body = "Noch mehr billige Uhren"
    url, pk = _post_with_comment(server, body)
    _cached_with_comment(server, url, body)

    with paused(redis_server):
        server.shell(
            "from comments import services\n"
            "from comments.models import Comment\n"
            f"services.set_status(Comment.objects.get(pk={pk}), Comment.Status.SPAM)"
        )

    _never_shown_again(server, url, body)
