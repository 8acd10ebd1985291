"""Post passwords cannot be guessed at machine speed (issue #16).

Wrong passwords are counted per post and client address in the cache, which all workers
share when it is Redis (REDIS_URL, as in production); after
BLOG_POST_PASSWORD_ATTEMPTS wrong ones the form answers 429 for WINDOW seconds, the
right password included. Without Redis each process counts on its own. When Redis is
unreachable nothing is counted: readers are never locked out by an outage.
"""

from django.conf import settings
from django.core.cache import cache

from core.http import client_ip

# The pause after too many wrong passwords, counted from the first of them.
WINDOW = 15 * 60


def _key(request, post) -> str:
    return f"blog:postpass-failures:{post.pk}:{client_ip(request) or 'unknown'}"


def is_limited(request, post) -> bool:
    """Whether this address has used up its wrong passwords for this post."""
    return (cache.get(_key(request, post)) or 0) >= settings.BLOG_POST_PASSWORD_ATTEMPTS


def count_failure(request, post) -> None:
    """Count one wrong password (atomically in Redis: add, then incr)."""
    key = _key(request, post)
    if cache.add(key, 1, WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW)
