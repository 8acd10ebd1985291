"""The author's reply to a fediverse comment goes back to the fediverse (issue #15).

A local HTTP server stands in for the Mastodon inbox and records what it is sent.
"""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.urls import reverse

from blog.models import SiteSettings
from comments import services
from comments.models import Comment
from fediverse import outgoing_replies, replies
from fediverse.keys import actor_url, key_for
from fediverse.signatures import parse_cavage

from .replies_helpers import (  # noqa: F401  (fixtures: site)
    NOTE,
    SITE,
    make_actor,
    post_id,
    reply,
    site_fixture,
)

pytestmark = pytest.mark.django_db
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


class Inbox(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.append((self.path, dict(self.headers.items()), body))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(name="inbox_server")
def inbox_server_fixture():
    """The mock inbox on a free port of loopback (test runs side by side never clash)."""
    Inbox.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Inbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def inbox(inbox_server):
    return Inbox.received


@pytest.fixture
def fediverse_on(site, settings):
    settings.FEDIVERSE_ALLOW_LOOPBACK = True
    site_settings = SiteSettings.load()
    site_settings.fediverse_enabled = True
    site_settings.save()


@pytest.fixture
def remote_comment(fediverse_on, post, inbox_server):
    port = inbox_server.server_address[1]
    alice = make_actor(inbox=f"http://127.0.0.1:{port}/users/alice/inbox", shared_inbox="")
    replies.create_note(reply(post_id(post)), alice)
    return Comment.objects.get()


def activities_sent(received) -> list[dict]:
    return [json.loads(body) for _path, _headers, body in received]


def signed_by(author, path: str, headers: dict) -> bool:
    """Whether the request's draft-cavage signature verifies with the author's key."""
    headers = {name.lower(): value for name, value in headers.items()}
    signature = parse_cavage(headers["signature"])
    lines = []
    for name in signature["headers"].split():
        value = f"post {path}" if name == "(request-target)" else headers[name]
        lines.append(f"{name}: {value}")
    public = serialization.load_pem_public_key(key_for(author).public_key_pem.encode())
    try:
        public.verify(
            base64.b64decode(signature["signature"]),
            "\n".join(lines).encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except Exception:
        return False
    return signature["keyid"] == actor_url(author) + "#main-key"


def test_the_authors_reply_from_the_admin_is_delivered_as_a_reply(
    client, author, post, remote_comment, inbox, django_capture_on_commit_callbacks
):
    author.is_superuser = True  # may moderate and answer in the admin
    author.save()
    client.force_login(author)
    url = reverse("admin:comments_comment_reply", args=[remote_comment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": "Ja, auch für *Django* 5.2."})
    assert response.status_code == 302
    answer = Comment.objects.get(parent=remote_comment)
    remote_comment.refresh_from_db()
    assert remote_comment.status == Comment.Status.APPROVED  # answering approves

    assert len(inbox) == 1
    path, headers, _body = inbox[0]
    assert path == "/users/alice/inbox"
    assert signed_by(author, path, headers)
    (create,) = activities_sent(inbox)
    note = create["object"]
    assert create["type"] == "Create" and note["type"] == "Note"
    assert create["actor"] == note["attributedTo"] == actor_url(author)
    assert note["id"] == f"{SITE}/ap/comments/{answer.pk}"
    assert note["inReplyTo"] == NOTE
    assert note["to"] == ["https://mastodon.example/users/alice"]
    assert PUBLIC in note["cc"] and f"{SITE}/ap/users/oliver/followers" in note["cc"]
    assert note["tag"] == [
        {
            "type": "Mention",
            "href": "https://mastodon.example/users/alice",
            "name": "@alice@mastodon.example",
        }
    ]
    assert '<a href="https://mastodon.example/@alice" class="u-url mention">' in note["content"]
    assert "<em>Django</em> 5.2." in note["content"]


def test_an_edit_is_an_update_and_trash_a_delete(
    author, post, remote_comment, inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.reply_as_author(parent=remote_comment, user=author, body="Erst so.")
    with django_capture_on_commit_callbacks(execute=True):
        answer.body = "Dann so."
        answer.save()
    with django_capture_on_commit_callbacks(execute=True):
        answer.save()  # nothing changed: nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        services.set_status(answer, Comment.Status.TRASH)
    kinds = [(a["type"], a["object"]["type"]) for a in activities_sent(inbox)]
    assert kinds == [("Create", "Note"), ("Update", "Note"), ("Delete", "Tombstone")]
    update, delete = activities_sent(inbox)[1:]
    assert "Dann so." in update["object"]["content"]
    assert delete["object"]["id"] == f"{SITE}/ap/comments/{answer.pk}"


def test_a_deleted_reply_is_deleted_there(
    author, post, remote_comment, inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.reply_as_author(parent=remote_comment, user=author, body="Hallo")
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_comments([answer])
    kinds = [a["type"] for a in activities_sent(inbox)]
    assert kinds == ["Create", "Delete"]


def test_replies_to_local_comments_and_with_the_switch_off_stay_here(
    author, post, remote_comment, inbox, django_capture_on_commit_callbacks
):
    local = Comment.objects.create(
        post=post, author_name="Anna", body="Hallo", status=Comment.Status.APPROVED
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_as_author(parent=local, user=author, body="Hallo Anna")
    site_settings = SiteSettings.load()
    site_settings.fediverse_enabled = False
    site_settings.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_as_author(parent=remote_comment, user=author, body="Hallo Alice")
    assert inbox == []


def test_the_reply_is_an_object_mastodon_can_fetch_and_answer(
    client, author, post, remote_comment, inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.reply_as_author(parent=remote_comment, user=author, body="Gern!")
    object_url = f"/ap/comments/{answer.pk}"
    response = client.get(object_url, HTTP_ACCEPT="application/activity+json")
    assert response.status_code == 200
    assert response.json()["id"] == SITE + object_url
    assert response.json()["inReplyTo"] == NOTE
    browser = client.get(object_url)
    assert browser.status_code == 302 and browser["Location"].endswith(f"#comment-{answer.pk}")
    local = Comment.objects.create(
        post=post, author_name="Anna", body="Hallo", status=Comment.Status.APPROVED
    )
    assert client.get(f"/ap/comments/{local.pk}", HTTP_ACCEPT="application/json").status_code == 404

    # Alice answers the author's reply: it lands under it.
    bob_note = NOTE + "-2"
    alice = outgoing_replies.remote_writer(remote_comment)
    replies.create_note(reply(SITE + object_url, note_id=bob_note), alice)
    assert Comment.objects.get(remote_id=bob_note).parent == answer
