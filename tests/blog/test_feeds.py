"""RSS and Atom feeds of the latest posts, per category and per tag (blog/feeds.py)."""

import datetime
import zoneinfo

import feedparser
import pytest
from django.utils import timezone

from blog.models import Post, SiteSettings
from tests.factories import CategoryFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def at(year, month, day, hour=12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=BERLIN)


def fetch(client, url):
    """Fetch and parse a feed, asserting it is well-formed."""
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


@pytest.fixture
def blog(author):
    """Visible posts in a nested category, and one post of each hidden kind."""
    site = SiteSettings.load()
    site.title = "oliver schreibt"
    site.tagline = "arbeit, sport und alles dazwischen"
    site.save()
    arbeit = CategoryFactory(name="Arbeit")
    kunden = CategoryFactory(name="Kunden", parent=arbeit)
    sport = CategoryFactory(name="Sport")
    training = TagFactory(name="training")
    return {
        "hartes": PostFactory(
            title="hartes training",
            author=author,
            body="manchmal berechtigt – *übung* macht den meister 😉\n\n"
            "[mehr](https://example.org/mehr)",
            published_at=at(2025, 11, 20, 18),
            categories=[kunden],
            tags=[training],
        ),
        "buero": PostFactory(
            title="im büro", author=author, published_at=at(2025, 11, 10), categories=[arbeit]
        ),
        "laufen": PostFactory(
            title="zehn kilometer",
            author=author,
            published_at=at(2025, 10, 30),
            categories=[sport],
            tags=[training],
        ),
        "geschuetzt": PostFactory(
            title="nur mit passwort",
            author=author,
            body="das geheime rezept",
            visibility=Post.Visibility.PASSWORD,
            password="sesam",
            published_at=at(2025, 10, 1),
            categories=[kunden],
            tags=[training],
        ),
        "entwurf": PostFactory(
            title="entwurf",
            author=author,
            status=Post.Status.DRAFT,
            categories=[kunden],
            tags=[training],
        ),
        "privat": PostFactory(
            title="privat",
            author=author,
            visibility=Post.Visibility.PRIVATE,
            categories=[kunden],
            tags=[training],
        ),
        "geplant": PostFactory(
            title="geplant",
            author=author,
            published_at=timezone.now() + datetime.timedelta(days=3),
            categories=[kunden],
            tags=[training],
        ),
    }


VISIBLE = ["hartes training", "im büro", "zehn kilometer", "nur mit passwort"]


def test_rss_feed_lists_visible_posts_with_full_content(client, blog):
    """/feed/ is RSS 2.0 with the public posts, newest first, titles and HTML as written."""
    response, feed = fetch(client, "/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.version == "rss20"
    assert feed.feed.title == "oliver schreibt"
    assert feed.feed.subtitle == "arbeit, sport und alles dazwischen"
    assert feed.feed.link == "http://testserver/"
    assert [e.title for e in feed.entries] == VISIBLE

    entry = feed.entries[0]
    assert entry.link == "http://testserver/2025/11/20/hartes-training/"
    # As WordPress's (#13): the full text in content:encoded, the summary as description.
    assert entry.content[0].value == blog["hartes"].body_html
    assert entry.summary == blog["hartes"].summary
    text = entry.content[0].value
    assert "<em>übung</em>" in text and "😉" in text
    assert '<a href="https://example.org/mehr">mehr</a>' in text
    assert entry.author == "oliver"
    assert {t.term for t in entry.tags} == {"Kunden", "training"}
    assert entry.published_parsed[:4] == (2025, 11, 20, 17)


def test_atom_feed_lists_visible_posts_with_absolute_links(client, blog):
    """/feed/atom/ is Atom 1.0 with absolute entry links and the full post HTML."""
    response, feed = fetch(client, "/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.version == "atom10"
    assert feed.feed.title == "oliver schreibt"
    assert feed.feed.subtitle == "arbeit, sport und alles dazwischen"
    assert [e.title for e in feed.entries] == VISIBLE
    for entry, key in zip(feed.entries, ["hartes", "buero", "laufen"], strict=False):
        assert entry.link == f"http://testserver{blog[key].get_absolute_url()}"
        assert entry.id
    assert feed.entries[0].content[0].value == blog["hartes"].body_html
    assert {link.href for link in feed.feed.links} >= {
        "http://testserver/",
        "http://testserver/feed/atom/",
    }


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feeds_leave_out_hidden_posts_and_protected_bodies(client, blog, url):
    """Drafts, private and scheduled posts are missing; a protected post shows no body."""
    response, feed = fetch(client, url)
    titles = [e.title for e in feed.entries]
    for hidden in ("entwurf", "privat", "geplant"):
        assert hidden not in titles
    assert b"das geheime rezept" not in response.content
    (protected,) = [e for e in feed.entries if e.title == "nur mit passwort"]
    assert protected.link == f"http://testserver{blog['geschuetzt'].get_absolute_url()}"


def test_feed_carries_the_ten_newest_posts(client, author):
    """The feed holds the ten newest posts, not the whole blog."""
    for n in range(12):
        PostFactory(title=f"beitrag {n + 1}", author=author, published_at=at(2025, 1, n + 1))
    _response, feed = fetch(client, "/feed/")
    assert [e.title for e in feed.entries] == [f"beitrag {n}" for n in range(12, 2, -1)]


def test_category_feed_includes_subcategories_like_the_category_page(client, blog):
    """/category/arbeit/feed/ has the posts of Arbeit and its subcategory Kunden."""
    _response, feed = fetch(client, "/category/arbeit/feed/")
    assert feed.feed.title == "oliver schreibt » Arbeit"
    assert feed.feed.link == "http://testserver/category/arbeit/"
    assert [e.title for e in feed.entries] == ["hartes training", "im büro", "nur mit passwort"]


def test_nested_category_feed_lists_only_that_category(client, blog):
    """/category/arbeit/kunden/feed/ has the visible Kunden posts only."""
    response, feed = fetch(client, "/category/arbeit/kunden/feed/")
    assert feed.feed.title == "oliver schreibt » Kunden"
    assert [e.title for e in feed.entries] == ["hartes training", "nur mit passwort"]
    assert feed.entries[0].content[0].value == blog["hartes"].body_html
    assert b"das geheime rezept" not in response.content


def test_tag_feed_lists_tagged_posts(client, blog):
    """/tag/training/feed/ has the visible posts with that tag."""
    response, feed = fetch(client, "/tag/training/feed/")
    assert feed.feed.title == "oliver schreibt » training"
    assert feed.feed.link == "http://testserver/tag/training/"
    assert [e.title for e in feed.entries] == [
        "hartes training",
        "zehn kilometer",
        "nur mit passwort",
    ]
    assert feed.entries[1].link == f"http://testserver{blog['laufen'].get_absolute_url()}"
    assert b"das geheime rezept" not in response.content


@pytest.mark.parametrize("url", ["/category/gibt-es-nicht/feed/", "/tag/gibt-es-nicht/feed/"])
def test_feed_of_unknown_category_or_tag_is_404(client, blog, url):
    """A feed for a category or tag that does not exist is 404."""
    assert client.get(url).status_code == 404


def test_empty_blog_has_a_valid_feed(client, db):
    """A blog without posts still serves a well-formed, empty feed."""
    _response, feed = fetch(client, "/feed/")
    assert feed.entries == []
    assert feed.feed.title == "Mein Blog"
