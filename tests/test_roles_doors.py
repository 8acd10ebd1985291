"""The roles at the other doors of the author's desk (issue #12): the dashboard's approve
button and quick draft, autosave, revisions, previews and shared links ask the same
rules as the lists and forms (blog/roles.py), so a contributor publishes nothing and an
author reaches no other author's post or comment through them."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Autosave, Post, PreviewLink
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.roles import logged_in, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def anja():
    return member("anja", "Autor")


@pytest.fixture
def bernds_comment():
    bernd = member("bernd", "Autor")
    return CommentFactory(
        post=PostFactory(author=bernd, status="draft", title="Bernds Entwurf"),
        status="pending",
        author_name="Bernds Leser",
        author_email="bernd-leser@example.net",
    )


def _url(view: str, post) -> str:
    return reverse(f"admin:blog_post_{view}", args=[post.pk])


def test_dashboard_shows_an_author_only_her_own(anja, bernds_comment):
    """Counts, drafts and latest comments of the dashboard leave Bernd's out."""
    CommentFactory(post=PostFactory(author=anja), status="pending", author_name="Anjas Leser")
    page = logged_in(anja).get(reverse("admin:index"))
    assertContains(page, "Anjas Leser")
    assertNotContains(page, "Bernds Leser")
    assertNotContains(page, "Bernds Entwurf")


def test_dashboard_approve_refuses_another_authors_comment(anja, bernds_comment):
    url = reverse("admin:dashboard_approve_comment", args=[bernds_comment.pk])
    assert logged_in(anja).post(url).status_code == 404
    assert Comment.objects.get(pk=bernds_comment.pk).status == "pending"


def test_quick_draft_of_a_contributor_is_a_draft_of_hers():
    mia = member("mia", "Mitarbeiter")
    logged_in(mia).post(
        reverse("admin:dashboard_quick_draft"),
        {"title": "Schnell notiert", "body": "Ein paar Zeilen", "status": "published"},
    )
    post = Post.objects.get(title="Schnell notiert")
    assert (post.status, post.author) == ("draft", mia)


def test_desk_endpoints_refuse_a_contributor_her_published_post():
    """Once an editor published it, the contributor can neither autosave, restore a
    version, nor share a preview of it."""
    mia = member("mia", "Mitarbeiter")
    post = PostFactory(author=mia, status="published", title="Freigegeben")
    client = logged_in(mia)
    assert client.post(_url("autosave", post), {"title": "x", "body": "y"}).status_code == 403
    assert client.get(_url("revisions", post)).status_code == 403
    assert client.post(_url("preview_link", post)).status_code == 403
    assert not Autosave.objects.exists()
    assert not PreviewLink.objects.exists()
    post.refresh_from_db()
    assert (post.title, post.status) == ("Freigegeben", "published")


def test_desk_endpoints_do_not_find_another_authors_post(anja, bernds_comment):
    post = bernds_comment.post
    client = logged_in(anja)
    for method, view in [
        ("post", "autosave"),
        ("post", "theme_preview"),
        ("get", "revisions"),
        ("get", "revision_compare"),
        ("get", "preview_link"),
        ("post", "preview_link"),
    ]:
        response = getattr(client, method)(_url(view, post), {"title": "x", "body": "y"})
        assert response.status_code == 404, view
        assert b"Bernds Entwurf" not in response.content
    assert not Autosave.objects.exists()
    assert not PreviewLink.objects.exists()
