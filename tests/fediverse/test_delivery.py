"""Delivery to followers (issue #15): Follow answered with a signed Accept, a post's life
as Create/Update/Delete to each server's shared inbox once, never a post that is not
public, retries on 500 and on a hanging server, 410 Gone removes the followers. A mock
Mastodon on loopback stands in for the followers' server (tests/fediverse/ap_server.py)."""

import base64
import datetime
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.utils import timezone

from blog.models import Post, SiteSettings
from fediverse import outgoing
from fediverse.models import FederatedPost, Follower, RemoteActor
from tests.factories import PostFactory, TagFactory, UserFactory

from .ap_signing import post_signed


@pytest.fixture
def oliver(db):
    user = UserFactory(username="oliver", first_name="Oliver", is_staff=True)
    PostFactory(author=user, title="erster beitrag")
    settings = SiteSettings.load()
    settings.fediverse_enabled = True
    settings.save()
    return user


def follower(mastodon, author, name):
    base = f"{mastodon.base}/users/{name}"
    actor = RemoteActor.objects.create(
        ap_id=base,
        inbox=f"{base}/inbox",
        shared_inbox=f"{mastodon.base}/inbox",
        preferred_username=name,
        domain=mastodon.host,
    )
    return Follower.objects.create(author=author, actor=actor)


@pytest.fixture
def followers(oliver, mastodon):
    return [follower(mastodon, oliver, "alice"), follower(mastodon, oliver, "bob")]


def verify_our_signature(client, received):
    """The delivery is signed (draft-cavage) with the key our actor document publishes."""
    params = dict(part.split("=", 1) for part in received.headers["Signature"].split(","))
    params = {k: v.strip('"') for k, v in params.items()}
    assert params["keyId"] == "http://testserver/ap/users/oliver#main-key"
    assert params["headers"] == "(request-target) host date digest"
    digest = base64.b64encode(hashlib.sha256(received.body).digest()).decode()
    assert received.headers["Digest"] == f"SHA-256={digest}"
    actor = client.get("/ap/users/oliver", headers={"Accept": "application/activity+json"})
    pem = actor.json()["publicKey"]["publicKeyPem"]
    text = "\n".join(
        [
            f"(request-target): post {received.path}",
            f"host: {received.headers['Host']}",
            f"date: {received.headers['Date']}",
            f"digest: {received.headers['Digest']}",
        ]
    )
    key = serialization.load_pem_public_key(pem.encode())
    key.verify(
        base64.b64decode(params["signature"]), text.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_follow_is_accepted_with_a_signed_accept(client, oliver, mastodon):
    alice = mastodon.add_actor("alice")
    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{mastodon.base}/b6b1f2d3-follow",
        "type": "Follow",
        "actor": alice.url,
        "object": "http://testserver/ap/users/oliver",
    }
    assert post_signed(client, "/ap/users/oliver/inbox", activity, alice).status_code == 202
    [accept] = mastodon.posts("/users/alice/inbox")
    body = accept.json()
    assert body["type"] == "Accept"
    assert body["actor"] == "http://testserver/ap/users/oliver"
    assert body["object"]["id"] == activity["id"] and body["object"]["type"] == "Follow"
    assert accept.headers["Content-Type"].startswith("application/activity+json")
    verify_our_signature(client, accept)
    assert client.get("/ap/users/oliver/followers").json()["totalItems"] == 1

    undo = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{alice.url}#follows/1/undo",
        "type": "Undo",
        "actor": alice.url,
        "object": activity,
    }
    assert post_signed(client, "/ap/inbox", undo, alice).status_code == 202
    assert not Follower.objects.exists()


def test_follow_of_nobody_here_is_refused(client, oliver, mastodon):
    alice = mastodon.add_actor("alice")
    activity = {
        "id": f"{mastodon.base}/x",
        "type": "Follow",
        "actor": alice.url,
        "object": "http://testserver/ap/users/nobody",
    }
    assert post_signed(client, "/ap/inbox", activity, alice).status_code == 400
    assert not Follower.objects.exists() and not mastodon.posts()


def _now():
    """A new post's date. PostFactory's go back a minute for each post made in the run:
    deep into the whole suite they are more than two days old, not news
    (outgoing.NEWS_WINDOW), and would never be delivered."""
    return timezone.now()


def test_post_life_is_delivered_once_per_server(
    client,
    oliver,
    followers,
    mastodon,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(
            author=oliver, title="neuer beitrag", body="Hallo *Welt*.", published_at=_now()
        )
        post.tags.set([TagFactory(name="radfahren")])
        post.refresh_terms()
        post.save()
    # Two followers on one server: its shared inbox gets the post once.
    [create] = mastodon.posts()
    assert create.path == "/inbox"
    body = create.json()
    assert body["type"] == "Create" and body["actor"] == "http://testserver/ap/users/oliver"
    article = body["object"]
    assert article["type"] == "Article" and article["name"] == "neuer beitrag"
    assert article["url"] == "http://testserver" + post.get_absolute_url()
    assert article["id"] == f"http://testserver/ap/posts/{post.pk}"
    assert "<em>Welt</em>" in article["content"]
    assert article["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert article["cc"] == ["http://testserver/ap/users/oliver/followers"]
    assert article["tag"] == [
        {"type": "Hashtag", "href": "http://testserver/tag/radfahren/", "name": "#radfahren"}
    ]
    verify_our_signature(client, create)

    # Saved unchanged: nothing new to tell.
    with django_capture_on_commit_callbacks(execute=True):
        post.save()
    assert len(mastodon.posts()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        post.body = "Hallo *Welt*, nachgetragen."
        post.save()
    update = mastodon.posts()[-1].json()
    assert update["type"] == "Update" and update["object"]["id"] == article["id"]
    assert "nachgetragen" in update["object"]["content"]

    with django_capture_on_commit_callbacks(execute=True):
        post.status = Post.Status.TRASH
        post.save()
    delete = mastodon.posts()[-1].json()
    assert delete["type"] == "Delete"
    assert delete["object"] == {"id": article["id"], "type": "Tombstone"}
    assert len(mastodon.posts()) == 3

    # Back out of the trash: created anew; then deleted for good.
    with django_capture_on_commit_callbacks(execute=True):
        post.status = Post.Status.PUBLISHED
        post.save()
    assert mastodon.posts()[-1].json()["type"] == "Create"
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert mastodon.posts()[-1].json()["type"] == "Delete"
    assert len(mastodon.posts()) == 5


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Post.Status.DRAFT},
        {"status": Post.Status.PENDING},
        {"visibility": Post.Visibility.PRIVATE},
        {"visibility": Post.Visibility.PASSWORD, "password": "geheim"},
        {"published_at": timezone.now() + datetime.timedelta(days=2)},
    ],
)
def test_posts_that_are_not_public_never_leave(
    client,
    oliver,
    followers,
    mastodon,
    django_capture_on_commit_callbacks,
    fields,
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=oliver, title="nur für mich", **fields)
        post.body = "geändert"
        post.save()
    assert mastodon.posts() == []
    assert (
        client.get(
            f"/ap/posts/{post.pk}", headers={"Accept": "application/activity+json"}
        ).status_code
        == 404
    )
    outbox = client.get("/ap/users/oliver/outbox?page=1").json()
    assert "nur für mich" not in json.dumps(outbox)


def test_public_post_made_private_is_deleted_remotely(
    oliver,
    followers,
    mastodon,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=oliver, title="erst öffentlich", published_at=_now())
    with django_capture_on_commit_callbacks(execute=True):
        post.visibility = Post.Visibility.PRIVATE
        post.save()
    assert [r.json()["type"] for r in mastodon.posts()] == ["Create", "Delete"]


def test_scheduled_post_is_delivered_when_its_date_comes(
    oliver,
    followers,
    mastodon,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(
            author=oliver, title="später", published_at=timezone.now() + datetime.timedelta(hours=1)
        )
    assert mastodon.posts() == []
    assert FederatedPost.objects.get(post=post).state == FederatedPost.State.SCHEDULED
    assert outgoing.sync_due() == 0  # not yet
    # An hour later (the row's date moved, as time would): the sweep or the deferred job.
    Post.objects.filter(pk=post.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert outgoing.sync_due() == 1
    assert [r.json()["type"] for r in mastodon.posts()] == ["Create"]
    assert outgoing.sync_due() == 0


def test_nothing_is_delivered_while_switched_off(
    oliver,
    followers,
    mastodon,
    django_capture_on_commit_callbacks,
):
    settings = SiteSettings.load()
    settings.fediverse_enabled = False
    settings.save()
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(author=oliver, title="still")
    assert mastodon.posts() == []


def test_delivery_is_retried_after_500_and_a_hang(
    oliver,
    followers,
    mastodon,
    django_capture_on_commit_callbacks,
):
    # Under test jobs run in-line, each retry at once (core/jobs.py).
    mastodon.answers = [500, "hang", 503]
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(author=oliver, title="hartnäckig", published_at=_now())
    attempts = mastodon.posts()
    assert len(attempts) == 4
    assert len({r.body for r in attempts}) == 1
    assert attempts[-1].json()["type"] == "Create"


def test_gone_inbox_removes_its_followers(
    oliver,
    followers,
    mastodon,
    django_capture_on_commit_callbacks,
):
    mastodon.answers = [410]
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(author=oliver, title="ins leere", published_at=_now())
    assert len(mastodon.posts()) == 1  # no retry
    assert not Follower.objects.exists()


def test_scheduled_post_waits_in_the_queue_for_its_date(
    oliver, followers, mastodon, settings, django_capture_on_commit_callbacks
):
    """With a queue that can wait (the database backend, RQ), the sync is a job deferred to
    the post's date; the delivery it queues then goes to the shared inbox."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    when = timezone.now() + datetime.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=oliver, title="morgen früh", published_at=when)
    [waiting] = default_task_backend.results
    assert waiting.task.func.__name__ == "sync_post_job"
    assert waiting.task.run_after == when and waiting.args == [post.pk]
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now())
    outgoing.sync_post_job.call(post.pk)
    delivery = default_task_backend.results[-1]
    assert delivery.task.func.__name__ == "deliver_to_inbox"
    assert delivery.args[0] == f"{mastodon.base}/inbox"
    assert json.loads(delivery.args[1])["type"] == "Create"
    assert mastodon.posts() == []  # the worker would send it


def test_old_posts_are_not_news(oliver, followers, mastodon, django_capture_on_commit_callbacks):
    """An imported or backdated post is not delivered as new; an edit of it is an Update."""
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(
            author=oliver,
            title="aus wordpress",
            published_at=timezone.now() - datetime.timedelta(days=400),
        )
    assert mastodon.posts() == []
    with django_capture_on_commit_callbacks(execute=True):
        post.body = "überarbeitet"
        post.save()
    assert [r.json()["type"] for r in mastodon.posts()] == ["Update"]
