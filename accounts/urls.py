"""The login's two steps and the security page, under the admin's address (issue #16).

config/urls.py includes this before admin.site.urls, so that /admin/login/ (the name
admin:login, which the admin redirects to) is the password step here.
"""

from django.contrib import admin
from django.urls import path

from . import security, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("security/", admin.site.admin_view(security.security), name="security"),
    path("security/app/", admin.site.admin_view(security.totp_add), name="totp_add"),
    path(
        "security/backup-codes/",
        admin.site.admin_view(security.backup_codes),
        name="backup_codes",
    ),
    path(
        "security/remove/<str:kind>/<int:pk>/",
        admin.site.admin_view(security.factor_remove),
        name="factor_remove",
    ),
]
