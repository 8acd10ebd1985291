"""What the page cache (core/pagecache.py) may store of the comments' URLs."""

import re

from django.utils.encoding import uri_to_iri

from .models import Comment
from .paging import comment_link

# The one query string stored: a reply link, as comments/render.py writes it.
REPLY_QUERY = re.compile(r"replytocom=([1-9][0-9]{0,17})")


def is_reply_link(request) -> bool:
    """`?replytocom=N` for an approved comment N on the page at this path: its post's,
    or with comment pages on, the comment page that shows it (comments/paging.py)."""
    match = REPLY_QUERY.fullmatch(request.META.get("QUERY_STRING", ""))
    if match is None:
        return False
    comment = Comment.objects.visible().select_related("post").filter(pk=match[1]).first()
    return comment is not None and uri_to_iri(comment_link(comment).partition("#")[0]) == (
        request.path
    )
