"""A Mastodon reply through the real inbox (issue #15): signed by the account on a mock
Mastodon server (tests/fediverse/ap_server.py), held, answered from the admin (the answer
delivered to that server), deleted by its author; others' Deletes refused."""

import json

import pytest
from django.urls import reverse

from blog.models import SiteSettings
from comments.models import Comment, Reaction
from fediverse import activities
from tests.factories import PostFactory, UserFactory

from .ap_signing import post_signed
from .replies_helpers import FIXTURES

INBOX = "/ap/inbox"
pytestmark = pytest.mark.django_db


@pytest.fixture
def oliver(settings, db):
    settings.SITE_URL = "http://testserver"
    user = UserFactory(username="oliver", first_name="Oliver", is_staff=True, is_superuser=True)
    site_settings = SiteSettings.load()
    site_settings.fediverse_enabled = True
    site_settings.save()
    return user


def mastodon_payload(name: str, mastodon, **values) -> dict:
    """A fixture of tests/fediverse/fixtures/ as sent by the mock Mastodon server."""
    text = (
        (FIXTURES / f"{name}.json").read_text().replace("https://mastodon.example", mastodon.base)
    )
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return json.loads(text)


def test_reply_held_answered_and_deleted_through_the_inbox(
    client, oliver, mastodon, django_capture_on_commit_callbacks
):
    post = PostFactory(author=oliver, title="ein beitrag")
    alice = mastodon.add_actor("alice")
    bob = mastodon.add_actor("bob")
    author = "http://testserver/ap/users/oliver"
    create = mastodon_payload(
        "create_reply", mastodon, parent=activities.post_id(post), author=author
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signed(client, INBOX, create, alice)
    assert response.status_code == 202, response.content
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.author_url == f"{mastodon.base}/@alice"
    assert comment.remote_id == create["object"]["id"]

    # Bob cannot delete Alice's reply.
    delete = mastodon_payload("delete_reply", mastodon)
    forged = {**delete, "actor": bob.url}
    assert post_signed(client, INBOX, forged, bob).status_code == 400
    assert Comment.objects.filter(pk=comment.pk).exists()

    # The author answers from the admin: approved, and delivered to Alice's server.
    client.force_login(oliver)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:comments_comment_reply", args=[comment.pk]),
            {"body": "Ja, gilt auch dort."},
        )
    client.logout()
    (delivered,) = [r.json() for r in mastodon.posts("/inbox")]
    assert delivered["type"] == "Create"
    assert delivered["object"]["inReplyTo"] == comment.remote_id
    assert delivered["object"]["to"] == [alice.url]

    # A like counts; Alice deletes her reply: it goes, the author's answer stays.
    like = mastodon_payload("like", mastodon, post=activities.post_id(post))
    assert post_signed(client, INBOX, like, alice).status_code == 202
    assert Reaction.objects.get().actor == alice.url
    assert post_signed(client, INBOX, delete, alice).status_code == 202
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert Comment.objects.get().body == "Ja, gilt auch dort."
