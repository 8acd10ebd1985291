"""'Passwort vergessen?': Django's reset views, a German e-mail, a short-lived link (issue #16)."""

import re

import pytest
from django.core import mail
from pytest_django.asserts import assertContains, assertRedirects

from tests.accounts.conftest import password_step

pytestmark = pytest.mark.django_db


def test_reset_mail_and_link(client, settings, superuser):
    """The e-mail in German links to the blog's address; the link sets a new password once."""
    settings.SITE_URL = "https://blog.example.org"
    settings.PASSWORD_RESET_TIMEOUT = 30 * 60
    form = client.get("/admin/password_reset/")
    assertContains(form, "Passwort vergessen?")
    response = client.post("/admin/password_reset/", {"email": "chefin@example.org"})
    assertRedirects(response, "/admin/password_reset/done/", fetch_redirect_response=False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chefin@example.org"]
    assert "Passwort" in message.subject
    assert "30 Minuten" in message.body
    link = re.search(r"https://blog\.example\.org(/admin/reset/\S+/)", message.body).group(1)

    page = client.get(link, follow=True)
    assertContains(page, "Neues Passwort")
    response = client.post(
        page.redirect_chain[-1][0],
        {
            "new_password1": "Frisches-Pferd-Batterie-7",
            "new_password2": "Frisches-Pferd-Batterie-7",
        },
    )
    assertRedirects(response, "/admin/reset/done/", fetch_redirect_response=False)
    assert password_step(client, password="Frisches-Pferd-Batterie-7").status_code == 302
    assert client.get("/admin/").status_code == 200
    # Used once, the link is dead.
    client.logout()
    assertContains(client.get(link, follow=True), "ungültig")


def test_same_answer_for_unknown_address(client, superuser):
    """An address without an account gets the same page and no e-mail goes out."""
    known = client.post("/admin/password_reset/", {"email": "chefin@example.org"})
    unknown = client.post("/admin/password_reset/", {"email": "niemand@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_expired_link_is_refused(client, settings, superuser):
    """After PASSWORD_RESET_TIMEOUT the link no longer works."""
    client.post("/admin/password_reset/", {"email": "chefin@example.org"})
    link = re.search(r"https?://[^/\s]+(/admin/reset/\S+/)", mail.outbox[0].body).group(1)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assertContains(client.get(link, follow=True), "ungültig")
