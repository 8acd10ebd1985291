"""Delivering activities to remote inboxes (issue #15), as background jobs.

`deliver` queues one job per distinct inbox (followers on one server share its shared
inbox); each job signs the activity with the author's key and POSTs it. A 5xx, 429,
timeout or network error is retried with doubling delays (core/jobs.py); 410 Gone
removes the followers behind that inbox; any other 4xx gives up. Nothing is sent while
the fediverse is switched off, even a job queued before it was.
"""

import json
import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model

from core import jobs

from . import conf, remote
from .models import Follower

logger = logging.getLogger("fediverse.delivery")

CONTENT_TYPE = "application/activity+json; charset=utf-8"


def follower_inboxes(author) -> list[str]:
    """The author's followers' inboxes, each server's shared inbox once."""
    followers = Follower.objects.filter(author=author).select_related("actor")
    return list(dict.fromkeys(f.actor.delivery_inbox for f in followers))


def deliver(activity: dict, inboxes: Iterable[str], author) -> int:
    """Queue `activity` of `author` for each distinct inbox (after the commit); how many."""
    if not conf.is_enabled():
        return 0
    targets = list(dict.fromkeys(i for i in inboxes if i))
    body = json.dumps(activity, ensure_ascii=False)
    for inbox in targets:
        jobs.enqueue_on_commit(deliver_to_inbox, inbox, body, author.pk)
    return len(targets)


def deliver_to_followers(activity: dict, author) -> int:
    return deliver(activity, follower_inboxes(author), author)


@jobs.job(retries=8, backoff=60)
def deliver_to_inbox(inbox: str, body: str, author_id: int) -> None:
    """POST one signed activity to one inbox (a job: raises to be retried)."""
    if not conf.is_enabled():
        logger.info("Not delivered to %s: the fediverse is switched off", inbox)
        return
    author = get_user_model().objects.filter(pk=author_id, is_active=True).first()
    if author is None:
        raise jobs.GiveUp(f"Author {author_id} is gone")
    try:
        answer = remote.request(
            "POST",
            inbox,
            body=body.encode(),
            headers={"Content-Type": CONTENT_TYPE, "Accept": remote.ACCEPT},
            timeout=conf.delivery_timeout(),
            sign_as=author,
        )
    except remote.FetchError as exc:
        logger.warning("Delivery to %s failed: %s", inbox, exc)
        raise
    if 200 <= answer.status < 300:
        logger.info("Delivered to %s (%s)", inbox, answer.status)
        return
    if answer.status == 410:
        gone = Follower.objects.filter(actor__inbox=inbox) | Follower.objects.filter(
            actor__shared_inbox=inbox
        )
        count = gone.delete()[0]
        raise jobs.GiveUp(f"{inbox} is gone (410); {count} followers removed")
    if answer.status >= 500 or answer.status in (408, 429):
        raise remote.FetchError(f"{inbox} answered {answer.status}", answer.status)
    raise jobs.GiveUp(f"{inbox} refused the activity ({answer.status})")
