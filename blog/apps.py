from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        from core import pagecache

        from . import search, signals  # noqa: F401  (their receivers)
        from .site import page_lifetime

        # Pages show the published posts: none is kept past the next scheduled one.
        pagecache.limit_lifetime(page_lifetime)
