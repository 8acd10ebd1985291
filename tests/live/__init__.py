"""Tests against a running server (issue #10), and the helper that starts one.

`from tests.live import LiveServer` (tests/live/server.py): runserver or gunicorn in a
subprocess with its own database and media folder.
"""

from tests.live.server import (
    LiveServer,
    RedisServer,
    Response,
    Session,
    csrf_token,
    free_port,
)

__all__ = ["LiveServer", "RedisServer", "Response", "Session", "csrf_token", "free_port"]
