"""Redis going away does not take the site down (issue #7, core/cache.py).

The cache is pointed at a closed port: pages must still render (uncached), comments
must still post, the admin must still open. With the real Redis on 127.0.0.1:6379
(skipped when it does not answer) the same backend must cache as usual and come back
after an outage.
"""

import logging
import socket
import time
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from comments.models import Comment
from core import contentversion
from core.cache import ResilientRedisCache
from core.models import ContentVersion
from tests.comments.helpers import send_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"
REAL_REDIS = "redis://127.0.0.1:6379/0"


def _caches(location: str, prefix: str) -> dict:
    """CACHES as config/settings.py builds them for REDIS_URL=location."""
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }


def _redis_settings(location: str, prefix: str):
    # Entered inside the test (not with the `settings` fixture), so that the suite's
    # cache.clear() after each test runs on the local-memory cache again and never
    # flushes a Redis database that others may share.
    return override_settings(
        CACHES=_caches(location, prefix),
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        CONTENT_VERSION_FILE=None,
        BLOG_PAGE_CACHE=True,
    )


@pytest.fixture
def redis_gone():
    with _redis_settings(CLOSED_PORT, "gone"):
        yield


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def real_redis():
    if not _redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"ops-test-{uuid.uuid4().hex[:12]}"
    with _redis_settings(REAL_REDIS, prefix):
        yield prefix
        client = cache._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)


def test_settings_use_the_resilient_backend_for_redis_url():
    """config/settings.py picks the backend whenever REDIS_URL is set."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "REDIS_URL": CLOSED_PORT, "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = (
        "from django.conf import settings; c = settings.CACHES['default'];"
        "print(c['BACKEND'], c['OPTIONS']['socket_connect_timeout'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["core.cache.ResilientRedisCache", "0.5"]


def test_pages_are_served_uncached(redis_gone, post, caplog):
    CommentFactory(post=post, body="schon da")
    client = Client()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for _ in range(2):
            for url in ("/", post.get_absolute_url(), "/feed/", "/comments/feed/", "/sitemap.xml"):
                response = client.get(url)
                assert response.status_code == 200, url
                assert response.get("X-Page-Cache") != "hit", url
    assert b"schon da" in client.get(post.get_absolute_url()).content
    # One warning for the outage (when the fixtures first wrote), not one per cache call.
    records = caplog.get_records("setup") + caplog.get_records("call")
    assert len([r for r in records if "unreachable" in r.getMessage()]) == 1


def test_comments_still_post(redis_gone, post):
    response = send_comment(Client(), post, body="Trotz Ausfall des Caches")
    assert response.status_code == 302
    comment = Comment.objects.get(body="Trotz Ausfall des Caches")
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    # The flood limit still holds on its database check alone.
    again = send_comment(Client(), post, body="gleich noch einer")
    assert again.status_code == 429
    assert not Comment.objects.filter(body="gleich noch einer").exists()


def test_approved_comment_shows_at_once(redis_gone, post):
    CommentFactory(post=post, author_name="Anna", author_email="anna@example.net")
    client = Client()
    assert client.get(post.get_absolute_url()).status_code == 200
    response = send_comment(client, post, body="Zweiter Kommentar von Anna")
    assert response.status_code == 302
    assert Comment.objects.get(body="Zweiter Kommentar von Anna").is_approved
    assert b"Zweiter Kommentar von Anna" in Client().get(post.get_absolute_url()).content


def test_admin_still_opens(redis_gone, superuser):
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/comments/comment/").status_code == 200


def test_every_operation_behaves_as_a_miss():
    backend = ResilientRedisCache(CLOSED_PORT, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    assert backend.get("k", "default") == "default"
    assert backend.add("k", 1) is True  # nothing was there
    assert backend.set("k", 1) is None
    assert backend.get_many(["k", "j"]) == {}
    assert backend.set_many({"k": 1, "j": 2}) == ["k", "j"]
    assert backend.has_key("k") is False
    assert backend.touch("k") is False
    assert backend.delete("k") is False
    assert backend.delete_many(["k"]) is None
    assert backend.get_or_set("k", 5) == 5
    with pytest.raises(ValueError):
        backend.incr("k")
    assert backend.clear() is False
    assert backend.is_down


def test_outage_is_warned_once_while_retries_fail(caplog):
    backend = ResilientRedisCache(CLOSED_PORT, {"OPTIONS": {"RETRY_AFTER": 0}})
    with caplog.at_level(logging.DEBUG, logger="core.cache"):
        for _ in range(3):
            assert backend.get("k") is None
    levels = [r.levelno for r in caplog.records if "unreachable" in r.getMessage()]
    assert levels == [logging.WARNING, logging.DEBUG, logging.DEBUG]


def test_real_redis_caches(real_redis, post):
    assert isinstance(cache._connections["default"], ResilientRedisCache)
    cache.set("ops:probe", {"a": 1})
    assert cache.get("ops:probe") == {"a": 1}
    assert cache.add("ops:probe", 2) is False
    cache.set("ops:n", 1)
    assert cache.incr("ops:n") == 2
    client = Client()
    first = client.get(post.get_absolute_url())
    second = client.get(post.get_absolute_url())
    assert (first.status_code, second.status_code) == (200, 200)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"


def test_real_redis_comes_back(real_redis, caplog, monkeypatch):
    backend = ResilientRedisCache(
        REAL_REDIS, {"KEY_PREFIX": real_redis, "OPTIONS": {"RETRY_AFTER": 0.2}}
    )
    backend.set("k", "wert")
    client = backend._cache.get_client("k")

    def broken(*args, **kwargs):
        raise RedisConnectionError("simulated outage")

    with caplog.at_level(logging.WARNING, logger="core.cache"):
        monkeypatch.setattr(type(client), "get", broken)
        assert backend.get("k") is None
        monkeypatch.undo()
        # During the pause Redis is not asked at all.
        assert backend.get("k") is None
        assert backend.is_down
        import time

        time.sleep(0.25)
        assert backend.get("k") == "wert"
    messages = [r.getMessage() for r in caplog.records]
    assert any("unreachable" in m for m in messages)
    assert any("reachable again" in m for m in messages)
    backend.delete("k")


# A bump while Redis is unreachable (issue #10, item 4; core/contentversion.py) --------


def _break_redis(monkeypatch):
    """Every Redis command of the default cache fails as during an outage."""
    client = cache._cache.get_client(None, write=True)

    def broken(*args, **kwargs):
        raise RedisConnectionError("simulated outage")

    monkeypatch.setattr(type(client), "execute_command", broken)


def _redis_back(monkeypatch):
    monkeypatch.undo()
    cache._connections["default"]._down_until = 0.0  # as after RETRY_AFTER


def test_bump_lost_in_redis_is_made_up_when_it_answers(
    real_redis, post, monkeypatch, django_capture_on_commit_callbacks
):
    """A bump during an outage changes the version, and the Redis counter, once it is back."""
    before = contentversion.content_version()
    counter = cache.get(contentversion.VERSION_KEY)
    stamp = time.time_ns()
    _break_redis(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        contentversion.bump_content_version()
    assert cache._connections["default"].is_down
    _redis_back(monkeypatch)
    assert cache.get(contentversion.VERSION_KEY) == counter  # lost in Redis …
    assert ContentVersion.objects.get().value >= stamp  # … kept in the database
    assert contentversion.content_version() != before
    assert cache.get(contentversion.VERSION_KEY) == counter + 1  # the bump made up for


def test_other_processes_see_a_lost_bump_through_the_database(
    real_redis, post, monkeypatch, django_capture_on_commit_callbacks
):
    """A process that did not make the change reads the database stamp within a second."""
    before = contentversion.content_version()
    _break_redis(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        contentversion.bump_content_version()
    _redis_back(monkeypatch)
    # Another process knows nothing of the lost bump and read the stamp a moment ago.
    other = contentversion._StoredVersion()
    other._value, other._read_at = contentversion._stored._value, time.monotonic()
    monkeypatch.setattr(contentversion, "_stored", other)
    assert contentversion.content_version() == before
    other._read_at -= contentversion.CHECK_INTERVAL  # a second later
    assert contentversion.content_version() != before


def test_database_stamp_is_read_at_most_once_a_second(
    real_redis, post, django_assert_max_num_queries
):
    """Readers compare the database stamp cheaply: no query per cache lookup."""
    contentversion.content_version()
    with django_assert_max_num_queries(1):
        for _ in range(20):
            contentversion.content_version()


def test_file_stamp_mode_asks_no_database(db, django_assert_num_queries):
    """With the local-memory cache the version is the file stamp alone."""
    with django_assert_num_queries(0):
        contentversion.content_version()
        contentversion.bump_content_version()
