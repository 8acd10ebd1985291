from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The platform under the blog: caching, middlewares, HTTP helpers, backups.

    It imports no other app of the project; the apps above it plug in through hooks
    (core/pagecache.py).
    """

    name = "core"
