"""The Webmention jobs (core/jobs.py): verifying what came in, sending for a post."""

import datetime
import logging

from django.utils import timezone

from blog.models import Post
from core import jobs

from . import fetch, receive, send

logger = logging.getLogger(__name__)


def _give_up_if_permanent(error: fetch.FetchError) -> None:
    """An address that may never be fetched is not tried again."""
    if error.permanent:
        raise jobs.GiveUp(str(error)) from error


@jobs.job(retries=4, backoff=60)
def verify_webmention(mention_id: int) -> str:
    """Fetch a received Webmention's source and act on it (webmentions/receive.py)."""
    try:
        return receive.verify(mention_id)
    except fetch.FetchError as error:
        _give_up_if_permanent(error)
        raise


@jobs.job(retries=6, backoff=60)
def send_webmention(post_id: int, target: str) -> int | None:
    """Notify one link of a post (webmentions/send.py)."""
    try:
        return send.send_one(post_id, target)
    except fetch.FetchError as error:
        _give_up_if_permanent(error)
        raise


@jobs.job(retries=3, backoff=60)
def send_webmentions(post_id: int) -> int:
    """Enqueue one job per link of a public post; returns how many."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not post.is_indexable:
        return 0
    targets = send.targets_for(post)
    for target in targets:
        send_webmention.enqueue(post_id, target)
    return len(targets)


def schedule_sending(post: Post) -> None:
    """After the post's transaction: send now, or when a scheduled post is due."""
    now = timezone.now()
    if post.published_at and post.published_at > now:
        backend = send_webmentions.get_backend()
        if not backend.supports_defer:
            # The immediate backend (tests) cannot wait; the database and RQ ones can.
            logger.warning("Webmentions of scheduled post %s: the queue cannot defer", post.pk)
            return
        when = post.published_at + datetime.timedelta(seconds=1)
        task = send_webmentions.using(run_after=when)
        jobs.enqueue_on_commit(task, post.pk)
        return
    jobs.enqueue_on_commit(send_webmentions, post.pk)
