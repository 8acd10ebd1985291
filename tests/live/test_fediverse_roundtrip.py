"""Issue #15's acceptance test: a Mastodon account on a second server follows the author,
gets the next post, replies; the author approves the reply in the admin, sees it in the
thread, answers it; the answer reaches Mastodon; the remote Delete takes the reply away.

The blog is runserver with its own `db_worker` (deliveries are background jobs), the
fediverse switched on and loopback allowed. The "Mastodon" is a small HTTP server in the
test process with its own key pair: its actor document (Mastodon's shape,
tests/fediverse/ap_server.py), WebFinger, and an inbox that records every POST and
checks the blog's signature (draft-cavage, as Mastodon does) with the key from the
blog's actor document; its own requests are signed with tests/fediverse/ap_signing.py.
The author works in Chromium. Background work is awaited by polling what arrived, with
a deadline.
"""

import base64
import hashlib
import json
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from playwright.sync_api import expect

from fediverse.keys import new_key_pair
from tests.fediverse.ap_server import actor_document
from tests.fediverse.ap_signing import cavage_headers
from tests.live import LiveServer
from tests.live.server import BASE_DIR, free_port

pytestmark = pytest.mark.browser

PASSWORD = "Richtig-Pferd-Batterie-42"
ACTIVITY_JSON = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
# Where the thread with the approved reply is photographed, to look at (not kept).
SCREENSHOT = "/tmp/h9-thread.png"  # noqa: S108
WAIT = 60  # seconds a background job may take to arrive (a deadline, not a measurement)


def _port() -> int:
    """A free port of this test's range (18700–18799), tried in a random order so that
    two runs at once rarely pick the same; else any free port."""
    for port in random.sample(range(18700, 18800), 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    return free_port()


@dataclass
class Arrival:
    path: str
    activity: dict
    verified: bool
    problem: str = ""


@dataclass
class Mastodon:
    """The stand-in server: one account, alice, and what its inboxes received."""

    port: int
    documents: dict = field(default_factory=dict)
    arrivals: list = field(default_factory=list)
    keys: dict = field(default_factory=dict)  # the blog's keys, by keyId
    server: ThreadingHTTPServer = None

    def __post_init__(self):
        self.base = f"http://127.0.0.1:{self.port}"
        self.actor = f"{self.base}/users/alice"
        self.private_key_pem, public_key = new_key_pair()
        self.key_id = self.actor + "#main-key"
        self.documents["/users/alice"] = actor_document(self.base, "alice", public_key)
        self.documents["/.well-known/webfinger"] = {
            "subject": f"acct:alice@127.0.0.1:{self.port}",
            "links": [{"rel": "self", "type": ACTIVITY_JSON, "href": self.actor}],
        }

    # Serving

    def start(self) -> "Mastodon":
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def verify(self, method: str, path: str, headers, body: bytes) -> str:
        """Why the blog's signature does not hold ("" when it does)."""
        signature = dict(re.findall(r'(\w+)="([^"]*)"', headers.get("Signature", "")))
        if not {"keyId", "signature"} <= signature.keys():
            return "no signature"
        names = signature.get("headers", "date").split()
        if not {"(request-target)", "host", "date", "digest"} <= set(names):
            return f"signs too little: {names}"
        digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
        if headers.get("Digest") != digest:
            return "digest does not match the body"
        values = {"(request-target)": f"{method.lower()} {path}"}
        text = "\n".join(f"{n}: {values.get(n) or headers.get(n, '')}" for n in names)
        key_id = signature.get("keyId", "")
        try:
            key = serialization.load_pem_public_key(self._blog_key(key_id).encode())
            key.verify(
                base64.b64decode(signature.get("signature", "")),
                text.encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except Exception as exc:  # noqa: BLE001  (any failure is a refusal)
            return f"signature does not verify: {exc!r}"
        if json.loads(body).get("actor") != key_id.split("#")[0]:
            return "signed by someone else than the activity's actor"
        return ""

    def _blog_key(self, key_id: str) -> str:
        """The public key in the blog's actor document (fetched once, as Mastodon caches)."""
        if key_id not in self.keys:
            document = get_json(key_id.split("#")[0])
            assert document["publicKey"]["id"] == key_id
            self.keys[key_id] = document["publicKey"]["publicKeyPem"]
        return self.keys[key_id]

    # What arrived

    def wait_for(self, what: str, test, timeout: float = WAIT) -> Arrival:
        """The first verified arrival that `test` accepts; fails after the deadline."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for arrival in list(self.arrivals):
                if arrival.verified and test(arrival.activity):
                    return arrival
            time.sleep(0.2)
        raise AssertionError(f"no {what} arrived; received: {self.arrivals!r}")

    # Sending, signed as alice

    def post(self, blog: LiveServer, path: str, activity: dict) -> int:
        body = json.dumps(activity).encode()
        headers = cavage_headers(path, body, self, host=blog.host)
        headers["Content-Type"] = ACTIVITY_JSON
        return blog.request("POST", path, body=body, headers=headers).status


def _handler(mastodon: Mastodon):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body: bytes = b"", content_type=ACTIVITY_JSON):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            document = mastodon.documents.get(self.path.split("?")[0])
            if document is None:
                self._answer(404)
            else:
                self._answer(200, json.dumps(document).encode())

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            problem = mastodon.verify("POST", self.path, self.headers, body)
            activity = json.loads(body) if not problem else {}
            mastodon.arrivals.append(Arrival(self.path, activity, not problem, problem))
            self._answer(401 if problem else 202)

    return Handler


def get_json(url: str, accept: str = ACTIVITY_JSON) -> dict:
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 (http only)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


@pytest.fixture
def blog(tmp_path):
    """The blog on runserver and its job worker; the author "oliver" with an older post."""
    blog_port = _port()
    env = {"BLOG_TASKS": "database", "FEDIVERSE_ALLOW_LOOPBACK": "1"}
    server = LiveServer(tmp_path / "blog", "runserver", start=False, env=env)
    server.port, server.host = blog_port, f"127.0.0.1:{blog_port}"
    server.env["BLOG_SITE_URL"] = f"http://{server.host}"
    with server.start():
        # Our runserver answers, not another one that took the port meanwhile.
        assert server.process.poll() is None, server.output()
        server.create_superuser("oliver", PASSWORD)
        # An author is an actor once they have published: a first post, written while
        # the fediverse was off (so no one was told of it), then the switch goes on.
        server.shell(
            "from django.contrib.auth import get_user_model\n"
            "from blog.models import Post, SiteSettings\n"
            "Post.objects.create(title='Erster Lauf', slug='erster-lauf', status='published',"
            " body='Schon gelesen.', author=get_user_model().objects.get(username='oliver'))\n"
            "site = SiteSettings.load()\nsite.fediverse_enabled = True\nsite.save()"
        )
        with open(server.tmp / "worker.log", "a+") as log:
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--queue-name", "*"]
                + ["--no-reload", "--no-startup-delay", "--interval", "0.2"],
                cwd=BASE_DIR,
                env=server.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                yield server
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()


@pytest.fixture
def mastodon(blog):
    """The stand-in on a free port of the range (the blog's is taken by then)."""
    stand_in = Mastodon(_port()).start()
    yield stand_in
    stand_in.stop()


def _note(mastodon: Mastodon, in_reply_to: str, author_actor: str) -> dict:
    note_id = f"{mastodon.actor}/statuses/1"
    note = {
        "id": note_id,
        "type": "Note",
        "inReplyTo": in_reply_to,
        "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "url": f"{mastodon.base}/@alice/1",
        "attributedTo": mastodon.actor,
        "to": [PUBLIC],
        "cc": [f"{mastodon.actor}/followers", author_actor],
        "sensitive": False,
        "atomUri": note_id,
        "content": "<p>Schöner Lauf! Wie lang war die Strecke?</p>",
        "tag": [{"type": "Mention", "href": author_actor, "name": "@oliver"}],
    }
    mastodon.documents["/users/alice/statuses/1"] = note
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": note_id + "/activity",
        "type": "Create",
        "actor": mastodon.actor,
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }


def test_a_mastodon_account_follows_replies_and_deletes(browser, blog, mastodon, tmp_path):
    # Alice finds the author by WebFinger and reads the actor document.
    handle = f"acct:oliver@{blog.host}"
    finger = get_json(
        blog.url(f"/.well-known/webfinger?resource={quote(handle)}"), "application/jrd+json"
    )
    author_actor = next(link["href"] for link in finger["links"] if link["rel"] == "self")
    assert author_actor == blog.url("/ap/users/oliver")
    actor = get_json(author_actor)
    inbox_path = actor["inbox"].removeprefix(blog.url(""))

    # She follows; the Accept comes to her inbox, signed by the author.
    follow_id = f"{mastodon.actor}#follows/1"
    follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": follow_id,
        "type": "Follow",
        "actor": mastodon.actor,
        "object": author_actor,
    }
    assert mastodon.post(blog, inbox_path, follow) == 202
    accept = mastodon.wait_for(
        "Accept", lambda a: a["type"] == "Accept" and a["object"]["id"] == follow_id
    )
    assert accept.activity["actor"] == author_actor

    # The author logs in and publishes a post in the admin.
    author = browser.new_context(locale="de-DE")
    page = author.new_page()
    page.goto(blog.url("/admin/"))
    page.locator("#id_username").fill("oliver")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(blog.url("/admin/blog/post/add/"))
    page.locator("#id_title").fill("Am Rhein entlang")
    page.locator("#id_body").fill("Heute früh **zwölf Kilometer** am Rhein.")
    page.locator("#id_status").select_option("published")
    page.locator("input[name=_save]").click()
    expect(page.locator("ul.messagelist li.success")).to_have_count(1)

    # It reaches Alice's (shared) inbox as a Create of an Article with its permalink.
    create = mastodon.wait_for(
        "Create of the post",
        lambda a: a["type"] == "Create" and a["object"].get("name") == "Am Rhein entlang",
    )
    article = create.activity["object"]
    assert create.path == "/inbox"
    assert article["attributedTo"] == author_actor
    assert PUBLIC in create.activity["to"] + create.activity["cc"]
    post_url = article["url"]
    assert post_url.startswith(blog.url("/"))

    # Alice replies; the reply is held for moderation, not shown.
    reply = _note(mastodon, article["id"], author_actor)
    note_id = reply["object"]["id"]
    assert mastodon.post(blog, inbox_path, reply) == 202
    reader = browser.new_context(locale="de-DE")
    visitor = reader.new_page()
    visitor.goto(post_url)
    expect(visitor.locator(".comment-body", has_text="Schöner Lauf!")).to_have_count(0)

    # The author sees it held in the comment list and approves it.
    page.goto(blog.url("/admin/comments/comment/?status=pending"))
    row = page.locator("#result_list tbody tr", has_text="Schöner Lauf!")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Alice")
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()
    expect(page.locator("ul.messagelist li.success")).to_have_count(1)

    # In the thread, for every reader: her name, her profile, "via Mastodon", no e-mail.
    visitor.goto(post_url)
    comment = visitor.locator("li[id^=comment-]", has_text="Schöner Lauf!")
    expect(comment).to_have_count(1)
    expect(comment.locator(".comment-via")).to_contain_text("Mastodon")
    expect(comment.locator(f"a[href='{mastodon.base}/@alice']")).to_contain_text("Alice")
    expect(comment.locator("a[href^='mailto:']")).to_have_count(0)
    comment.screenshot(path=SCREENSHOT)
    comment_pk = comment.get_attribute("id").removeprefix("comment-")

    # The author answers from the admin; Mastodon gets it as a reply to Alice's note.
    page.goto(blog.url(f"/admin/comments/comment/{comment_pk}/change/"))
    page.locator("#id_reply_body").fill("Danke, Alice! Es waren zwölf Kilometer.")
    page.locator(".reply-box input[type=submit]").click()
    expect(page.locator("ul.messagelist li.success")).to_have_count(1)
    answer = mastodon.wait_for(
        "the author's reply",
        lambda a: a["type"] == "Create" and a["object"].get("inReplyTo") == note_id,
    )
    assert answer.activity["object"]["type"] == "Note"
    assert answer.activity["object"]["attributedTo"] == author_actor
    assert mastodon.actor in answer.activity["object"]["to"]
    assert "zwölf Kilometer" in answer.activity["object"]["content"]

    # Alice deletes her reply: it goes from the thread; the author's answer stays (one
    # level up, as in WordPress: nothing the author wrote is lost).
    delete = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": note_id + "#delete",
        "type": "Delete",
        "actor": mastodon.actor,
        "to": [PUBLIC],
        "object": {"id": note_id, "type": "Tombstone", "atomUri": note_id},
    }
    assert mastodon.post(blog, inbox_path, delete) == 202
    visitor.goto(post_url)
    expect(visitor.locator("li[id^=comment-]", has_text="Schöner Lauf!")).to_have_count(0)
    expect(visitor.locator("li.depth-1.bypostauthor", has_text="Danke, Alice!")).to_have_count(1)

    # Every request of the pages done before the server goes.
    for context, tab in ((author, page), (reader, visitor)):
        tab.wait_for_load_state("networkidle")
        context.close()
    assert [a for a in mastodon.arrivals if not a.verified] == []
    assert " 500 " not in blog.output()
