"""The blog's comment feed costs the same on a blog of any size (issue #14).

The newest approved comments come from the index on (status, created_at), their posts
afterwards by primary key: no query of the feed reads the comments whole, on SQLite as
on PostgreSQL (where the old join let SQLite's planner start from the posts: 6 s on the
10,000-post blog).
"""

import datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post
from comments import feeds
from comments.models import Comment
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def _comments(post, count, start, status=Comment.Status.APPROVED, name="Leser"):
    Comment.objects.bulk_create(
        Comment(
            post=post,
            author_name=f"{name} {n}",
            body="Danke!",
            body_html="<p>Danke!</p>",
            status=status,
            created_at=start - datetime.timedelta(minutes=n),
        )
        for n in range(count)
    )


@pytest.fixture
def blog(author):
    """A public post with 30 old comments; newer than them 250 approved comments on a
    private post and 5 held ones; 40 posts with a comment each, older still."""
    now = timezone.now()
    public = PostFactory(author=author, title="Öffentlich")
    private = PostFactory(author=author, title="Geheim", visibility=Post.Visibility.PRIVATE)
    _comments(private, 250, now - datetime.timedelta(minutes=1), name="Privat")
    _comments(public, 5, now, status=Comment.Status.PENDING, name="Gehalten")
    _comments(public, 30, now - datetime.timedelta(days=1), name="Sichtbar")
    for n in range(40):
        _comments(PostFactory(author=author), 1, now - datetime.timedelta(days=2, minutes=n))
    return public


def test_the_feed_lists_the_newest_approved_comments_on_public_posts(client, blog):
    response = client.get("/comments/feed/")
    feed = feedparser.parse(response.content)
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == feeds.FEED_SIZE
    # Newest first, past the 250 newer ones on the private post and the held ones.
    assert titles == [f"Kommentar zu Öffentlich von Sichtbar {n}" for n in range(20)] or titles == [
        f"Comment on Öffentlich by Sichtbar {n}" for n in range(20)
    ]


def test_the_feed_reads_comments_through_the_status_index(client, blog, settings):
    """Each query on the comments is answered from an index; none scans the table."""
    settings.BLOG_PAGE_CACHE = False
    settings.BLOG_FRAGMENT_CACHE = False
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's plans: tests/blog/test_admin_query_plans.py (3,000 comments)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client.get("/comments/feed/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/comments/feed/").status_code == 200
    plans = []
    explain = "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and '"comments_comment"' in sql:
                cursor.execute(explain + sql)
                plans.append(
                    (sql, "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall()))
                )
    assert plans
    for sql, plan in plans:
        assert "SCAN comments_comment" not in plan.replace('"', ""), f"{sql}\n{plan}"
    assert any("status" in plan for _sql, plan in plans), plans
    # A bounded number of queries: batches of comment ids, their posts, the rows.
    assert len(ctx.captured_queries) <= 12
