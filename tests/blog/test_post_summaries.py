"""Post summaries and meta lines as readers get them (templates/blog/_post_summary.html,
_post_meta.html, issue #11).

The lists and the post page render the same partials: the parts in German, status badges
for staff, sticky posts marked on the home page only, the featured image with its srcset,
categories and tags, every author-supplied value escaped, and each summary cached per
post under the content version while the fragment caches are on.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from blog.models import Post
from core.contentversion import bump_content_version
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    PostFactory,
    TagFactory,
    UserFactory,
)
from tests.html import post_titles, select

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
    """A summary shows title, German date, author, categories, comment count, excerpt."""
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
    """One comment is counted in the singular; a post without comments shows no count."""
    single = PostFactory(author=author)
    CommentFactory(post=single)
    silent = PostFactory(author=author)
    response = client.get("/")
    assert [e.clean_text for e in _within(response, single, "span", "comments-link")] == [
        "Ein Kommentar"
    ]
    assert _within(response, silent, "span", "comments-link") == []


def test_author_full_name_is_shown_when_set(client):
    """The byline shows the author's full name, linked to the author's archive."""
    writer = UserFactory(username="jo", first_name="Jörg", last_name="Müller")
    post = PostFactory(author=writer)
    response = client.get("/")
    (author_link,) = _within(response, post, "a", "author")
    assert author_link.clean_text == "Jörg Müller"
    assert author_link.attrs["href"] == "/author/jo/"


def test_sticky_post_is_marked_on_the_home_page_only(client, author):
    """A sticky post is marked „Hervorgehoben“ on the home page, not in the archives."""
    sticky = PostFactory(author=author, is_sticky=True)
    home = client.get("/")
    assert "sticky" in _summary(home, sticky).classes
    assert [e.clean_text for e in _within(home, sticky, "p", "sticky-label")] == ["Hervorgehoben"]
    local = timezone.localtime(sticky.published_at)
    archive = client.get(f"/{local.year}/")
    assert "sticky" not in _summary(archive, sticky).classes
    assert _within(archive, sticky, "p", "sticky-label") == []


def test_staff_see_status_badges(client, author):
    """Private, draft and scheduled posts carry their German badge for staff."""
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
    """A password-protected post's summary says so and hides the excerpt."""
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
    """Titles, names, categories and excerpts are text in every list, never markup."""
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


def _jpeg(width=1000, height=500) -> SimpleUploadedFile:
    image = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(image, "JPEG")
    return SimpleUploadedFile("bild.jpg", image.getvalue(), "image/jpeg")


def test_summary_shows_the_featured_image_with_its_srcset(client, author):
    """The list shows the featured image as a lazy, decorative link to the post."""
    post = PostFactory(author=author, featured_image_alt="ein blaugrünes bild")
    post.featured_image = _jpeg()
    post.save()
    response = client.get("/")
    (link,) = _within(response, post, "a", "post-thumbnail")
    assert link.attrs["href"] == post.get_absolute_url()
    assert link.attrs["aria-hidden"] == "true"
    assert link.attrs["tabindex"] == "-1"
    (img,) = [i for i in _within(response, post, "img") if i.within("a", "post-thumbnail")]
    assert img.attrs["src"] == post.featured_image.url
    assert img.attrs["srcset"] == post.featured_srcset
    assert f"/media/{post.image_variants['480']['name']} 480w" in img.attrs["srcset"]
    assert img.attrs["sizes"] == "(min-width: 60em) 40em, 100vw"
    assert (img.attrs["width"], img.attrs["height"]) == ("1000", "500")
    assert img.attrs["alt"] == ""
    assert img.attrs["loading"] == "lazy"

    page = client.get(post.get_absolute_url())
    (shown,) = [i for i in select(page, "img") if i.within("figure", "post-thumbnail")]
    assert shown.attrs["srcset"] == img.attrs["srcset"]
    assert shown.attrs["sizes"] == img.attrs["sizes"]
    assert (shown.attrs["width"], shown.attrs["height"]) == ("1000", "500")
    assert shown.attrs["alt"] == "ein blaugrünes bild"
    assert "loading" not in shown.attrs


def test_password_protected_summary_shows_no_featured_image(client, author):
    """A protected post's picture stays behind the password, in the list too."""
    post = PostFactory(author=author, visibility=Post.Visibility.PASSWORD, password="geheim")
    post.featured_image = _jpeg()
    post.save()
    response = client.get("/")
    assert _within(response, post, "a", "post-thumbnail") == []
    assert _within(response, post, "img") == []


def test_post_page_shows_the_same_meta_line_and_its_terms(client, author):
    """The post page shows the summary's meta line, and its categories and tags below."""
    laufen = CategoryFactory(name="Laufen")
    post = PostFactory(
        title="märzlauf",
        author=author,
        published_at=datetime.datetime(2026, 3, 5, 7, 30, tzinfo=BERLIN),
        categories=[laufen],
        tags=[TagFactory(name="Frühling"), TagFactory(name="Strecke")],
    )
    CommentFactory(post=post)
    (listed,) = select(client.get("/"), "p", "entry-meta")
    page = client.get(post.get_absolute_url())
    (meta,) = select(page, "p", "entry-meta")
    assert meta.clean_text == listed.clean_text
    assert meta.clean_text == "5. März 2026 von oliver Kategorien: Laufen Ein Kommentar"
    (time,) = select(page, "time", "published")
    assert time.attrs["datetime"] == "2026-03-05T07:30:00+01:00"
    (categories,) = select(page, "p", "cat-links")
    assert categories.clean_text == "Kategorien: Laufen"
    (tags,) = select(page, "p", "tags-links")
    assert tags.clean_text == "Schlagwörter: Frühling, Strecke"
    links = [
        (a.attrs["rel"], a.clean_text, a.attrs["href"])
        for a in select(page, "a")
        if a.within("footer", "entry-footer")
    ]
    assert links[0] == ("category tag", "Laufen", laufen.get_absolute_url())
    assert [name for rel, name, _ in links if rel == "tag"] == ["Frühling", "Strecke"]


def test_hostile_names_are_escaped_on_the_post_page(client):
    """Title, author, category and tag names are text on the post page too."""
    writer = UserFactory(username="feind", first_name=HOSTILE)
    category = CategoryFactory(name="feind " + HOSTILE, slug="feind")
    post = PostFactory(
        title="feind " + HOSTILE,
        author=writer,
        body="feind",
        categories=[category],
        tags=[TagFactory(name=HOSTILE, slug="feind-tag")],
    )
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert [s.attrs.get("src") for s in select(page, "script")] == ["/static/js/comment-reply.js"]
    assert not [img for img in select(page, "img") if "onerror" in img.attrs]
    (title,) = select(page, "h1", "entry-title")
    assert title.clean_text == "feind " + HOSTILE
    (author_link,) = select(page, "a", "author")
    assert author_link.clean_text == HOSTILE
    names = [
        a.clean_text for a in select(page, "a") if a.attrs.get("rel") in ("category tag", "tag")
    ]
    assert names == ["feind " + HOSTILE, "feind " + HOSTILE, HOSTILE]


def test_summaries_are_cached_per_post_until_the_content_changes(client, author, settings):
    """With the fragment caches on, a summary is kept until the content version changes."""
    settings.BLOG_PAGE_CACHE = False
    settings.BLOG_FRAGMENT_CACHE = True
    post = PostFactory(title="vorher", author=author)
    assert post_titles(client.get("/")) == ["vorher"]
    Post.objects.filter(pk=post.pk).update(title="nachher")  # no signal: no new version
    assert post_titles(client.get("/")) == ["vorher"]
    bump_content_version()
    assert post_titles(client.get("/")) == ["nachher"]


def test_summaries_are_rendered_afresh_with_the_fragment_caches_off(client, author, settings):
    """BLOG_FRAGMENT_CACHE off: every list renders its summaries from the database."""
    settings.BLOG_PAGE_CACHE = False
    settings.BLOG_FRAGMENT_CACHE = False
    post = PostFactory(title="vorher", author=author)
    assert post_titles(client.get("/")) == ["vorher"]
    Post.objects.filter(pk=post.pk).update(title="nachher")
    assert post_titles(client.get("/")) == ["nachher"]
