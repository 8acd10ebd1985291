from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebmentionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webmentions"
    verbose_name = _("Webmentions")

    def ready(self):
        from . import signals  # noqa: F401
