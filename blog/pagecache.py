"""Whole-page cache for anonymous readers, invalidated by the content version (issue #6).

A page is stored under the current content version (blog/site.py), the language and
the full path. Any change readers can see bumps the version (blog/signals.py,
comments/signals.py), so that the next request renders afresh: a stale page is never
served after, say, a comment was approved, while saving a draft changes nothing.
Entries also expire when the next scheduled post is due.

The middleware stands first in MIDDLEWARE: it stores the response as the reader got
it (security headers, ETag and all) and answers a hit, or a 304 for a matching
If-None-Match, without running any other middleware.

Who never gets a cached page: logged-in users (a session cookie), commenters with a
held comment or remembered details (their page differs), readers who unlocked a
password-protected post, and any request other than GET/HEAD. Only 200 responses
without cookies are stored.

Nobody can make the cache hold more than the blog's real pages (issue #10): every
distinct URL would otherwise be another entry, and a flood of made-up ones would push
the real pages out (or, with Redis, fill its memory). So only these are stored: a path
without a query string, or with exactly `?replytocom=N` for an approved comment of that
very post (the reply links the pages carry), asked for under the server's own port.
Searches (`?s=`), tracking parameters and every other query string are rendered afresh
and marked private. Languages and host names are bounded by LANGUAGES and ALLOWED_HOSTS.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseNotModified
from django.http.request import split_domain_port
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_request

from .site import content_version, get_site_data

PERSONAL_COOKIES = ("comment_pending", "comment_author", "postpass_")
# The one query string stored: a reply link, as comments/render.py writes it.
REPLY_QUERY = re.compile(r"replytocom=([1-9][0-9]{0,17})")
MAX_ENTRY_BYTES = 2 * 1024 * 1024


def _is_personal(request) -> bool:
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    return any(name.startswith(PERSONAL_COOKIES) for name in request.COOKIES)


def _is_stored_kind(request) -> bool:
    """Whether this URL may have an entry: no query or a reply link, the server's own port."""
    query = request.META.get("QUERY_STRING", "")
    if query and not REPLY_QUERY.fullmatch(query):
        return False
    # "Host: example.org:1", ":2", … all pass ALLOWED_HOSTS, each a key of its own.
    _domain, port = split_domain_port(request.get_host())
    return not port or port == str(request.get_port())


def _names_a_real_reply(request) -> bool:
    """False for `?replytocom=N` unless N is an approved comment of the post at this path."""
    match = REPLY_QUERY.fullmatch(request.META.get("QUERY_STRING", ""))
    if match is None:
        return True
    from comments.models import Comment

    comment = Comment.objects.visible().select_related("post").filter(pk=match[1]).first()
    return comment is not None and comment.post.get_absolute_url() == request.path


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
        if (
            not settings.BLOG_PAGE_CACHE
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)
        ):
            return self.get_response(request)
        if _is_personal(request) or not _is_stored_kind(request):
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
            and "private" not in response.get("Cache-Control", "")
        ):
            if not _names_a_real_reply(request):
                return _mark_private(response)
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
            patch_vary_headers(response, ["Cookie", "Accept-Language"])
            response["X-Page-Cache"] = "miss"
            cache.set(key, response, timeout=get_site_data()["_max_age"])
        return response
