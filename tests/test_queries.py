"""Every public page runs a constant number of SQL queries, at most six (issue #6).

Measured with the page cache off and the page-frame cache warm (one request first),
once on a small blog and once on a larger one: the counts must be equal.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    PageFactory,
    PostFactory,
    ReplyFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 6


def _blog(size: int) -> dict:
    """A blog with `size` posts, categories, tags and comments on the main post."""
    author = UserFactory(username="oliver", is_staff=True)
    parent = CategoryFactory(name="Arbeit", slug=f"arbeit-{size}")
    child = CategoryFactory(name="Kunden", slug=f"kunden-{size}", parent=parent)
    tags = [TagFactory(name=f"tag{size}-{n}") for n in range(size)]
    when = timezone.make_aware(datetime.datetime(2026, 11, 20, 18, 0))
    main = PostFactory(title="hartes training", author=author, published_at=when)
    main.categories.set([child])
    main.tags.set(tags)
    for n in range(size * 3):
        PostFactory(
            author=author,
            published_at=when - datetime.timedelta(days=n + 1),
            categories=[parent, child],
            tags=tags[:3],
        )
    previous = None
    for n in range(size * 5):
        if previous is not None and n % 3:
            previous = ReplyFactory(parent=previous, post=main)
        else:
            previous = CommentFactory(post=main)
    PageFactory(title="Impressum", slug=f"impressum-{size}")
    return {
        "home": reverse("blog:post_list"),
        "home page 2": reverse("blog:post_list_page", kwargs={"page": 2}),
        "post": main.get_absolute_url(),
        "reply form": main.get_absolute_url() + "?replytocom=1",
        "year": reverse("blog:archive_year", kwargs={"year": 2026}),
        "month": reverse("blog:archive_month", kwargs={"year": 2026, "month": 11}),
        "day": reverse("blog:archive_day", kwargs={"year": 2026, "month": 11, "day": 20}),
        "category": child.get_absolute_url(),
        "parent category": parent.get_absolute_url(),
        "tag": tags[0].get_absolute_url(),
        "author": reverse("blog:author_detail", kwargs={"username": "oliver"}),
        "search": reverse("blog:post_list") + "?s=beitrag",
        "page": reverse("blog:page_detail", kwargs={"path": f"impressum-{size}"}),
        "feed": reverse("blog:feed"),
        "atom": reverse("blog:feed_atom"),
        "category feed": child.get_feed_url(),
        "tag feed": tags[0].get_feed_url(),
        "comment feed": reverse("comments:feed"),
        "post comment feed": main.get_absolute_url() + "feed/",
        "sitemap": "/sitemap.xml",
        "robots": reverse("blog:robots_txt"),
        "not found": "/gibt-es-nicht/",
    }


def _counts(urls: dict) -> dict:
    client = Client()
    counts = {}
    for name, url in urls.items():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        counts[name] = len(ctx.captured_queries)
    return counts


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    settings.BLOG_PAGE_CACHE = False
    settings.BLOG_FRAGMENT_CACHE = False


def test_every_page_type_stays_within_six_queries():
    """No public page needs more than six queries."""
    counts = _counts(_blog(3))
    too_many = {name: n for name, n in counts.items() if n > MAX_QUERIES}
    assert not too_many, counts


def test_query_counts_do_not_grow_with_the_blog():
    """Three times the posts, tags and comments (both with page 2): the same query counts."""
    small = _counts(_blog(4))
    Post.objects.all().delete()
    large = _counts(_blog(12))
    assert small == large
