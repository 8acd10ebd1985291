"""The admin's login in two steps and the security page (issue #16).

Step one is the admin's password form (django-axes counts wrong passwords). A user with a
second factor is not logged in yet: the session only remembers who passed the password,
for a few minutes, and step two asks for a code of the authenticator app or a backup
code (wrong codes count for django-axes too), or a passkey (django-otp-webauthn's views).
A passkey alone logs in from step one as well.
"""

import time
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from .forms import CodeForm
from .policy import asks_for_second_factor

PENDING_KEY = "accounts_pending_login"
# Minutes between the password and the second factor.
PENDING_SECONDS = 5 * 60


def _admin_context(request, title) -> dict:
    return {**admin.site.each_context(request), "title": title, "subtitle": None}


def _next_url(request) -> str:
    """The page asked for before the login, if it is on this site; else the admin's index."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


class PasswordStepView(LoginView):
    """Step one: user name and password, in the admin's login page.

    Template: accounts/login.html (the admin's login look), with a passkey button and
    "Passwort vergessen?".
    """

    template_name = "accounts/login.html"

    def get_form_class(self):
        from django.contrib.admin.forms import AdminAuthenticationForm

        return AdminAuthenticationForm

    def get_default_redirect_url(self):
        return reverse("admin:index")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_admin_context(self.request, _("Log in")))
        context["app_path"] = self.request.get_full_path()
        context["next"] = _next_url(self.request)
        return context

    def form_valid(self, form: AuthenticationForm):
        user = form.get_user()
        if not asks_for_second_factor(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
        }
        target = reverse("accounts:verify")
        return HttpResponseRedirect(
            f"{target}?{urlencode({'next': _next_url(self.request)}, safe='/')}"
        )


def login(request):
    """The admin's login (admin:login's address); a staff user already in goes to the index."""
    if request.method == "GET" and request.user.is_active and request.user.is_staff:
        return redirect("admin:index")
    return PasswordStepView.as_view()(request)


def _pending_user(request):
    """The user who passed the password step a moment ago in this session, or None."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    return user, pending["backend"]


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify(request):
    """Step two: a code of the authenticator app, a backup code, or a passkey.

    Template: accounts/verify.html with `form` (CodeForm) and `next`. Without a fresh
    password step in this session it sends back to step one.
    """
    user, backend = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect(
            f"{reverse('admin:login')}?{urlencode({'next': _next_url(request)}, safe='/')}"
        )
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return get_lockout_response(request, None, credentials)

    form = CodeForm(user, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            del request.session[PENDING_KEY]
            auth_login(request, user, backend=backend)
            otp_login(request, form.device)
            return HttpResponseRedirect(_next_url(request))
        # A wrong code counts like a wrong password (django-axes locks the pair out).
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    context = {
        **_admin_context(request, _("Second step of the login")),
        "form": form,
        "next": _next_url(request),
        "pending_username": user.get_username(),
    }
    return render(request, "accounts/verify.html", context)
