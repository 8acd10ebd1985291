"""Two blogs on loopback, each its own runserver and database: B links to a post of A,
sends the Webmention over HTTP, A's worker verifies it later and holds it as a comment;
once B removes the link, A takes it back (issue #15)."""

import json
import socket

from tests.live import LiveServer
from tests.live.server import free_port


def _server(tmp, name, port, env):
    server = LiveServer(tmp / name, "runserver", start=False, env=env)
    server.port = port
    server.host = f"127.0.0.1:{port}"
    server.env["BLOG_SITE_URL"] = f"http://{server.host}"
    return server.start()


def _port(avoid=()):
    for port in range(18850, 18900):
        if port not in avoid:
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    return free_port()


def test_one_blog_sends_a_webmention_to_another(tmp_path):
    port_a = _port()
    port_b = _port({port_a})
    common = {"BLOG_WEBMENTIONS_ALLOW_LOOPBACK": "1"}
    a = _server(tmp_path, "a", port_a, {**common, "BLOG_TASKS": "database"})
    b = _server(
        tmp_path, "b", port_b, {**common, "BLOG_TASKS": "immediate", "BLOG_WEBMENTIONS_SEND": "1"}
    )
    with a, b:
        target = a.shell(
            "from tests.factories import PostFactory\n"
            f"print({a.url('')!r} + PostFactory(title='Laufen').get_absolute_url())"
        ).strip()
        assert a.get(target.removeprefix(a.url(""))).headers["Link"] == (
            f'<{a.url("/webmention/")}>; rel="webmention"'
        )
        # B publishes a post that links to A's: the save sends (B's jobs run in-line).
        sent = b.shell(
            "import json\n"
            "from tests.factories import PostFactory\n"
            "from webmentions.models import SentWebmention\n"
            f"post = PostFactory(title='Antwort', body='Gelesen: [Laufen]({target}).')\n"
            "row = SentWebmention.objects.get()\n"
            "print(json.dumps([post.get_absolute_url(), row.target, row.endpoint,"
            " row.response_status]))"
        )
        path_b, sent_target, endpoint, status = json.loads(sent)
        assert (sent_target, endpoint, status) == (target, a.url("/webmention/"), 202)
        source = b.url(path_b)

        state = (
            "from webmentions.models import Webmention as W\n"
            "from comments.models import Comment as C\n"
        )
        # Received and queued; nothing fetched until A's worker runs.
        assert a.shell(state + "print(W.objects.get().status, C.objects.count())").split() == [
            "queued",
            "0",
        ]
        a.manage("db_worker", "--batch", "--no-startup-delay")
        found = a.shell(
            state + "c = C.objects.get()\n"
            "print(W.objects.get().status, W.objects.get().kind, c.status, c.origin, c.remote_id)"
        ).split()
        assert found == ["accepted", "mention", "pending", "webmention", source]

        a.shell(
            "from comments.models import Comment\nfrom comments.services import set_status\n"
            "set_status(Comment.objects.get(), 'approved')"
        )
        page = a.get(target.removeprefix(a.url(""))).text
        assert f'via <a href="{source}" rel="external nofollow ugc">127.0.0.1</a>' in page

        # B takes the link out: the removed link is notified, A takes the comment back.
        b.shell(
            "from blog.models import Post\n"
            "post = Post.objects.get(title='Antwort')\n"
            "post.body = 'Doch nicht.'\npost.save()"
        )
        a.manage("db_worker", "--batch", "--no-startup-delay")
        assert a.shell(state + "print(W.objects.get().status, C.objects.get().status)").split() == [
            "rejected",
            "trash",
        ]
        assert source not in a.get(target.removeprefix(a.url(""))).text
