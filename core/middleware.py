"""Hostile requests stopped before a view or the database sees them (issue #7)."""

import hashlib

from django.http import Http404, QueryDict
from django.middleware import http
from django.utils.http import quote_etag


class NulCharacterMiddleware:
    """No NUL character reaches a query: PostgreSQL refuses them in text (a 500).

    A path with one names no page here (404). In the query string and the request
    headers they are dropped, so that a search for "a%00b" finds "ab". Form fields
    refuse them with a message (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                request.META[key] = value.replace("\x00", "")
        return self.get_response(request)


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's ETag and 304 handling, with the ETag hashed by SHA-1 instead of MD5.

    A post with a thousand comments is over a megabyte of HTML; SHA-1 (hardware-assisted
    on current CPUs) hashes it in about a third of MD5's time. The ETag only has to change
    when the bytes change, which either does; neither is used for security here.

    Streaming responses (files under /media/ served by django.views.static.serve) pass
    without an ETag, as in Django's own middleware: their content cannot be read without
    consuming it. They carry Last-Modified, which answers If-Modified-Since with a 304.
    """

    def process_response(self, request, response):
        if not response.streaming and self.needs_etag(response) and not response.has_header("ETag"):
            digest = hashlib.sha1(response.content, usedforsecurity=False).hexdigest()
            response.headers["ETag"] = quote_etag(digest)
        return super().process_response(request, response)
