"""The background worker as it runs in production and under `make run` (issue #15).

- `manage.py db_worker` as a process beside a server: a comment's e-mail goes to a mail
  server on loopback that refuses the first connection (tests/core/smtp_server.py); the
  worker retries, the mail arrives, SIGTERM ends the worker cleanly.
- `make run`: the worker starts beside runserver and runs jobs; Ctrl-C (SIGINT to the
  terminal's process group) ends both.
- RQ (BLOG_TASKS=rq) on the machine's Redis, database 5: `manage.py rqworker
  --with-scheduler --job-class django_tasks_rq.Job` runs the comment's e-mail and a job
  retried after a second.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.smtp_server import FakeSMTPServer
from tests.live import LiveServer
from tests.live.server import BASE_DIR

pytestmark = pytest.mark.ops

SMTP_PORT = 18511
RUN_PORT = 18520
RQ_REDIS = "redis://127.0.0.1:6379/5"

SETUP = """
from django.contrib.auth import get_user_model
from blog.models import Post
from comments.models import DiscussionSettings
DiscussionSettings.objects.update_or_create(pk=1, defaults={"flood_seconds": 0})
author = get_user_model().objects.create_user("oliver", "oliver@example.org")
post = Post.objects.create(title="Hartes Training", body="Intervalle.", status="published",
                           author=author)
print(post.pk)
"""

FIELDS = {
    "author_name": "Jürgen",
    "author_email": "juergen@example.net",
    "author_url": "",
    "captcha": "passed",
    "honeypot": "",
    "body": "Kopf hoch!",
}

JOBS = """
from django_tasks_db.models import DBTaskResult
for row in DBTaskResult.objects.order_by("enqueued_at"):
    print(row.task_path, row.status, row.exception_class_path or "-")
"""

DUE_NOW = """
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now()))
"""


def wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def smtp_env(port: int) -> dict:
    return {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(port),
        "DJANGO_EMAIL_TIMEOUT": "5",
    }


def post_comment(server: LiveServer, post_id: str) -> None:
    response = server.session().post(f"/comments/post/{post_id}/", FIELDS)
    assert response.status == 302, response.text[:2000]


def start_worker(server: LiveServer, *command: str) -> subprocess.Popen:
    log = open(server.tmp / "worker.log", "a+")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=BASE_DIR,
        env=server.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


def test_db_worker_retries_a_refused_mail_until_it_arrives(tmp_path):
    with (
        FakeSMTPServer(SMTP_PORT, refuse=1) as smtp,
        LiveServer(tmp_path, "gunicorn", env=smtp_env(SMTP_PORT)) as server,
    ):
        post_id = server.shell(SETUP).strip()
        post_comment(server, post_id)
        # The request only queued the mail.
        assert smtp.connections == 0
        assert server.shell(JOBS).split() == [
            "comments.notifications.post_author_mail",
            "READY",
            "-",
        ]
        worker = start_worker(server, "db_worker", "--interval", "0.2", "--no-startup-delay")
        try:
            wait_for(lambda: smtp.connections == 1 and "Retrying" in server.shell(JOBS), "refusal")
            assert smtp.messages == []
            server.shell(DUE_NOW)  # the minute of the first pause goes by
            wait_for(lambda: smtp.messages, "the mail")
        finally:
            assert stop(worker) == 0
        [(_sender, recipients, raw)] = smtp.messages
        assert recipients == ["oliver@example.org"]
        assert b"Kopf hoch!" in raw or b"Kopf hoch" in raw.replace(b"=\r\n", b"")
        statuses = [line.split()[1] for line in server.shell(JOBS).splitlines()]
        assert statuses == ["FAILED", "SUCCESSFUL"]


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_make_run_starts_a_worker_and_ctrl_c_stops_both(tmp_path):
    env = LiveServer(tmp_path, "runserver", start=False).env
    env["DJANGO_SUPERUSER_PASSWORD"] = "Ein-Passwort-fuer-den-Test-42"
    done = tmp_path / "done"
    assert not _port_answers(RUN_PORT)
    make = subprocess.Popen(
        # The venv is there already: `install` (pip) is not run again.
        ["make", "-o", "install", "-o", ".venv/.installed", "run", f"PORT={RUN_PORT}"]
        + ["DEMO=0", f"PY={sys.executable}"],
        cwd=BASE_DIR,
        env=env,
        stdout=open(tmp_path / "make.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        wait_for(lambda: make.poll() is not None or _port_answers(RUN_PORT), "runserver", 120)
        assert make.poll() is None, (tmp_path / "make.log").read_text()
        code = (
            "from tests.core import jobs_for_tests\n"
            f"jobs_for_tests.touch.enqueue({str(done)!r}, 'erledigt')\n"
        )
        subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=BASE_DIR,
            env={**env, "BLOG_TASKS": "database"},
            check=True,
            timeout=120,
        )
        wait_for(done.exists, "the worker of make run", 60)
        assert done.read_text() == "erledigt"
    finally:
        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C in the terminal
        make.wait(timeout=60)

    def group_gone() -> bool:
        try:
            os.killpg(make.pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_for(group_gone, "runserver and the worker to end", 30)
    assert not _port_answers(RUN_PORT)


# RQ on the machine's Redis (database 5)


@pytest.fixture
def rq_redis():
    import redis

    client = redis.Redis.from_url(RQ_REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def test_rq_worker_sends_the_comment_mail_and_retries(tmp_path, rq_redis):
    env = {"BLOG_TASKS": "rq", "BLOG_TASKS_REDIS_URL": RQ_REDIS, **smtp_env(SMTP_PORT)}
    log = Path(tmp_path / "runs")
    with (
        FakeSMTPServer(SMTP_PORT) as smtp,
        LiveServer(tmp_path, "gunicorn", env=env) as server,
    ):
        post_id = server.shell(SETUP).strip()
        post_comment(server, post_id)
        enqueue = f"jobs_for_tests.flaky_soon.enqueue({str(log)!r}, 1)"
        server.shell(f"from tests.core import jobs_for_tests\n{enqueue}")
        assert smtp.connections == 0
        assert rq_redis.llen("rq:queue:default") == 2  # waiting in Redis, not in the database
        worker = start_worker(
            server, "rqworker", "--with-scheduler", "--job-class", "django_tasks_rq.Job", "default"
        )
        try:
            wait_for(lambda: smtp.messages, "the mail through RQ")
            wait_for(lambda: log.exists() and log.read_text() == "2", "the retried job", 60)
        finally:
            stop(worker)
        [(_sender, recipients, _raw)] = smtp.messages
        assert recipients == ["oliver@example.org"]
