"""`manage.py unlock_account USER`: lift the lockout after too many wrong logins (issue #16).

Deletes django-axes' failed attempts for the user name (from every address) and resets
the wait that django-otp imposes after wrong codes.
"""

from axes.utils import reset
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp import devices_for_user


class Command(BaseCommand):
    help = "Unlock a user locked out after too many wrong passwords or codes."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        attempts = reset(username=username)
        for device in devices_for_user(user, confirmed=None):
            if hasattr(device, "throttle_reset"):
                device.throttle_reset()
        self.stdout.write(f"Unlocked {username!r} ({attempts} failed attempt record(s) removed).")
