"""Comment e-mails go through the queue (issue #15, comments/notifications.py, core/jobs.py).

On the database backend: the comment POST only writes a job, the worker sends the mail.
A mail server on loopback that refuses first (tests/core/smtp_server.py) makes the job
retry; the mail arrives when the server takes it again, and nothing is lost.
"""

import email

import pytest
from django.core import mail
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from tests.comments.helpers import send_comment as send_form
from tests.core.smtp_server import FakeSMTPServer
from tests.core.test_jobs import DATABASE, time_passes, work_off

pytestmark = pytest.mark.django_db

SMTP_PORT = 18510
AUTHOR = "oliver@example.org"


@pytest.fixture
def queued(settings):
    settings.TASKS = DATABASE


@pytest.fixture
def send_comment(django_capture_on_commit_callbacks):
    """The comment form, with what the view leaves for after its commit (the enqueueing)."""

    def send(client, post, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return send_form(client, post, **fields)

    return send


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = SMTP_PORT
    settings.EMAIL_TIMEOUT = 5


def test_the_comment_post_sends_no_mail_the_worker_does(
    queued, send_comment, client, post, mailoutbox
):
    response = send_comment(client, post, body="Kopf hoch!")
    assert response.status_code == 302
    assert mailoutbox == []  # not inside the request
    [job] = DBTaskResult.objects.all()
    assert job.task_path == "comments.notifications.post_author_mail"
    assert job.args_kwargs["args"] == [Comment.objects.get().pk]
    work_off()
    [message] = mail.outbox
    assert message.to == [AUTHOR]
    assert "Kopf hoch!" in message.body


def test_a_refusing_mail_server_delays_the_mail_and_loses_nothing(
    queued, smtp, send_comment, client, post
):
    with FakeSMTPServer(SMTP_PORT, refuse=2) as server:
        assert send_comment(client, post, body="Kopf hoch!").status_code == 302
        assert server.connections == 0  # the request never spoke to the mail server
        work_off()
        time_passes()
        work_off()
        assert server.messages == []
        outcomes = DBTaskResult.objects.order_by("enqueued_at").values_list(
            "status", "exception_class_path"
        )
        assert list(outcomes) == [
            (TaskResultStatus.FAILED, "core.jobs.Retrying"),
            (TaskResultStatus.FAILED, "core.jobs.Retrying"),
            (TaskResultStatus.READY, ""),
        ]
        time_passes()
        work_off()
        [(sender, recipients, raw)] = server.messages
    assert server.connections == 3
    assert recipients == [AUTHOR]
    message = email.message_from_bytes(raw)
    assert "Kopf hoch!" in message.get_payload(decode=True).decode()
    assert DBTaskResult.objects.order_by("-enqueued_at").first().status == (
        TaskResultStatus.SUCCESSFUL
    )


def test_a_mail_to_a_vanished_comment_is_not_sent(queued, send_comment, client, post, mailoutbox):
    send_comment(client, post, body="gleich weg")
    Comment.objects.all().delete()
    work_off()
    assert mailoutbox == []
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
