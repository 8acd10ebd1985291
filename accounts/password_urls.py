"""Django's password-reset views in the admin's look: "Passwort vergessen?" (issue #16).

Without a namespace: the admin's templates link to `admin_password_reset` and the views
to `password_reset_done`, `password_reset_confirm` and `password_reset_complete`. The
answer is the same whether the address belongs to an account or not (Django's view);
the link is valid for PASSWORD_RESET_TIMEOUT (BLOG_PASSWORD_RESET_MINUTES).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path


class _AdminLook:
    """The admin's header and title for the password-reset pages."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**admin.site.each_context(self.request), **context}


class PasswordResetView(_AdminLook, auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        # The link points at the blog's configured address, never at the request's host.
        self.extra_email_context = {
            "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            "site_url": settings.SITE_URL,
        }
        return super().form_valid(form)


class PasswordResetDoneView(_AdminLook, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(_AdminLook, auth_views.PasswordResetConfirmView):
    pass


class PasswordResetCompleteView(_AdminLook, auth_views.PasswordResetCompleteView):
    pass


urlpatterns = [
    path("password_reset/", PasswordResetView.as_view(), name="admin_password_reset"),
    path("password_reset/done/", PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
