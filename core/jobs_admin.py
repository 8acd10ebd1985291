"""The admin of background jobs (issue #15): what ran, what failed, a retry by hand.

The rows are django-tasks-db's task results (the database backend's queue, core/jobs.py).
Superusers only: a job's arguments and tracebacks are technical and may name addresses.
Nothing here can be added or edited; the one thing to do is "Retry", which puts a failed
job back into the queue as it was, for a fresh round of attempts.
"""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_tasks import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult, get_date_max

from .jobs import ATTEMPT, attempt_of

RETRYING = "core.jobs.Retrying"
# What django-tasks(-db) show in the admin in English only (the model's and its fields'
# names, the states), here so that the German catalogue carries them.
PACKAGE_MESSAGES = (
    _("Task Result"),
    _("Task Results"),
    _("status"),
    _("enqueued at"),
    _("started at"),
    _("finished at"),
    _("args kwargs"),
    _("priority"),
    _("task path"),
    _("worker id"),
    _("queue name"),
    _("backend name"),
    _("run after"),
    _("return value"),
    _("exception class path"),
    _("traceback"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)


class OutcomeFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [
            ("failed", _("Failed (gave up)")),
            ("retried", _("Failed, tried again")),
            ("waiting", _("Waiting or running")),
            ("done", _("Done")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "failed":
            return queryset.failed().exclude(exception_class_path=RETRYING)
        if value == "retried":
            return queryset.failed().filter(exception_class_path=RETRYING)
        if value == "waiting":
            return queryset.filter(
                Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING)
            )
        if value == "done":
            return queryset.successful()
        return queryset


class JobAdmin(DBTaskResultAdmin):
    list_display = ("task_name", "outcome", "attempt", "enqueued_at", "finished_at", "error")
    list_filter = (OutcomeFilter, "queue_name")
    list_display_links = ("task_name",)
    search_fields = ("task_path", "exception_class_path")
    actions = ["retry"]
    list_per_page = 50

    @admin.display(description=_("outcome"))
    def outcome(self, obj: DBTaskResult) -> str:
        if obj.status == TaskResultStatus.FAILED:
            if obj.exception_class_path == RETRYING:
                return _("Failed, tried again")
            return _("Failed (gave up)")
        if obj.status == TaskResultStatus.SUCCESSFUL:
            return _("Done")
        if obj.status == TaskResultStatus.RUNNING:
            return _("Running")
        if obj.run_after != get_date_max() and obj.run_after > timezone.now():
            return _("Waiting until %(time)s") % {
                "time": timezone.localtime(obj.run_after).strftime("%d.%m.%Y %H:%M")
            }
        return _("Waiting")

    @admin.display(description=_("attempt"))
    def attempt(self, obj: DBTaskResult) -> int:
        return attempt_of(obj.args_kwargs)

    @admin.display(description=_("error"))
    def error(self, obj: DBTaskResult) -> str:
        if obj.status != TaskResultStatus.FAILED:
            return ""
        last_line = (obj.traceback or "").strip().splitlines()[-1:] or [""]
        return format_html("<code>{}</code>", last_line[0][:200])

    # Superusers only, whatever a group's permissions say.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_retry_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    @admin.action(description=_("Retry the selected failed jobs"), permissions=["retry"])
    def retry(self, request, queryset):
        """Back into the queue as they were, with a fresh round of attempts."""
        count = 0
        for row in queryset.failed().exclude(exception_class_path=RETRYING):
            kwargs = {k: v for k, v in row.args_kwargs.get("kwargs", {}).items() if k != ATTEMPT}
            row.args_kwargs = {**row.args_kwargs, "kwargs": kwargs}
            row.status = TaskResultStatus.READY
            row.run_after = get_date_max()
            row.finished_at = None
            row.save(update_fields=["args_kwargs", "status", "run_after", "finished_at"])
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d failed job is back in the queue.",
                "%(count)d failed jobs are back in the queue.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


def register(site) -> None:
    """Replace django-tasks-db's own admin of the task results with ours."""
    if site.is_registered(DBTaskResult):
        site.unregister(DBTaskResult)
    site.register(DBTaskResult, JobAdmin)
