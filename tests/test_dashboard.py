"""The admin's start page (issue #12, config/dashboard.py): counts at a glance, drafts,
scheduled posts, the latest comments with approve and reply, the quick draft box; and the
technical sections for superusers only (config/technical.py)."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from blog import trash
from blog.models import Page, Post
from comments.models import Comment
from tests.factories import CommentFactory, PageFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = "admin:index"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _count(key, label, number, url):
    return (
        f'<li class="count-{key}"><a href="{url}">{label} '
        f'<span class="dashboard-count">{number}</span></a></li>'
    )


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _author_in(group: str, username: str):
    user = UserFactory(username=username, is_staff=True)
    user.groups.set([Group.objects.get(name=group)])
    return user


@pytest.fixture
def blog(superuser):
    """Posts, pages and comments in every status."""
    now = timezone.now()
    published = PostFactory.create_batch(2, author=superuser)
    PostFactory(author=superuser, title="kommt bald", published_at=now + datetime.timedelta(days=2))
    PostFactory(author=superuser, title="mein entwurf", status=Post.Status.DRAFT)
    trash.move_to_trash(Post.objects.filter(pk=PostFactory(author=superuser).pk))
    PageFactory(status=Page.Status.PUBLISHED)
    PageFactory(status=Page.Status.DRAFT)
    for status, n in (("approved", 3), ("pending", 2), ("spam", 1), ("trash", 1)):
        CommentFactory.create_batch(n, post=published[0], status=status)
    return published


def test_dashboard_counts_everything_by_status(superuser, blog):
    """ "Auf einen Blick" counts posts (published, scheduled, drafts, trash), pages and
    comments by status, each linking to the filtered list."""
    response = _login(superuser).get(reverse(INDEX))
    posts = reverse("admin:blog_post_changelist")
    assertContains(response, "Auf einen Blick")
    assertContains(
        response, _count("published", "Veröffentlicht", 2, posts + "?status=published"), html=True
    )
    assertContains(response, '<li class="count-scheduled">')
    assertContains(response, "Geplant")
    assertContains(response, _count("draft", "Entwurf", 1, posts + "?status=draft"), html=True)
    assertContains(response, _count("trash", "Papierkorb", 1, posts + "?status=trash"), html=True)
    pages = reverse("admin:blog_page_changelist")
    assertContains(
        response, _count("published", "Veröffentlicht", 1, pages + "?status=published"), html=True
    )
    comments = reverse("admin:comments_comment_changelist")
    for key, label, number in (
        ("approved", "Freigegeben", 3),
        ("pending", "Ausstehend", 2),
        ("spam", "Spam", 1),
        ("trash", "Papierkorb", 1),
    ):
        assertContains(response, _count(key, label, number, f"{comments}?status={key}"), html=True)


def test_dashboard_keeps_the_app_list(superuser, blog):
    """Django's app list stays on the start page, below the dashboard."""
    response = _login(superuser).get(reverse(INDEX))
    assertContains(response, 'id="content-main"')
    assertContains(response, f'<a href="{reverse("admin:blog_post_changelist")}"')
    assertContains(response, reverse("admin:blog_category_changelist"))


def test_dashboard_queries_do_not_grow_with_the_comments(superuser, blog):
    """The same number of queries for 7 comments as for 207: grouped counts, short lists."""
    client = _login(superuser)
    client.get(reverse(INDEX))  # the session and the settings rows are read once
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(INDEX))
    CommentFactory.create_batch(200, post=blog[1], status="pending")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(INDEX))
    pending = _count("pending", "Ausstehend", 202, "/admin/comments/comment/?status=pending")
    assertContains(response, pending, html=True)
    assert len(many) == len(few)
    comment_queries = [q["sql"] for q in many if '"comments_comment"' in q["sql"]]
    # One GROUP BY for the counts by status, one short list per status shown.
    assert sum("GROUP BY" in q for q in comment_queries) == 1, comment_queries
    assert sum(" LIMIT 5" in q for q in comment_queries) == 2, comment_queries


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's EXPLAIN QUERY PLAN")
def test_dashboard_reads_posts_and_comments_through_indexes(superuser, blog):
    """Every dashboard query on posts and comments uses an index: the counts scan an index
    only (covering), the comment lists come in the index's order (no sort of the table)."""
    client = _login(superuser)
    client.get(reverse(INDEX))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(INDEX))
    plans = {}
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if '"comments_comment"' in query["sql"] or 'FROM "blog_post"' in query["sql"]:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plans[query["sql"]] = [row[-1] for row in cursor.fetchall()]
    assert len(plans) >= 5
    for sql, plan in plans.items():
        big = [s for s in plan if re.search(r"(comments_comment|blog_post)\b", s)]
        assert all("INDEX" in step or "PRIMARY KEY" in step for step in big), (sql, plan)
        if '"comments_comment"' in sql:
            assert not any("TEMP B-TREE" in step for step in plan), (sql, plan)


def test_drafts_and_scheduled_posts_are_listed(superuser, blog):
    """The user's latest drafts and the posts coming up, each linked to its form."""
    response = _login(superuser).get(reverse(INDEX))
    draft = Post.objects.get(title="mein entwurf")
    soon = Post.objects.get(title="kommt bald")
    assertContains(response, "Ihre letzten Entwürfe")
    assertContains(
        response,
        f'<a href="{reverse("admin:blog_post_change", args=[draft.pk])}">mein entwurf</a>',
        html=True,
    )
    link = re.search(r'<li class="count-scheduled"><a href="([^"]+)"', response.content.decode())
    scheduled_list = _login(superuser).get(link.group(1).replace("&amp;", "&"))
    assertContains(scheduled_list, "kommt bald")
    assertNotContains(scheduled_list, "mein entwurf")
    assertNotContains(scheduled_list, f">{blog[0].title}</a>")  # published already
    assertContains(response, "Demnächst veröffentlicht")
    assertContains(
        response,
        f'<a href="{reverse("admin:blog_post_change", args=[soon.pk])}">kommt bald</a>',
        html=True,
    )


def test_other_authors_drafts_are_not_listed(superuser, blog):
    """Someone else's draft is not among "my drafts"."""
    other = UserFactory(username="gast", is_staff=True, is_superuser=True)
    PostFactory(author=other, title="fremder entwurf", status=Post.Status.DRAFT)
    response = _login(superuser).get(reverse(INDEX))
    assertNotContains(response, "fremder entwurf")


def test_latest_comments_with_approve_and_reply(superuser, blog):
    """The latest comments show with "Freigeben" (a POST form with CSRF) for held ones and
    "Antworten" leading to the admin's reply page; approving takes effect and comes back."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    held = Comment.objects.filter(status="pending").latest("created_at")
    response = client.get(reverse(INDEX))
    approve = reverse("admin:dashboard_approve_comment", args=[held.pk])
    assertContains(response, f'<form method="post" action="{approve}">')
    assertContains(response, reverse("admin:comments_comment_reply", args=[held.pk]))

    # Without the CSRF token the POST is refused, and a GET does nothing.
    assert client.post(approve).status_code == 403
    assert client.get(approve).status_code == 405
    held.refresh_from_db()
    assert held.status == "pending"

    token = response.cookies["csrftoken"].value
    response = client.post(approve, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == reverse(INDEX)
    held.refresh_from_db()
    assert held.status == "approved"
    assertContains(client.get(reverse(INDEX)), "Kommentar freigegeben.")


def test_author_sees_and_approves_only_comments_on_own_posts(superuser, blog):
    """An "Autor" counts and lists the comments on their own posts only, and cannot
    approve one on someone else's post."""
    author = _author_in("Autor", "berta")
    own = PostFactory(author=author, title="bertas beitrag")
    mine = CommentFactory(post=own, status="pending", author_name="Leser von Berta")
    theirs = Comment.objects.filter(status="pending").exclude(post=own).first()
    client = _login(author)
    response = client.get(reverse(INDEX))
    assertContains(
        response,
        _count("pending", "Ausstehend", 1, "/admin/comments/comment/?status=pending"),
        html=True,
    )
    assertContains(response, "Leser von Berta")
    assertNotContains(response, theirs.author_name)
    response = client.post(reverse("admin:dashboard_approve_comment", args=[theirs.pk]))
    assert response.status_code in (403, 404)
    theirs.refresh_from_db()
    assert theirs.status == "pending"
    client.post(reverse("admin:dashboard_approve_comment", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == "approved"


def test_quick_draft_creates_a_draft(superuser):
    """Title and text in the quick draft box make a draft of the user, not public."""
    client = _login(superuser)
    response = client.post(
        reverse("admin:dashboard_quick_draft"),
        {"title": "Idee für morgen", "body": "Über das *Laufen* im Regen."},
    )
    assert response.status_code == 302 and response["Location"] == reverse(INDEX)
    post = Post.objects.get(title="Idee für morgen")
    assert post.status == Post.Status.DRAFT and post.author == superuser
    assert "<em>Laufen</em>" in post.body_html
    page = client.get(reverse(INDEX))
    assertContains(page, "Entwurf gespeichert.")
    assertContains(page, reverse("admin:blog_post_change", args=[post.pk]))
    assertNotContains(Client().get("/"), "Idee für morgen")


def test_quick_draft_error_keeps_the_text(superuser):
    """Without a title the box says so in German and keeps the text typed."""
    response = _login(superuser).post(
        reverse("admin:dashboard_quick_draft"),
        {"title": "  ", "body": "Ein Gedanke, der nicht verloren gehen darf."},
    )
    assert response.status_code == 200
    assertContains(response, "Dieses Feld wird benötigt.")
    assertContains(response, "Ein Gedanke, der nicht verloren gehen darf.</textarea>")
    assert not Post.objects.exists()


def test_quick_draft_needs_the_add_permission(superuser):
    """A user who may not write posts gets no box, and a POST is refused."""
    viewer = UserFactory(username="leser", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_comment"))
    client = _login(viewer)
    assertNotContains(client.get(reverse(INDEX)), "Schneller Entwurf")
    response = client.post(reverse("admin:dashboard_quick_draft"), {"title": "x"})
    assert response.status_code == 403
    assert not Post.objects.exists()


# Technical sections


AXES = ["accessattempt", "accesslog", "accessfailurelog"]


def test_technical_sections_are_for_superusers_only(superuser):
    """Staff with every permission of axes and the import mapping see neither in the app
    list and are refused at their addresses; a superuser sees them."""
    staff = UserFactory(username="redakteurin", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["axes", "wordpress", "blog"])
    )
    client = _login(staff)
    index = client.get(reverse(INDEX))
    urls = [reverse(f"admin:axes_{m}_changelist") for m in AXES]
    urls.append(reverse("admin:wordpress_importedobject_changelist"))
    for url in urls:
        assertNotContains(index, url)
        assert client.get(url).status_code == 403, url
    # What is not technical stays: the WordPress redirects and the posts.
    assertContains(index, reverse("admin:wordpress_redirect_changelist"))
    assertContains(index, reverse("admin:blog_post_changelist"))

    admin = _login(superuser)
    index = admin.get(reverse(INDEX))
    for url in urls:
        assertContains(index, url)
        assert admin.get(url).status_code == 200, url
