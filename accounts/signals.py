"""Every login is recorded, whichever way it came (password, code, passkey)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .sessions import record_login


@receiver(user_logged_in, dispatch_uid="accounts.record_login")
def _record_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        record_login(request, user)
