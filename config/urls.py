"""Root URLconf: admin, i18n, sitemap, then the apps. The blog comes last (its page catch-all)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.views.static import serve

from blog.sitemaps import SITEMAPS

handler400 = "blog.errors.bad_request"
handler500 = "blog.views.server_error"


def media(request, path):
    """An upload from MEDIA_ROOT (read per request, so that tests may point it elsewhere)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    # Before the admin: its login in two steps, the security page and the password
    # reset (accounts/, issue #16), passkeys (django-otp-webauthn).
    path("admin/", include("accounts.urls")),
    path("admin/", include("accounts.password_urls")),
    path("admin/webauthn/", include("django_otp_webauthn.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # An index of sections of at most 2,000 addresses each (blog/sitemaps.py).
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS}, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("", include("comments.urls")),
    path("", include("webmentions.urls")),
    # WebFinger, NodeInfo, actors and inboxes (issue #15); 404 while the switch is off.
    path("", include("fediverse.urls")),
    # Our comments as ActivityPub objects, and the inbox's handlers for replies (#15).
    path("", include("fediverse.reply_urls")),
    # Uploads, in every mode the README documents: runserver and gunicorn without nginx,
    # DEBUG on or off (a FileResponse with Last-Modified). nginx, when in front, serves
    # /media/ from disk itself (deploy/nginx.conf). Tested in tests/live/test_media.py.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media"),
    path("", include("blog.urls")),
]
