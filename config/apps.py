from django.contrib.admin.apps import AdminConfig


class BlogAdminConfig(AdminConfig):
    default_site = "config.admin.BlogAdminSite"

    def ready(self):
        super().ready()
        from django.contrib import admin

        from .technical import restrict_to_superusers

        # After autodiscover(): every app's admin is registered (issue #12).
        restrict_to_superusers(admin.site)
