"""Replies, likes and boosts from the fediverse (issue #15).

The inbox (fediverse/views.py) verifies who signed an activity and hands it to these
handlers through fediverse/registry.py:

- `Create` of a `Note` whose `inReplyTo` is one of our posts, a reply that came from the
  fediverse, or one of our own comments becomes a comment in that thread: text through
  the comment sanitiser (fediverse/remote_html.py, comments/markup.py), the same
  moderation rules as a typed comment (disallowed and moderation lists, link count,
  staff names), held unless that account already has an approved comment here. No
  e-mail address: the account's name, its profile as the website.
- `Update` and `Delete` (the object's id or a `Tombstone`) from the reply's own author
  change or remove it; anyone else's are refused. A `Delete` of the actor itself
  removes all its replies and reactions.
- `Like` and `Announce` of a post are counted on the post (comments.models.Reaction),
  never stored as comments; `Undo` takes them back.
"""

import logging
import re
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from blog.models import Post
from comments import notifications, services
from comments.models import BODY_MAX, NAME_MAX, URL_MAX, Comment, DiscussionSettings, Reaction
from core.contentversion import bump_content_version

from . import activities
from .registry import Refused, handles
from .remote_html import attachment_links, html_to_markup

logger = logging.getLogger("fediverse.inbox")

FEDIVERSE = Comment.Origin.FEDIVERSE
# The AP address of one of our comments (fediverse/comment_objects.py) and the anchor
# of a comment on its post's page.
_LOCAL_COMMENT = re.compile(r"^/ap/comments/(\d+)/?$")
_ANCHOR = re.compile(r"^comment-(\d+)$")
_MENTION_LINK = re.compile(r'<a href="[^"]*">([@#][^<]*)</a>')


def _id_of(value) -> str:
    """An object's id: the value itself when a bare URL, else its "id"."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _same_origin(url: str, actor) -> bool:
    """Whether `url` is on the actor's own server (what it may speak for)."""
    return bool(url) and urlsplit(url).netloc.lower() == urlsplit(actor.ap_id).netloc.lower()


def identity(actor) -> str:
    """What a fediverse comment stores as its author's address: the profile page when it
    is on the actor's server (a server cannot claim another's profile), else the actor."""
    profile = actor.url if _same_origin(actor.url, actor) else ""
    for candidate in (profile, actor.ap_id):
        if candidate and len(candidate) <= URL_MAX:
            return candidate
    raise Refused("actor address too long")


def display_name(actor) -> str:
    name = (actor.name or actor.preferred_username or actor.handle).strip()
    return name[:NAME_MAX]


def software(note: dict) -> str:
    """The name of the server software that wrote `note`, when it shows (else "")."""
    if "_misskey_content" in note:
        return "Misskey"
    if "atomUri" in note:  # Mastodon's own extension (and its forks')
        return "Mastodon"
    return ""


# Which of our objects an address names ------------------------------------------------


def _local_path(url: str) -> tuple[str, str] | None:
    """(path, fragment) of `url` when it is an address of this blog."""
    parts = urlsplit(url or "")
    site = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != site.netloc.lower():
        return None
    return parts.path, parts.fragment


def post_for(url: str) -> Post | None:
    """The post whose ActivityPub id (/ap/posts/N) or permalink is `url`, if every
    reader may read it (fediverse/activities.py)."""
    return activities.post_for_id(url) if isinstance(url, str) and url else None


def _local_comment(url: str) -> Comment | None:
    local = _local_path(url)
    if local is None:
        return None
    path, fragment = local
    found = _LOCAL_COMMENT.match(path)
    if found:
        return Comment.objects.select_related("post").filter(pk=found[1]).first()
    anchored = _ANCHOR.match(fragment)
    post = post_for(url.split("#", 1)[0]) if anchored else None
    if post is None:
        return None
    return Comment.objects.select_related("post").filter(post=post, pk=anchored[1]).first()


def thread_target(url: str) -> tuple[Post, Comment | None] | None:
    """Where a reply to `url` goes: (post, None) for one of our posts, (post, parent) for
    a reply from the fediverse or one of our comments; None for anything else."""
    if not url:
        return None
    parent = Comment.objects.select_related("post").filter(remote_id=url).first()
    if parent is None:
        parent = _local_comment(url)
    if parent is not None:
        # A comment on a page (no post): pages never leave the blog.
        return (parent.post, parent) if parent.post_id else None
    post = post_for(url)
    return (post, None) if post is not None else None


def _within_depth(parent: Comment | None, depth: int) -> Comment | None:
    """The parent itself, or its nearest ancestor under which a reply stays within the
    thread depth setting (a remote thread can go deeper than ours)."""
    while parent is not None and parent.depth >= depth:
        parent = parent.parent
    return parent


# Replies ---------------------------------------------------------------------------------


def _note(activity: dict, actor) -> dict:
    note = activity.get("object")
    if not isinstance(note, dict):
        raise Refused("no embedded object")
    note_id = _id_of(note)
    if not _same_origin(note_id, actor) or len(note_id) > 500:
        raise Refused("object not on the actor's server")
    if _id_of(note.get("attributedTo")) != actor.ap_id:
        raise Refused("object attributed to someone else")
    return note


def _body(note: dict) -> str:
    body = html_to_markup(note.get("content") if isinstance(note.get("content"), str) else "")
    summary = note.get("summary")
    if isinstance(summary, str) and summary.strip():
        # A content warning stays with the text it warns about.
        body = f"**{html_to_markup(summary)}**\n\n{body}"
    media = attachment_links(note.get("attachment"))
    if media:  # images and videos as links to them, with their descriptions
        body = f"{body}\n\n{media}".strip()
    if not body.strip():
        raise Refused("empty reply")
    if len(body) > BODY_MAX:
        raise Refused("reply too long")
    return body


def _published(note: dict) -> datetime:
    value = note.get("published")
    parsed = parse_datetime(value) if isinstance(value, str) else None
    now = timezone.now()
    if parsed is None or timezone.is_naive(parsed) or parsed > now:
        return now
    return parsed


def decide_status(*, post, author: services.Author, body: str) -> str:
    """The status of a new reply: comments.services.decide_status, with "a previously
    approved comment" meaning one from the same fediverse account (no e-mail here)."""
    discussion = DiscussionSettings.load()
    previous_approval = discussion.require_previous_approval
    discussion.require_previous_approval = False
    # Mentions and hashtags are how every reply starts, not links someone placed.
    for_rules = _MENTION_LINK.sub(r"\1", body)
    status = services.decide_status(
        post=post, author=author, body=for_rules, honeypot=False, settings=discussion
    )
    if status == Comment.Status.APPROVED and previous_approval:
        known = Comment.objects.visible().filter(origin=FEDIVERSE, author_url=author.url)
        if not known.exists():
            status = Comment.Status.PENDING
    return status


@handles("Create", "Note")
def create_note(activity: dict, actor) -> None:
    """A reply to one of our posts or comments becomes a comment of that thread."""
    note = _note(activity, actor)
    note_id = _id_of(note)
    existing = Comment.objects.filter(remote_id=note_id).first()
    if existing is not None:  # delivered again (a retry, a second inbox)
        if existing.author_url != identity(actor):
            raise Refused("object id taken by another account")
        return
    target = thread_target(_id_of(note.get("inReplyTo")))
    if target is None:
        logger.info("Ignored %s from %s: not a reply to us", note_id, actor.ap_id)
        return
    post, parent = target
    try:
        services.check_post_accepts_comments(post, None)
    except services.CommentRejected as rejected:
        raise Refused(rejected.code) from rejected
    if post.visibility != Post.Visibility.PUBLIC:
        raise Refused("post not public")
    parent = _within_depth(parent, DiscussionSettings.load().thread_depth)
    body = _body(note)
    author = services.Author(
        name=display_name(actor), email="", url=identity(actor), user_agent=software(note)
    )
    status = decide_status(post=post, author=author, body=body)
    comment = Comment(
        post=post,
        parent=parent,
        author_name=author.name,
        author_url=author.url,
        body=body,
        status=status,
        created_at=_published(note),
        user_agent=author.user_agent,
        origin=FEDIVERSE,
        remote_id=note_id,
    )
    try:
        comment.full_clean(exclude=["parent", "post", "page", "user", "author_email"])
    except ValidationError as invalid:
        raise Refused(f"invalid reply: {'; '.join(invalid.messages)[:200]}") from invalid
    try:
        with transaction.atomic():
            comment.save()
            if status == Comment.Status.APPROVED:
                services.recount(post)
    except IntegrityError:  # the same Create, delivered twice at once
        return
    if status != Comment.Status.SPAM:
        transaction.on_commit(lambda: notifications.notify_post_author(comment))
    if status == Comment.Status.APPROVED:
        transaction.on_commit(lambda: notifications.notify_subscribers(comment))


def _own_comment(object_id: str, actor) -> Comment | None:
    """The fediverse comment `object_id`, if `actor` wrote it; Refused if someone else did."""
    comment = Comment.objects.select_related("post").filter(remote_id=object_id).first()
    if comment is None:
        return None
    if (
        comment.origin != FEDIVERSE
        or not _same_origin(object_id, actor)
        or comment.author_url != identity(actor)
    ):
        raise Refused("not the author of this reply")
    return comment


@handles("Update", "Note")
def update_note(activity: dict, actor) -> None:
    """The remote author edited the reply: its text changes, its status stays."""
    note = _note(activity, actor)
    comment = _own_comment(_id_of(note), actor)
    if comment is None:
        return
    body = _body(note)
    if body != comment.body:
        comment.body = body
        comment.save(update_fields=["body", "body_html"])


def remove_actor(actor) -> int:
    """Everything an actor left here: its replies and reactions (its account is gone)."""
    comments = list(
        Comment.objects.select_related("post").filter(origin=FEDIVERSE, author_url=identity(actor))
    )
    comments = [c for c in comments if _same_origin(c.remote_id, actor)]
    if comments:
        services.delete_comments(comments)
    removed, _ = Reaction.objects.filter(origin=FEDIVERSE, actor=actor.ap_id).delete()
    if removed:
        bump_content_version()
    return len(comments)


@handles("Delete")
@handles("Delete", "Tombstone")
@handles("Delete", "Note")
def delete_object(activity: dict, actor) -> None:
    """The remote author deleted the reply (or the whole account): it goes from the thread."""
    object_id = _id_of(activity.get("object"))
    if object_id == actor.ap_id:
        remove_actor(actor)
        return
    comment = _own_comment(object_id, actor)
    if comment is not None:
        services.delete_comments([comment])


# Likes and boosts --------------------------------------------------------------------------

KINDS = {"Like": Reaction.Kind.LIKE, "Announce": Reaction.Kind.REPOST}


def _react(activity: dict, actor) -> None:
    post = post_for(_id_of(activity.get("object")))
    if post is None or post.visibility != Post.Visibility.PUBLIC:
        return  # someone else's post, or one of our comments: not counted
    kind = KINDS[activity["type"]]
    activity_id = _id_of(activity)
    _, created = Reaction.objects.get_or_create(
        post=post,
        kind=kind,
        actor=actor.ap_id,
        defaults={
            "origin": FEDIVERSE,
            "remote_id": activity_id if len(activity_id) <= 500 else "",
            "author_name": display_name(actor),
        },
    )
    if created:
        bump_content_version()


@handles("Like")
def like(activity: dict, actor) -> None:
    _react(activity, actor)


@handles("Announce")
def announce(activity: dict, actor) -> None:
    _react(activity, actor)


def undo_reaction(inner, actor) -> bool:
    """Take back a like or boost: `inner` is the undone activity or its bare id."""
    which = Q(remote_id=_id_of(inner)) if _id_of(inner) else Q(pk__in=[])
    if isinstance(inner, dict):
        if _id_of(inner.get("actor")) not in ("", actor.ap_id):
            raise Refused("undoing someone else's activity")
        post = post_for(_id_of(inner.get("object")))
        if post is not None and inner.get("type") in KINDS:
            which |= Q(post=post, kind=KINDS[inner["type"]])
    removed, _ = Reaction.objects.filter(which, actor=actor.ap_id).delete()
    if removed:
        bump_content_version()
    return bool(removed)


@handles("Undo", "Like")
def undo_like(activity: dict, actor) -> None:
    undo_reaction(activity.get("object"), actor)


@handles("Undo", "Announce")
def undo_announce(activity: dict, actor) -> None:
    undo_reaction(activity.get("object"), actor)


@handles("Undo")
def undo_by_id(activity: dict, actor) -> None:
    """An Undo naming the undone like or boost by its id only (Mastodon sends some so)."""
    if isinstance(activity.get("object"), str):
        undo_reaction(activity["object"], actor)
