"""The post-password limit holds across gunicorn workers, through Redis (issue #16).

Three sync workers, each with its own process; the wrong passwords arrive at once, each
on its own connection, so they spread over the workers. Counted per process, some worker
would still accept the right password afterwards; counted in Redis (database 7 of the
machine's Redis, under a prefix of this test's own), none does.
"""

import threading
import uuid

import pytest

from tests.live.server import LiveServer, csrf_token

REDIS_URL = "redis://127.0.0.1:6379/7"
ATTEMPTS = 5


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def server(tmp_path):
    if not _redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379")
    env = {
        "REDIS_URL": REDIS_URL,
        "DJANGO_CACHE_PREFIX": f"postpass-test-{uuid.uuid4().hex}",
        "BLOG_POST_PASSWORD_ATTEMPTS": str(ATTEMPTS),
    }
    with LiveServer(tmp_path, "gunicorn", env=env, workers=3) as server:
        pk, url = server.shell(
            "from django.contrib.auth import get_user_model\n"
            "from blog.models import Post\n"
            "author = get_user_model().objects.create_user('autorin')\n"
            "post = Post.objects.create(title='Geheim', body='Rezept', status='published',"
            " visibility='password', password='sesam', author=author)\n"
            "print(post.pk, post.get_absolute_url())"
        ).split()
        yield server, int(pk), url


def _at_once(count: int, send) -> list:
    """`count` calls of `send` at the same time, each on its own connection."""
    responses = []
    threads = [threading.Thread(target=lambda: responses.append(send())) for _i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_limit_shared_by_all_workers(server):
    """Wrong passwords sent at once to three workers count together; then 429 everywhere."""
    server, pk, url = server
    session = server.session()
    token = csrf_token(session.get(url).text)

    def attempt(password):
        return session.post(
            f"/postpass/{pk}/", {"csrfmiddlewaretoken": token, "password": password}
        )

    statuses = [r.status for r in _at_once(ATTEMPTS + 3, lambda: attempt("falsch"))]
    assert statuses.count(302) >= 1 and set(statuses) <= {302, 429}
    # Every worker now refuses the right password too (again at once, spread over the
    # workers), with the German message.
    responses = _at_once(6, lambda: attempt("sesam"))
    assert [r.status for r in responses] == [429] * 6
    assert all("Zu viele falsche Passwörter für diesen Beitrag" in r.text for r in responses)
    assert not server.errors()
