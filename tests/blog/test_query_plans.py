"""The queries of the public pages are answered from indexes (issue #14), on PostgreSQL.

On a blog of 3,000 posts with long texts (large enough that the planner prefers indexes
where they help), each page is requested and every query it ran on the big tables
(posts, their categories and tags, comments, the search index) is explained: no plan
may read such a table whole, and each list is read through the index that gives its
order — a deep page from the index alone — so that a page costs the same for 3,000 or
300,000 posts.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog import search
from blog.models import Post
from comments.models import Comment
from tests.factories import CategoryFactory, TagFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's (EXPLAIN)"
)

BIG_TABLES = (
    "blog_post",
    "blog_post_categories",
    "blog_post_tags",
    "blog_searchentry",
    "comments_comment",
)
POSTS = 3000
TEXT = "<p>" + "Heute ging es um Ausdauer und um die Frage, wie viel Training gut tut. " * 25


@pytest.fixture
def blog(transactional_db, settings):
    """3,000 published posts in 20 categories (one nested) and 20 tags, 3,000 comments."""
    settings.BLOG_PAGE_CACHE = False
    settings.BLOG_FRAGMENT_CACHE = False
    author = UserFactory(username="oliver")
    parent = CategoryFactory(name="Arbeit", slug="arbeit")
    categories = [parent, CategoryFactory(name="Kunden", slug="kunden", parent=parent)]
    categories += [CategoryFactory(name=f"Thema {n}", slug=f"thema-{n}") for n in range(18)]
    tags = [TagFactory(name="lauf", slug="lauf")]
    tags += [TagFactory(name=f"tag {n}", slug=f"tag-{n}") for n in range(19)]
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            title=f"beitrag {n}",
            slug=f"beitrag-{n}",
            author=author,
            body=TEXT,
            body_html=TEXT + ("Kunden</p>" if n % 300 == 0 else "</p>"),
            summary="Heute ging es um Ausdauer.",
            status=Post.Status.PUBLISHED,
            published_at=now - datetime.timedelta(days=n + 1),
        )
        for n in range(POSTS)
    )
    ids = list(Post.objects.values_list("pk", flat=True))
    Post.categories.through.objects.bulk_create(
        Post.categories.through(post_id=pk, category=categories[pk % 20]) for pk in ids
    )
    Post.tags.through.objects.bulk_create(
        Post.tags.through(post_id=pk, tag=tags[pk % 20]) for pk in ids
    )
    Comment.objects.bulk_create(
        Comment(
            post_id=ids[n % 300],
            author_name="Leser",
            body="Danke!",
            body_html="<p>Danke!</p>",
            status=Comment.Status.APPROVED,
            created_at=now - datetime.timedelta(minutes=n),
        )
        for n in range(POSTS)
    )
    search.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    newest = Post.objects.order_by("-published_at").first()
    year = timezone.localtime(newest.published_at).year
    return {
        "home": ("/", "post_home_order"),
        "home page 2": ("/page/2/", "post_home_order"),
        "home page 250": ("/page/250/", "Index Only Scan using post_home_order"),
        "category": ("/category/arbeit/", "post_list_order"),
        "category page 25": ("/category/arbeit/page/25/", "blog_post_categories_category_id"),
        "tag": ("/tag/lauf/", "post_list_order"),
        "year": (f"/{year}/", "published_at"),
        # A month: a range on the index of the publish date, never the whole year's posts.
        "month": (
            f"/{year}/{timezone.localtime(newest.published_at).month:02d}/",
            "Index Cond: ((published_at",
        ),
        "post": (newest.get_absolute_url(), "blog_post_slug"),
        # The newest approved comments: by status and date, or by date alone (#14).
        "comments feed": ("/comments/feed/", ("comments_co_status_", "comment_newest")),
        "feed": ("/feed/", "published_at"),
        "search": ("/?s=kunden", "blog_searchentry_fts"),
        # A word in every post: the newest found, read through the list's index, the
        # read stopping at search.RESULT_LIMIT (not every hit read and ranked).
        "search, a word in every post": ("/?s=training", "post_list_order"),
        # The titles holding every word, however old: through the titles' own GIN index.
        "search, the titles of a word in every post": (
            "/?s=training",
            "Bitmap Index Scan on blog_searchentry_title_fts",
        ),
        "search, a title": ("/?s=beitrag+2700", "Bitmap Index Scan on blog_searchentry_title_fts"),
        "sitemap section": ("/sitemap-posts.xml", "post_list_order"),
        "sitemap index": ("/sitemap.xml", "post_updated"),
    }


def _plans(url: str) -> list[tuple[str, str]]:
    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and any(re.search(rf'"{t}"', sql) for t in BIG_TABLES):
                cursor.execute("EXPLAIN " + sql)
                plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def test_public_pages_read_the_big_tables_through_indexes(blog):
    """No query of a public page scans posts, terms, comments or the search index whole,
    and each page's list is read through the index that gives its order."""
    problems = []
    for name, (url, index) in blog.items():
        plans = _plans(url)
        assert plans, name
        for sql, plan in plans:
            for table in BIG_TABLES:
                if re.search(rf"Seq Scan on {table}\b", plan):
                    problems.append(f"{name}: {table} scanned whole\n{sql}\n{plan}")
        wanted = (index,) if isinstance(index, str) else index
        if not any(i in plan for _sql, plan in plans for i in wanted):
            problems.append(f"{name}: no plan uses {index}\n" + "\n".join(p for _s, p in plans))
    assert not problems, "\n\n".join(problems)
