"""What the page cache (core/pagecache.py) may store of the comments' URLs."""

import re

from .models import Comment

# The one query string stored: a reply link, as comments/render.py writes it.
REPLY_QUERY = re.compile(r"replytocom=([1-9][0-9]{0,17})")


def is_reply_link(request) -> bool:
    """`?replytocom=N` for an approved comment N of the post at this path."""
    match = REPLY_QUERY.fullmatch(request.META.get("QUERY_STRING", ""))
    if match is None:
        return False
    comment = Comment.objects.visible().select_related("post").filter(pk=match[1]).first()
    return comment is not None and comment.post.get_absolute_url() == request.path
