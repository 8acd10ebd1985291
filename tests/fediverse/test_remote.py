"""Fetching from other servers (issue #15): only public http(s) addresses, redirects
checked the same way, answers size-limited, an actor's key kept from its document."""

import pytest

from fediverse import remote
from fediverse.models import RemoteActor


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/actor",
        "http://127.0.0.1/users/alice",
        "http://[::1]/users/alice",
        "http://10.1.2.3/users/alice",
        "http://192.168.0.1/users/alice",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_inner_addresses_are_never_fetched(db, settings, url):
    settings.FEDIVERSE_ALLOW_LOOPBACK = False
    with pytest.raises(remote.FetchError):
        remote.fetch_actor(url)


def test_loopback_only_when_allowed(db, mastodon, settings):
    alice = mastodon.add_actor("alice")
    actor = remote.fetch_actor(alice.key_id)
    assert actor.ap_id == alice.url and actor.preferred_username == "alice"
    assert actor.icon == f"{mastodon.base}/avatar.png"
    assert actor.handle == f"@alice@{mastodon.host}"
    assert RemoteActor.objects.count() == 1
    settings.FEDIVERSE_ALLOW_LOOPBACK = False
    with pytest.raises(remote.FetchError):
        remote.fetch_actor(alice.url)


def test_document_naming_another_host_is_refused(db, mastodon):
    mastodon.documents["/users/eve"] = {
        **mastodon.documents.get("/users/alice", {}),
        "id": "https://elsewhere.example/users/eve",
    }
    with pytest.raises(remote.FetchError):
        remote.fetch_object(f"{mastodon.base}/users/eve")


def test_oversized_answer_is_refused(db, mastodon):
    mastodon.documents["/big"] = {"id": f"{mastodon.base}/big", "x": "y" * remote.MAX_ANSWER}
    with pytest.raises(remote.FetchError):
        remote.fetch_object(f"{mastodon.base}/big")
