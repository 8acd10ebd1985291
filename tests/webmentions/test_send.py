"""Sending Webmentions: a published post notifies the pages it links to (issue #15)."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import task_backends

from blog.models import Post
from tests.factories import PostFactory
from webmentions.models import SentWebmention
from webmentions.tasks import send_webmentions

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
ENDPOINT_PAGE = '<!doctype html><title>x</title><link rel="webmention" href="/endpoint?k=1">'


# The posts here are news: dated now. PostFactory's dates go back a minute per post made
# in the run, and a post created more than two days old is an archive post that sends
# nothing (the last test); deep into the whole suite the factory's dates are that old.


@pytest.fixture
def sending(settings, remote):
    settings.WEBMENTIONS_SEND = True
    settings.SITE_URL = "https://blog.example"
    remote.page("/artikel", ENDPOINT_PAGE)
    remote.page("/ohne", "<!doctype html><title>x</title><p>kein Endpunkt</p>")
    return remote


def permalink(post):
    return "https://blog.example" + post.get_absolute_url()


@pytest.mark.django_db
def test_a_published_post_notifies_each_link_with_an_endpoint(sending, author):
    article, plain = sending.url("/artikel"), sending.url("/ohne")
    post = PostFactory(
        author=author,
        body=f"Siehe [hier]({article}) und [dort]({plain}), [intern](/2020/01/01/x/).",
        published_at=timezone.now(),
    )
    assert sending.posts("/endpoint?k=1") == [{"source": permalink(post), "target": article}]
    assert {(s.target, s.endpoint, s.response_status) for s in SentWebmention.objects.all()} == {
        (article, sending.url("/endpoint?k=1"), 202),
        (plain, "", None),
    }
    # Saved again without a change: nobody is told again.
    post.save()
    assert len(sending.posts()) == 1


@pytest.mark.django_db
def test_a_removed_link_is_notified_once_more(sending, author):
    article = sending.url("/artikel")
    post = PostFactory(author=author, body=f"Siehe [hier]({article}).", published_at=timezone.now())
    post.body = "Der Link ist weg."
    post.save()
    assert sending.posts("/endpoint?k=1") == [
        {"source": permalink(post), "target": article},
        {"source": permalink(post), "target": article},
    ]
    assert not SentWebmention.objects.exists()
    post.body = "Immer noch weg."
    post.save()
    assert len(sending.posts()) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"status": Post.Status.DRAFT},
        {"visibility": Post.Visibility.PRIVATE},
        {"visibility": Post.Visibility.PASSWORD, "password": "geheim"},
    ],
)
def test_drafts_private_and_protected_posts_send_nothing(sending, author, fields):
    PostFactory(author=author, body=f"[x]({sending.url('/artikel')})", **fields)
    assert sending.requests == []


@pytest.mark.django_db
@override_settings(TASKS=DUMMY)
def test_a_scheduled_post_sends_when_it_is_due(sending, author):
    due = timezone.now() + datetime.timedelta(hours=2)
    post = PostFactory(author=author, body=f"[x]({sending.url('/artikel')})", published_at=due)
    queued = list(task_backends["default"].results)
    assert [(r.task.func.__name__, r.args) for r in queued] == [("send_webmentions", [post.pk])]
    assert queued[0].task.run_after == due + datetime.timedelta(seconds=1)
    # Run before it is due (the date was moved): nothing is sent.
    assert send_webmentions.call(post.pk) == 0
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now())
    assert send_webmentions.call(post.pk) == 1
    assert sending.requests == []  # the link's own job is queued, not run
    assert [r.task.func.__name__ for r in task_backends["default"].results][-1] == (
        "send_webmention"
    )


@pytest.mark.django_db
def test_an_endpoint_that_fails_is_tried_again(sending, author):
    sending.page("/endpoint?k=1", "kaputt", status=500)
    PostFactory(author=author, body=f"[x]({sending.url('/artikel')})", published_at=timezone.now())
    # The first attempt and 6 retries (in-line under the test suite's backend).
    assert len(sending.posts("/endpoint?k=1")) == 7


@pytest.mark.django_db
def test_an_archive_post_created_old_sends_only_once_edited(sending, author):
    """An import brings posts dated long ago: their links were told by the old blog."""
    article = sending.url("/artikel")
    old = timezone.now() - datetime.timedelta(days=400)
    post = PostFactory(author=author, body=f"[x]({article})", published_at=old)
    assert sending.requests == []
    post.body = f"Ergänzt: [x]({article})"
    post.save()
    assert sending.posts("/endpoint?k=1") == [{"source": permalink(post), "target": article}]
