"""Post summaries and meta lines as readers get them (blog/render.py, issue #6).

The lists render summaries in Python, not through templates; these tests hold that
renderer to what the templates did: the same parts in German, status badges for staff,
sticky posts marked on the home page only, and every author-supplied value escaped.
"""

import datetime

import pytest
from django.utils import timezone

from blog.models import Post
from tests.factories import CategoryFactory, CommentFactory, PostFactory, UserFactory
from tests.html import select

pytestmark = pytest.mark.django_db

BERLIN = datetime.timezone(datetime.timedelta(hours=1))


def _summary(response, post) -> object:
    (article,) = select(response, "article", id=f"post-{post.pk}")
    return article


def _within(response, post, tag, cls=None):
    return [
        e
        for e in select(response, tag, cls)
        if any(p.attrs.get("id") == f"post-{post.pk}" for p in e.parents)
    ]


def test_summary_shows_link_date_author_categories_and_comment_count(client, author):
    laufen = CategoryFactory(name="Laufen")
    post = PostFactory(
        title="hartes training",
        author=author,
        published_at=datetime.datetime(2026, 11, 20, 18, 4, tzinfo=BERLIN),
        categories=[laufen],
        excerpt="ein kurzer auszug.",
    )
    for _ in range(3):
        CommentFactory(post=post)
    response = client.get("/")
    article = _summary(response, post)
    assert article.classes == ["post-summary"]
    (title,) = _within(response, post, "h2", "entry-title")
    assert title.clean_text == "hartes training"
    (time,) = _within(response, post, "time", "published")
    assert time.clean_text == "20. November 2026"
    assert time.attrs["datetime"] == "2026-11-20T18:04:00+01:00"
    (byline,) = _within(response, post, "span", "byline")
    assert byline.clean_text == "von oliver"
    (author_link,) = _within(response, post, "a", "author")
    assert author_link.attrs["href"] == "/author/oliver/"
    (categories,) = _within(response, post, "span", "cat-links")
    assert categories.clean_text == "Kategorien: Laufen"
    (count,) = _within(response, post, "span", "comments-link")
    assert count.clean_text == "3 Kommentare"
    links = {a.attrs["href"] for a in _within(response, post, "a")}
    assert post.get_absolute_url() + "#comments" in links
    (summary,) = _within(response, post, "div", "entry-summary")
    assert summary.clean_text == "ein kurzer auszug."
    (more,) = _within(response, post, "a", "more-link")
    assert more.clean_text == "Weiterlesen „hartes training“"


def test_one_comment_is_singular_and_none_shows_no_count(client, author):
    single = PostFactory(author=author)
    CommentFactory(post=single)
    silent = PostFactory(author=author)
    response = client.get("/")
    assert [e.clean_text for e in _within(response, single, "span", "comments-link")] == [
        "Ein Kommentar"
    ]
    assert _within(response, silent, "span", "comments-link") == []


def test_author_full_name_is_shown_when_set(client):
    writer = UserFactory(username="jo", first_name="Jörg", last_name="Müller")
    post = PostFactory(author=writer)
    response = client.get("/")
    (author_link,) = _within(response, post, "a", "author")
    assert author_link.clean_text == "Jörg Müller"
    assert author_link.attrs["href"] == "/author/jo/"


def test_sticky_post_is_marked_on_the_home_page_only(client, author):
    sticky = PostFactory(author=author, is_sticky=True)
    home = client.get("/")
    assert "sticky" in _summary(home, sticky).classes
    assert [e.clean_text for e in _within(home, sticky, "p", "sticky-label")] == ["Hervorgehoben"]
    local = timezone.localtime(sticky.published_at)
    archive = client.get(f"/{local.year}/")
    assert "sticky" not in _summary(archive, sticky).classes
    assert _within(archive, sticky, "p", "sticky-label") == []


def test_staff_see_status_badges(client, author):
    private = PostFactory(author=author, visibility=Post.Visibility.PRIVATE)
    client.force_login(author)
    (badge,) = _within(client.get("/"), private, "span", "status-badge")
    assert badge.clean_text == "Privat"
    draft = PostFactory(author=author, status=Post.Status.DRAFT)
    response = client.get(draft.get_absolute_url())
    assert [e.clean_text for e in select(response, "span", "status-badge")] == ["Entwurf"]
    scheduled = PostFactory(author=author, published_at=timezone.now() + datetime.timedelta(days=2))
    response = client.get(scheduled.get_absolute_url())
    assert [e.clean_text for e in select(response, "span", "status-badge")] == ["Geplant"]


def test_password_protected_summary_hides_the_text(client, author):
    post = PostFactory(
        author=author,
        visibility=Post.Visibility.PASSWORD,
        password="geheim",
        excerpt="das geheimnis steht hier.",
    )
    response = client.get("/")
    (summary,) = _within(response, post, "div", "entry-summary")
    assert summary.clean_text == "Dieser Beitrag ist passwortgeschützt."
    assert "das geheimnis" not in response.content.decode()


HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


@pytest.mark.parametrize("url", ["/", "/?s=feind", "{archive}", "{category}"])
def test_hostile_titles_names_and_excerpts_are_escaped(client, url):
    writer = UserFactory(username="feind", first_name=HOSTILE)
    category = CategoryFactory(name="feind " + HOSTILE, slug="feind")
    post = PostFactory(
        title="feind " + HOSTILE,
        author=writer,
        excerpt="feind " + HOSTILE,
        body="feind",
        categories=[category],
    )
    CommentFactory(post=post)
    local = timezone.localtime(post.published_at)
    url = url.format(archive=f"/{local.year}/{local.month:02d}/", category="/category/feind/")
    response = client.get(url)
    assert response.status_code == 200
    assert not select(response, "script")
    assert not [img for img in select(response, "img") if "onerror" in img.attrs]
    (title,) = _within(response, post, "h2", "entry-title")
    assert title.clean_text == "feind " + HOSTILE
    (author_link,) = _within(response, post, "a", "author")
    assert author_link.clean_text == HOSTILE
    (category_link,) = [
        a for a in _within(response, post, "a") if a.attrs.get("rel") == "category tag"
    ]
    assert category_link.clean_text == "feind " + HOSTILE
