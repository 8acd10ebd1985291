"""The security page: factors added and removed, backup codes, sessions, logins (issue #16)."""

import re
import time

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.middleware import SEEN_KEY
from tests.accounts.conftest import code_step, password_step, totp_code
from tests.conftest import SUPERUSER_PASSWORD

pytestmark = pytest.mark.django_db


def _logged_in(superuser, app_device=None, **extra) -> Client:
    """A client (browser) logged in through both steps."""
    client = Client(**extra)
    password_step(client)
    if app_device is not None:
        code_step(client, totp_code(app_device))
    assert client.get("/admin/").status_code == 200
    return client


def test_add_an_authenticator_app(client, settings, superuser):
    """QR code (SVG made here) and key, the app's first code confirms it; it is listed."""
    settings.BLOG_REQUIRE_2FA = "superusers"
    password_step(client)
    page = client.get("/admin/security/app/")
    assertContains(page, 'src="data:image/svg+xml')
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    assert len(secret.replace(" ", "")) == 32
    # A wrong code keeps the app unconfirmed and the same QR code.
    response = client.post("/admin/security/app/", {"code": "12", "name": "Telefon"})
    assertContains(response, "Dieser Code passt nicht.")
    assert client.get("/admin/").status_code == 302
    time.sleep(1.1)  # django-otp waits a second after a wrong code
    response = client.post("/admin/security/app/", {"code": totp_code(device), "name": "Telefon"})
    assertRedirects(response, "/admin/security/", fetch_redirect_response=False)
    device.refresh_from_db()
    assert device.confirmed and device.name == "Telefon"
    # The requirement is met: the admin opens.
    assert client.get("/admin/").status_code == 200
    assertContains(client.get("/admin/security/"), "<td>Telefon</td>", html=True)


def test_backup_codes_shown_once_and_replaced(client, superuser, app_device):
    """Ten new codes on the page, stored; making new ones ends the old ones."""
    client = _logged_in(superuser, app_device)
    response = client.post("/admin/security/backup-codes/")
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    again = client.post("/admin/security/backup-codes/")
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", again.content.decode())
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert not set(codes) & set(new)
    assertContains(client.get("/admin/security/"), "10 unbenutzte Backup-Codes")


def test_no_backup_codes_without_a_factor(client, superuser):
    """Backup codes come after a passkey or app, never instead of one."""
    password_step(client)
    response = client.post("/admin/security/backup-codes/")
    assertRedirects(response, "/admin/security/", fetch_redirect_response=False)
    assert not StaticToken.objects.exists()


def test_removing_a_factor_ends_the_other_sessions(superuser, app_device):
    """The other browser is logged out; this one stays."""
    other = TOTPDevice.objects.create(user=superuser, name="Tablet", confirmed=True)
    here = _logged_in(superuser, app_device)
    there = Client()
    password_step(there)
    code_step(there, totp_code(other))
    assert there.get("/admin/").status_code == 200

    response = here.post(f"/admin/security/remove/app/{other.pk}/")
    assertRedirects(response, "/admin/security/", fetch_redirect_response=False)
    assert not TOTPDevice.objects.filter(pk=other.pk).exists()
    assert here.get("/admin/").status_code == 200
    assert there.get("/admin/").status_code == 302


def test_nobody_removes_someone_elses_factor(superuser, app_device):
    """Another staff user's factor is not found (404) and stays."""
    from tests.factories import UserFactory

    colleague = UserFactory(username="redaktion", is_staff=True)
    theirs = TOTPDevice.objects.create(user=colleague, name="Fremd", confirmed=True)
    client = _logged_in(superuser, app_device)
    assert client.post(f"/admin/security/remove/app/{theirs.pk}/").status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_password_change_ends_the_other_sessions(superuser):
    """After a password change in one browser the other one is logged out."""
    here = _logged_in(superuser)
    there = _logged_in(superuser)
    response = here.post(
        "/admin/password_change/",
        {
            "old_password": SUPERUSER_PASSWORD,
            "new_password1": "Neues-Pferd-Batterie-43",
            "new_password2": "Neues-Pferd-Batterie-43",
        },
    )
    assert response.status_code == 302
    assert here.get("/admin/").status_code == 200
    assert there.get("/admin/").status_code == 302


def test_recent_logins_are_listed(superuser):
    """Time, address and browser of each login on the security page."""
    _logged_in(superuser, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Fremder Browser/1.0")
    client = _logged_in(superuser, REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="Mein Firefox")
    page = client.get("/admin/security/")
    assertContains(page, "<td>203.0.113.9</td>", html=True)
    assertContains(page, "<td>Fremder Browser/1.0</td>", html=True)
    assertContains(page, "<td>Mein Firefox</td>", html=True)


def test_logins_are_pruned(superuser):
    """Only the latest logins are kept."""
    from accounts.models import KEEP_LOGINS, LoginRecord

    for _i in range(KEEP_LOGINS + 3):
        Client().force_login(superuser)
    assert LoginRecord.objects.filter(user=superuser).count() == KEEP_LOGINS


def test_idle_staff_session_ends(settings, superuser):
    """A staff session idle longer than BLOG_STAFF_IDLE_MINUTES is logged out."""
    settings.BLOG_STAFF_IDLE_MINUTES = 30
    client = _logged_in(superuser)
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_security_link_in_the_admin(superuser):
    """Every admin page links to the security page."""
    client = _logged_in(superuser)
    assertContains(client.get("/admin/"), '<a href="/admin/security/">Sicherheit</a>', html=True)
    assertNotContains(Client().get("/admin/login/"), 'href="/admin/security/"')
