"""`versioned(key, build, timeout)`: one value per key and content version (core)."""

import pytest
from django.core.cache import cache

from core.contentversion import bump_content_version, versioned

pytestmark = pytest.mark.django_db


class Builder:
    """Counts its calls; returns the call number."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.calls


def test_a_value_is_built_once_per_content_version():
    """The second call reads the cache; a bump makes the next call build afresh."""
    build = Builder()
    assert versioned("test:value", build) == 1
    assert versioned("test:value", build) == 1
    bump_content_version()
    assert versioned("test:value", build) == 2
    assert build.calls == 2


def test_keys_are_kept_apart():
    """Two keys under one version hold two values."""
    assert versioned("test:a", lambda: "a") == "a"
    assert versioned("test:b", lambda: "b") == "b"
    assert versioned("test:a", lambda: "x") == "a"


def test_no_key_caches_nothing():
    """A key of None builds on every call and stores nothing."""
    build = Builder()
    before = len(cache._cache)
    assert [versioned(None, build) for _ in range(3)] == [1, 2, 3]
    assert len(cache._cache) == before


def test_stale_values_are_built_again():
    """A value `stale` rejects is replaced by a new one."""
    build = Builder()
    versioned("test:stale", build)
    assert versioned("test:stale", build, stale=lambda value: value < 2) == 2
    assert versioned("test:stale", build, stale=lambda value: value < 2) == 2


def test_timeout_may_depend_on_the_value(settings):
    """A timeout function gets the built value; a lifetime of 0 keeps nothing."""
    seen = []

    def lifetime(value):
        seen.append(value)
        return 0

    build = Builder()
    versioned("test:short", build, lifetime)
    versioned("test:short", build, lifetime)
    assert seen == [1, 2]
