"""Who must have a second factor and who has one (BLOG_REQUIRE_2FA, issue #16).

A passkey or an authenticator app is a second factor; backup codes are a way back in
when those are lost, so they count at the login but do not satisfy the requirement.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

REQUIRE_CHOICES = ("superusers", "staff", "off")


def must_have_second_factor(user) -> bool:
    """Whether BLOG_REQUIRE_2FA requires this user to have a second factor."""
    if not user.is_authenticated or not user.is_active:
        return False
    mode = settings.BLOG_REQUIRE_2FA
    if mode == "staff":
        return user.is_staff or user.is_superuser
    if mode == "superusers":
        return user.is_superuser
    return False


def has_second_factor(user) -> bool:
    """Whether the user has a confirmed passkey or authenticator app."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def asks_for_second_factor(user) -> bool:
    """Whether the login asks this user for a code or passkey after the password.

    One query (the middleware asks on every request of a session without a factor).
    """
    factors = [
        Exists(model.objects.filter(user=user.pk, confirmed=True))
        for model in (TOTPDevice, WebAuthnCredential, StaticDevice)
    ]
    return (
        get_user_model()
        ._default_manager.filter(factors[0] | factors[1] | factors[2], pk=user.pk)
        .exists()
    )
