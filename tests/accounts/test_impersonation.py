"""No impersonating the author or other accounts in comments (issue #16)."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from comments.models import Comment, DiscussionSettings
from tests.comments.helpers import one, select, send_comment, textarea_value
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFUSED = "Diese E-Mail-Adresse gehört zu einem Konto dieses Blogs."
TEXT = "Ich bin der Autor, glaubt mir: kauft bei example.com!"


@pytest.fixture
def open_discussion(db):
    """Comments from known names appear at once (no approval of a first comment)."""
    settings = DiscussionSettings.load()
    settings.require_previous_approval = False
    settings.require_approval = False
    settings.save()
    return settings


@pytest.mark.parametrize("email", ["oliver@example.org", "OLIVER@Example.org"])
def test_staff_email_is_refused_with_the_text_kept(client, post, email):
    """A visitor with the author's address is asked to log in; the text stays in the form."""
    response = send_comment(client, post, author_name="Oliver", author_email=email, body=TEXT)
    assertContains(response, REFUSED, status_code=response.status_code)
    assert textarea_value(response) == TEXT
    assert not Comment.objects.exists()


def test_any_registered_address_is_refused(client, post):
    """Not only staff: the address of any account is reserved for its owner."""
    UserFactory(username="leserin", email="leserin@example.net")
    response = send_comment(client, post, author_email="leserin@example.net", body=TEXT)
    assertContains(response, REFUSED, status_code=response.status_code)
    assert not Comment.objects.exists()


def test_logged_in_author_keeps_the_badge(client, post, author):
    """The logged-in author comments with their account and gets the badge."""
    client.force_login(author)
    send_comment(client, post, body="Danke für die Blumen.")
    comment = Comment.objects.get()
    assert comment.status == "approved" and comment.is_author_reply
    page = Client().get(post.get_absolute_url())
    assert "bypostauthor" in one(page, "li", id_=f"comment-{comment.pk}").classes


@pytest.mark.parametrize("name", ["oliver", "OLIVER", "chefin"])
def test_staff_name_is_held_for_visitors(client, post, superuser, open_discussion, name):
    """A visitor under a staff account's name is held for moderation, without the badge."""
    send_comment(client, post, author_name=name, author_email="fremd@example.net", body=TEXT)
    comment = Comment.objects.get()
    assert comment.status == "pending"
    assert not comment.is_author_reply


def test_other_names_still_appear_at_once(client, post, open_discussion):
    """Names of no account are approved as the discussion settings say."""
    send_comment(client, post, author_name="Olivia", author_email="olivia@example.net")
    assert Comment.objects.get().status == "approved"


def test_held_comment_shows_a_neutral_avatar(client, post):
    """The submitter's own held comment has no avatar made from the typed address."""
    send_comment(client, post, author_email="vermutet@example.net", body=TEXT)
    held = Comment.objects.get()
    assert held.status == "pending"
    page = client.get(post.get_absolute_url())
    avatar = one(page, "img", "avatar")
    assert held.avatar not in avatar.attrs["src"]
    assert avatar.attrs["src"].startswith("data:image/svg+xml")
    # Once approved, it shows the avatar of its address.
    held.status = "approved"
    held.save()
    page = client.get(post.get_absolute_url())
    avatars = [img.attrs["src"] for img in select(page, "img", "avatar")]
    assert any(held.avatar in src for src in avatars)
