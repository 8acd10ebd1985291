"""The comment write path on the scale-out setup asks Redis and the database little (issue #14).

`make loadtest` took 12 comments/s on PostgreSQL with Redis against 43/s on SQLite: on a
busy machine every round trip to another process costs milliseconds, and one comment
POST made 17 Redis calls (14 of them the same two keys, read again and again) and
committed a content-version stamp in the database, one row that every writer queued
for. These tests count the calls; the load test (bench/loadtest.py --compare) measures.
"""

import socket
import uuid

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.test import Client
from django.test.utils import override_settings
from redis import Redis

from core import contentversion
from tests.comments.helpers import send_comment
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/9"


@pytest.fixture
def redis_cache():
    """The default cache on the machine's Redis (database 9, a prefix of its own)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"write-path-{uuid.uuid4().hex[:12]}"
    caches = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    with override_settings(
        CACHES=caches,
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        CONTENT_VERSION_FILE=None,
        BLOG_PAGE_CACHE=True,
    ):
        yield
        client = cache._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def redis_commands(monkeypatch):
    """The names of the commands sent to Redis, as they go."""
    sent = []
    real = Redis.execute_command

    def counted(self, *args, **options):
        sent.append(args[0])
        return real(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counted)
    return sent


def test_a_comment_post_asks_redis_a_few_times(redis_cache, redis_commands):
    """Before: 17 calls (the version and the discussion settings read 7 times each)."""
    post = PostFactory()
    client = Client()
    assert send_comment(client, post, body="Erster Gedanke.").status_code == 302
    redis_commands.clear()
    response = send_comment(
        client, post, ip="198.51.100.2", author_email="zwei@example.net", body="Zweiter Gedanke."
    )
    assert response.status_code == 302
    assert post.comments.filter(body="Zweiter Gedanke.").exists()
    assert len(redis_commands) <= 8, redis_commands


def test_one_redis_client_per_connection_pool(redis_cache):
    """Django's client made a new redis.Redis (200 callbacks) for every cache call."""
    backend = cache._cache
    assert backend.get_client(None, write=True) is backend.get_client(None, write=True)
    assert backend.get_client("k") is backend.get_client("k")


def test_a_bump_redis_took_writes_no_database_stamp(
    redis_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The stamp is for bumps Redis missed (tests/ops/test_cache_outage.py keeps them)."""
    before = contentversion.content_version()
    with django_assert_num_queries(0), django_capture_on_commit_callbacks(execute=True):
        contentversion.bump_content_version()
    assert contentversion.content_version() != before


def _in_request(function):
    request_started.send(sender=None)
    try:
        return function()
    finally:
        request_finished.send(sender=None)


def test_within_a_request_a_value_is_read_once_and_a_bump_reads_anew(redis_cache, redis_commands):
    """The version and the values under it, remembered for the request until a bump."""
    built = []

    def build():
        built.append(1)
        return len(built)

    def request():
        first = [contentversion.versioned("test:memo", build) for _ in range(5)]
        reads = len(redis_commands)
        contentversion.bump_content_version()
        after_bump = contentversion.versioned("test:memo", build)
        return first, reads, after_bump

    contentversion.content_version()  # the counter exists
    redis_commands.clear()
    first, reads, after_bump = _in_request(request)
    assert first == [1] * 5
    # The version (GET), the value (GET, a miss), storing it (SET): not five times over.
    assert reads <= 3, redis_commands
    assert after_bump == 2
    # Outside a request (a command, a shell) every call asks the cache.
    redis_commands.clear()
    contentversion.versioned("test:memo", build)
    contentversion.versioned("test:memo", build)
    assert redis_commands.count("GET") >= 4
