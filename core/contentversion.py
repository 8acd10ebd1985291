"""The content version: part of every cache key derived from what readers see (issue #6).

Any change readers can see bumps it (blog/signals.py, comments/signals.py), so that
every cached page, fragment and page-frame datum is looked up under a new key.
`versioned(key, build, timeout)` is the one way to keep a value under it.

With the per-process local-memory cache it is the modification stamp of a small file
(settings.CONTENT_VERSION_FILE), which every process on the machine sees.

With Redis it has two parts (issue #10): a counter in Redis, which every process reads
on each use and which a bump changes at once; and a stamp in the database
(ContentVersion), bumped after a commit whose bump Redis did not take, which each
process reads at most once every CHECK_INTERVAL seconds. The counter alone would lose a
bump made while Redis is briefly unreachable (a paused or overloaded server), and the
thread cached before it would then show a comment taken down for an hour. The stamp
cannot be lost: once Redis answers again, every process looks up fresh keys within
CHECK_INTERVAL, even when the process that made the change has ended (a management
command, a recycled worker). The process that lost a bump also retries it in Redis, so
that the others see it at once.

Within one request the version and the values kept under it are read from the cache
once and then remembered until the request ends or this process bumps the version
(issue #14: a comment POST asked Redis 17 times, 14 of them for the same two keys; on a
busy machine each round trip to Redis or PostgreSQL costs milliseconds). Caching under
a version read earlier in the request is always safe: a bump only makes it older.
"""

import logging
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from .models import ContentVersion

logger = logging.getLogger(__name__)

VERSION_KEY = "blog:content-version"
# How old the database stamp a process uses may be, in seconds.
CHECK_INTERVAL = 1.0


def versioned(key, build, timeout=3600, *, stale=None):
    """The value cached under `key` for the current content version, else `build()` kept.

    `timeout` is seconds, or a function of the value built giving them. A key
    of None caches nothing. `stale(value)` may reject a value still in the cache (e.g.
    the page-frame data once a scheduled post is due).
    """
    if key is None:
        return build()
    full_key = f"{key}:{content_version()}"
    memo = _request_memo()
    value = memo.get(full_key) if memo is not None else None
    if value is None:
        value = cache.get(full_key)
    if value is None or (stale is not None and stale(value)):
        value = build()
        cache.set(full_key, value, timeout=timeout(value) if callable(timeout) else timeout)
    if memo is not None:
        memo[full_key] = value
    return value


# What this request read already (None outside requests: commands and shells read anew).
_request = threading.local()
_VERSION = object()


def _request_memo() -> dict | None:
    return getattr(_request, "memo", None)


def _begin_request(**kwargs) -> None:
    _request.memo = {}


def _end_request(**kwargs) -> None:
    _request.memo = None


request_started.connect(_begin_request, dispatch_uid="contentversion-begin")
request_finished.connect(_end_request, dispatch_uid="contentversion-end")


def content_version() -> str:
    """The current version of the blog's content; see the module docstring."""
    memo = _request_memo()
    if memo is None:
        return _read_version()
    if _VERSION not in memo:
        memo[_VERSION] = _read_version()
    return memo[_VERSION]


def _read_version() -> str:
    path = settings.CONTENT_VERSION_FILE
    if path:
        try:
            return str(os.stat(path).st_mtime_ns)
        except FileNotFoundError:
            _stamp_file(path)
            return str(os.stat(path).st_mtime_ns)
    _stored.retry_lost_bump()
    return f"{_cached_version()}.{_stored.value()}"


def bump_content_version() -> None:
    """Invalidate everything derived from the blog's content.

    Now, and once more when the transaction commits: a page rendered by another
    process between the two saw the old data and must not outlive the commit.
    """
    _bump()
    transaction.on_commit(_bump_committed)


def _cached_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def _stamp_file(path) -> None:
    """Move the file's stamp forward: never backwards, never to the same value."""
    try:
        current = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        current = 0
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).touch()
    new = max(current + 1, time.time_ns())
    os.utime(path, ns=(new, new))


def _bump() -> bool:
    """Bump the file stamp or the Redis counter; False if Redis could not be reached."""
    memo = _request_memo()
    if memo is not None:
        memo.clear()
    if settings.CONTENT_VERSION_FILE:
        _stamp_file(settings.CONTENT_VERSION_FILE)
        return True
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        if getattr(cache, "is_down", False):
            _stored.lost_bump = True
            return False
        _cached_version()  # no counter yet: a new one is a new version
    return True


def _bump_committed() -> None:
    # The database stamp only when Redis did not take the bump: written on every bump,
    # its one row was a point where all writers queued, each for a commit of its own
    # (issue #14, the write path on PostgreSQL). A bump Redis took is seen by all.
    if not _bump() and not settings.CONTENT_VERSION_FILE:
        _stored.bump()


def _read_stored() -> int:
    rows = ContentVersion.objects.filter(pk=1).values_list("value", flat=True)
    return next(iter(rows), 0)


class _StoredVersion:
    """The database stamp as this process last read it, and a bump it still owes Redis."""

    def __init__(self):
        self._value = 0
        self._read_at = None
        self._lock = threading.Lock()
        self.lost_bump = False

    def value(self) -> int:
        now = time.monotonic()
        if self._read_at is not None and now - self._read_at < CHECK_INTERVAL:
            return self._value
        try:
            if connection.in_atomic_block:
                # In a savepoint, so that a failure cannot spoil the surrounding transaction.
                with transaction.atomic():
                    value = _read_stored()
            else:
                value = _read_stored()
        except DatabaseError as exc:
            logger.warning("Content version not readable from the database: %s", exc)
            return self._value
        with self._lock:
            self._value, self._read_at = value, now
        return value

    def bump(self) -> None:
        """Move the stamp forward (at least to the current time, so a restored older
        database cannot bring back a stamp already used), and read it anew next time."""
        stamp = time.time_ns()
        try:
            updated = ContentVersion.objects.filter(pk=1).update(
                value=Greatest(F("value") + 1, Value(stamp))
            )
            if not updated:
                ContentVersion.objects.get_or_create(pk=1, defaults={"value": stamp})
        except DatabaseError as exc:
            logger.warning("Content version not stored in the database: %s", exc)
        with self._lock:
            self._read_at = None

    def retry_lost_bump(self) -> None:
        if self.lost_bump and not getattr(cache, "is_down", False):
            self.lost_bump = False
            if not _bump():
                return
            logger.info("Content version bump made up for after the cache outage.")


_stored = _StoredVersion()
