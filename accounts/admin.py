"""The libraries' own admin pages for devices go: each user manages their own factors on
the security page, and nobody else sees their secrets (least privilege, issue #16); the
administrator at the server has `manage.py reset_second_factors`."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential

for _model in (TOTPDevice, StaticDevice, WebAuthnCredential, WebAuthnAttestation):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
