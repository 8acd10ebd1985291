"""The comment section of a post page: what `{% comment_section post %}` shows.

comments/tree.py builds the thread and comments/render.py writes its HTML; this module
puts the section together for the templates (templates/comments/_section.html): the
thread (cached as HTML for every reader without a held comment of their own), the
heading with the count, the form (empty, remembered, or bound with its errors when the
comment view shows it again), the comment replied to (?replytocom=N), whether the
post is open, and which comment page is shown with the links to the others
(comments/paging.py). The browser's own state lives in two signed cookies: the held comments it
sent (shown to it alone) and the author details it was asked to remember.
"""

import json
from typing import NamedTuple

from django.conf import settings as django_settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.contentversion import content_version, versioned
from core.http import parse_id

from . import speech
from .forms import CommentForm
from .middleware import thread_placeholder
from .models import DiscussionSettings
from .paging import Paging, navigation, page_path, split
from .pings import render_pings
from .render import render_thread
from .services import comments_open, is_privileged
from .targets import is_page, target_key
from .tree import build_page, build_thread

PENDING_COOKIE = "comment_pending"
PENDING_SALT = "comments.pending"
PENDING_MAX_AGE = 24 * 3600
AUTHOR_COOKIE = "comment_author"
AUTHOR_SALT = "comments.author"
THREAD_TIMEOUT = 3600

FIELD_CLASSES = {
    "body": "comment",
    "author_name": "author",
    "author_email": "email",
    "author_url": "url",
}


def pending_ids(request) -> list[int]:
    """Ids of the held comments this browser submitted (signed cookie)."""
    try:
        value = request.get_signed_cookie(
            PENDING_COOKIE, default="", salt=PENDING_SALT, max_age=PENDING_MAX_AGE
        )
    except signing.BadSignature:
        return []
    return [int(part) for part in value.split(",") if part.isdigit()][-20:]


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


def comment_section(
    request, post, *, form=None, error=None, reply_to=None, page: int | None = None
) -> dict:
    """Everything the post page needs for its comments: thread, heading, form state.

    `page`: the comment page asked for (…/comment-page-N/), None for the default one.
    """
    settings = DiscussionSettings.load()
    paging = Paging.of(settings)
    is_open = comments_open(post, settings)
    pending = pending_ids(request)
    shown = _thread_html(post, settings.thread_depth, is_open, pending, paging, page)
    page_url = page_path(post, shown.page, shown.pages, paging)
    if reply_to is None and form is None and request.GET.get("replytocom"):
        nodes = shown.nodes
        if nodes is None:
            nodes = _page_nodes(post, settings.thread_depth, pending, paging, shown.page)[0]
        reply_to = _reply_target(request, nodes)
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

    count = post.comment_count
    if count:
        heading = ngettext(
            "One comment on “%(title)s”", "%(count)s comments on “%(title)s”", count
        ) % {"count": count, "title": post.title}
    else:
        heading = ""
    return {
        "comment_fields": _visible_fields(form),
        "form_cache_key": _form_cache_key(request, post, form, error, reply_to, page_url),
        # A marker the middleware replaces with the bytes (see comments/middleware.py).
        "thread_html": thread_placeholder(request, target_key(post), shown.html),
        "comment_pages": navigation(post, shown.page, shown.pages, paging),
        "pings_html": render_pings(post),
        "comment_finder": _finder_prefix(post) if paging.per_page else "",
        "comment_page_url": page_url,
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
        "comment_action": _action(post),
        # The post or page (issue #13): the head's feed link names it.
        "comment_target": post,
    }


def _action(target) -> str:
    """Where the form goes: the comment endpoint of the post or of the page."""
    if is_page(target):
        return reverse("comments:page_comment_create", kwargs={"page_id": target.pk})
    return reverse("comments:comment_create", kwargs={"post_id": target.pk})


class ShownThread(NamedTuple):
    html: bytes  # UTF-8
    page: int  # the comment page shown (1 without pages)
    pages: int
    nodes: list | None  # its comments, if they had to be built for it


def _thread_html(post, depth: int, is_open: bool, pending, paging: Paging, page) -> ShownThread:
    """The HTML of the thread's comment page `page` (None: the default one).

    The HTML is the same for every reader without a held comment of their own, until
    something visible changes (the content version): then it comes from the cache,
    one entry per comment page.
    """
    built = []

    def build() -> tuple[bytes, int, int]:
        nodes, number, pages = _page_nodes(post, depth, pending, paging, page)
        built.append(nodes)
        avatar_prefix = reverse("comments:avatar", kwargs={"key": "0"})[: -len("0.png")]
        html = render_thread(nodes, avatar_prefix=avatar_prefix, replies_open=is_open)
        return html.encode(), number, pages

    key = (
        f"comments:thread-html:{target_key(post)}:{depth}:{is_open}:{get_language()}"
        f":{paging.key}:{page or 'default'}"
        if django_settings.BLOG_FRAGMENT_CACHE and not pending
        else None
    )
    html, number, pages = versioned(key, build, THREAD_TIMEOUT)
    return ShownThread(html, number, pages, built[0] if built else None)


def _page_nodes(post, depth: int, pending, paging: Paging, page) -> tuple[list, int, int]:
    """The comments of comment page `page` (None: the default one), its number and the
    number of pages; without pages, the whole thread in the order the settings ask."""
    if paging.per_page:
        thread, number, pages = build_page(
            post, max_depth=depth, include_pending=pending, paging=paging, page=page
        )
        return thread.nodes, number, pages
    return split(build_thread(post, max_depth=depth, include_pending=pending).nodes, paging, page)


def _finder_prefix(post) -> str:
    """Where static/js/comment-page.js asks for a comment not on this page (+ "N/")."""
    if is_page(post):
        url = reverse("comments:page_comment_finder", kwargs={"page_id": post.pk, "number": 0})
    else:
        url = reverse("comments:comment_finder", kwargs={"post_id": post.pk, "number": 0})
    return url[: -len("0/")]


def _visible_fields(form) -> list:
    """The typed-in fields in WordPress's order, each with its `comment-form-…` class."""
    if form is None:
        return []
    return [(form[name], css) for name, css in FIELD_CLASSES.items() if name in form.fields]


def _form_cache_key(request, post, form, error, reply_to, page_url: str) -> str:
    """A key for the rendered form when it is the same for every anonymous reader.

    An empty form for an anonymous reader without remembered details depends only on
    the post, its comment page (the cancel link), the comment replied to, the language
    and the content version; anything
    else (errors, prefilled fields, a logged-in user's CSRF token) is rendered afresh.
    """
    if form is None or form.is_bound or error or request.user.is_authenticated:
        return ""
    if any(form.initial.get(name) for name in ("author_name", "author_email", "author_url")):
        return ""
    reply = reply_to.pk if reply_to else 0
    return f"{target_key(post)}:{page_url}:{reply}:{get_language()}:{content_version()}"


def _reply_target(request, nodes):
    """The comment named by ?replytocom=N (the no-JavaScript reply link), if repliable
    and on the comment page shown."""
    wanted = parse_id(request.GET.get("replytocom", ""))
    if wanted is None:
        return None
    for node in nodes:
        if node.comment.pk == wanted and node.can_reply:
            return node.comment
    return None
