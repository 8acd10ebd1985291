"""A commenter's e-mail address appears nowhere public: no page, feed, header, avatar URL
or attribute carries it or a hash of it (issue #3)."""

import hashlib
import io

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.comments.helpers import select, send_comment
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    PostFactory,
    ReplyFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

EMAILS = [
    "Thomas.Mueller@example.net",
    "stefan@example.org",
    "held.back@example.com",
    "spam.bot@example.info",
    "oliver@example.org",  # the post's author, who comments too
]


def _secrets(address: str) -> list[str]:
    """The address and the hashes an avatar service would put in a URL."""
    found = []
    for variant in {address, address.lower(), address.strip().lower()}:
        found.append(variant)
        for digest in (hashlib.md5, hashlib.sha1, hashlib.sha256):  # noqa: S324
            found.append(digest(variant.encode()).hexdigest())
    return found


SECRETS = [secret for address in EMAILS for secret in _secrets(address)]


@pytest.fixture
def site(author, post):
    """Two posts with categories, tags and comments from several people in every status."""
    category = CategoryFactory(name="Laufen")
    tag = TagFactory(name="training")
    post.categories.set([category])
    post.tags.set([tag])
    second = PostFactory(author=author, title="zehn kilometer", categories=[category], tags=[tag])
    thomas = CommentFactory(
        post=post,
        author_name="Thomas",
        author_email=EMAILS[0],
        author_url="https://thomas.example/",
    )
    ReplyFactory(parent=thomas, author_name="Stefan", author_email=EMAILS[1])
    CommentFactory(post=post, author_name="Oliver", author_email=author.email, user=author)
    CommentFactory(post=second, author_name="Stefan", author_email=EMAILS[1])
    CommentFactory(post=second, author_name="Gehalten", author_email=EMAILS[2], status="pending")
    CommentFactory(post=second, author_name="Spam", author_email=EMAILS[3], status="spam")
    return post, second, category, tag, thomas


def _public_urls(post, second, category, tag, thomas, author):
    published = post.published_at
    return [
        reverse("blog:post_list"),
        post.get_absolute_url(),
        f"{post.get_absolute_url()}?replytocom={thomas.pk}",
        second.get_absolute_url(),
        reverse("blog:archive_year", kwargs={"year": published.year}),
        reverse("blog:archive_month", kwargs={"year": published.year, "month": published.month}),
        reverse(
            "blog:archive_day",
            kwargs={"year": published.year, "month": published.month, "day": published.day},
        ),
        category.get_absolute_url(),
        tag.get_absolute_url(),
        reverse("blog:author_detail", kwargs={"username": author.username}),
        reverse("blog:post_list") + "?s=training",
        reverse("blog:post_list") + "?s=Thomas",
        reverse("blog:feed"),
        reverse("blog:feed_atom"),
        category.get_feed_url(),
        tag.get_feed_url(),
        reverse("comments:feed"),
        post.get_absolute_url() + "feed/",
        second.get_absolute_url() + "feed/",
        reverse("sitemap_index"),
        *(
            reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": section})
            for section in ("home", "posts", "pages", "categories", "tags")
        ),
        reverse("blog:robots_txt"),
        thomas.avatar_url,
    ]


def _leaks(response) -> list[str]:
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    cookies = response.cookies.output()
    content = response.content.decode("utf-8", "replace")
    texts = (content, content.lower(), headers, headers.lower(), cookies)
    return [secret for secret in SECRETS if any(secret in text for text in texts)]


def test_no_commenter_email_on_any_public_page(site, author):
    """Every public page and feed of a site with comments: no e-mail, no hash of one."""
    assert author.email in EMAILS
    assert _leaks(HttpResponse(hashlib.md5(b"stefan@example.org").hexdigest()))  # noqa: S324
    urls = _public_urls(*site, author)
    reader = Client()
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert _leaks(response) == [], url


def test_pages_really_show_the_comments(site, author):
    """The check above looks at pages that do show the comments and their avatars."""
    post, *_rest = site
    response = Client().get(post.get_absolute_url())
    names = [b.text for b in select(response, "b", "fn")]
    assert names == ["Thomas", "Stefan", "Oliver"]
    assert len(select(response, "img", "avatar")) == 3


def test_no_email_after_submitting_either(client, site):
    """The page a commenter comes back to after a held comment shows no other address."""
    post, *_rest = site
    response = send_comment(client, post, author_email="neu@example.net")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert _leaks(page) == []
    assert "neu@example.net" not in page.content.decode()
    assert _leaks(Client().get(post.get_absolute_url())) == []


def test_avatar_urls_carry_no_email_hash(client, site):
    """Avatar URLs come from a keyed hash of the address, never its MD5 or SHA."""
    post, *_rest = site
    response = client.get(post.get_absolute_url())
    sources = [img.attrs["src"] for img in select(response, "img", "avatar")]
    assert sources
    for source in sources:
        assert source.startswith("/comments/avatar/")
        assert not [secret for secret in SECRETS if secret[:24] in source]
        assert "gravatar" not in source


def test_avatar_endpoint_returns_a_cached_png(client, site, django_assert_num_queries):
    """The avatar is a PNG made locally, cacheable for a long time, then served without a query."""
    _post, *_rest, thomas = site
    with django_assert_num_queries(1):  # is the key a comment's? (comments/avatars.py)
        response = client.get(thomas.avatar_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "public" in response["Cache-Control"]
    assert "max-age=2592000" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size[0] == image.size[1] >= 48
    with django_assert_num_queries(0):
        assert client.get(thomas.avatar_url).content == response.content


def test_same_address_same_avatar_different_address_different(site):
    """One person keeps one picture; two people get two."""
    post, second, _category, _tag, thomas = site
    stefan_avatars = {c.avatar for c in second.comments.filter(author_name="Stefan")}
    stefan_avatars |= {c.avatar for c in post.comments.filter(author_name="Stefan")}
    assert len(stefan_avatars) == 1
    assert thomas.avatar not in stefan_avatars


def test_remembered_details_reach_no_other_reader(site):
    """Remembered details fill only their owner's form, never another reader's page."""
    post, *_rest = site
    other = Client()
    other.get(post.get_absolute_url())  # the page is cached for anonymous readers now
    commenter = Client()
    send_comment(commenter, post, author_email="merk@example.net", remember="on")
    mine = commenter.get(post.get_absolute_url())
    assert select(mine, "input", id="id_author_email")[0].attrs["value"] == "merk@example.net"
    for _again in range(2):
        page = other.get(post.get_absolute_url())
        assert "merk@example.net" not in page.content.decode()
        assert _leaks(page) == []
