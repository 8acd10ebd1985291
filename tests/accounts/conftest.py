"""Accounts with second factors, and logging in through the two steps (issue #16)."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import SUPERUSER_PASSWORD


def totp_code(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the authenticator app shows now (offset: that many steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def app_device(superuser):
    """The superuser's confirmed authenticator app."""
    return TOTPDevice.objects.create(user=superuser, name="Telefon", confirmed=True)


@pytest.fixture
def backup_codes(superuser, app_device):
    """Two backup codes of the superuser, who also has an app."""
    device = StaticDevice.objects.create(user=superuser, name="Backup-Codes", confirmed=True)
    for code in ("abcd2345", "efgh6789"):
        StaticToken.objects.create(device=device, token=code)
    return ["abcd2345", "efgh6789"]


def password_step(client, username="chefin", password=SUPERUSER_PASSWORD, **extra):
    """POST the admin's login form; the response."""
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def code_step(client, code, **extra):
    return client.post("/admin/login/verify/", {"code": code, "next": "/admin/"}, **extra)
