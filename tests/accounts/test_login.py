"""The admin's login in two steps, BLOG_REQUIRE_2FA and the lockout (issue #16)."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import LoginRecord
from tests.accounts.conftest import code_step, password_step, totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_superuser_without_factor_is_sent_to_the_setup_page(client, settings, superuser):
    """With factors required for superusers, the password leads to the security page only."""
    settings.BLOG_REQUIRE_2FA = "superusers"
    response = password_step(client)
    assert response.status_code == 302
    for path in ("/admin/", "/admin/blog/post/", "/admin/auth/user/", "/"):
        assertRedirects(client.get(path), "/admin/security/", fetch_redirect_response=False)
    page = client.get("/admin/security/")
    assertContains(page, "Für dein Konto ist ein zweiter Faktor vorgeschrieben")
    assertContains(page, "Authenticator-App hinzufügen")


def test_staff_needs_a_factor_only_when_required_for_staff(client, settings):
    """ "superusers" leaves other staff alone; "staff" sends them to the set-up page too."""
    UserFactory(username="redaktion", is_staff=True, password="Lauf-Strecke-2026-xy")
    settings.BLOG_REQUIRE_2FA = "superusers"
    password_step(client, "redaktion", "Lauf-Strecke-2026-xy")
    assert client.get("/admin/").status_code == 200
    settings.BLOG_REQUIRE_2FA = "staff"
    assertRedirects(client.get("/admin/"), "/admin/security/", fetch_redirect_response=False)


def test_off_lets_the_password_alone_in(client, settings, superuser):
    """BLOG_REQUIRE_2FA=off (the test suite, `make run`): the admin after the password."""
    settings.BLOG_REQUIRE_2FA = "off"
    password_step(client)
    assert client.get("/admin/").status_code == 200


def test_app_code_completes_the_login(client, superuser, app_device):
    """A user with an app is not logged in by the password; the app's code logs them in."""
    response = password_step(client)
    assertRedirects(response, "/admin/login/verify/?next=/admin/", fetch_redirect_response=False)
    # Not in yet: the admin asks for the login again.
    assert client.get("/admin/").status_code == 302
    page = client.get("/admin/login/verify/?next=/admin/")
    assertContains(page, "Passwort richtig, chefin")
    response = code_step(client, totp_code(app_device))
    assertRedirects(response, "/admin/", fetch_redirect_response=False)
    assertContains(client.get("/admin/"), "Sicherheit")
    assert LoginRecord.objects.filter(user=superuser).count() == 1


def test_wrong_code_is_refused_in_german(client, superuser, app_device):
    """A wrong code: the step again with a German error, and still not logged in."""
    password_step(client)
    response = code_step(client, "000000" if totp_code(app_device) != "000000" else "111111")
    assertContains(response, "Dieser Code ist nicht gültig.")
    assert client.get("/admin/").status_code == 302


def test_code_step_needs_the_password_step(client, superuser, app_device):
    """The second step alone logs nobody in: it sends back to the password."""
    response = code_step(client, totp_code(app_device))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 302


def test_backup_code_works_once(client, superuser, backup_codes):
    """A backup code logs in once; the second time it is refused."""
    password_step(client)
    assertRedirects(code_step(client, "ABCD-2345"), "/admin/", fetch_redirect_response=False)
    client.logout()
    password_step(client)
    response = code_step(client, "abcd2345")
    assertContains(response, "Dieser Code ist nicht gültig.")
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_count_for_the_lockout(client, settings, superuser, app_device):
    """Five wrong codes lock the account like five wrong passwords; unlock_account lifts it."""
    settings.AXES_FAILURE_LIMIT = 5
    password_step(client)
    right = totp_code(app_device)
    wrong = "123456" if right != "123456" else "654321"
    statuses = [code_step(client, wrong).status_code for _ in range(5)]
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429
    locked = code_step(client, right)
    assert locked.status_code == 429
    assertContains(locked, "zu vielen", status_code=429)
    assert client.get("/admin/").status_code == 302
    # Even the password step is locked now.
    assert password_step(client).status_code == 429

    call_command("unlock_account", "chefin", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not AccessAttempt.objects.filter(username="chefin").exists()
    password_step(client)
    assertRedirects(
        code_step(client, totp_code(app_device, offset=1)),
        "/admin/",
        fetch_redirect_response=False,
    )


def test_login_page_offers_passkey_and_password_reset(client):
    """The login page: "Passwort vergessen?" and the passkey button's template, in German."""
    page = client.get("/admin/login/")
    assertContains(page, '<a href="/admin/password_reset/">Passwort vergessen?</a>', html=True)
    assertContains(page, "Mit Passkey anmelden")
    assertContains(page, 'id="otp_webauthn_config"')
