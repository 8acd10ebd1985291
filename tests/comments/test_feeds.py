"""Comment feeds (comments/feeds.py): the blog's latest comments and one post's comments."""

import feedparser
import pytest
from django.urls import reverse

from blog.models import Post
from tests.comments.helpers import select
from tests.factories import CommentFactory, PostFactory, ReplyFactory

pytestmark = pytest.mark.django_db

EMAILS = ("thomas@example.net", "stefan@example.net", "held@example.net", "spam@example.net")


@pytest.fixture
def discussion(post, author):
    """Approved, held and spam comments on "hartes training", and one on a draft."""
    thomas = CommentFactory(
        post=post, author_name="Thomas", author_email=EMAILS[0], body="Kopf hoch, *Oliver*"
    )
    stefan = ReplyFactory(parent=thomas, author_name="Stefan", author_email=EMAILS[1])
    CommentFactory(post=post, author_name="Heimlich", author_email=EMAILS[2], status="pending")
    CommentFactory(post=post, author_name="Spammer", author_email=EMAILS[3], status="spam")
    draft = PostFactory(author=author, status=Post.Status.DRAFT)
    CommentFactory(post=draft, author_name="Entwurf")
    return thomas, stefan


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return response, feed


def _post_feed_url(post):
    return post.get_absolute_url() + "feed/"


def test_latest_comments_feed_has_approved_public_comments(client, discussion):
    """/comments/feed/: approved comments on public posts, newest first."""
    thomas, stefan = discussion
    response, feed = _feed(client, reverse("comments:feed"))
    assert reverse("comments:feed") == "/comments/feed/"
    assert [e.author for e in feed.entries] == ["Stefan", "Thomas"]
    assert [e.link for e in feed.entries] == [
        f"http://testserver{stefan.get_absolute_url()}",
        f"http://testserver{thomas.get_absolute_url()}",
    ]
    assert "<em>Oliver</em>" in feed.entries[1].summary


def test_post_comments_feed_has_that_posts_comments(client, discussion, author):
    """<permalink>feed/: the approved comments of that post only."""
    thomas, stefan = discussion
    other = CommentFactory(post=PostFactory(author=author), author_name="Woanders")
    _response, feed = _feed(client, _post_feed_url(thomas.post))
    assert [e.author for e in feed.entries] == ["Stefan", "Thomas"]
    assert feed.feed.link == f"http://testserver{thomas.post.get_absolute_url()}"
    _response, feed = _feed(client, _post_feed_url(other.post))
    assert [e.author for e in feed.entries] == ["Woanders"]


def test_reply_in_a_feed_names_its_parent(client, discussion):
    """A reply's feed entry says whom it answers."""
    _response, feed = _feed(client, reverse("comments:feed"))
    assert "Thomas" in feed.entries[0].summary


def test_feeds_contain_no_email_address(client, discussion):
    """No commenter's e-mail in a comment feed, not even of hidden comments."""
    thomas, _stefan = discussion
    for url in (reverse("comments:feed"), _post_feed_url(thomas.post)):
        response, _feed_data = _feed(client, url)
        text = response.content.decode()
        assert "@example.net" not in text
        assert "Heimlich" not in text
        assert "Spammer" not in text
        assert "Entwurf" not in text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": Post.Status.DRAFT},
        {"visibility": Post.Visibility.PRIVATE},
        {"visibility": Post.Visibility.PASSWORD, "password": "geheim"},
    ],
    ids=["draft", "private", "password"],
)
def test_feed_of_a_hidden_post_is_404(client, author, kwargs):
    """Drafts, private and password-protected posts have no public comment feed."""
    hidden = PostFactory(author=author, **kwargs)
    CommentFactory(post=hidden)
    assert client.get(_post_feed_url(hidden)).status_code == 404


def test_post_page_links_its_comment_feed(client, post):
    """The post page's head names its comment feed."""
    response = client.get(post.get_absolute_url())
    feeds = [
        link.attrs["href"]
        for link in select(response, "link", rel="alternate", type="application/rss+xml")
    ]
    assert _post_feed_url(post) in feeds


def test_every_page_links_the_blogs_comment_feed(client, post):
    """As WordPress's feed links: the head of every page names /comments/feed/ too."""
    for url in (reverse("blog:post_list"), post.get_absolute_url()):
        response = client.get(url)
        feeds = [
            link.attrs["href"]
            for link in select(response, "link", rel="alternate", type="application/rss+xml")
        ]
        assert reverse("comments:feed") in feeds, url
