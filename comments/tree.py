"""The comment section of a post: the thread in one query, flattened for one pass.

`build_thread` files each comment under its parent in a single pass over one query
and hands back the comments in reading order, each with its depth and the list markup
that opens before it and closes after it, so that comments/render.py writes the whole
thread in one loop, without an `{% include %}` per comment (see STYLE.md §3, §7).
The rows are plain tuples (`ThreadComment`), not model instances: a thousand of them
cost a few milliseconds instead of tens.

Replies under a comment that readers cannot see (pending, spam, trash) are dropped
with it, as WordPress does: a thread never shows an answer to something invisible.
"""

import json
from collections import namedtuple
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from blog.http import parse_id
from blog.site import content_version

from . import speech
from .forms import CommentForm
from .models import Comment, DiscussionSettings
from .render import render_thread
from .services import comments_open, is_privileged

PENDING_COOKIE = "comment_pending"
PENDING_SALT = "comments.pending"
PENDING_MAX_AGE = 24 * 3600
AUTHOR_COOKIE = "comment_author"
AUTHOR_SALT = "comments.author"

OPEN_CHILDREN = '<ol class="children">'
CLOSE_ITEM = "</li>"
CLOSE_CHILDREN = "</ol></li>"

THREAD_FIELDS = (
    "id",
    "parent_id",
    "author_name",
    "author_url",
    "body_html",
    "status",
    "created_at",
    "is_author_reply",
    "avatar",
)


class ThreadComment(namedtuple("ThreadCommentRow", THREAD_FIELDS)):
    """One comment of a thread, as the thread shows it."""

    __slots__ = ()

    @property
    def pk(self) -> int:
        return self.id


@dataclass(slots=True)
class Node:
    comment: ThreadComment
    depth: int
    opening: str = ""
    closing: str = ""
    has_children: bool = False
    can_reply: bool = True


@dataclass
class Thread:
    nodes: list[Node] = field(default_factory=list)

    def __len__(self):
        return len(self.nodes)


class RenderedThread:
    """The rendered thread as UTF-8 bytes, as it is cached and as the response needs it.

    A thread of a thousand comments is over a megabyte of HTML. In the template it stands
    for itself (`__html__` decodes it), but the post view puts a marker there instead and
    splices these bytes into the encoded page (blog.views.render_post): the big string is
    then neither decoded, copied through every template level, nor encoded again.
    """

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data

    def __html__(self) -> str:
        return self.data.decode()

    def __str__(self) -> SafeString:
        # Sanitised and escaped by comments/render.py: safe for the template as it is.
        return mark_safe(self.data.decode())  # noqa: S308

    def __bool__(self) -> bool:
        return bool(self.data)


def pending_ids(request) -> list[int]:
    """Ids of the held comments this browser submitted (signed cookie)."""
    try:
        value = request.get_signed_cookie(
            PENDING_COOKIE, default="", salt=PENDING_SALT, max_age=PENDING_MAX_AGE
        )
    except signing.BadSignature:
        return []
    return [int(part) for part in value.split(",") if part.isdigit()][-20:]


def build_thread(post, *, max_depth: int, include_pending=()) -> Thread:
    """The visible thread of `post`, plus the given held comments; see the module docstring."""
    condition = Q(status=Comment.Status.APPROVED)
    if include_pending:
        condition |= Q(status=Comment.Status.PENDING, pk__in=list(include_pending))
    rows = (
        Comment.objects.for_post(post)
        .filter(condition)
        .order_by("created_at", "id")
        .values_list(*THREAD_FIELDS)
    )
    comments = [ThreadComment._make(row) for row in rows]
    children: dict[int | None, list[ThreadComment]] = {}
    known = {c.id for c in comments}
    for comment in comments:
        parent_id = comment.parent_id if comment.parent_id in known else None
        if comment.parent_id and parent_id is None:
            continue  # its parent is not shown: drop it (and so its replies)
        children.setdefault(parent_id, []).append(comment)

    nodes: list[Node] = []
    stack = [(c, 1) for c in reversed(children.get(None, []))]
    while stack:
        comment, depth = stack.pop()
        kids = children.get(comment.id, [])
        nodes.append(
            Node(
                comment=comment,
                depth=depth,
                has_children=bool(kids),
                can_reply=depth < max_depth and comment.status == Comment.Status.APPROVED,
            )
        )
        stack.extend((kid, depth + 1) for kid in reversed(kids))

    for index, node in enumerate(nodes):
        next_depth = nodes[index + 1].depth if index + 1 < len(nodes) else 1
        if index and nodes[index - 1].depth < node.depth:
            node.opening = OPEN_CHILDREN
        if next_depth <= node.depth:
            node.closing = CLOSE_ITEM + CLOSE_CHILDREN * (node.depth - next_depth)
    return Thread(nodes)


def remembered_author(request) -> dict:
    """Name, e-mail and website the commenter asked this browser to remember."""
    try:
        data = request.get_signed_cookie(AUTHOR_COOKIE, default=None, salt=AUTHOR_SALT)
    except signing.BadSignature:
        return {}
    if not data:
        return {}
    try:
        name, email, url = json.loads(data)
    except (ValueError, TypeError):
        return {}
    return {"author_name": name, "author_email": email, "author_url": url, "remember": True}


def comment_section(request, post, *, form=None, error=None, reply_to=None) -> dict:
    """Everything the post page needs for its comments: thread, heading, form state."""
    settings = DiscussionSettings.load()
    is_open = comments_open(post, settings)
    thread = None
    pending = pending_ids(request)
    avatar_prefix = reverse("comments:avatar", kwargs={"key": "0"})[: -len("0.png")]
    # The rendered thread is the same for every reader without a held comment of their
    # own, until something visible changes (the content version).
    thread_key = (
        f"comments:thread-bytes:{post.pk}:{settings.thread_depth}:{is_open}:{get_language()}:"
        f"{content_version()}"
        if django_settings.BLOG_FRAGMENT_CACHE and not pending
        else None
    )
    thread_bytes = cache.get(thread_key) if thread_key else None
    if thread_bytes is None:
        thread = build_thread(post, max_depth=settings.thread_depth, include_pending=pending)
        html = render_thread(thread.nodes, avatar_prefix=avatar_prefix, replies_open=is_open)
        thread_bytes = html.encode()
        if thread_key:
            cache.set(thread_key, thread_bytes, timeout=3600)
    thread_html = RenderedThread(thread_bytes)
    if reply_to is None and form is None and request.GET.get("replytocom"):
        thread = thread or build_thread(post, max_depth=settings.thread_depth)
        reply_to = _reply_target(request, post, thread)
    if form is None and is_open:
        form = CommentForm(
            post=post,
            user=request.user,
            max_depth=settings.thread_depth,
            initial={
                **remembered_author(request),
                "parent": reply_to.pk if reply_to else None,
            },
        )
    elif form is not None and reply_to is None:
        reply_to = form.parent_comment
    last_change = max(post.updated_at, post.comments_changed_at or post.updated_at)

    count = post.comment_count
    if count:
        heading = ngettext(
            "One comment on “%(title)s”", "%(count)s comments on “%(title)s”", count
        ) % {"count": count, "title": post.title}
    else:
        heading = ""
    return {
        "comment_fields": _visible_fields(form),
        "form_cache_key": _form_cache_key(request, post, form, error, reply_to),
        "last_modified": last_change,
        "thread_html": thread_html,
        "comment_heading": heading,
        "comments_open": is_open,
        "comment_form": form,
        "comment_error": error,
        "reply_to": reply_to,
        "reply_title": (
            _("Leave a Reply to %s") % reply_to.author_name if reply_to else _("Leave a Reply")
        ),
        "needs_captcha": form is not None and form.is_anonymous,
        "captcha_audio": speech.available(),
        "is_author_replying": is_privileged(request.user, post),
        "comment_action": reverse("comments:comment_create", kwargs={"post_id": post.pk}),
    }


FIELD_CLASSES = {
    "body": "comment",
    "author_name": "author",
    "author_email": "email",
    "author_url": "url",
}


def _visible_fields(form) -> list:
    """The typed-in fields in WordPress's order, each with its `comment-form-…` class."""
    if form is None:
        return []
    return [(form[name], css) for name, css in FIELD_CLASSES.items() if name in form.fields]


def _form_cache_key(request, post, form, error, reply_to) -> str:
    """A key for the rendered form when it is the same for every anonymous reader.

    An empty form for an anonymous reader without remembered details depends only on
    the post, the comment replied to, the language and the content version; anything
    else (errors, prefilled fields, a logged-in user's CSRF token) is rendered afresh.
    """
    if form is None or form.is_bound or error or request.user.is_authenticated:
        return ""
    if any(form.initial.get(name) for name in ("author_name", "author_email", "author_url")):
        return ""
    reply = reply_to.pk if reply_to else 0
    return f"{post.pk}:{reply}:{get_language()}:{content_version()}"


def _reply_target(request, post, thread: Thread):
    """The comment named by ?replytocom=N (the no-JavaScript reply link), if repliable."""
    wanted = parse_id(request.GET.get("replytocom", ""))
    if wanted is None:
        return None
    for node in thread.nodes:
        if node.comment.pk == wanted and node.can_reply:
            return node.comment
    return None
