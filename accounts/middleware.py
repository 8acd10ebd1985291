"""Who may go where once logged in (issue #16); after django-otp's OTPMiddleware.

- A staff session idle for longer than BLOG_STAFF_IDLE_MINUTES ends (0: never).
- A user with a second factor whose session has not passed it (a session from before
  the factor was set up elsewhere, or a login that went around the two steps) is
  logged out and asked to log in again.
- A user who must have a second factor (BLOG_REQUIRE_2FA) and has none sees only the
  security page (and what setting up a passkey needs, and the logout) until they set
  one up: right after the password step, before anything else.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .policy import asks_for_second_factor, must_have_second_factor

SEEN_KEY = "accounts_seen"
# The last-seen time is written at most this often (a session write per request costs).
SEEN_RESOLUTION = 60


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        if user.is_staff and self._idle_too_long(request):
            logout(request)
            return None
        if user.is_verified():
            return None
        if asks_for_second_factor(user):
            logout(request)
            return redirect(
                f"{reverse('admin:login')}?{urlencode({'next': request.path}, safe='/')}"
            )
        if must_have_second_factor(user) and not self._allowed_during_setup(request.path):
            return redirect("accounts:security")
        return None

    def _idle_too_long(self, request) -> bool:
        minutes = settings.BLOG_STAFF_IDLE_MINUTES
        if not minutes:
            return False
        now = int(time.time())
        seen = request.session.get(SEEN_KEY)
        if seen is not None and now - seen > minutes * 60:
            return True
        if seen is None or now - seen >= SEEN_RESOLUTION:
            request.session[SEEN_KEY] = now
        return False

    @staticmethod
    def _allowed_during_setup(path: str) -> bool:
        allowed = (
            reverse("accounts:security"),
            reverse("otp_webauthn:credential-registration-begin").rsplit("registration/", 1)[0],
            reverse("admin:logout"),
            reverse("admin:password_change"),
        )
        return path.startswith(allowed) or path.startswith(settings.STATIC_URL)
