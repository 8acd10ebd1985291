"""The admin's post and comment lists are answered from indexes (issue #14), on PostgreSQL.

On the blog of tests/blog/test_query_plans.py (3,000 posts, 3,000 comments, statistics
gathered), every query of the admin's lists and searches and of the comments feed is
explained: none may read the comments or the search index whole, the post list's count
reads the posts alone (no join of the comments), and the comment list and its deep
pages are read in the order of the index on (created_at, id).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from comments import admin_scale
from tests.blog.test_query_plans import blog  # noqa: F401 (the fixture)
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's (EXPLAIN)"
)

WATCHED = ("comments_comment", "blog_searchentry")


def _plans(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and any(f'"{t}"' in sql for t in (*WATCHED, "blog_post")):
                cursor.execute("EXPLAIN " + sql)
                plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def test_admin_lists_read_comments_and_the_search_index_through_indexes(blog, monkeypatch):  # noqa: F811
    # The search looks at the newest 500 of the 3,000 comments (5,000 of a real blog's).
    monkeypatch.setattr(admin_scale, "SEARCH_WINDOW", 500)
    admin = UserFactory(username="chefin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    post = Post.objects.order_by("pk").first()
    pages = {
        "post list": ("/admin/blog/post/", None),
        "post search": ("/admin/blog/post/?q=kunden", "blog_searchentry"),
        "comment list": ("/admin/comments/comment/", "comment_newest"),
        "comment list, held": ("/admin/comments/comment/?status=pending", None),
        "comment list, deep page": ("/admin/comments/comment/?p=50", "comment_newest"),
        "comment search": ("/admin/comments/comment/?q=leser", "comment_newest"),
        "comment search by IP": ("/admin/comments/comment/?q=198.51.100.1", "ip_address"),
        "comments of a post": (f"/admin/comments/comment/?post__id__exact={post.pk}", None),
        "comments feed": ("/comments/feed/", ("comments_co_status_", "comment_newest")),
    }
    problems = []
    for name, (url, index) in pages.items():
        plans = _plans(client, url)
        assert plans, name
        for sql, plan in plans:
            for table in WATCHED:
                if f"Seq Scan on {table}" in plan:
                    problems.append(f"{name}: {table} scanned whole\n{sql}\n{plan}")
            counts_posts = sql.startswith('SELECT COUNT(*) AS "__count" FROM "blog_post"') or (
                sql.startswith("SELECT COUNT(*) FROM (SELECT") and 'FROM "blog_post"' in sql
            )
            if counts_posts and "comments_comment" in sql:
                problems.append(f"{name}: the count joins the comments\n{sql}")
        wanted = (index,) if isinstance(index, str) else index or ()
        if wanted and not any(i in plan for _sql, plan in plans for i in wanted):
            problems.append(f"{name}: no plan uses {index}\n" + "\n".join(p for _s, p in plans))
    assert not problems, "\n\n".join(problems)
