"""Follow and Undo of a Follow from the fediverse (issue #15).

A Follow of one of our authors is accepted at once (no manual approval, as the actor
document says) and an Accept is queued back to the follower's inbox. Undo removes it.
"""

import logging
import uuid

from django.contrib.auth import get_user_model

from . import delivery
from .activities import AS_CONTEXT
from .keys import actor_url
from .models import Follower, RemoteActor
from .registry import Refused, handles

logger = logging.getLogger("fediverse.inbox")


def local_author(url):
    """The local author whose actor address is `url`, else None."""
    if not isinstance(url, str):
        return None
    for author in get_user_model().objects.filter(
        is_active=True, username=url.rstrip("/").rsplit("/", 1)[-1]
    ):
        if actor_url(author) == url:
            return author
    return None


def _id(value):
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


@handles("Follow")
def follow(activity: dict, actor: RemoteActor) -> None:
    author = local_author(_id(activity.get("object")))
    if author is None:
        raise Refused("Follow of nobody here")
    follower, created = Follower.objects.update_or_create(
        author=author, actor=actor, defaults={"follow_id": _id(activity) or ""}
    )
    logger.info("%s follows %s%s", actor.ap_id, author, "" if created else " (again)")
    accept = {
        "@context": AS_CONTEXT,
        "id": f"{actor_url(author)}#accepts/follows/{uuid.uuid4()}",
        "type": "Accept",
        "actor": actor_url(author),
        "object": {
            "id": _id(activity),
            "type": "Follow",
            "actor": actor.ap_id,
            "object": actor_url(author),
        },
    }
    delivery.deliver(accept, [actor.inbox], author)


@handles("Undo", "Follow")
def undo_follow(activity: dict, actor: RemoteActor) -> None:
    inner = activity.get("object")
    if _id(inner.get("actor")) not in (None, actor.ap_id):
        raise Refused("Undo of someone else's Follow")
    author = local_author(_id(inner.get("object")))
    gone = Follower.objects.filter(actor=actor)
    if author is not None:
        gone = gone.filter(author=author)
    elif _id(inner):
        gone = gone.filter(follow_id=_id(inner))
    else:
        raise Refused("Undo of a Follow of nobody here")
    count = gone.delete()[0]
    logger.info("%s no longer follows (%d removed)", actor.ap_id, count)
