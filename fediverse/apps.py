from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FediverseConfig(AppConfig):
    name = "fediverse"
    verbose_name = _("Fediverse")

    def ready(self):
        from . import follows, signals  # noqa: F401  (their handlers and receivers)
