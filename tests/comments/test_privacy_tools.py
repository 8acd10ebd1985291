"""DSGVO tools (comments/privacy.py, issue #4): export what is stored about an e-mail
address and erase it, by management command and in the admin."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from blog.models import Post
from comments.models import Comment, Subscription
from tests.factories import CommentFactory, ReplyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


ANNA = "anna@example.net"
ANNA_NAMES = {"Anonym", "Anonymous"}  # "Anonym" once the German catalogue has the string


@pytest.fixture
def people(post):
    """Anna's two comments (one a reply to Thomas), her subscription, and Thomas's data.

    Thomas's comment quotes Anna's address; Anna's own text mentions it too.
    """
    thomas = CommentFactory(
        post=post,
        author_name="Thomas",
        author_email="thomas@example.org",
        author_url="https://thomas.example/",
        ip_address="203.0.113.50",
        user_agent="ThomasBrowser/1.0",
        body="Schreibt Anna doch an: Anna@Example.net",
    )
    first = CommentFactory(
        post=post,
        author_name="Anna Beispiel",
        author_email=ANNA,
        author_url="https://anna.example/",
        ip_address="198.51.100.7",
        user_agent="AnnasBrowser/2.0 (Linux)",
        body=f"Erreichbar unter {ANNA}. Schöner Beitrag!",
        created_at=timezone.now() - datetime.timedelta(days=3),
    )
    second = ReplyFactory(
        parent=thomas,
        author_name="Anna B.",
        author_email="Anna@Example.NET",
        ip_address="2001:db8::7",
        user_agent="AnnasTelefon/3.0",
        body="Danke dir, genau so.",
        status="pending",
    )
    Subscription.objects.create(comment=first, email=ANNA, confirmed_at=timezone.now())
    Subscription.objects.create(comment=thomas, email="thomas@example.org")
    return {"thomas": thomas, "first": first, "second": second}


def _dump() -> str:
    """Every row of every table, as dumpdata writes it (lower-cased)."""
    out = StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue().lower()


# Export


def test_export_command_contains_everything_about_the_address(people):
    """The JSON holds both of Anna's comments with name, e-mail, website, IP, browser, dates."""
    out = StringIO()
    call_command("export_personal_data", ANNA, stdout=out)
    data = json.loads(out.getvalue())

    assert data["email"] == ANNA
    by_id = {c["id"]: c for c in data["comments"]}
    assert set(by_id) == {people["first"].pk, people["second"].pk}
    first = by_id[people["first"].pk]
    assert first["name"] == "Anna Beispiel"
    assert first["email"] == ANNA
    assert first["website"] == "https://anna.example/"
    assert first["ip_address"] == "198.51.100.7"
    assert first["user_agent"] == "AnnasBrowser/2.0 (Linux)"
    assert first["created_at"] == people["first"].created_at.isoformat()
    assert first["text"] == people["first"].body
    assert first["post"] == "hartes training"
    second = by_id[people["second"].pk]
    assert (second["name"], second["ip_address"], second["user_agent"]) == (
        "Anna B.",
        "2001:db8::7",
        "AnnasTelefon/3.0",
    )
    assert second["status"] == "pending"
    assert second["in_reply_to"] == people["thomas"].pk
    assert [s["comment"] for s in data["subscriptions"]] == [people["first"].pk]


def test_export_command_contains_nothing_about_anyone_else(people):
    """Thomas's name, address, website, IP, browser and text are not in Anna's export."""
    out = StringIO()
    call_command("export_personal_data", ANNA, stdout=out)
    text = out.getvalue()
    for other in (
        "Thomas",
        "thomas@example.org",
        "thomas.example",
        "203.0.113.50",
        "ThomasBrowser",
        "Schreibt Anna doch an",
    ):
        assert other not in text


def test_export_command_as_readable_text(people):
    """--format text lists the comments with their personal data for a letter."""
    out = StringIO()
    call_command("export_personal_data", ANNA, "--format", "text", stdout=out)
    text = out.getvalue()
    assert text.startswith(f"{ANNA}: 2 comments")
    for value in ("Anna Beispiel", "https://anna.example/", "198.51.100.7", "AnnasTelefon/3.0"):
        assert value in text
    assert "thomas@example.org" not in text


def test_export_of_an_unknown_address_is_empty(people):
    """An address nobody used gives an empty export, not an error."""
    out = StringIO()
    call_command("export_personal_data", "niemand@example.com", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["comments"], data["subscriptions"]) == ([], [])


# Erasure


def test_erase_command_anonymises_the_comments(people, post):
    """Name "Anonym", no e-mail, website, IP or browser; text and thread place stay."""
    count_before = Post.objects.get(pk=post.pk).comment_count
    out = StringIO()
    call_command("erase_personal_data", ANNA, stdout=out)
    assert "2" in out.getvalue()

    for key in ("first", "second"):
        comment = Comment.objects.get(pk=people[key].pk)
        assert comment.author_name in ANNA_NAMES
        assert (
            comment.author_email,
            comment.author_url,
            comment.ip_address,
            comment.user_agent,
        ) == (
            "",
            "",
            None,
            "",
        )
    first = Comment.objects.get(pk=people["first"].pk)
    assert first.body.startswith("Erreichbar unter ")
    assert first.body.endswith("Schöner Beitrag!")
    assert "Schöner Beitrag!" in first.body_html
    second = Comment.objects.get(pk=people["second"].pk)
    assert (second.body, second.parent_id, second.status) == (
        "Danke dir, genau so.",
        people["thomas"].pk,
        "pending",
    )
    assert Post.objects.get(pk=post.pk).comment_count == count_before


def test_after_erasure_the_address_is_nowhere_in_the_database(people):
    """No table holds Anna's address any more, in any case; Thomas keeps his data."""
    assert ANNA in _dump()

    call_command("erase_personal_data", ANNA.upper(), stdout=StringIO())

    dump = _dump()
    assert ANNA not in dump
    for kept in (
        "thomas@example.org",
        "203.0.113.50",
        "thomasbrowser/1.0",
        "https://thomas.example/",
    ):
        assert kept in dump
    for gone in ("198.51.100.7", "2001:db8::7", "annasbrowser", "annastelefon", "anna.example/"):
        assert gone not in dump
    thomas = Comment.objects.get(pk=people["thomas"].pk)
    assert thomas.author_name == "Thomas"
    assert thomas.body.startswith("Schreibt Anna doch an")
    assert not Subscription.objects.filter(email__iexact=ANNA).exists()
    assert Subscription.objects.filter(email="thomas@example.org").exists()


def test_erase_with_remove_text_removes_the_texts(people):
    """--remove-text takes the comment texts away as well, in the stored HTML too."""
    call_command("erase_personal_data", ANNA, "--remove-text", stdout=StringIO())
    for key in ("first", "second"):
        comment = Comment.objects.get(pk=people[key].pk)
        assert "Beitrag" not in comment.body
        assert "Danke dir" not in comment.body
        assert "Danke dir" not in comment.body_html
        assert comment.body.strip()
    assert Comment.objects.get(pk=people["thomas"].pk).body.startswith("Schreibt Anna")
    assert "danke dir, genau so" not in _dump()


def test_erased_comment_shows_as_anonymous_on_the_site(client, people, post):
    """The public page shows the anonymised name and no longer the old one."""
    call_command("erase_personal_data", ANNA, stdout=StringIO())
    page = client.get(post.get_absolute_url())
    assert "Anna Beispiel" not in page.content.decode()
    assert any(name in page.content.decode() for name in ANNA_NAMES)


# In the admin


def test_admin_privacy_page_is_linked_from_the_comment_list(admin_client):
    """The comment list links to the personal data page."""
    response = admin_client.get(reverse("admin:comments_comment_changelist"))
    assertContains(response, f'href="{reverse("admin:comments_comment_privacy")}"')


def test_admin_exports_json(admin_client, people):
    """ "Download as JSON" answers with an attachment holding Anna's data and no one else's."""
    response = admin_client.post(
        reverse("admin:comments_comment_privacy"), {"email": ANNA, "action": "export_json"}
    )
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert {c["id"] for c in data["comments"]} == {people["first"].pk, people["second"].pk}
    assert {c["ip_address"] for c in data["comments"]} == {"198.51.100.7", "2001:db8::7"}
    assert b"thomas@example.org" not in response.content


def test_admin_shows_the_data(admin_client, people):
    """ "Show the data" lists Anna's comments in a table on the page."""
    response = admin_client.post(
        reverse("admin:comments_comment_privacy"), {"email": ANNA, "action": "export"}
    )
    assertContains(response, "<td>AnnasBrowser/2.0 (Linux)</td>", html=True)
    assertContains(response, "<td>2001:db8::7</td>", html=True)
    assert b"thomas@example.org" not in response.content


def test_admin_erases_only_after_confirmation(admin_client, people):
    """The first "Anonymise" asks (2 comments); the second erases and returns to the page."""
    url = reverse("admin:comments_comment_privacy")
    response = admin_client.post(url, {"email": ANNA, "action": "erase"})
    assertContains(response, f'<input type="hidden" name="confirm" value="{ANNA}">', html=True)
    assert Comment.objects.filter(author_email__iexact=ANNA).count() == 2

    response = admin_client.post(
        url, {"email": ANNA, "action": "erase", "confirm": ANNA, "remove_text": "on"}
    )

    assertRedirects(response, url, fetch_redirect_response=False)
    assert not Comment.objects.filter(author_email__iexact=ANNA).exists()
    assert Comment.objects.get(pk=people["second"].pk).body != "Danke dir, genau so."
    assert ANNA not in _dump()


def test_admin_confirmation_is_for_one_address_only(admin_client, people):
    """Changing the address on the confirmation page asks again instead of erasing."""
    url = reverse("admin:comments_comment_privacy")
    response = admin_client.post(
        url, {"email": "thomas@example.org", "action": "erase", "confirm": ANNA}
    )
    assert response.status_code == 200
    assertContains(
        response, '<input type="hidden" name="confirm" value="thomas@example.org">', html=True
    )
    assert Comment.objects.get(pk=people["thomas"].pk).author_email == "thomas@example.org"
    assert Comment.objects.filter(author_email__iexact=ANNA).count() == 2


def test_admin_privacy_page_needs_an_email_address(admin_client, people):
    """Without a valid address the form shows an error and nothing is erased."""
    response = admin_client.post(
        reverse("admin:comments_comment_privacy"),
        {"email": "kein-address", "action": "erase", "confirm": "kein-address"},
    )
    assertContains(response, 'class="errorlist"')
    assert Comment.objects.filter(author_email__iexact=ANNA).count() == 2
