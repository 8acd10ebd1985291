"""The admin's post and comment lists at the size of a big blog (issue #14), on both
backends: the lists' counts read no join of the comments and are not repeated for a
filtered list, the number of queries does not grow with the posts shown, the post
search goes through the full-text index (German stems), deep comment pages are read
ids first, and the comment search is bounded (blog/admin_scale.py,
comments/admin_scale.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from blog import search
from blog.models import Post
from comments import admin_scale
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.html import select

pytestmark = pytest.mark.django_db

POSTS = "admin:blog_post_changelist"
COMMENTS = "admin:comments_comment_changelist"


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


# The admin menu's count of held comments, on every admin page.
COUNT_COMMENTS = 'SELECT COUNT(*) AS "__count" FROM "comments_comment"'
BADGE = f"""{COUNT_COMMENTS} WHERE "comments_comment"."status" = 'pending'"""


def _counts(queries, table):
    """The COUNT queries over the list's table (not the menu's badge): whole, or bounded
    (a count over a subquery with a LIMIT, blog/pagination.py BoundedCountPaginator)."""
    return [
        sql
        for sql in queries
        if (
            sql.upper().startswith(f'SELECT COUNT(*) AS "__COUNT" FROM "{table.upper()}"')  # noqa: S608
            or (sql.upper().startswith("SELECT COUNT(*) FROM (SELECT") and f'FROM "{table}"' in sql)
        )
        and sql != BADGE
    ]


def test_post_list_counts_posts_without_the_comments(admin_client, author):
    """The list's COUNT reads the posts alone; the comment counts stay right."""
    post = PostFactory(author=author, title="Gut besucht")
    CommentFactory.create_batch(3, post=post)
    CommentFactory.create_batch(2, post=post, status="pending")
    response, queries = _queries(admin_client, reverse(POSTS))
    counts = _counts(queries, "blog_post")
    assert counts
    assert not [sql for sql in counts if "comments_comment" in sql], counts
    base = reverse(COMMENTS)
    assertContains(response, f'<a href="{base}?post__id__exact={post.pk}&amp;status=approved">3 ')
    assertContains(response, f'<a href="{base}?post__id__exact={post.pk}&amp;status=pending">2 ')


def test_post_list_queries_do_not_grow_with_the_posts(admin_client, author):
    for post in PostFactory.create_batch(3, author=author):
        CommentFactory(post=post, status="pending")
    _queries(admin_client, reverse(POSTS))
    _response, few = _queries(admin_client, reverse(POSTS))
    for post in PostFactory.create_batch(30, author=author):
        CommentFactory(post=post, status="pending")
    _response, many = _queries(admin_client, reverse(POSTS))
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("url", "table", "params"),
    [
        (POSTS, "blog_post", {"status": "draft"}),
        (COMMENTS, "comments_comment", {"status": "approved"}),
    ],
)
def test_a_filtered_list_counts_once(admin_client, author, url, table, params):
    """No second COUNT of the whole table for "(N total)" (show_full_result_count)."""
    post = PostFactory(author=author)
    PostFactory(author=author, status=Post.Status.DRAFT)
    CommentFactory(post=post, status="pending")
    _response, queries = _queries(admin_client, reverse(url), params)
    counts = _counts(queries, table)
    if table == "comments_comment":
        # The status filter counts each status once, by its index (comments/admin.py);
        # what is left is the list's own count.
        for status in ("approved", "spam", "trash"):
            counts.remove(f'{COUNT_COMMENTS} WHERE "comments_comment"."status" = \'{status}\'')
    assert len(counts) == 1, counts
    assert "WHERE" in counts[0], counts  # never the whole table for "(N total)"


def test_post_search_uses_the_full_text_index(admin_client, author):
    """German stems as on the blog: "Trainings" finds a draft about "training"."""
    PostFactory(
        author=author,
        title="Montag",
        body="Heute war das Training hart.",
        status=Post.Status.DRAFT,
    )
    PostFactory(author=author, title="Dienstag", body="Ein Ruhetag.")
    search.rebuild()
    response, queries = _queries(admin_client, reverse(POSTS), {"q": "Trainings"})
    assertContains(response, "Montag")
    assertNotContains(response, "Dienstag")
    assert not [sql for sql in queries if "LIKE" in sql.upper() and '"blog_post"."body"' in sql]


def _many_comments(post, count, start, **fields):
    Comment.objects.bulk_create(
        Comment(
            post=post,
            author_name=fields.get("author_name", f"Leser {n}"),
            author_email=fields.get("author_email", f"leser{n}@example.net"),
            body=fields.get("body", f"Kommentar Nummer {n}"),
            body_html="<p>Kommentar</p>",
            status=Comment.Status.APPROVED,
            created_at=start - datetime.timedelta(minutes=n),
        )
        for n in range(count)
    )


def test_a_deep_comment_page_is_read_ids_first(admin_client, post):
    """Page 6 of 300 comments (50 a page) shows comments 251–300, newest first, its
    rows read by their ids."""
    _many_comments(post, 300, timezone.now())
    response, queries = _queries(admin_client, reverse(COMMENTS), {"p": "6"})
    assertContains(response, "Kommentar Nummer 250")
    assertContains(response, "Kommentar Nummer 299")
    assertNotContains(response, "Kommentar Nummer 249<")
    rows = [sql for sql in queries if '"comments_comment"."body"' in sql]
    assert rows and all(" IN (" in sql for sql in rows), rows


def test_the_comment_search_is_bounded_but_finds_addresses_everywhere(
    admin_client, post, monkeypatch
):
    """Names and texts among the newest comments; a whole e-mail or IP address in all."""
    monkeypatch.setattr(admin_scale, "SEARCH_WINDOW", 10)
    now = timezone.now()
    CommentFactory(
        post=post,
        author_name="Gerda Alt",
        author_email="gerda@example.net",
        ip_address="198.51.100.9",
        created_at=now - datetime.timedelta(days=30),
    )
    _many_comments(post, 20, now)
    for term in ("gerda@example.net", "198.51.100.9"):
        response = admin_client.get(reverse(COMMENTS), {"q": term})
        assertContains(response, "Gerda Alt")
    assertNotContains(admin_client.get(reverse(COMMENTS), {"q": "Gerda"}), "Gerda Alt<")
    assertContains(admin_client.get(reverse(COMMENTS), {"q": "Leser 3"}), "Leser 3<")
    assertContains(admin_client.get(reverse(COMMENTS)), "5.000")


def _in_year(year: int, month: int = 6) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, 15, 12))


def _truncations(queries):
    """Queries truncating every post's date (Django's datetimes() for the hierarchy)."""
    return [q for q in queries if "DATE_TRUNC" in q.upper() or "DJANGO_DATETIME_TRUNC" in q.upper()]


def test_date_hierarchy_years_come_from_the_index(admin_client, author):
    """The years with posts, each linked, read without truncating every post's date; a
    post in the trash adds no year (the list hides it)."""
    for year in (2019, 2021, 2021, 2024):
        PostFactory(author=author, published_at=_in_year(year))
    PostFactory(author=author, published_at=_in_year(2017), status=Post.Status.TRASH)
    response, queries = _queries(admin_client, reverse(POSTS))
    links = [
        a.attrs["href"]
        for a in select(response, "a")
        if "published_at__year=" in a.attrs.get("href", "")
    ]
    assert links == [f"?published_at__year={y}" for y in (2019, 2021, 2024)]
    assert not _truncations(queries)
    # A year chosen: its months, as Django lists them.
    response = admin_client.get(reverse(POSTS), {"published_at__year": 2021})
    assertContains(response, "?published_at__month=6&amp;published_at__year=2021")


def test_date_hierarchy_of_one_year_starts_at_its_months(admin_client, author):
    """Every post in one year: the hierarchy opens at that year's months, as Django's."""
    PostFactory(author=author, published_at=_in_year(2022, 3))
    PostFactory(author=author, published_at=_in_year(2022, 9))
    response, queries = _queries(admin_client, reverse(POSTS))
    assertContains(response, "?published_at__month=3&amp;published_at__year=2022")
    assertContains(response, "?published_at__month=9&amp;published_at__year=2022")
    assertNotContains(response, '?published_at__year=2022"')
    assert not [q for q in queries if "MIN(" in q.upper() or "MAX(" in q.upper()]


def test_row_checkbox_is_djangos_markup(author):
    """The list's checkbox, written directly, is what Django's widget renders."""
    from django.contrib import admin

    from blog.admin import PostAdmin

    post = PostFactory(author=author, title='Kaffee & <Kuchen> "süß"')
    model_admin = PostAdmin(Post, admin.site)
    assert model_admin.action_checkbox(post) == admin.ModelAdmin.action_checkbox(model_admin, post)


@pytest.fixture
def bounded(monkeypatch):
    """Counts stop at 3 rows; the comment and post lists show 2 a page."""
    from django.contrib import admin

    from blog.pagination import BoundedCountPaginator

    monkeypatch.setattr(BoundedCountPaginator, "COUNT_LIMIT", 3)
    for model in (Comment, Post):
        monkeypatch.setattr(admin.site._registry[model], "list_per_page", 2)


def test_the_list_count_stops_at_its_limit(admin_client, post, bounded):
    """Five comments, counted up to 3: "mehr als 3 Kommentare"; no COUNT of every comment;
    pages past the limit are still there, one past the last is not."""
    for n in range(5):
        CommentFactory(
            post=post,
            author_name=f"Leser {n}",
            created_at=timezone.now() - datetime.timedelta(minutes=n),
        )
    response, queries = _queries(admin_client, reverse(COMMENTS))
    (paginator,) = select(response, "p", "paginator")
    assert "mehr als 3 Kommentare" in paginator.clean_text
    assertContains(response, "Alle Kommentare auswählen (mehr als 3)")
    assert COUNT_COMMENTS not in queries  # never every comment
    (count,) = [q for q in _counts(queries, "comments_comment") if "LIMIT" in q]
    assert "LIMIT 4" in count
    third = admin_client.get(reverse(COMMENTS), {"p": 3})
    assertContains(third, "Leser 4")
    assertNotContains(third, "Leser 3")
    assert admin_client.get(reverse(COMMENTS), {"p": 4}).status_code == 302  # ?e=1


def test_a_list_within_the_limit_counts_exactly(admin_client, post, bounded):
    CommentFactory(post=post)
    CommentFactory(post=post)
    response = admin_client.get(reverse(COMMENTS))
    (paginator,) = select(response, "p", "paginator")
    assert "2 Kommentare" in paginator.clean_text
    assert "mehr als" not in paginator.clean_text


def test_a_post_search_says_more_than(admin_client, author, bounded):
    for n in range(4):
        PostFactory(author=author, title=f"Training {n}")
    response = admin_client.get(reverse(POSTS), {"q": "trainings"})
    assertContains(response, "mehr als 3 Ergebnisse")
    (paginator,) = select(response, "p", "paginator")
    assert "mehr als 3 Beiträge" in paginator.clean_text


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_post_search_on_sqlite_walks_the_posts_by_date(admin_client, author):
    """The list of a search reads the posts in its order (the date index) and checks each
    against the FTS5 hits, instead of reading and sorting every hit for every query."""
    for n in range(30):
        PostFactory(author=author, title=f"Beitrag {n}", body="Training." if n % 3 else "Nichts.")
    response, queries = _queries(admin_client, reverse(POSTS), {"q": "training"})
    assert len(select(response, "input", "action-select")) == 20
    listed = [q for q in queries if q.startswith('SELECT "blog_post"."id"') and "EXISTS" in q]
    assert listed
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + listed[0])
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert "blog_post USING INDEX blog_post_published_at" in plan, plan
