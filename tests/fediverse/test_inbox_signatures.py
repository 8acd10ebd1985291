"""The inbox verifies every request (issue #15): HTTP signatures of both schemes, digest,
date window, the key fetched from the actor and kept, the actor owning the key, size,
the blocklist; a refused request stores nothing."""

import datetime
import json

import pytest
from django.utils import timezone

from blog.models import SiteSettings
from comments.models import DiscussionSettings
from fediverse.models import Follower, RemoteActor
from tests.factories import PostFactory, UserFactory

from .ap_signing import post_signed

INBOX = "/ap/inbox"


@pytest.fixture
def oliver(db):
    user = UserFactory(username="oliver", first_name="Oliver", is_staff=True)
    PostFactory(author=user, title="erster beitrag")
    settings = SiteSettings.load()
    settings.fediverse_enabled = True
    settings.save()
    return user


@pytest.fixture
def alice(mastodon):
    return mastodon.add_actor("alice")


def follow(account, target="http://testserver/ap/users/oliver") -> dict:
    """A Follow in Mastodon's shape."""
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{account.url.rsplit('/users/', 1)[0]}/7f2c1e5a-follow",
        "type": "Follow",
        "actor": account.url,
        "object": target,
    }


@pytest.mark.parametrize(
    ("scheme", "options"),
    [
        ("cavage", {}),
        ("rfc9421", {}),
        ("rfc9421", {"alg": "rsa-pss-sha512"}),
    ],
)
def test_signed_follow_is_taken(client, oliver, alice, mastodon, scheme, options):
    response = post_signed(client, INBOX, follow(alice), alice, scheme=scheme, **options)
    assert response.status_code == 202, response.content
    follower = Follower.objects.get()
    assert follower.author == oliver and follower.actor.ap_id == alice.url
    # The key came from the actor document, and is kept for the next request.
    actor = RemoteActor.objects.get()
    assert actor.key_id == alice.key_id and "BEGIN PUBLIC KEY" in actor.public_key_pem
    assert actor.shared_inbox == f"{mastodon.base}/inbox"
    fetches = len([r for r in mastodon.received if r.method == "GET"])
    response = post_signed(client, INBOX, follow(alice), alice, scheme=scheme, **options)
    assert response.status_code == 202
    assert len([r for r in mastodon.received if r.method == "GET"]) == fetches


def refused(response, status=401):
    assert response.status_code == status, response.content
    assert not Follower.objects.exists()
    return True


def test_unsigned_is_refused(client, oliver):
    response = client.post(
        INBOX, data=json.dumps({"type": "Follow"}), content_type="application/json"
    )
    assert refused(response)


@pytest.mark.parametrize("scheme", ["cavage", "rfc9421"])
def test_altered_body_is_refused(client, oliver, alice, scheme):
    altered = json.dumps({**follow(alice), "object": "http://testserver/ap/users/other"})
    assert refused(post_signed(client, INBOX, follow(alice), alice, scheme=scheme, body=altered))


@pytest.mark.parametrize("scheme", ["cavage", "rfc9421"])
def test_forged_signature_is_refused(client, oliver, alice, mastodon, scheme):
    mallory = mastodon.add_actor("mallory")
    # Signed with mallory's key, claiming alice's key id.
    forged = type(alice)(
        url=alice.url, key_id=alice.key_id, private_key_pem=mallory.private_key_pem
    )
    assert refused(post_signed(client, INBOX, follow(alice), forged, scheme=scheme))


def test_expired_date_is_refused(client, oliver, alice):
    old = timezone.now() - datetime.timedelta(hours=13)
    assert refused(post_signed(client, INBOX, follow(alice), alice, date=old))
    assert refused(post_signed(client, INBOX, follow(alice), alice, scheme="rfc9421", created=old))
    # Within Mastodon's window of 12 hours it is fine.
    recent = timezone.now() - datetime.timedelta(hours=11)
    assert post_signed(client, INBOX, follow(alice), alice, date=recent).status_code == 202


def test_digest_must_be_signed(client, oliver, alice):
    response = post_signed(
        client, INBOX, follow(alice), alice, signed=["(request-target)", "host", "date"]
    )
    assert refused(response)


@pytest.mark.parametrize("scheme", ["cavage", "rfc9421"])
def test_activity_of_another_actor_is_refused(client, oliver, alice, mastodon, scheme):
    bob = mastodon.add_actor("bob")
    # alice signs a Follow that claims to be bob's.
    assert refused(post_signed(client, INBOX, follow(bob), alice, scheme=scheme))


def test_rotated_key_is_fetched_again(client, oliver, alice, mastodon):
    assert post_signed(client, INBOX, follow(alice), alice).status_code == 202
    # alice's server rotates her key: the kept one no longer verifies; fetched once more.
    rotated = mastodon.add_actor("alice")
    assert post_signed(client, INBOX, follow(alice), rotated).status_code == 202
    assert RemoteActor.objects.get().public_key_pem.strip() in json.dumps(
        mastodon.documents["/users/alice"]
    ).replace("\\n", "\n")


def test_body_over_the_limit_is_refused(client, oliver, alice):
    big = {**follow(alice), "padding": "x" * (256 * 1024)}
    assert refused(post_signed(client, INBOX, big, alice), status=413)


@pytest.mark.parametrize("entry", ["127.0.0.1", "@alice@{host}", "{url}"])
def test_blocked_instance_or_account_is_refused(client, oliver, alice, mastodon, entry):
    settings = DiscussionSettings.load()
    settings.blocked_fediverse = "# nicht erwünscht\n" + entry.format(
        host=mastodon.host, url=alice.url
    )
    settings.save()
    assert refused(post_signed(client, INBOX, follow(alice), alice), status=403)
    if "@" not in entry:  # a blocked server's key is not even fetched
        assert not [r for r in mastodon.received if r.method == "GET"]


def test_inbox_is_404_while_switched_off(client, oliver, alice):
    settings = SiteSettings.load()
    settings.fediverse_enabled = False
    settings.save()
    assert refused(post_signed(client, INBOX, follow(alice), alice), status=404)
    assert refused(post_signed(client, "/ap/users/oliver/inbox", follow(alice), alice), status=404)


def test_signed_request_without_an_activity_is_refused(client, oliver, alice):
    from .ap_signing import cavage_headers

    headers = cavage_headers(INBOX, b"", alice)
    response = client.post(
        INBOX, data=b"", content_type="application/activity+json", headers=headers
    )
    assert refused(response, status=400)


def test_unknown_activity_is_accepted_and_ignored(client, oliver, alice):
    move = {
        "id": f"{alice.url}#moves/1",
        "type": "Move",
        "actor": alice.url,
        "object": alice.url,
        "target": "https://elsewhere.example/users/alice",
    }
    assert post_signed(client, INBOX, move, alice).status_code == 202
    assert not Follower.objects.exists()
