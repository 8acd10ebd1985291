"""Mastodon payloads (tests/fediverse/fixtures/) and remote accounts for the reply tests."""

import copy
import json
from pathlib import Path

import pytest

from fediverse import activities
from fediverse.models import RemoteActor

FIXTURES = Path(__file__).parent / "fixtures"
SITE = "https://blog.example"
ALICE = "https://mastodon.example/users/alice"
NOTE = "https://mastodon.example/users/alice/statuses/113000000000000001"


def payload(name: str, **values) -> dict:
    """A fixture with its {placeholders} filled in (post, parent, author)."""
    text = (FIXTURES / f"{name}.json").read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return json.loads(text)


def reply(parent: str, *, note_id: str = NOTE, content: str | None = None, actor=ALICE) -> dict:
    """Mastodon's Create of a reply to `parent`, with another id or text if given."""
    text = (FIXTURES / "create_reply.json").read_text()
    text = text.replace(NOTE, note_id).replace(ALICE, actor)
    text = text.replace("{parent}", parent).replace("{author}", f"{SITE}/ap/users/oliver")
    activity = json.loads(text)
    if content is not None:
        activity["object"]["content"] = content
    return activity


def post_id(post) -> str:
    """The post's ActivityPub id (what Mastodon puts in inReplyTo)."""
    return activities.post_id(post)


def make_actor(name="alice", host="mastodon.example", **fields) -> RemoteActor:
    base = f"https://{host}/users/{name}"
    defaults = {
        "ap_id": base,
        "inbox": f"{base}/inbox",
        "shared_inbox": f"https://{host}/inbox",
        "preferred_username": name,
        "name": name.capitalize() + " Beispiel",
        "url": f"https://{host}/@{name}",
        "domain": host,
    }
    defaults.update(fields)
    return RemoteActor.objects.create(**defaults)


@pytest.fixture(name="site")
def site_fixture(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "blog.example"]
    return SITE


@pytest.fixture(name="alice")
def alice_fixture(db):
    return make_actor()


def edited(activity: dict, **changes) -> dict:
    activity = copy.deepcopy(activity)
    activity["object"].update(changes)
    return activity
