"""Background jobs (issue #15, core/jobs.py and core/jobs_admin.py) on the database backend.

The worker of django-tasks-db runs here in-process (its Worker class, `--batch`): jobs are
enqueued, run, fail, come back after a doubling pause, give up and show in the admin.
tests/ops/test_jobs_worker.py runs the worker command as a process, `make run`, a refusing
mail server and RQ on Redis.
"""

import datetime
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from core import jobs
from tests.core import jobs_for_tests
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE


def work_off() -> None:
    """What `manage.py db_worker --batch` does: run every job that is due, then stop.

    In the test's transaction: the worker's check for stale connections would close the
    one connection it lives in (PostgreSQL), so it is left out here.
    """
    with mock.patch(f"{Worker.__module__}.close_old_connections"):
        _worker().run()


def _worker() -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def time_passes() -> None:
    """Make every waiting job due now (what the pause would do)."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


def rows():
    return list(DBTaskResult.objects.order_by("enqueued_at", "started_at"))


def test_backoff_doubles_up_to_the_cap():
    delays = [jobs.backoff_delay(n, backoff=30, max_backoff=200) for n in range(1, 6)]
    assert delays == [30, 60, 120, 200, 200]


def test_a_job_waits_in_the_database_until_the_worker_runs_it(database_queue, tmp_path):
    log = tmp_path / "runs"
    result = jobs_for_tests.flaky.enqueue(str(log), 0)
    assert not log.exists()
    [row] = rows()
    assert row.status == TaskResultStatus.READY
    assert row.task_path == "tests.core.jobs_for_tests.flaky"
    work_off()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == 1
    assert str(row.id) == result.id


def test_a_failing_job_is_retried_later_with_doubling_pauses(database_queue, tmp_path):
    log = tmp_path / "runs"
    jobs_for_tests.flaky.enqueue(str(log), 2)
    before = timezone.now()
    work_off()
    first, second = rows()
    assert first.status == TaskResultStatus.FAILED
    assert first.exception_class_path == "core.jobs.Retrying"
    assert "ConnectionRefusedError: run 1 refused" in first.traceback
    # The next attempt waits 30 s: the worker, run again at once, leaves it alone.
    assert second.status == TaskResultStatus.READY
    assert second.args_kwargs["kwargs"] == {jobs.ATTEMPT: 2}
    assert before + datetime.timedelta(seconds=30) <= second.run_after
    assert second.run_after <= timezone.now() + datetime.timedelta(seconds=30)
    work_off()
    assert log.read_text() == "1"

    time_passes()
    before = timezone.now()
    work_off()
    third = rows()[-1]
    assert before + datetime.timedelta(seconds=60) <= third.run_after  # doubled
    assert third.args_kwargs["kwargs"] == {jobs.ATTEMPT: 3}

    time_passes()
    work_off()
    assert [r.status for r in rows()] == [
        TaskResultStatus.FAILED,
        TaskResultStatus.FAILED,
        TaskResultStatus.SUCCESSFUL,
    ]
    assert rows()[-1].return_value == 3
    assert log.read_text() == "3"


def test_a_job_gives_up_after_its_retries(database_queue, tmp_path):
    log = tmp_path / "runs"
    jobs_for_tests.flaky.enqueue(str(log), 99)
    for _ in range(6):
        time_passes()
        work_off()
    # retries=3: four attempts in all, then nothing is scheduled any more.
    assert log.read_text() == "4"
    assert [r.exception_class_path for r in rows()] == ["core.jobs.Retrying"] * 3 + [
        "builtins.ConnectionRefusedError"
    ]
    assert all(r.status == TaskResultStatus.FAILED for r in rows())


def test_give_up_stops_at_once(database_queue, tmp_path):
    log = tmp_path / "runs"
    jobs_for_tests.permanent.enqueue(str(log))
    for _ in range(3):
        time_passes()
        work_off()
    assert log.read_text() == "1"
    [row] = rows()
    assert row.exception_class_path == "core.jobs.GiveUp"


def test_enqueue_on_commit_joins_the_transaction_on_the_database_backend(database_queue, tmp_path):
    """The job row is written with the data it needs, and goes with a rollback."""
    with transaction.atomic():
        jobs.enqueue_on_commit(jobs_for_tests.touch, str(tmp_path / "kept"), "x")
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue_on_commit(jobs_for_tests.touch, str(tmp_path / "lost"), "x")
        raise RuntimeError
    assert [r.args_kwargs["args"][0] for r in rows()] == [str(tmp_path / "kept")]


def test_the_immediate_backend_of_the_test_suite_runs_retries_in_line(tmp_path):
    log = tmp_path / "runs"
    result = jobs_for_tests.flaky.enqueue(str(log), 2)
    assert log.read_text() == "3"
    assert result.status == TaskResultStatus.FAILED  # the first attempt; the third succeeded
    assert not DBTaskResult.objects.exists()


# The admin: failed jobs, for superusers only, with a retry


@pytest.fixture
def gave_up(database_queue, tmp_path):
    """A job that failed four times (and would succeed now: the file says so)."""
    log = tmp_path / "runs"
    jobs_for_tests.flaky.enqueue(str(log), 4)
    for _ in range(4):
        time_passes()
        work_off()
    return DBTaskResult.objects.exclude(exception_class_path="core.jobs.Retrying").get()


def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


CHANGELIST = "admin:django_tasks_database_dbtaskresult_changelist"


def test_the_admin_lists_the_failed_job_with_its_error(gave_up):
    client = superuser_client()
    page = client.get(reverse(CHANGELIST) + "?outcome=failed").content.decode()
    assert page.count('class="field-task_name"') == 1
    assert "ConnectionRefusedError: run 4 refused" in page
    detail = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[gave_up.pk])
    ).content.decode()
    assert "Traceback" in detail
    assert "flaky" in detail
    retried = client.get(reverse(CHANGELIST) + "?outcome=retried").content.decode()
    assert retried.count('class="field-task_name"') == 3


def test_retry_puts_the_failed_job_back_and_the_worker_runs_it(gave_up):
    client = superuser_client()
    response = client.post(
        reverse(CHANGELIST),
        {"action": "retry", "_selected_action": [str(gave_up.pk)]},
        follow=True,
    )
    assert "1 fehlgeschlagener Job ist wieder in der Warteschlange." in response.content.decode()
    gave_up.refresh_from_db()
    assert gave_up.status == TaskResultStatus.READY
    assert gave_up.args_kwargs["kwargs"] == {}  # a fresh round of attempts
    work_off()
    gave_up.refresh_from_db()
    assert gave_up.status == TaskResultStatus.SUCCESSFUL
    assert gave_up.return_value == 5
    assert len(gave_up.worker_ids) == 2


def test_only_superusers_see_the_jobs(gave_up):
    from django.contrib.auth.models import Permission

    editor = UserFactory(is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(content_type__app_label="django_tasks_database")
    )
    client = Client()
    client.force_login(editor)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "dbtaskresult" not in index
    assert "dbtaskresult" in superuser_client().get(reverse("admin:index")).content.decode()


def test_the_jobs_admin_speaks_german(gave_up):
    client = superuser_client()
    page = client.get(
        reverse(CHANGELIST) + "?outcome=failed", headers={"accept-language": "de"}
    ).content.decode()
    assert "Hintergrundjobs" in page
    assert "Fehlgeschlagen (aufgegeben)" in page
    assert "Ausgewählte fehlgeschlagene Jobs erneut versuchen" in page


def test_the_plain_function_runs_once_without_retries(database_queue, tmp_path):
    log = tmp_path / "runs"
    with pytest.raises(ConnectionRefusedError):
        jobs_for_tests.flaky.func.__wrapped__(str(log), 1)
    assert log.read_text() == "1"
    assert not DBTaskResult.objects.exists()
