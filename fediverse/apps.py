from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FediverseConfig(AppConfig):
    name = "fediverse"
    verbose_name = _("Fediverse")

    def ready(self):
        # The handlers of incoming activities register themselves (fediverse/registry.py):
        # follows (Follow, Undo of a Follow) and replies (notes, likes, boosts: issue #15).
        from . import follows, replies, signals  # noqa: F401
