"""A post's life told to its author's followers (issue #15): Create, Update, Delete.

`sync_post` compares what the post is now with what the fediverse was told
(FederatedPost) and queues the difference: a post that became public (published, its
date come, neither private nor password-protected) → Create (unless its date is more
than NEWS_WINDOW old when first seen: an import is not news); a public post whose
document changed → Update; a post that was delivered and is no longer public (draft,
trash, private, password, deleted) → Delete with a Tombstone. A post published for a
later date is noted as scheduled and synced again when its date comes (a job deferred
to that moment, or `manage.py fediverse_sync` for queues that cannot wait). Nothing
happens while the fediverse is switched off.
"""

import datetime
import hashlib
import json
import logging

from django.db import transaction
from django.utils import timezone

from blog.models import Post
from core import jobs

from . import activities, conf, delivery
from .models import FederatedPost

logger = logging.getLogger("fediverse.outgoing")

# A post first seen with a publish date older than this is not delivered as new (the
# WordPress import, a backdated post): followers would get years of posts at once.
NEWS_WINDOW = datetime.timedelta(days=2)


def _hash(document: dict) -> str:
    document = {k: v for k, v in document.items() if k != "updated"}
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def _is_scheduled(post) -> bool:
    return (
        post.status == Post.Status.PUBLISHED
        and post.visibility == Post.Visibility.PUBLIC
        and post.published_at > timezone.now()
    )


def sync_post(post_id: int) -> str | None:
    """Queue what the fediverse needs to hear about the post; which activity (or None)."""
    if not conf.is_enabled():
        return None
    with transaction.atomic():
        post = Post.objects.select_related("author").filter(pk=post_id).first()
        told = FederatedPost.objects.select_for_update().filter(post_id=post_id).first()
        if post is None:
            return None
        if post.is_indexable:
            document = activities.article(post)
            digest = _hash(document)
            if told is None and post.published_at < timezone.now() - NEWS_WINDOW:
                # Not news: an imported or backdated post, first seen with the switch on.
                # Noted as known (an edit goes out as Update), delivered as new never.
                kind, activity = "Known", None
            elif told is None or told.state != FederatedPost.State.SENT:
                kind, activity = "Create", activities.create(post)
            elif told.content_hash != digest:
                kind, activity = "Update", activities.update(post)
            else:
                return None
            FederatedPost.objects.update_or_create(
                post=post,
                defaults={
                    "state": FederatedPost.State.SENT,
                    "object_id": document["id"],
                    "content_hash": digest,
                    "changed_at": timezone.now(),
                },
            )
            if activity is None:
                return None
            delivery.deliver_to_followers(activity, post.author)
            logger.info("%s of post %s queued", kind, post.pk)
            return kind
        if told is not None and told.state == FederatedPost.State.SENT:
            delivery.deliver_to_followers(
                activities.delete(told.object_id, post.author), post.author
            )
            told.state, told.changed_at = FederatedPost.State.DELETED, timezone.now()
            told.save(update_fields=["state", "changed_at"])
            logger.info("Delete of post %s queued", post.pk)
            return "Delete"
        if _is_scheduled(post):
            FederatedPost.objects.update_or_create(
                post=post,
                defaults={
                    "state": FederatedPost.State.SCHEDULED,
                    "object_id": activities.post_id(post),
                    "changed_at": timezone.now(),
                },
            )
            _sync_later(post)
        return None


def _sync_later(post) -> None:
    backend = sync_post_job.get_backend()
    if backend.supports_defer:
        jobs.enqueue_on_commit(sync_post_job.using(run_after=post.published_at), post.pk)


def post_deleted(post) -> None:
    """Before a post's row goes: a Delete for it if it was delivered."""
    if not conf.is_enabled():
        return
    told = FederatedPost.objects.filter(post=post, state=FederatedPost.State.SENT).first()
    if told is not None:
        delivery.deliver_to_followers(activities.delete(told.object_id, post.author), post.author)
        logger.info("Delete of deleted post %s queued", post.pk)


@jobs.job(retries=3, backoff=60)
def sync_post_job(post_id: int) -> None:
    """`sync_post` as a job: a scheduled post's date has come."""
    sync_post(post_id)


def sync_due() -> int:
    """Sync every scheduled post whose date has come; how many went out."""
    due = FederatedPost.objects.filter(
        state=FederatedPost.State.SCHEDULED, post__published_at__lte=timezone.now()
    ).values_list("post_id", flat=True)
    return sum(1 for post_id in list(due) if sync_post(post_id))
