"""Whole-page cache for anonymous readers, invalidated by the content version (issue #6).

A page is stored under the current content version (core/contentversion.py), the
language and the full path. Any change readers can see bumps the version
(blog/signals.py, comments/signals.py), so that the next request renders afresh: a
stale page is never served after, say, a comment was approved, while saving a draft
changes nothing. Entries live at most DEFAULT_TIMEOUT seconds, or less as the apps say
(`limit_lifetime`: the blog, until its next scheduled post is due).

The middleware stands first in MIDDLEWARE: it stores the response as the reader got
it (security headers, ETag and all) and answers a hit, or a 304 for a matching
If-None-Match, without running any other middleware.

Who gets cached pages is decided by an allow-list of cookies that change nothing on a
page: the CSRF and language cookies (their names from settings) and those the apps
name (`allow_cookie`: the comments' captcha cookie, which keeps the captcha's key out
of the page). A request with any other cookie (a session, a held comment, remembered
commenter details, an unlocked password-protected post, or a cookie nobody here knows)
is neither served from the cache nor stored; so is any request other than GET/HEAD.

Views decide themselves what must not be shared: a response with a Cache-Control
header of its own (never_cache, cache_control(private=True), or a lifetime the view
chose, such as the avatars' month) is passed on as it is and never stored. Only 200
responses without cookies are stored.

Nobody can make the cache hold more than the blog's real pages (issue #10): every
distinct URL would otherwise be another entry, and a flood of made-up ones would push
the real pages out (or, with Redis, fill its memory). So only these are stored: a path
without a query string, or with one an app vouches for (`store_query`: the comments'
`?replytocom=N` of an approved comment of that very post), asked for under the
server's own port. Searches (`?s=`), tracking parameters and every other query string
are rendered afresh and marked private. Languages and host names are bounded by
LANGUAGES and ALLOWED_HOSTS.

core imports no app: the apps plug in through these hooks, from their AppConfig.ready.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseNotModified
from django.http.request import split_domain_port
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_request

from .contentversion import content_version

MAX_ENTRY_BYTES = 2 * 1024 * 1024
# The longest an entry is kept, in seconds, when no app asks for less.
DEFAULT_TIMEOUT = 300

_lifetime_limits = []
_query_checks = []
_harmless_cookies = set()


def allow_cookie(name: str) -> None:
    """Register a cookie that changes nothing on any page (the page cache still serves
    and stores pages for readers who send it)."""
    _harmless_cookies.add(name)


def limit_lifetime(function):
    """Register `function()`: the most seconds a page stored now may be kept."""
    if function not in _lifetime_limits:
        _lifetime_limits.append(function)
    return function


def store_query(function):
    """Register `function(request)`: True if the page at this URL with its query string
    is a page of its own, worth storing (called only for a 200 with a query string)."""
    if function not in _query_checks:
        _query_checks.append(function)
    return function


def _lifetime() -> int:
    return min([DEFAULT_TIMEOUT, *(limit() for limit in _lifetime_limits)])


def _is_personal(request) -> bool:
    """Whether the request carries a cookie not known to change nothing on a page."""
    harmless = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, *_harmless_cookies}
    return any(name not in harmless for name in request.COOKIES)


def _is_own_port(request) -> bool:
    """Whether the URL names the server's own port (or none)."""
    # "Host: example.org:1", ":2", … all pass ALLOWED_HOSTS, each a key of its own.
    _domain, port = split_domain_port(request.get_host())
    return not port or port == str(request.get_port())


def _is_stored_query(request) -> bool:
    """No query string, or one an app vouches for (`store_query`)."""
    if not request.META.get("QUERY_STRING", ""):
        return True
    return any(check(request) for check in _query_checks)


def _mark_private(response):
    if "Cache-Control" not in response:
        # This page is not shared with other readers (it may differ for this one).
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _cache_key(request) -> str:
    language = get_language_from_request(request)
    path = request.get_full_path()
    # The scheme too: an http request must reach the HTTPS redirect, not a cached page.
    digest = hashlib.sha256(f"{request.scheme}://{request.get_host()}{path}".encode())
    digest = digest.hexdigest()[:32]
    return f"page:{content_version()}:{language}:{digest}"


def _not_modified(request, response) -> bool:
    etag = response.get("ETag")
    return bool(etag) and etag in request.META.get("HTTP_IF_NONE_MATCH", "")


class AnonymousPageCacheMiddleware:
    """Serve and store whole pages for anonymous readers; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.BLOG_PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if _is_personal(request) or not _is_own_port(request):
            return _mark_private(self.get_response(request))
        has_query = bool(request.META.get("QUERY_STRING", ""))
        if has_query and not _query_checks:
            return _mark_private(self.get_response(request))
        key = _cache_key(request)
        cached = cache.get(key)
        if cached is not None:
            if _not_modified(request, cached):
                response = HttpResponseNotModified()
                for header in ("ETag", "Cache-Control", "Vary", "Last-Modified"):
                    if header in cached:
                        response[header] = cached[header]
                return response
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and len(response.content) <= MAX_ENTRY_BYTES
            # The view's own say (private, no-store, its own lifetime) stands.
            and "Cache-Control" not in response
        ):
            if not _is_stored_query(request):
                return _mark_private(response)
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
            patch_vary_headers(response, ["Cookie", "Accept-Language"])
            response["X-Page-Cache"] = "miss"
            cache.set(key, response, timeout=_lifetime())
        elif has_query:
            return _mark_private(response)
        return response
