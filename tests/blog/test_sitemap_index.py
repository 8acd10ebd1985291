"""/sitemap.xml is an index of sections of bounded size (issue #14, blog/sitemaps.py)."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog import sitemaps
from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return ET.fromstring(response.content)  # noqa: S314 (our own response)


def index(client) -> dict[str, str | None]:
    root = read(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    return {
        s.findtext("sm:loc", namespaces=NS): s.findtext("sm:lastmod", namespaces=NS)
        for s in root.findall("sm:sitemap", NS)
    }


def locations(client, url) -> list[str]:
    root = read(client, url)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    return [u.findtext("sm:loc", namespaces=NS) for u in root.findall("sm:url", NS)]


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


@pytest.fixture
def small_sections(monkeypatch):
    """Sections of three addresses, to see the paging without thousands of posts."""
    monkeypatch.setattr(sitemaps.BlogSitemap, "limit", 3)


def test_sitemap_is_an_index_of_sections(client, author):
    """/sitemap.xml names the sections, each with the latest change of its content."""
    post = PostFactory(title="eins", published_at=days_ago(2))
    sections = index(client)
    base = "http://testserver"
    assert set(sections) == {
        f"{base}/sitemap-home.xml",
        f"{base}/sitemap-posts.xml",
        f"{base}/sitemap-pages.xml",
        f"{base}/sitemap-categories.xml",
        f"{base}/sitemap-tags.xml",
    }
    for name in ("posts", "home"):
        lastmod = datetime.datetime.fromisoformat(sections[f"{base}/sitemap-{name}.xml"])
        assert abs(lastmod - post.updated_at) < datetime.timedelta(seconds=1)


def test_posts_are_split_into_sections_of_bounded_size(client, small_sections, author):
    """Seven posts in sections of three: ?p=1..3, every post once, oldest first."""
    posts = [PostFactory(title=f"p{n}", published_at=days_ago(10 - n)) for n in range(7)]
    PostFactory(title="entwurf", status=Post.Status.DRAFT)
    sections = [url for url in index(client) if "sitemap-posts" in url]
    assert sections == [
        "http://testserver/sitemap-posts.xml",
        "http://testserver/sitemap-posts.xml?p=2",
        "http://testserver/sitemap-posts.xml?p=3",
    ]
    pages = [locations(client, url.removeprefix("http://testserver")) for url in sections]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert sum(pages, []) == ["http://testserver" + p.get_absolute_url() for p in posts]


def test_home_page_is_listed_with_its_newest_posts_change(client, author):
    """The home page is in the sitemap; its lastmod is the latest change of a post it shows."""
    PostFactory(title="alt", published_at=days_ago(30))
    newest = PostFactory(title="neu", published_at=days_ago(1))
    root = read(client, "/sitemap-home.xml")
    (url,) = root.findall("sm:url", NS)
    assert url.findtext("sm:loc", namespaces=NS) == "http://testserver/"
    assert (
        url.findtext("sm:lastmod", namespaces=NS)
        == timezone.localdate(newest.updated_at).isoformat()
    )


def test_index_and_sections_cost_the_same_for_more_posts(client, small_sections, author, settings):
    """The index and a section run as many queries for 4 posts as for 12."""
    settings.BLOG_PAGE_CACHE = False
    settings.BLOG_FRAGMENT_CACHE = False

    def queries():
        counts = []
        for url in ("/sitemap.xml", "/sitemap-posts.xml?p=2"):
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    for n in range(4):
        PostFactory(published_at=days_ago(n + 1))
    small = queries()
    for n in range(8):
        PostFactory(published_at=days_ago(n + 10))
    assert queries() == small


def test_robots_txt_points_at_the_index(client, db):
    """robots.txt names /sitemap.xml, which is the index."""
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()
    assert read(client, "/sitemap.xml").tag == f"{{{NS['sm']}}}sitemapindex"
