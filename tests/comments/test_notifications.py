"""E-mails around comments (comments/notifications.py): to the post's author, and reply notices
with double opt-in and a signed unsubscribe link."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, DiscussionSettings, Subscription
from comments.services import set_status
from tests.comments.helpers import german, send_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

ANNA = "anna@example.net"
AUTHOR = "oliver@example.org"
# The one site address of the e-mails' links (settings.SITE_URL), not the host a
# request named: the test client's is http://testserver.
SITE = "https://blog.example.org"
LINK = re.compile(re.escape(SITE) + r"/\S+")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Send the comment form and run what the view leaves for after the commit (e-mails)."""

    def send(post, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return send_comment(client, post, **fields)

    return send


@pytest.fixture
def approve(django_capture_on_commit_callbacks):
    def approve(comment):
        with django_capture_on_commit_callbacks(execute=True):
            set_status(comment, Comment.Status.APPROVED)

    return approve


@pytest.fixture
def author_reply(author, django_capture_on_commit_callbacks):
    """The post's author answers a comment (approved at once)."""
    browser = Client()
    browser.force_login(author)

    def reply(parent, body):
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(
                reverse("comments:comment_create", kwargs={"post_id": parent.post_id}),
                {"body": body, "parent": str(parent.pk)},
            )
        assert response.status_code == 302
        return Comment.objects.latest("id")

    return reply


def _to(outbox, address):
    return [m for m in outbox if m.to == [address]]


def _links(message):
    return LINK.findall(message.body)


# The post's author


def test_author_hears_of_an_approved_comment(send, post, mailoutbox):
    """An approved comment: one e-mail to the post's author with a link to the comment."""
    CommentFactory(post=post, author_name="Anna", author_email=ANNA)
    send(post, body="Kopf hoch!")
    comment = Comment.objects.latest("id")
    [message] = mailoutbox
    assert message.to == [AUTHOR]
    assert message.subject == german("New comment on “%(title)s”") % {"title": "hartes training"}
    assert "Kopf hoch!" in message.body
    assert f"{SITE}{comment.get_absolute_url()}" in _links(message)


def test_author_gets_admin_links_for_a_held_comment(send, post, mailoutbox):
    """A held comment: the e-mail asks for moderation and links into the admin."""
    send(post, body="Erster Kommentar")
    comment = Comment.objects.get()
    [message] = mailoutbox
    assert message.to == [AUTHOR]
    assert message.subject == german("Please moderate: “%(title)s”") % {"title": "hartes training"}
    admin = SITE + reverse("admin:comments_comment_change", args=[comment.pk])
    links = _links(message)
    assert admin in links
    for action in ("approve", "spam", "trash"):
        url = reverse("admin:comments_comment_moderate", args=[comment.pk, action])
        assert f"{SITE}{url}" in links
    assert "Erster Kommentar" in message.body


def test_no_mail_for_spam(send, post, mailoutbox):
    """Spam bothers nobody."""
    send(post, honeypot="bot")
    assert Comment.objects.get().status == "spam"
    assert mailoutbox == []


def test_no_mail_for_the_authors_own_comment(author_reply, post, mailoutbox):
    """The author is not told about their own reply."""
    author_reply(CommentFactory(post=post), "danke")
    assert mailoutbox == []


def test_author_notice_can_be_switched_off(send, post, mailoutbox):
    """With "e-mail the post's author" off, no e-mail."""
    row = DiscussionSettings.load()
    row.notify_author = False
    row.save()
    send(post)
    assert mailoutbox == []


def test_a_name_with_line_breaks_cannot_inject_headers(send, post, mailoutbox):
    """What a commenter typed never reaches a header."""
    send(post, author_name="Anna\r\nBcc: victim@example.net")
    [message] = mailoutbox
    assert message.to == [AUTHOR]
    assert "victim" not in str(message.message()["Bcc"] or "")
    assert "\n" not in message.subject


def test_mail_failure_does_not_lose_the_comment(send, post, monkeypatch):
    """If the mail server is down, the comment is still saved and the visitor redirected."""

    def broken(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("comments.notifications.send_mail", broken)
    response = send(post, notify="on")
    assert response.status_code == 302
    assert Comment.objects.count() == 1


# Reply notices: double opt-in


def test_subscription_flow(send, approve, author_reply, post, mailoutbox):
    """Double opt-in, one e-mail per approved reply to one's own comment, then unsubscribe."""
    send(post, body="Was meint ihr?", notify="on")
    anna = Comment.objects.get()
    subscription = Subscription.objects.get()
    assert (subscription.comment, subscription.email, subscription.confirmed_at) == (
        anna,
        ANNA,
        None,
    )
    [confirmation] = _to(mailoutbox, ANNA)
    [confirm_url] = _links(confirmation)
    assert "/comments/subscription/confirm/" in confirm_url
    assert "unsubscribe" not in confirmation.body

    approve(anna)
    author_reply(anna, "Vor der Bestätigung")
    assert len(_to(mailoutbox, ANNA)) == 1  # still only the confirmation

    # A mail scanner following the link (GET) confirms nothing; the button (POST) does.
    browser = Client()
    assert browser.get(confirm_url).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    assert browser.post(confirm_url).status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_confirmed

    reply = author_reply(anna, "Nach der Bestätigung")
    notices = _to(mailoutbox, ANNA)[1:]
    assert len(notices) == 1
    [notice] = notices
    assert notice.subject == german("New reply to your comment on “%(title)s”") % {
        "title": "hartes training"
    }
    assert "Nach der Bestätigung" in notice.body
    reply_url, unsubscribe_url = _links(notice)
    assert reply_url == f"{SITE}{reply.get_absolute_url()}"
    assert "/comments/unsubscribe/" in unsubscribe_url

    # Replies to other comments on the post do not concern Anna.
    author_reply(CommentFactory(post=post), "an jemand anderen")
    assert len(_to(mailoutbox, ANNA)) == 2

    # Unsubscribing: GET shows a button, POST removes the subscription, without login.
    assert Client().get(unsubscribe_url).status_code == 200
    assert Subscription.objects.exists()
    assert Client().post(unsubscribe_url).status_code == 200
    assert not Subscription.objects.exists()
    author_reply(anna, "Nach der Abmeldung")
    assert len(_to(mailoutbox, ANNA)) == 2


def test_held_reply_notifies_once_approved(send, approve, post, mailoutbox):
    """A held reply tells the subscriber when it is approved, and only once."""
    anna = CommentFactory(post=post, author_name="Anna", author_email=ANNA)
    Subscription.objects.create(comment=anna, email=ANNA, confirmed_at=anna.created_at)
    send(post, parent=str(anna.pk), author_name="Bert", author_email="bert@example.net")
    reply = Comment.objects.get(author_name="Bert")
    assert reply.status == "pending"
    assert _to(mailoutbox, ANNA) == []

    approve(reply)
    assert len(_to(mailoutbox, ANNA)) == 1
    set_status(reply, Comment.Status.PENDING)
    approve(reply)
    assert len(_to(mailoutbox, ANNA)) == 1


def test_no_notice_for_replying_to_oneself(send, approve, post, mailoutbox):
    """A subscriber answering their own comment gets no e-mail about it."""
    anna = CommentFactory(post=post, author_name="Anna", author_email=ANNA)
    Subscription.objects.create(comment=anna, email=ANNA, confirmed_at=anna.created_at)
    send(post, parent=str(anna.pk), body="Nachtrag")
    assert Comment.objects.latest("id").status == "approved"
    assert _to(mailoutbox, ANNA) == []


def test_no_subscription_without_the_tick(send, post, mailoutbox):
    """Without "notify me", no subscription and no confirmation e-mail."""
    send(post)
    assert not Subscription.objects.exists()
    assert _to(mailoutbox, ANNA) == []


def test_spam_gets_no_subscription(send, post, mailoutbox):
    """A spam comment with the tick sends no confirmation (no mail bombing via our form)."""
    send(post, notify="on", honeypot="bot", author_email="victim@example.net")
    assert not Subscription.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("token", ["kaputt", "MQ:1tUu0Z:forged"])
def test_bad_confirmation_token(client, token):
    """A forged or broken confirmation link: a clear 400, nothing confirmed."""
    url = reverse("comments:subscription_confirm", args=[token])
    assert client.post(url).status_code == 400


def test_unsubscribe_token_cannot_confirm(post, client):
    """The two kinds of token are signed apart: an unsubscribe token confirms nothing."""
    from comments.notifications import unsubscribe_token

    subscription = Subscription.objects.create(comment=CommentFactory(post=post), email=ANNA)
    url = reverse("comments:subscription_confirm", args=[unsubscribe_token(subscription)])
    assert client.post(url).status_code == 400
    subscription.refresh_from_db()
    assert not subscription.is_confirmed
