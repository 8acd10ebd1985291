"""/sitemap.xml and /robots.txt (blog/sitemaps.py, blog.views.robots_txt)."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from blog.models import Page, Post
from tests.factories import CategoryFactory, PageFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _xml(client, url: str, tag: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own response, not untrusted)
    assert root.tag == f"{{{NS['sm']}}}{tag}"
    return root


def sitemap_entries(client) -> dict[str, str | None]:
    """{absolute URL: lastmod} of every <url> in the sections /sitemap.xml lists."""
    index = _xml(client, "/sitemap.xml", "sitemapindex")
    entries = {}
    for section in index.findall("sm:sitemap", NS):
        location = section.findtext("sm:loc", namespaces=NS).removeprefix("http://testserver")
        for url in _xml(client, location, "urlset").findall("sm:url", NS):
            loc = url.findtext("sm:loc", namespaces=NS)
            assert loc not in entries, f"{loc} listed twice"
            entries[loc] = url.findtext("sm:lastmod", namespaces=NS)
    return entries


@pytest.fixture
def blog(author):
    kunden = CategoryFactory(name="Kunden", parent=CategoryFactory(name="Arbeit"))
    leer = CategoryFactory(name="Leer")
    training = TagFactory(name="training")
    versteckt = TagFactory(name="versteckt")
    impressum = PageFactory(title="Impressum")
    child = PageFactory(title="Lebenslauf", parent=PageFactory(title="Über mich"))
    return {
        "post": PostFactory(
            title="hartes training", author=author, categories=[kunden], tags=[training]
        ),
        "protected": PostFactory(
            title="geschützt",
            author=author,
            visibility=Post.Visibility.PASSWORD,
            password="sesam",
        ),
        "draft": PostFactory(
            title="entwurf",
            author=author,
            status=Post.Status.DRAFT,
            categories=[leer],
            tags=[versteckt],
        ),
        "private": PostFactory(
            title="privat",
            author=author,
            visibility=Post.Visibility.PRIVATE,
            categories=[leer],
            tags=[versteckt],
        ),
        "scheduled": PostFactory(
            title="geplant",
            author=author,
            published_at=timezone.now() + datetime.timedelta(days=1),
            categories=[leer],
        ),
        "impressum": impressum,
        "child": child,
        "draft page": PageFactory(title="Baustelle", status=Page.Status.DRAFT),
    }


def test_sitemap_lists_visible_posts_pages_categories_and_tags(client, blog):
    """The sitemap has the public posts, published pages, used categories and tags."""
    entries = sitemap_entries(client)
    base = "http://testserver"
    assert set(entries) == {
        base + "/",
        base + blog["post"].get_absolute_url(),
        base + blog["protected"].get_absolute_url(),
        base + "/impressum/",
        base + "/ueber-mich/",
        base + "/ueber-mich/lebenslauf/",
        base + "/category/arbeit/kunden/",
        base + "/tag/training/",
    }


def test_sitemap_leaves_out_hidden_content(client, blog):
    """Drafts, private and scheduled posts, draft pages and unused terms are not listed."""
    locations = " ".join(sitemap_entries(client))
    for hidden in ("entwurf", "privat", "geplant", "baustelle", "/category/leer/", "versteckt"):
        assert hidden not in locations


def test_sitemap_entries_carry_their_last_change(client, blog):
    """Every entry has a lastmod date: a post's update, a term's newest post update."""
    entries = sitemap_entries(client)
    assert all(entries.values())
    updated = timezone.localdate(blog["post"].updated_at).isoformat()
    assert entries["http://testserver" + blog["post"].get_absolute_url()] == updated
    assert entries["http://testserver/tag/training/"] == updated
    assert entries["http://testserver/category/arbeit/kunden/"] == updated
    page_updated = timezone.localdate(blog["impressum"].updated_at).isoformat()
    assert entries["http://testserver/impressum/"] == page_updated


def test_empty_blog_has_a_valid_sitemap(client, db):
    """A blog without content still serves a well-formed sitemap: the home page alone."""
    assert sitemap_entries(client) == {"http://testserver/": None}


def test_robots_txt_names_the_absolute_sitemap(client, db):
    """robots.txt is plain text, keeps robots out of the admin and names the sitemap."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_uses_the_requested_host_and_scheme(client, settings, db):
    """Behind HTTPS on the real host, the sitemap URL uses that host and scheme."""
    settings.ALLOWED_HOSTS = ["blog.example.org"]
    response = client.get("/robots.txt", HTTP_HOST="blog.example.org", secure=True)
    assert "Sitemap: https://blog.example.org/sitemap.xml" in response.content.decode()
