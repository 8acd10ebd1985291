"""Which function handles which incoming activity (issue #15).

A handler is registered for an activity type and, optionally, the type of the object it
carries (`Undo` of a `Follow`, `Create` of a `Note`):

    @handles("Create", "Note")
    def create_note(activity: dict, actor: RemoteActor) -> None: ...

`dispatch` runs after the inbox has verified the signature and that `actor` signed it.
A handler raises `Refused` for an activity it will not take (the inbox answers 400);
an activity nobody handles is logged and ignored (the inbox answers 202 all the same,
as Mastodon does for types it does not know).
"""

import logging
from collections.abc import Callable

logger = logging.getLogger("fediverse.inbox")

Handler = Callable[[dict, "RemoteActor"], None]  # noqa: F821

_handlers: dict[tuple[str, str | None], Handler] = {}


class Refused(Exception):
    """An activity a handler will not take (malformed, or not the sender's to send)."""


def handles(activity_type: str, object_type: str | None = None):
    """Register the decorated function for `activity_type` (with `object_type`, if given)."""

    def register(fn: Handler) -> Handler:
        key = (activity_type, object_type)
        if key in _handlers and _handlers[key] is not fn:
            raise ValueError(f"{key} is handled already by {_handlers[key].__qualname__}")
        _handlers[key] = fn
        return fn

    return register


def object_type(activity: dict) -> str | None:
    """The type of the activity's object when it is embedded (a bare URL has none)."""
    obj = activity.get("object")
    if isinstance(obj, dict):
        kind = obj.get("type")
        return kind if isinstance(kind, str) else None
    return None


def handler_for(activity: dict) -> Handler | None:
    kind = activity.get("type")
    if not isinstance(kind, str):
        return None
    return _handlers.get((kind, object_type(activity))) or _handlers.get((kind, None))


def dispatch(activity: dict, actor) -> bool:
    """Hand `activity` to its handler; False (and a log line) when there is none."""
    handler = handler_for(activity)
    if handler is None:
        logger.info(
            "Ignored %s of %s from %s (no handler)",
            activity.get("type"),
            object_type(activity),
            actor.ap_id,
        )
        return False
    handler(activity, actor)
    return True
