"""Second factors in Chromium (issue #16): a passkey on Chromium's virtual authenticator,
an authenticator app whose codes the test computes, backup codes, and the set-up page a
superuser without a factor is sent to."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.conftest import SUPERUSER_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_url(transactional_db, live_server, settings, superuser):
    """The live server with factors required for superusers; passkeys for its origin."""
    settings.BLOG_REQUIRE_2FA = "superusers"
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")
    return live_server.url + "/admin/"


def _password_step(page, admin_url):
    page.goto(admin_url)
    page.locator("#id_username").fill("chefin")
    page.locator("#id_password").fill(SUPERUSER_PASSWORD)
    page.locator("#login-form input[type=submit]").click()


def _app_code(secret: str, offset: int = 0) -> str:
    """The code an authenticator app shows for the key on the page (offset: steps later)."""
    totp = TOTP(b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8)))
    totp.time = totp.time + 30 * offset
    return f"{totp.token():06d}"


def test_passkey_set_up_and_login_without_password(page, admin_url):
    """Sent to the set-up page, a passkey is added; later it logs in without a password."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    _password_step(page, admin_url)
    # A superuser without a factor sees the set-up page before anything else.
    expect(page).to_have_url(admin_url + "security/")
    expect(page.locator(".errornote")).to_contain_text("zweiter Faktor vorgeschrieben")
    page.goto(admin_url + "blog/post/")
    expect(page).to_have_url(admin_url + "security/")

    page.locator("#passkey-register-button").click()
    expect(page.locator(".passkey-row")).to_have_count(1)
    assert WebAuthnCredential.objects.filter(user__username="chefin", confirmed=True).count() == 1
    page.goto(admin_url + "blog/post/")
    expect(page).to_have_url(admin_url + "blog/post/")

    # Logged out, the passkey alone logs in: through the button, or through the browser's
    # autofill offer, which the virtual authenticator may answer on its own first.
    page.context.clear_cookies()
    page.goto(admin_url)
    try:
        page.locator("#passkey-verification-button").click(timeout=5000)
    except PlaywrightTimeoutError:
        assert page.url == admin_url
    expect(page).to_have_url(admin_url)
    expect(page.locator("#user-tools")).to_contain_text("Chefin")


def test_app_and_backup_codes(page, admin_url):
    """An app set up by its QR key logs in with its code; a backup code works only once."""
    _password_step(page, admin_url)
    expect(page).to_have_url(admin_url + "security/")
    page.locator("#add-app").click()
    expect(page.locator("img.totp-qr")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.locator("#id_code").fill(_app_code(secret))
    page.locator("#id_name").fill("Telefon")
    page.locator("input[type=submit][value=Einrichten]").click()
    expect(page).to_have_url(admin_url + "security/")
    expect(page.locator(".app-row")).to_contain_text("Telefon")

    page.locator("#new-backup-codes").click()
    codes = page.locator("#backup-codes code").all_inner_texts()
    assert len(codes) == 10

    # The password is not enough any more: the app's next code completes the login.
    page.context.clear_cookies()
    _password_step(page, admin_url)
    expect(page).to_have_url(admin_url + "login/verify/?next=/admin/")
    page.goto(admin_url + "blog/post/")
    expect(page).to_have_url(admin_url + "login/?next=/admin/blog/post/")
    _password_step(page, admin_url)
    page.locator("#id_code").fill(_app_code(secret, offset=1))
    page.locator("#login-form input[type=submit]").click()
    expect(page).to_have_url(admin_url)

    # A backup code once, then never again.
    for attempt in range(2):
        page.context.clear_cookies()
        _password_step(page, admin_url)
        page.locator("#id_code").fill(codes[0])
        page.locator("#login-form input[type=submit]").click()
        if attempt == 0:
            expect(page).to_have_url(admin_url)
        else:
            expect(page.locator("ul.errorlist")).to_have_text(
                "Dieser Code ist nicht gültig. Bitte versuche es noch einmal."
            )
