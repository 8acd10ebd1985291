"""`manage.py reset_second_factors USER`: remove a user's passkeys, apps and backup codes.

For the administrator at the server when someone lost their phone and passkey (issue
#16). The user's sessions end; at the next login they set up a new factor (and must, if
BLOG_REQUIRE_2FA requires one).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.sessions import end_other_sessions


class Command(BaseCommand):
    help = "Remove all second factors (passkeys, authenticator apps, backup codes) of a user."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        with transaction.atomic():
            removed = sum(
                model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
                for model in (WebAuthnCredential, TOTPDevice, StaticDevice)
            )
        sessions = end_other_sessions(user)
        self.stdout.write(
            f"Removed {removed} second factor(s) of {username!r} and ended {sessions} session(s)."
        )
