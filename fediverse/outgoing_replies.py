"""The author's replies to fediverse comments, delivered back to the fediverse (issue #15).

A reply the post's author writes (in the admin, or logged in on the site) under a comment
that came from the fediverse is a `Note` of the author's actor with `inReplyTo` the remote
reply's id, addressed to its writer (`to`, and a `Mention` so that Mastodon notifies
them) and to the author's followers and the public (`cc`), delivered to the writer's
inbox and the followers' inboxes through the queue (fediverse/delivery.py). Editing it
sends an `Update`; taking it back (trash, spam, unapprove) or deleting it, a `Delete`.

Our comments have ActivityPub ids too, /ap/comments/<pk> (the view below): a Mastodon
user can answer the author's reply, and that answer lands under it (fediverse/replies.py).
"""

import datetime
import functools
import logging

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from comments.models import Comment

from . import activities, conf, delivery
from .keys import absolute, actor_url
from .models import RemoteActor

logger = logging.getLogger("fediverse.delivery")


def comment_id(comment) -> str:
    """A comment's ActivityPub id."""
    return absolute(reverse("fediverse_comment", args=[comment.pk]))


def _iso(when) -> str:
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def remote_writer(comment) -> RemoteActor | None:
    """The fediverse account that wrote `comment` (a comment from the fediverse)."""
    if comment is None or comment.origin != Comment.Origin.FEDIVERSE:
        return None
    found = RemoteActor.objects.filter(Q(url=comment.author_url) | Q(ap_id=comment.author_url))
    for actor in found:
        if actor.domain.lower() in comment.remote_id.lower().split("/")[2:3]:
            return actor
    return None


def is_delivered(comment) -> bool:
    """Whether `comment` is one the fediverse gets: the post author's approved reply to
    a fediverse comment, on a post everyone may read."""
    return bool(
        comment.user_id
        and comment.is_author_reply
        and comment.status == Comment.Status.APPROVED
        and comment.parent_id
        and comment.parent.origin == Comment.Origin.FEDIVERSE
        and comment.parent.remote_id
        and comment.post_id
        and comment.post.is_published
        and comment.post.visibility == comment.post.Visibility.PUBLIC
    )


def note(comment) -> dict:
    """The reply as a `Note` in Mastodon's shape."""
    author = comment.user
    writer = remote_writer(comment.parent)
    to, tag, mention = [], [], ""
    if writer is not None:
        to = [writer.ap_id]
        tag = [{"type": "Mention", "href": writer.ap_id, "name": writer.handle}]
        profile = escape(writer.url or writer.ap_id)
        name = escape(writer.preferred_username or writer.handle.split("@")[1])
        mention = (
            f'<p><span class="h-card"><a href="{profile}" class="u-url mention">'
            f"@<span>{name}</span></a></span></p>"
        )
    return {
        "id": comment_id(comment),
        "type": "Note",
        "attributedTo": actor_url(author),
        "inReplyTo": comment.parent.remote_id,
        "content": mention + comment.body_html,
        "mediaType": "text/html",
        "url": absolute(comment.get_absolute_url()),
        "published": _iso(comment.created_at),
        "to": to,
        "cc": [activities.PUBLIC, activities.followers_url(author)],
        "tag": tag,
        "sensitive": False,
    }


def _activity(kind: str, comment, obj, *, suffix: str) -> dict:
    activity = activities.wrap(kind, comment.user, obj, suffix=suffix)
    if isinstance(obj, dict) and obj.get("type") == "Note":
        activity["to"], activity["cc"] = obj["to"], obj["cc"]
    return activity


def _inboxes(comment) -> list[str]:
    writer = remote_writer(comment.parent) if comment.parent_id else None
    inboxes = [writer.delivery_inbox] if writer else []
    return inboxes + delivery.follower_inboxes(comment.user)


def send(comment, kind: str) -> int:
    """Deliver `comment` as a Create, Update or Delete; how many inboxes it goes to."""
    if not conf.is_enabled() or comment.user is None:
        return 0
    if kind == "Delete":
        tombstone = {"id": comment_id(comment), "type": "Tombstone"}
        activity = _activity("Delete", comment, tombstone, suffix="delete")
    else:
        obj = note(comment)
        if kind == "Update":
            obj["updated"] = _iso(datetime.datetime.now(datetime.UTC))
            suffix = f"update-{int(datetime.datetime.now(datetime.UTC).timestamp())}"
        else:
            suffix = "create"
        activity = _activity(kind, comment, obj, suffix=suffix)
    activity["@context"] = activities.AS_CONTEXT
    return delivery.deliver(activity, _inboxes(comment), comment.user)


# When: after the transaction that saved or removed the reply commits. ------------------


@receiver(pre_save, sender=Comment, dispatch_uid="fediverse-reply-before")
def remember_delivery(sender, instance, raw=False, **kwargs):
    """Whether the reply was out there, and with what text, before this save."""
    instance._fediverse_was = None
    if raw or instance.pk is None or not instance.user_id:
        return
    old = Comment.objects.select_related("parent", "post").filter(pk=instance.pk).first()
    if old is not None and is_delivered(old):
        instance._fediverse_was = old.body


@receiver(post_save, sender=Comment, dispatch_uid="fediverse-reply-saved")
def reply_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or not instance.user_id or not instance.parent_id:
        return
    was = getattr(instance, "_fediverse_was", None)
    now = is_delivered(instance)
    if now and was is None:
        kind = "Create"
    elif now and was != instance.body:
        kind = "Update"
    elif not now and was is not None:
        kind = "Delete"
    else:
        return
    transaction.on_commit(functools.partial(_send_later, instance.pk, kind, instance))


def _send_later(pk: int, kind: str, fallback) -> None:
    comment = Comment.objects.select_related("parent", "post", "user").filter(pk=pk).first()
    try:
        send(comment or fallback, kind)
    except Exception:  # a reply is saved whether or not the queue takes it
        logger.exception("Could not queue the %s of comment %s", kind, pk)


@receiver(post_delete, sender=Comment, dispatch_uid="fediverse-reply-deleted")
def reply_deleted(sender, instance, **kwargs):
    if not instance.user_id or not instance.parent_id:
        return
    parent = Comment.objects.filter(pk=instance.parent_id).first()
    if parent is None or parent.origin != Comment.Origin.FEDIVERSE:
        return
    if instance.status == Comment.Status.APPROVED and instance.is_author_reply:
        instance.parent = parent
        try:  # built now, while the reply still has its id; sent after the commit
            send(instance, "Delete")
        except Exception:
            logger.exception("Could not queue the Delete of comment %s", instance.pk)


# The comment as an ActivityPub object ----------------------------------------------------


@require_safe
@cache_control(max_age=300)  # never in the page cache: its key knows no Accept header
def comment_object(request, pk):
    """/ap/comments/<pk>: the author's reply to a fediverse comment as its `Note` (for
    servers that fetch what they are replying to), the comment on its page for browsers.
    Other comments have no actor to be attributed to: 404 (replies to them still land
    under them, fediverse/replies.py)."""
    if not conf.is_enabled():
        raise Http404
    comment = get_object_or_404(
        Comment.objects.visible().on_public_posts().select_related("post", "parent", "user"),
        pk=pk,
    )
    if not is_delivered(comment):
        raise Http404
    if "json" not in request.headers.get("Accept", ""):
        return HttpResponseRedirect(comment.get_absolute_url())
    from .views import ap_response

    return ap_response({"@context": activities.AS_CONTEXT, **note(comment)})
