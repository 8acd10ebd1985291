"""Fixtures of the fediverse tests: a mock Mastodon server on loopback (ap_server.py)."""

from .ap_server import mastodon  # noqa: F401
