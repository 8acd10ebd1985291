"""A Redis cache that lets the site run on when Redis goes away (issue #7).

Django's RedisCache raises on a refused or timed-out connection, and since the page
cache, the page frame and the discussion settings all go through the cache, every
request would then end in a 500. This backend treats an unreachable Redis as an empty
cache instead: reads miss, writes are dropped, `add` reports the key as added (a miss),
so pages are rendered from the database and comments still post. The flood limit then
rests on its database check alone (comments/services.py).

After a failure Redis is left alone for RETRY_AFTER seconds (OPTIONS, default 5), so
that a Redis that hangs costs one timeout per worker and pause, not one per cache call;
the outage and the recovery are logged once each. Short socket timeouts (OPTIONS
socket_connect_timeout / socket_timeout, set in config/settings.py) bound that one
timeout.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Refused or timed-out connections above all; any other error of the Redis server (out
# of memory, a read-only replica after a failover) must not take the site down either.
OUTAGE_ERRORS = (RedisError, OSError)
_MISS = object()


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis (some 200 response callbacks) for every
    cache call; this one keeps one per connection pool (redis.Redis is thread-safe)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose operations behave as a cache miss while Redis is unreachable."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._down_until = 0.0
        self._was_down = False
        self._lock = threading.Lock()

    # The outage state -------------------------------------------------------------

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, operation: str, function, fallback):
        if self.is_down:
            return fallback
        try:
            result = function()
        except OUTAGE_ERRORS as exc:
            with self._lock:
                self._down_until = time.monotonic() + self.retry_after
                first, self._was_down = not self._was_down, True
            # Once per outage (per process), not at every retry.
            logger.log(
                logging.WARNING if first else logging.DEBUG,
                "Redis cache unreachable (%s on %s: %s); serving without cache, "
                "next try in %.0f s.",
                type(exc).__name__,
                operation,
                exc,
                self.retry_after,
            )
            return fallback
        if self._was_down:
            self._was_down = False
            logger.warning("Redis cache reachable again.")
        return result

    # The cache API ----------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # A miss: nothing was there, so the caller may go on as if it had added it.
        parent = super().add
        return self._call("add", lambda: parent(key, value, timeout, version), True)

    def get(self, key, default=None, version=None):
        parent = super().get
        return self._call("get", lambda: parent(key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super().set
        self._call("set", lambda: parent(key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super().touch
        return self._call("touch", lambda: parent(key, timeout, version), False)

    def delete(self, key, version=None):
        parent = super().delete
        return self._call("delete", lambda: parent(key, version), False)

    def get_many(self, keys, version=None):
        parent = super().get_many
        return self._call("get_many", lambda: parent(keys, version), {})

    def has_key(self, key, version=None):
        parent = super().has_key
        return self._call("has_key", lambda: parent(key, version), False)

    def incr(self, key, delta=1, version=None):
        parent = super().incr
        result = self._call("incr", lambda: parent(key, delta, version), _MISS)
        if result is _MISS:
            # What Django's caches raise for a missing key; callers handle it.
            raise ValueError(f"Key '{key}' not found (cache unreachable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super().set_many
        return self._call("set_many", lambda: parent(data, timeout, version), list(data))

    def delete_many(self, keys, version=None):
        parent = super().delete_many
        self._call("delete_many", lambda: parent(keys, version), None)

    def clear(self):
        parent = super().clear
        return self._call("clear", parent, False)
