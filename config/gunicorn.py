"""gunicorn settings: `gunicorn config.wsgi -c config/gunicorn.py` (issue #6).

Sync workers sized for the machine (2 × cores + 1, or WEB_CONCURRENCY); logging to stdout.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
keepalive = 5
timeout = 30
graceful_timeout = 20
# Recycle workers now and then, so that a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# Heartbeat files in memory, not on a possibly slow disk (gunicorn's own advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket: gunicorn 27 otherwise opens one shared by every instance of
# the user (~/.gunicorn/gunicorn.ctl); several blogs or test runs would collide there.
control_socket_disable = True
