"""Commands for the administrator at the server (issue #16)."""

import io

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import code_step, password_step, totp_code

pytestmark = pytest.mark.django_db


def test_reset_second_factors(superuser, app_device, backup_codes):
    """All factors of the user go, their sessions end; other users keep theirs."""
    from tests.factories import UserFactory

    colleague = UserFactory(username="redaktion", is_staff=True)
    TOTPDevice.objects.create(user=colleague, confirmed=True)
    client = Client()
    password_step(client)
    code_step(client, totp_code(app_device))
    assert client.get("/admin/").status_code == 200

    out = io.StringIO()
    call_command("reset_second_factors", "chefin", stdout=out)
    assert "Removed 2 second factor(s)" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=superuser).exists()
    assert not StaticDevice.objects.filter(user=superuser).exists()
    assert TOTPDevice.objects.filter(user=colleague).exists()
    assert client.get("/admin/").status_code == 302


def test_unlock_account(client, settings, superuser):
    """After five wrong passwords the account is locked; unlock_account lets it in again."""
    settings.AXES_FAILURE_LIMIT = 5
    for _i in range(5):
        password_step(client, password="falsch")
    assert password_step(client).status_code == 429
    out = io.StringIO()
    call_command("unlock_account", "chefin", stdout=out)
    assert "Unlocked 'chefin'" in out.getvalue()
    assert not AccessAttempt.objects.exists()
    assert password_step(client).status_code == 302


def test_commands_name_unknown_users():
    """A user name that does not exist is an error, not silence."""
    with pytest.raises(CommandError):
        call_command("reset_second_factors", "niemand")
    with pytest.raises(CommandError):
        call_command("unlock_account", "niemand")
