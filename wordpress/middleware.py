"""Old WordPress links keep working: 301 redirects and old comment anchors (issue #5).

Put it after CommonMiddleware: responses pass through it first, so that a 404 for a
WordPress address is turned into a redirect before CommonMiddleware would try
appending a slash.
"""

import re

from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponsePermanentRedirect

from . import redirects
from .models import ImportedObject

# Whether any imported comment could not keep its WordPress ID (cleared by each import).
REMAPPED_KEY = "wordpress:remapped-comments"
_COMMENT_ITEM = re.compile(rb'<li id="comment-(\d+)"[^>]*>')


class WordPressRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            target = redirects.query_target(request)
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return response
        if response.status_code == 404:
            target = redirects.not_found_target(request)
            if target and target != request.get_full_path():
                return HttpResponsePermanentRedirect(target)
        elif response.status_code == 200:
            add_old_comment_anchors(request, response)
        return response


def _has_remapped_comments() -> bool:
    return cache.get_or_set(
        REMAPPED_KEY,
        lambda: (
            ImportedObject.objects.of_kind(ImportedObject.Kind.COMMENT)
            .exclude(comment=None)
            .exclude(comment_id=F("wp_id"))
            .exists()
        ),
        timeout=None,
    )


def add_old_comment_anchors(request, response) -> None:
    """Give comments that got a new ID their WordPress anchor too (…/#comment-123).

    A comment keeps its WordPress ID as its own wherever that ID was free, so this
    only matters for the few that collided with comments already here. The fragment
    never reaches the server, so the old anchor has to be in the page itself.
    """
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != "blog:post_detail" or response.streaming:
        return
    if "text/html" not in response.get("Content-Type", ""):
        return
    # Almost always nothing was remapped: ask that (cached) before scanning the page.
    if not _has_remapped_comments():
        return
    ids = [int(pk) for pk in _COMMENT_ITEM.findall(response.content)]
    if not ids:
        return
    old_ids = dict(
        ImportedObject.objects.of_kind(ImportedObject.Kind.COMMENT)
        .filter(comment_id__in=ids)
        .exclude(comment_id=F("wp_id"))
        .values_list("comment_id", "wp_id")
    )
    if not old_ids:
        return
    page = response.content

    def anchor(m):
        wp_id = old_ids.get(int(m.group(1)))
        if wp_id is None or f'id="comment-{wp_id}"'.encode() in page:
            return m.group(0)
        return m.group(0) + f'<span id="comment-{wp_id}"></span>'.encode()

    response.content = _COMMENT_ITEM.sub(anchor, page)
