"""Pingbacks and trackbacks (issue #13): kept, moderated like comments, listed apart.

WordPress stores a pingback or trackback as a comment with its `comment_type`; the
import keeps them that way (`Comment.comment_type`). They are not part of the
conversation here: the thread, its comment pages, the reply form and the "N comments"
heading and count hold comments only (`Comment.objects.conversation()`), and the
approved pings of a post follow the thread in a compact list of their own, "Trackbacks
and Pingbacks": the source's title linked to it and the date, no avatar, text or reply
link. That is WordPress's own way of showing them apart, `comments_template(…, true)`
with `wp_list_comments(['type' => 'comment'])` and then
`wp_list_comments(['type' => 'pings', 'short_ping' => true])` (separate_comments()),
with the markup of its short pings (`li.pingback`/`li.trackback` > `div.comment-body`).
Twenty Twenty-One itself lists pings among the comments with short_ping and counts
them in its heading (comments.php, get_comments_number()); the issue asks for the
separate list, and a count of comments that are comments.

The comment feeds list pings as WordPress's do (its comment feed query has no type).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.contentversion import versioned

from .models import Comment
from .render import DateFormatter

TIMEOUT = 3600
FIELDS = ("id", "comment_type", "author_name", "author_url", "created_at", "legacy_id")


def approved_pings(target) -> list[dict]:
    """The approved pingbacks and trackbacks of a post (or page), oldest first."""
    return list(
        Comment.objects.for_post(target)
        .visible()
        .pings()
        .order_by("created_at", "id")
        .values(*FIELDS)
    )


def _link(ping: dict) -> str:
    """The source's address, only a web address (as the thread's author links)."""
    url = ping["author_url"]
    return url if url[:8].lower().startswith(("http://", "https://")) else ""


def render_pings(target) -> SafeString:
    """The "Trackbacks and Pingbacks" list of `target` ("" without approved pings).

    The HTML is cached under the content version (it changes with every moderation),
    so that a post page asks for it once until something visible changes.
    """

    def build() -> str:
        pings = approved_pings(target)
        dates = DateFormatter()
        for ping in pings:
            ping["url"] = _link(ping)
            ping["iso"], ping["date"] = dates(ping["created_at"])
        if not pings:
            return ""
        return render_to_string("comments/_pings.html", {"pings": pings})

    key = None
    if settings.BLOG_FRAGMENT_CACHE:
        key = f"comments:pings:{target._meta.model_name}:{target.pk}:{get_language()}"
    return mark_safe(versioned(key, build, TIMEOUT))  # noqa: S308 (rendered, escaped)
