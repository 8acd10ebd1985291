"""The "Sicherheit" page: each staff user manages their own second factors (issue #16).

All views are wrapped in admin.site.admin_view (accounts/urls.py): active staff only.
"""

from base64 import b32encode

import segno
from django.contrib import admin, messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .forms import TOTPSetupForm
from .models import KEEP_LOGINS
from .policy import has_second_factor, must_have_second_factor
from .sessions import end_other_sessions

BACKUP_CODE_COUNT = 10


def _context(request, title, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, "subtitle": None, **extra}


def security(request):
    """The user's passkeys, authenticator apps, backup codes and recent logins.

    Template: accounts/security.html.
    """
    user = request.user
    context = _context(
        request,
        _("Security"),
        passkeys=WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"),
        apps=TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
        backup_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
        has_second_factor=has_second_factor(user),
        must_have_second_factor=must_have_second_factor(user),
        logins=user.login_records.all()[:KEEP_LOGINS],
    )
    return render(request, "accounts/security.html", context)


def _secret_groups(device: TOTPDevice) -> str:
    """The app's secret in base32 in groups of four, for typing it in by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_add(request):
    """Add an authenticator app: a QR code (SVG, made here), then the app's first code.

    Template: accounts/totp_add.html with `qr_code` (a data: URL), `secret` and `form`.
    The unconfirmed device is kept between attempts, so that the QR code stays the same.
    """
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by(
        "-pk"
    ).first() or TOTPDevice.objects.create(user=request.user, name="", confirmed=False)
    form = TOTPSetupForm(device, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device.name = form.cleaned_data["name"] or _("Authenticator app")
        device.confirmed = True
        device.save()
        if not request.user.is_verified():
            otp_login(request, device)
        messages.success(request, _("The authenticator app is set up."))
        return redirect("accounts:security")
    qr = segno.make(device.config_url, error="m")
    context = _context(
        request,
        _("Add an authenticator app"),
        form=form,
        qr_code=qr.svg_data_uri(scale=5, border=2),
        secret=_secret_groups(device),
    )
    return render(request, "accounts/totp_add.html", context)


@require_POST
def backup_codes(request):
    """New backup codes, shown this once; the old ones stop working.

    Template: accounts/backup_codes.html with `codes`. Only with a second factor in place.
    """
    if not has_second_factor(request.user):
        messages.error(request, _("Set up a passkey or an authenticator app first."))
        return redirect("accounts:security")
    with transaction.atomic():
        StaticDevice.objects.filter(user=request.user).delete()
        device = StaticDevice.objects.create(
            user=request.user, name=_("Backup codes"), confirmed=True
        )
        codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    context = _context(request, _("Your backup codes"), codes=codes)
    return render(request, "accounts/backup_codes.html", context)


_KINDS = {
    "passkey": WebAuthnCredential,
    "app": TOTPDevice,
    "backup": StaticDevice,
}


@require_POST
def factor_remove(request, kind, pk):
    """Remove one of the user's own factors; the user's other sessions end."""
    model = _KINDS.get(kind)
    if model is None:
        raise Http404
    get_object_or_404(model, pk=pk, user=request.user).delete()
    ended = end_other_sessions(request.user, keep=request.session.session_key)
    messages.success(
        request,
        _("Removed. Your other sessions have been ended (%(count)s).") % {"count": ended},
    )
    return redirect("accounts:security")
