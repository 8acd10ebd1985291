"""Blocked instances and accounts (issue #15): the discussion settings' list.

One entry per line: a domain (`example.social`, also blocking its subdomains), an account
(`@name@example.social` or `name@example.social`) or an actor's address. Lines starting
with # are comments.
"""

from urllib.parse import urlsplit


def entries() -> list[str]:
    from comments.models import DiscussionSettings

    text = DiscussionSettings.load().blocked_fediverse or ""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line.lower())
    return out


def is_blocked(actor_id: str, handle: str = "") -> bool:
    """Whether the actor of that id (and @name@domain handle, if known) is blocked."""
    host = (urlsplit(actor_id).hostname or "").lower()
    actor_id = actor_id.lower()
    handle = handle.lower().lstrip("@")
    for entry in entries():
        if entry.startswith(("http://", "https://")):
            if actor_id == entry:
                return True
        elif "@" in entry:
            if handle and handle == entry.lstrip("@"):
                return True
        elif host == entry or host.endswith("." + entry):
            return True
    return False
