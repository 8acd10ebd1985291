from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordPressConfig(AppConfig):
    name = "wordpress"
    verbose_name = _("Moving from WordPress")

    def ready(self):
        from blog import feeds

        from .feeds import comment_links

        # The comment count and links WordPress's RSS items carry (#13).
        feeds.register_item_extras(comment_links)
