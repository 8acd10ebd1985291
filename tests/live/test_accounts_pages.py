"""The login steps, the security page and the password-reset pages are valid HTML (issue #16).

Checked by the Nu HTML Checker like every other page (tests/live/test_validity.py), with a
passkey, an app, backup codes and logins in the lists.
"""

import re
import shutil
import time

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tests.accounts.conftest import code_step, password_step, totp_code
from tests.live.test_validity import _check

pytestmark = pytest.mark.django_db


def _pages(superuser) -> dict[str, str]:
    app = TOTPDevice.objects.create(user=superuser, name="Telefon <alt>", confirmed=True)
    WebAuthnCredential.objects.create(
        user=superuser, name="Laptop", credential_id=b"x" * 16, public_key=b"y" * 16
    )
    pages = {}
    client = Client(HTTP_USER_AGENT="Firefox <&>")
    pages["login"] = client.get("/admin/login/")
    password_step(client)
    pages["second step"] = client.get("/admin/login/verify/?next=/admin/")
    pages["second step, wrong code"] = code_step(client, "12")
    time.sleep(1.1)  # django-otp waits a second after a wrong code
    code_step(client, totp_code(app))
    pages["security"] = client.get("/admin/security/")
    pages["add an app"] = client.get("/admin/security/app/")
    pages["backup codes"] = client.post("/admin/security/backup-codes/")
    reset = Client()
    pages["password reset"] = reset.get("/admin/password_reset/")
    reset.post("/admin/password_reset/", {"email": superuser.email})
    pages["password reset sent"] = reset.get("/admin/password_reset/done/")
    link = re.search(r"https?://[^/\s]+(/admin/reset/\S+/)", mail.outbox[0].body).group(1)
    pages["new password"] = reset.get(link, follow=True)
    pages["password reset, bad link"] = Client().get("/admin/reset/MQ/abc-def/")
    return pages


def test_account_pages_are_valid_html(superuser, tmp_path):
    """Every page of the login and the security page: 200 and 0 errors of the checker."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    responses = _pages(superuser)
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == dict.fromkeys(responses, 200)
    pages = {name: response.content.decode() for name, response in responses.items()}
    assert "Telefon &lt;alt&gt;" in pages["security"]
    assert "Firefox &lt;&amp;&gt;" in pages["security"]
    errors = {name: found for name, found in _check(pages, tmp_path).items() if found}
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in errors.items())
    assert not errors, f"The Nu HTML Checker found errors:\n{report}"
