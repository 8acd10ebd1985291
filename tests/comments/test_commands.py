"""The daily housekeeping commands: purge_comment_ips and empty_comment_trash (issue #4)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, DiscussionSettings
from comments.services import set_status
from tests.factories import CommentFactory, ReplyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _run(command, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


# purge_comment_ips


@pytest.fixture
def aged(post):
    """Comments 90, 61, 59 and 1 days old, each with an IP address and a browser."""
    return {
        days: CommentFactory(
            post=post,
            created_at=_days_ago(days),
            ip_address=f"198.51.100.{days}",
            user_agent=f"Browser/{days}",
        )
        for days in (90, 61, 59, 1)
    }


def _ip_and_agent(comment):
    comment.refresh_from_db()
    return comment.ip_address, comment.user_agent


def test_purge_removes_ips_older_than_the_setting(aged):
    """With the default of 60 days, IPs and browsers of older comments go; newer ones stay."""
    output = _run("purge_comment_ips")
    assert "2" in output
    assert _ip_and_agent(aged[90]) == (None, "")
    assert _ip_and_agent(aged[61]) == (None, "")
    assert _ip_and_agent(aged[59]) == ("198.51.100.59", "Browser/59")
    assert _ip_and_agent(aged[1]) == ("198.51.100.1", "Browser/1")


def test_purge_days_option(aged):
    """--days 30 removes what is older than 30 days; the rest stays."""
    _run("purge_comment_ips", "--days", "30")
    assert _ip_and_agent(aged[59]) == (None, "")
    assert _ip_and_agent(aged[1]) == ("198.51.100.1", "Browser/1")


def test_purge_follows_the_discussion_setting(aged):
    """The retention period is the "remove IP addresses after" setting of the admin."""
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"ip_retention_days": 80})
    _run("purge_comment_ips")
    assert _ip_and_agent(aged[90]) == (None, "")
    assert _ip_and_agent(aged[61]) == ("198.51.100.61", "Browser/61")


def test_purge_keeps_everything_else(aged):
    """Only IP and browser go: name, e-mail, text and status of the comment stay."""
    before = Comment.objects.values("author_name", "author_email", "body", "status").get(
        pk=aged[90].pk
    )
    _run("purge_comment_ips")
    after = Comment.objects.values("author_name", "author_email", "body", "status").get(
        pk=aged[90].pk
    )
    assert after == before


def test_purge_twice_changes_nothing_more(aged):
    """A second run the same day finds nothing to do."""
    _run("purge_comment_ips")
    assert "0" in _run("purge_comment_ips")


# empty_comment_trash


@pytest.fixture
def bins(post):
    """Spam and trash 31 and 29 days in their bin, and an old approved comment."""
    return {
        "old_spam": CommentFactory(post=post, status="spam", status_changed_at=_days_ago(31)),
        "old_trash": CommentFactory(post=post, status="trash", status_changed_at=_days_ago(31)),
        "new_spam": CommentFactory(post=post, status="spam", status_changed_at=_days_ago(29)),
        "new_trash": CommentFactory(post=post, status="trash", status_changed_at=_days_ago(29)),
        "old_approved": CommentFactory(
            post=post, created_at=_days_ago(400), status_changed_at=_days_ago(400)
        ),
        "old_pending": CommentFactory(
            post=post, status="pending", status_changed_at=_days_ago(400)
        ),
    }


def _left(bins) -> set[str]:
    ids = set(Comment.objects.values_list("pk", flat=True))
    return {name for name, comment in bins.items() if comment.pk in ids}


def test_empty_trash_deletes_spam_and_trash_older_than_30_days(bins):
    """Only spam and trash that have been there more than 30 days are deleted."""
    output = _run("empty_comment_trash")
    assert "2" in output
    assert _left(bins) == {"new_spam", "new_trash", "old_approved", "old_pending"}


def test_empty_trash_counts_from_the_move_not_from_writing(post):
    """A two-year-old comment trashed yesterday stays; it is the move that counts."""
    comment = CommentFactory(post=post, created_at=_days_ago(730))
    set_status(comment, Comment.Status.TRASH)
    _run("empty_comment_trash")
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_empty_trash_days_option(bins):
    """--days 7 empties what has been in the bins for more than a week."""
    _run("empty_comment_trash", "--days", "7")
    assert _left(bins) == {"old_approved", "old_pending"}


def test_empty_trash_moves_replies_up_and_keeps_counts(post):
    """Replies to a deleted trash comment move one level up; the post's count stays right."""
    top = CommentFactory(post=post)
    trashed = ReplyFactory(parent=top, status="trash", status_changed_at=_days_ago(40))
    reply = ReplyFactory(parent=trashed)
    _run("empty_comment_trash")
    reply.refresh_from_db()
    assert not Comment.objects.filter(pk=trashed.pk).exists()
    assert (reply.parent_id, reply.depth) == (top.pk, 2)
    assert Post.objects.get(pk=post.pk).comment_count == 2
