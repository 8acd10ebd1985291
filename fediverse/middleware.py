"""Content negotiation on post permalinks (issue #15).

A request for a post's address that asks for ActivityStreams (`Accept:
application/activity+json`, or `application/ld+json` with the ActivityStreams profile)
gets the post's `Article`, as fediverse servers fetch a link pasted into a toot. This
middleware stands before the page cache (core/pagecache.py), so that such a request
never reaches it: the cache keeps HTML only, keyed without Accept, and the two
representations never mix. Post pages say `Vary: Accept` while the fediverse is on.
"""

import re

from django.db import DatabaseError
from django.http import Http404
from django.urls import Resolver404, resolve

from . import conf

# The shape of a post permalink (blog/urls.py, post_detail): no resolve for other pages.
POST_PATH = re.compile(r"^/\d{4}/\d{2}/\d{2}/[^/]+/$")


def wants_activity(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/activity+json" in accept or (
        "application/ld+json" in accept and "activitystreams" in accept
    )


class ContentNegotiationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not POST_PATH.match(request.path_info):
            return self.get_response(request)
        try:
            enabled = conf.is_enabled()
        except DatabaseError:  # the page cache may still have the page
            enabled = False
        if not enabled:
            return self.get_response(request)
        if wants_activity(request):
            response = self.activity(request)
            if response is not None:
                response["Vary"] = "Accept"
                return response
        response = self.get_response(request)
        if response.status_code == 200:
            from django.utils.cache import patch_vary_headers

            patch_vary_headers(response, ["Accept"])
        return response

    def activity(self, request):
        from . import views

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.url_name != "post_detail" or match.namespace != "blog":
            return None
        from blog.models import Post

        from .activities import post_for_id
        from .keys import absolute

        post = post_for_id(absolute(request.path_info))
        if post is None:
            # Not public (or not this address): the page decides what the reader sees.
            return None
        try:
            return views.post_object(request, post.pk)
        except (Http404, Post.DoesNotExist):
            return None
