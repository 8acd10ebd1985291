"""Background jobs with retries (issue #15), on Django's tasks API (the django-tasks backport).

Anything slow or fallible that a request would otherwise wait for (sending e-mail, delivering
to a remote inbox, fetching a remote page) is a job. Define it at module level with ``job``
and enqueue it with ``enqueue_on_commit``::

    from core import jobs

    @jobs.job(retries=5, backoff=30)
    def deliver(inbox_url: str, activity_id: int) -> None:
        ...  # raise to retry; raise jobs.GiveUp("410 Gone") to stop retrying

    jobs.enqueue_on_commit(deliver, inbox.url, activity.pk)

Rules for a job:
- Module-level function (the worker imports it by its dotted path), arguments that survive
  JSON (ids and strings, never model instances: load the rows inside the job).
- Idempotent enough to run twice: a worker that dies mid-job leaves it to be retried by hand.
- A failing run (any exception) is retried as a new job, ``backoff`` seconds later, doubling
  each time (30 s, 60 s, 120 s, … at most ``max_backoff``), up to ``retries`` times after the
  first attempt. The failed attempt's row keeps its traceback with ``Retrying`` on top; the
  last one keeps the job's own exception and is what the admin lists as a failed job
  ("Background jobs" under the technical section, superusers only) with a "retry" action.
  ``GiveUp`` stops at once (a permanent error: 404/410 from a remote, a bad address).

Where it runs (``BLOG_TASKS``, config/settings.py; README "Background jobs"): the
database backend (django-tasks-db) by default, worked off by ``manage.py db_worker``
(``make run`` starts one beside the server; deploy/blog-worker.service in production);
``BLOG_TASKS=rq`` for RQ on Redis when more than one machine works the queue; the test suite
uses the immediate backend (jobs run in-line, so ``mail.outbox`` is filled as before), and
tests/core/test_jobs.py the other two for real.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task, task_backends
from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

logger = logging.getLogger(__name__)

# The keyword argument that carries the attempt number (1 for the first run) from one
# attempt to the next; the job function never sees it.
ATTEMPT = "_attempt"


class GiveUp(Exception):
    """Raised by a job for a permanent failure: no further attempt is made."""


class Retrying(Exception):
    """Recorded on an attempt that failed and was scheduled again (the cause is chained)."""


def backoff_delay(attempt: int, *, backoff: float, max_backoff: float) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): doubling."""
    return min(backoff * 2 ** (attempt - 1), max_backoff)


def job(
    function: Callable | None = None,
    *,
    retries: int = 5,
    backoff: float = 30,
    max_backoff: float = 6 * 3600,
    priority: int = 0,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
) -> Any:
    """Make ``function`` a django-tasks ``Task`` whose failing runs are retried with backoff.

    Use as ``@job`` or ``@job(retries=…, backoff=…)``. The result is an ordinary Task:
    ``.enqueue(*args)`` and ``.using(run_after=…)`` work as django-tasks documents them;
    ``.call(*args)`` runs it here as a worker would (a failure enqueues the next attempt).
    The plain function, without retries, is ``the_job.func.__wrapped__``.
    """

    def decorate(func: Callable) -> Task:
        holder: dict[str, Task] = {}

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            attempt = int(kwargs.pop(ATTEMPT, 1))
            try:
                return func(*args, **kwargs)
            except GiveUp:
                raise
            except Exception as exc:
                if attempt > retries:
                    logger.error(
                        "Job %s gave up after %d attempts: %r", func.__qualname__, attempt, exc
                    )
                    raise
                delay = backoff_delay(attempt, backoff=backoff, max_backoff=max_backoff)
                nxt = _schedule_retry(holder["task"], args, kwargs, attempt + 1, delay)
                raise Retrying(
                    f"attempt {attempt} of {retries + 1} failed; attempt {attempt + 1} "
                    f"scheduled in {delay:g} s as {nxt}"
                ) from exc

        run.job_retries = retries  # type: ignore[attr-defined]
        run.job_backoff = backoff  # type: ignore[attr-defined]
        holder["task"] = task(run, priority=priority, queue_name=queue_name, backend=backend)
        return holder["task"]

    if function is not None:
        return decorate(function)
    return decorate


def _schedule_retry(the_task: Task, args: tuple, kwargs: dict, attempt: int, delay: float) -> str:
    backend = the_task.get_backend()
    kwargs = {**kwargs, ATTEMPT: attempt}
    if backend.supports_defer:
        run_after = timezone.now() + datetime.timedelta(seconds=delay)
        result = the_task.using(run_after=run_after).enqueue(*args, **kwargs)
    else:
        # The immediate backend (tests) cannot wait: the next attempt runs now.
        result = the_task.enqueue(*args, **kwargs)
    return str(result.id)


def runs_in_transaction(the_task: Task) -> bool:
    """Whether enqueueing ``the_task`` belongs inside the current transaction.

    The database backend writes the job into the same database: enqueued inside the
    transaction, the job becomes visible to the worker exactly when the data it needs does,
    and vanishes with a rollback. The immediate and dummy backends run or record it in-line.
    Any other backend (RQ) must wait for the commit, or its worker could look for rows that
    are not there yet.
    """
    backend = task_backends[the_task.backend]
    if isinstance(backend, ImmediateBackend | DummyBackend):
        return True
    return isinstance(backend, DatabaseBackend)


def enqueue_on_commit(the_task: Task, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``the_task(*args, **kwargs)`` once the current transaction commits.

    Outside a transaction it is enqueued at once. Never raises for a broken queue after the
    commit (``robust``): the failure is logged, the request's work stays saved.
    """
    if runs_in_transaction(the_task):
        the_task.enqueue(*args, **kwargs)
        return
    transaction.on_commit(functools.partial(the_task.enqueue, *args, **kwargs), robust=True)


def attempt_of(args_kwargs: dict) -> int:
    """The attempt number recorded in a stored job's arguments (1 for the first run)."""
    return int((args_kwargs or {}).get("kwargs", {}).get(ATTEMPT, 1))
