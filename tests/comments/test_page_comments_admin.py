"""Comments on pages in the admin, the dashboard, the notices and the DSGVO tools
(issue #13): listed with their page, filtered, moderated and answered by editors (pages
have no author here), never shown to an "Autor"."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Page
from comments.models import Comment
from comments.privacy import export_personal_data
from comments.services import Author, submit_comment
from tests.factories import CommentFactory, PostFactory
from tests.roles import logged_in, member

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def about():
    return Page.objects.create(title="Über mich", slug="ueber-mich", comments_open=True)


@pytest.fixture
def held(about):
    return Comment.objects.create(
        page=about,
        author_name="Seitenleserin",
        author_email="seitenleserin@example.net",
        ip_address="198.51.100.44",
        body="Frage zur Seite",
        status=Comment.Status.PENDING,
    )


@pytest.fixture
def on_post():
    return CommentFactory(
        post=PostFactory(title="Ein Lauf"), author_name="Beitragsleser", status="approved"
    )


def test_list_shows_the_page_and_filters_by_kind(superuser, held, on_post):
    client = logged_in(superuser)
    response = client.get(reverse(CHANGELIST))
    page_admin = reverse("admin:blog_page_change", args=[held.page_id])
    assertContains(response, f'<a href="{page_admin}">Über mich</a>')
    assertContains(response, "Als Antwort auf")
    pages_only = client.get(reverse(CHANGELIST) + "?on=pages")
    assertContains(pages_only, "Seitenleserin")
    assertNotContains(pages_only, "Beitragsleser")
    posts_only = client.get(reverse(CHANGELIST) + "?on=posts")
    assertNotContains(posts_only, "Seitenleserin")
    assertContains(posts_only, "Beitragsleser")
    change = client.get(reverse("admin:comments_comment_change", args=[held.pk]))
    assert change.status_code == 200
    assertContains(change, "Über mich")


def test_approving_from_the_list_counts_on_the_page(superuser, held, about):
    client = logged_in(superuser)
    response = client.post(
        reverse(CHANGELIST), {"action": "approve", "_selected_action": [held.pk]}
    )
    assert response.status_code == 302
    about.refresh_from_db()
    assert about.comment_count == 1


def test_editor_replies_from_the_admin_on_a_page(held, about):
    rita = member("rita", "Redakteur")
    client = logged_in(rita)
    response = client.post(
        reverse("admin:comments_comment_reply", args=[held.pk]), {"body": "Gute Frage!"}
    )
    assert response.status_code == 302
    reply = Comment.objects.get(parent=held)
    assert (reply.page, reply.post, reply.status, reply.user) == (about, None, "approved", rita)
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED  # answering approves, as in WordPress
    about.refresh_from_db()
    assert about.comment_count == 2
    shown = client.get(about.get_absolute_url())
    assert f'id="comment-{reply.pk}"' in shown.text


def test_an_author_neither_sees_nor_touches_page_comments(held):
    anja = member("anja", "Autor")
    client = logged_in(anja)
    response = client.get(reverse(CHANGELIST))
    assertNotContains(response, "seitenleserin@example.net")
    assertNotContains(response, "198.51.100.44")
    change = client.get(reverse("admin:comments_comment_change", args=[held.pk]))
    assert change.status_code == 403
    reply = client.post(reverse("admin:comments_comment_reply", args=[held.pk]), {"body": "x"})
    assert reply.status_code == 403
    assert not Comment.objects.filter(parent=held).exists()


def test_dashboard_links_the_page(superuser, held):
    response = logged_in(superuser).get(reverse("admin:index"))
    page_admin = reverse("admin:blog_page_change", args=[held.page_id])
    assertContains(response, f'<a href="{page_admin}">Über mich</a>')


def test_page_admin_has_the_comment_switch_off_for_new_pages(superuser):
    response = logged_in(superuser).get(reverse("admin:blog_page_add"))
    assertContains(response, 'name="comments_open"')
    assertNotContains(response, 'name="comments_open" checked')


def test_a_page_comment_notifies_the_moderators(
    about, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    rita = member("rita", "Redakteur")
    rita.email = "rita@example.org"
    rita.save()
    member("anja", "Autor")  # moderates her own posts only: not told
    superuser.email = "chefin@example.org"
    superuser.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit_comment(
            post=about,
            parent=None,
            author=Author(name="Leserin", email="leserin@example.net", ip_address="192.0.2.9"),
            body="Eine Frage.",
        )
    told = sorted(m.to[0] for m in mailoutbox)
    assert told == ["chefin@example.org", "rita@example.org"]
    message = mailoutbox[0]
    assert message.subject == "Bitte moderieren: „Über mich“"
    assert "Ein neuer Kommentar zur Seite „Über mich“ wartet auf deine Freigabe." in message.body


def test_privacy_export_names_the_page(held):
    [row] = export_personal_data("seitenleserin@example.net")["comments"]
    assert row["post"] == "Über mich"
    assert row["post_url"] == "/ueber-mich/"
    assert row["comment_url"] == f"/ueber-mich/#comment-{held.pk}"
