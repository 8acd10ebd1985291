"""Comments, the discussion settings and subscriptions (comments/models.py)."""

import datetime
import hashlib

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from blog.models import Post, SiteSettings
from comments.models import Comment, DiscussionSettings, Subscription, avatar_key
from tests.factories import CommentFactory, PostFactory, ReplyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_str_names_commenter_and_post(post):
    """A comment reads as "<name> on “<post>”"."""
    comment = CommentFactory(post=post, author_name="Thomas")
    with translation.override("en"):
        assert str(comment) == "Thomas on “hartes training”"


def test_absolute_url_is_the_post_with_the_anchor(post):
    """A comment's URL is its post's URL plus #comment-N."""
    comment = CommentFactory(post=post)
    assert comment.get_absolute_url() == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_save_renders_the_body(post):
    """The sanitised HTML is made at save time and follows later edits."""
    comment = CommentFactory(post=post, body="*hallo*")
    assert comment.body_html == "<p><em>hallo</em></p>"
    comment.body = "**tschüss**"
    comment.save()
    comment.refresh_from_db()
    assert comment.body_html == "<p><strong>tschüss</strong></p>"


def test_depth_follows_the_parent(post):
    """Top-level comments have depth 1, a reply one more than its parent."""
    top = CommentFactory(post=post)
    reply = ReplyFactory(parent=top)
    deeper = ReplyFactory(parent=reply)
    assert (top.depth, reply.depth, deeper.depth) == (1, 2, 3)


def test_author_reply_only_for_the_posts_author(author, post):
    """is_author_reply: written by the post's own author while logged in; nobody else."""
    by_author = CommentFactory(post=post, user=author)
    by_editor = CommentFactory(post=post, user=UserFactory(is_staff=True))
    named_like_author = CommentFactory(post=post, author_name="oliver", user=None)
    on_other_post = CommentFactory(post=PostFactory(), user=author)
    assert by_author.is_author_reply
    assert not by_editor.is_author_reply
    assert not named_like_author.is_author_reply
    assert not on_other_post.is_author_reply


def test_avatar_key_is_a_keyed_hash_without_the_plain_email_hash(post):
    """The avatar key is the same for one address in any case, and no MD5/SHA of it."""
    comment = CommentFactory(post=post, author_email="Thomas@Example.net")
    assert comment.avatar == avatar_key(" thomas@example.net ")
    assert comment.avatar != avatar_key("stefan@example.net")
    for address in ("Thomas@Example.net", "thomas@example.net"):
        for digest in (hashlib.md5, hashlib.sha1, hashlib.sha256):  # noqa: S324
            assert comment.avatar not in digest(address.encode()).hexdigest()
    assert comment.avatar_url.endswith(f"/{comment.avatar}.png")


def test_avatar_key_depends_on_the_secret_key(settings):
    """Without the site's secret the key cannot be computed from an address."""
    before = avatar_key("thomas@example.net")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdefghij"
    assert avatar_key("thomas@example.net") != before


def test_status_must_be_known(post):
    """The database refuses an unknown status."""
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(post=post, status="published")


def test_comment_cannot_be_its_own_parent(post):
    """The database refuses a comment that answers itself."""
    comment = CommentFactory(post=post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(parent=comment.pk)


def test_emoji_and_umlauts_round_trip(post):
    """Four-byte characters and umlauts come back from the database unchanged."""
    body = "Gruß, Thomas 😉 — „Konkurrenz“ ÄÖÜäöüß 🏃‍♂️"
    comment = CommentFactory(post=post, author_name="Jörg 😎", body=body)
    comment = Comment.objects.get(pk=comment.pk)
    assert (comment.author_name, comment.body) == ("Jörg 😎", body)
    assert "😉" in comment.body_html


def test_visible_is_approved_only(post):
    """visible(): approved comments; pending(): held ones."""
    approved = CommentFactory(post=post)
    held = CommentFactory(post=post, status="pending")
    CommentFactory(post=post, status="spam")
    CommentFactory(post=post, status="trash")
    assert list(Comment.objects.visible()) == [approved]
    assert list(Comment.objects.pending()) == [held]


def test_for_post(post):
    """for_post(): that post's comments only."""
    mine = CommentFactory(post=post)
    CommentFactory()
    assert list(Comment.objects.for_post(post)) == [mine]


def test_is_approved_agrees_with_visible(post):
    """The is_approved property says what visible() selects."""
    for status in Comment.Status.values:
        CommentFactory(post=post, status=status)
    assert {c.pk for c in Comment.objects.all() if c.is_approved} == set(
        Comment.objects.visible().values_list("pk", flat=True)
    )


def test_on_public_posts_leaves_out_hidden_posts(author):
    """Comments on drafts, scheduled, private and password posts are not public."""
    public = CommentFactory(post=PostFactory(author=author))
    for kwargs in (
        {"status": Post.Status.DRAFT},
        {"published_at": timezone.now() + datetime.timedelta(days=1)},
        {"visibility": Post.Visibility.PRIVATE},
        {"visibility": Post.Visibility.PASSWORD, "password": "geheim"},
    ):
        CommentFactory(post=PostFactory(author=author, **kwargs))
    assert list(Comment.objects.on_public_posts()) == [public]


def test_ordering_is_by_date(post):
    """Comments come oldest first."""
    now = timezone.now()
    later = CommentFactory(post=post, created_at=now - datetime.timedelta(minutes=1))
    earlier = CommentFactory(post=post, created_at=now - datetime.timedelta(minutes=5))
    assert list(Comment.objects.all()) == [earlier, later]


def test_discussion_settings_have_wordpress_defaults():
    """Out of the box: no manual approval, first-timers held, 2 links, 5 levels, 15 s."""
    row = DiscussionSettings.load()
    assert SiteSettings.load().comments_open_by_default  # the blog's, shown with these
    assert (
        row.require_approval,
        row.require_previous_approval,
        row.max_links,
        row.thread_depth,
        row.close_after_days,
        row.notify_author,
        row.flood_seconds,
        row.moderation_words,
        row.disallowed_words,
    ) == (False, True, 2, 5, 0, True, 15, "", "")


def test_discussion_settings_are_one_row():
    """Saving a second settings object overwrites the first."""
    DiscussionSettings(max_links=3).save()
    DiscussionSettings(max_links=4).save()
    assert list(DiscussionSettings.objects.values_list("pk", "max_links")) == [(1, 4)]


def test_discussion_settings_load_is_cached(django_assert_num_queries):
    """load() reads the row once; later calls cost no query."""
    DiscussionSettings.load()
    with django_assert_num_queries(0):
        DiscussionSettings.load()


def test_saving_discussion_settings_applies_at_once():
    """Saving the row clears the cached copy, so the next load() sees the change."""
    row = DiscussionSettings.load()
    row.thread_depth = 3
    row.save()
    assert DiscussionSettings.load().thread_depth == 3


def test_thread_depth_range_is_enforced():
    """The database refuses a depth outside 1..10."""
    with pytest.raises(IntegrityError), transaction.atomic():
        DiscussionSettings(thread_depth=11).save()


def test_one_subscription_per_comment_and_address(post):
    """A commenter cannot subscribe twice to the same comment."""
    comment = CommentFactory(post=post)
    subscription = Subscription.objects.create(comment=comment, email="anna@example.net")
    assert not subscription.is_confirmed
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(comment=comment, email="anna@example.net")
