from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db import apps as tasks_db_apps


class CoreConfig(AppConfig):
    """The platform under the blog: caching, middlewares, HTTP helpers, backups.

    It imports no other app of the project; the apps above it plug in through hooks
    (core/pagecache.py).
    """

    name = "core"

    def ready(self):
        from django.contrib import admin

        from .jobs_admin import register

        # The admin has discovered every app's admin by now (its config comes first).
        register(admin.site)


class BackgroundJobsConfig(tasks_db_apps.TasksAppConfig):
    """django-tasks-db (the queue of core/jobs.py) under a name the admin shows."""

    default = False  # core's own config stays CoreConfig
    verbose_name = _("Background jobs")
