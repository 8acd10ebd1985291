"""The second step of the login and the set-up of an authenticator app (issue #16)."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def normalise_code(raw: str) -> str:
    """A code as typed, without spaces and hyphens, in lower case (backup codes are)."""
    return "".join(raw.split()).replace("-", "").lower()


class CodeForm(forms.Form):
    """A six-digit code of the authenticator app or one of the backup codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    error_messages = {
        "wrong_code": _("This code is not valid. Please try again."),
    }

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        self.device = self.matching_device(code)
        if self.device is None:
            raise forms.ValidationError(self.error_messages["wrong_code"], code="wrong_code")
        return code

    def matching_device(self, code: str):
        """The user's app or backup-code list that accepts the code (a backup code is used up)."""
        with transaction.atomic():
            if code.isdigit():
                devices = TOTPDevice.objects.devices_for_user(self.user, confirmed=True)
            else:
                devices = StaticDevice.objects.devices_for_user(self.user, confirmed=True)
            for device in devices.select_for_update():
                if device.verify_token(code):
                    return device
        return None


class TOTPSetupForm(forms.Form):
    """The first code of a newly scanned authenticator app, which confirms it."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    name = forms.CharField(
        label=_("Name of the app or device"),
        max_length=64,
        required=False,
        help_text=_("For example “Phone”, so that you know it again in the list."),
    )

    def __init__(self, device: TOTPDevice, *args, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not code.isdigit() or not self.device.verify_token(code):
            raise forms.ValidationError(
                _("This code does not match. Check the time on your phone and try again."),
                code="wrong_code",
            )
        return code
