"""Moderation on submission (comments/services.py, comments/spam.py), through the real form
endpoint: which comments appear, which are held and which are spam."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments import spam
from comments.models import Comment, DiscussionSettings
from comments.services import (
    Author,
    CommentRejected,
    comments_open,
    set_status,
    submit_comment,
)
from tests.comments.helpers import one, select, send_comment
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

CLOSED = "Die Kommentarfunktion für diesen Beitrag wurde deaktiviert."


def _discussion(**values):
    """Change the discussion settings as the admin does: by saving the row."""
    row = DiscussionSettings.load()
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


@pytest.fixture
def returning(post):
    """Thomas has an approved comment already, so he is no first-time commenter."""
    return CommentFactory(post=post, author_name="Thomas", author_email="thomas@example.net")


def _send_as_thomas(client, post, **fields):
    fields = {"author_name": "Thomas", "author_email": "thomas@example.net", **fields}
    response = send_comment(client, post, **fields)
    assert response.status_code == 302, response.status_code
    return Comment.objects.latest("id")


# Approved or held


def test_returning_commenter_is_approved(client, post, returning):
    """An approved comment under the same name and e-mail: the new one appears at once."""
    assert _send_as_thomas(client, post).status == "approved"


def test_first_time_commenter_is_held(client, post):
    """Nobody approved this name and e-mail yet: held."""
    send_comment(client, post)
    assert Comment.objects.get().status == "pending"


def test_same_email_under_another_name_is_held(client, post, returning):
    """Name and e-mail must both match an approved comment."""
    comment = _send_as_thomas(client, post, author_name="Tom")
    assert comment.status == "pending"


def test_earlier_pending_or_spam_comment_does_not_count(client, post):
    """Only an approved earlier comment makes a commenter a returning one."""
    CommentFactory(
        post=post, author_name="Thomas", author_email="thomas@example.net", status="pending"
    )
    CommentFactory(
        post=post, author_name="Thomas", author_email="thomas@example.net", status="spam"
    )
    assert _send_as_thomas(client, post).status == "pending"


def test_previous_approval_rule_can_be_switched_off(client, post):
    """Without the first-time rule, a clean comment appears at once."""
    _discussion(require_previous_approval=False)
    send_comment(client, post)
    assert Comment.objects.get().status == "approved"


def test_manual_approval_holds_everybody(client, post, returning):
    """ "Every comment must be approved": even a returning commenter is held."""
    _discussion(require_approval=True)
    assert _send_as_thomas(client, post).status == "pending"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("siehe https://example.org/a", "approved"),
        ("siehe https://example.org/a und https://example.org/b", "pending"),
        ("[eins](https://example.org/a) [zwei](http://example.org/b) //example.org/c", "pending"),
    ],
    ids=["one-link", "two-links", "three-links"],
)
def test_two_or_more_links_are_held(client, post, returning, body, status):
    """WordPress's default: a comment with 2 links or more waits for approval."""
    assert _send_as_thomas(client, post, body=body).status == status


def test_link_threshold_is_a_setting(client, post, returning):
    """With the threshold at 0 the link rule is off."""
    _discussion(max_links=0)
    body = " ".join(f"https://example.org/{n}" for n in range(5))
    assert _send_as_thomas(client, post, body=body).status == "approved"


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "Tolle Seite, kaufe jetzt Rolex-Uhren"},
        {"body": "TOLLE ROLEX"},
        {"author_url": "https://rolex-shop.example"},
        {"author_name": "Thomas", "body": "unverdächtig", "ip": "192.0.2.99"},
    ],
    ids=["body", "case", "url", "ip"],
)
def test_moderation_list_holds(client, post, returning, fields):
    """A word, URL part or IP from the moderation list in any field: held."""
    _discussion(moderation_words="rolex\n192.0.2.99\n")
    fields = dict(fields)
    ip = fields.pop("ip", "198.51.100.1")
    comment = _send_as_thomas(client, post, ip=ip, **fields)
    assert comment.status == "pending"


def test_moderation_list_leaves_clean_comments_alone(client, post, returning):
    """A comment without a listed word appears at once."""
    _discussion(moderation_words="rolex\n")
    assert _send_as_thomas(client, post, body="Kopf hoch!").status == "approved"


# Spam


@pytest.mark.parametrize(
    "body",
    [
        "billig viagra kaufen",
        "billig VIAGRA kaufen",
        "billig vіagrа kaufen",  # Cyrillic і and а
        "billig vi\u200bag\u200bra kaufen",  # zero-width spaces
        "billig v i a g r a kaufen",  # spaced out
        "billig v.i.a.g.r.a kaufen",
        "billig ｖｉａｇｒａ kaufen",  # full-width letters
    ],
    ids=["plain", "case", "cyrillic", "zero-width", "spaced", "dotted", "full-width"],
)
def test_disallowed_word_is_spam_even_disguised(client, post, returning, body):
    """A word from the disallowed list, however disguised, marks the comment as spam."""
    _discussion(disallowed_words="viagra\n")
    comment = _send_as_thomas(client, post, body=body)
    assert comment.status == "spam"
    assert comment.body == body


def test_disallowed_list_checks_name_and_email_too(client, post):
    """The disallowed list matches the name and e-mail fields as WordPress does."""
    _discussion(disallowed_words="spammer.example\n")
    send_comment(client, post, author_email="x@spammer.example")
    assert Comment.objects.get().status == "spam"


def test_disallowed_list_wins_over_a_returning_commenter(client, post, returning):
    """Spam stays spam even from someone with approved comments."""
    _discussion(disallowed_words="casino\n")
    assert _send_as_thomas(client, post, body="online casino").status == "spam"


def test_honeypot_marks_spam(client, post, returning):
    """A filled honeypot field marks the comment as spam."""
    assert _send_as_thomas(client, post, honeypot="ich bin ein bot").status == "spam"


def test_spam_is_not_counted(client, post, returning):
    """Spam does not change the post's comment count."""
    _send_as_thomas(client, post, honeypot="bot")
    post.refresh_from_db()
    assert post.comment_count == 1


def test_post_author_skips_moderation_but_not_the_disallowed_list(client, author, post):
    """The logged-in author is approved despite manual approval; a disallowed word is spam."""
    _discussion(disallowed_words="viagra\n", require_approval=True)
    client.force_login(author)
    url = reverse("comments:comment_create", kwargs={"post_id": post.pk})
    client.post(url, {"body": "zwei links: https://a.example https://b.example"})
    client.post(url, {"body": "viagra"})
    assert list(Comment.objects.values_list("status", flat=True)) == ["approved", "spam"]


# Closing


def test_comments_close_after_n_days(client, author):
    """With "close after 14 days", a post older than that takes no comments and says so."""
    old = PostFactory(author=author, published_at=timezone.now() - datetime.timedelta(days=20))
    fresh = PostFactory(author=author, published_at=timezone.now() - datetime.timedelta(days=2))
    _discussion(close_after_days=14)
    assert (comments_open(old), comments_open(fresh)) == (False, True)

    response = send_comment(client, old)
    assert response.status_code == 403
    assert not Comment.objects.exists()
    page = client.get(old.get_absolute_url())
    assert one(page, "p", "comments-closed").text == CLOSED
    assert not select(page, "form", id_="commentform")

    assert send_comment(client, fresh, ip="198.51.100.2").status_code == 302


def test_auto_close_is_off_by_default(post):
    """By default even a ten-year-old post takes comments."""
    Post.objects.filter(pk=post.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=3650)
    )
    post.refresh_from_db()
    assert comments_open(post)


# The service itself


def _author(**kwargs):
    values = {"name": "Anna", "email": "anna@example.net", "ip_address": "198.51.100.1"}
    return Author(**{**values, **kwargs})


def test_submit_comment_checks_duplicate_before_flood(post):
    """The same text twice is a duplicate (409) even within the flood limit."""
    submit_comment(post=post, parent=None, author=_author(), body="hallo")
    with pytest.raises(CommentRejected) as refused:
        submit_comment(post=post, parent=None, author=_author(), body="hallo")
    assert (refused.value.status, refused.value.code) == (409, "duplicate")


def test_trashed_comment_is_no_duplicate(post):
    """A trashed comment may be written again."""
    first = submit_comment(post=post, parent=None, author=_author(), body="hallo")
    set_status(first, Comment.Status.TRASH)
    _discussion(flood_seconds=0)
    submit_comment(post=post, parent=None, author=_author(), body="hallo")
    assert Comment.objects.count() == 2


def test_flood_is_refused_with_429(post):
    """A second comment within the flood limit is refused."""
    submit_comment(post=post, parent=None, author=_author(), body="eins")
    with pytest.raises(CommentRejected) as refused:
        submit_comment(post=post, parent=None, author=_author(email="b@example.net"), body="zwei")
    assert (refused.value.status, refused.value.code) == (429, "flood")


def test_flood_applies_even_when_the_database_has_no_row_yet(post):
    """Two requests at once: the cache key of the first stops the second."""
    from django.core.cache import cache

    cache.add("comments:flood:ip:198.51.100.1", 1, timeout=15)
    with pytest.raises(CommentRejected) as refused:
        submit_comment(post=post, parent=None, author=_author(), body="eins")
    assert refused.value.status == 429


def test_set_status_keeps_the_count_right(post):
    """Approving, unapproving and trashing update the post's comment count."""
    comment = CommentFactory(post=post, status="pending")
    post.refresh_from_db()
    assert post.comment_count == 0
    set_status(comment, Comment.Status.APPROVED)
    post.refresh_from_db()
    assert post.comment_count == 1
    set_status(comment, Comment.Status.TRASH)
    post.refresh_from_db()
    assert post.comment_count == 0


# Word lists


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Grüße aus Köln", None),
        ("ROLEX", "rolex"),
        ("rоlех", "rolex"),  # Cyrillic о and х
        ("r\u00adol\u200dex", "rolex"),  # soft hyphen, zero-width joiner
        ("r o l e x", "rolex"),
        ("r_o_l_e_x", "rolex"),
    ],
)
def test_find_listed_sees_through_disguises(text, found):
    """Case, look-alike letters, invisible characters and spacing do not hide a word."""
    assert spam.find_listed(spam.word_list("rolex\n"), text) == found


def test_short_words_do_not_match_across_spaces():
    """Words under four letters match only as written, so "a b c" is not "abc"."""
    assert spam.find_listed(spam.word_list("abc"), "a b c") is None
    assert spam.find_listed(spam.word_list("abc"), "xabcx") == "abc"


def test_word_list_skips_blank_lines():
    """Blank lines in a list setting are no entries (they would match everything)."""
    assert spam.word_list("\n  \nrolex\n\n") == ["rolex"]


@pytest.mark.parametrize(
    ("text", "count"),
    [("keine links", 0), ("https://a.example", 1), ("http://a.example //b.example", 2)],
)
def test_count_links(text, count):
    """Every URL start counts as a link, as in WordPress's check_comment()."""
    assert spam.count_links(text) == count
