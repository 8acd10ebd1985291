"""Comment errors a person meets on a running server (issue #10).

A database on a full disk or a read-only file system, a form sent in Latin-1, a dead
reply-notification link: each is answered by the blog's own German page, and what the
commenter typed is on it. The disk and the file system are real: a small tmpfs filled to
the last page, and a bind mount of it remounted read-only (both need root, as CI runs;
elsewhere the tests skip). gunicorn with DEBUG off, as the blog runs in production.
"""

import errno
import os
import sqlite3
import subprocess
import time
from urllib.parse import quote

import pytest

from tests.html import comment_form_values, one, parse
from tests.live import LiveServer, csrf_token

TEXT = "Mein langer Text mit Umlauten: Größe, Übung 😉\nzweite Zeile"
FORM = {
    "body": TEXT,
    "author_name": "Jürgen",
    "author_email": "juergen@example.net",
    "author_url": "https://juergen.example",
    "captcha": "passed",
    "parent": "",
}
POST = (
    "from tests.factories import PostFactory, UserFactory\n"
    "post = PostFactory(title='hartes training', author=UserFactory(username='oliver'))\n"
    "print(post.pk, post.get_absolute_url())\n"
)


def _new_post(server) -> tuple[str, str]:
    """A published post taking comments: its comment endpoint and its address."""
    pk, url = server.shell(POST).split()
    return f"/comments/post/{pk}/", url


def _mount(*args) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, text=True)


def _umount(path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True).returncode:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _fill(directory) -> None:
    """Write a file into `directory` until its file system has no byte left."""
    with open(directory / "filler", "wb", buffering=0) as filler:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    filler.write(b"\0" * size)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
    assert os.statvfs(directory).f_bavail == 0


@pytest.fixture
def mounted(tmp_path):
    """A running blog whose database lies on its own 8 MB tmpfs (`disk`), opened by the
    server through a bind mount of it (`view`) that the test may make read-only.

    The server opens the database anew for every request (DJANGO_CONN_MAX_AGE=0), so
    that the bind mount can be remounted between requests; a connection of the test's
    own, through `disk`, keeps SQLite's WAL index there, which a read-only opener needs.
    """
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    disk, view = tmp_path / "disk", tmp_path / "view"
    disk.mkdir()
    view.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk))
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    holder = server = None
    try:
        _mount("--bind", str(disk), str(view))
        server = LiveServer(
            tmp_path / "server",
            "gunicorn",
            workers=1,
            env={
                "DATABASE_URL": f"sqlite:///{view / 'blog.sqlite3'}",
                "DJANGO_CONN_MAX_AGE": "0",
            },
        )
        holder = sqlite3.connect(disk / "blog.sqlite3")
        holder.execute("SELECT count(*) FROM comments_comment").fetchall()
        create_url, post_url = _new_post(server)
        # A reader looks at the post before commenting, as a commenter does.
        assert server.get(post_url).status == 200
        yield server, disk, view, holder, create_url
    finally:
        if server is not None:
            server.stop()
        if holder is not None:
            holder.close()
        _umount(view)
        _umount(disk)


def _stored(holder, body: str) -> int:
    return holder.execute(
        "SELECT count(*) FROM comments_comment WHERE body = ?", [body]
    ).fetchone()[0]


def _assert_kept_on_a_503(server, response) -> dict:
    """The blog's 503 page: German, Retry-After, the comment form filled in as sent."""
    assert response.status == 503, f"{response.status}\n{server.errors()}"
    assert int(response.headers["Retry-After"]) > 0
    assert response.content_type == "text/html"
    page = response.text
    assert one(parse(page), "h1").clean_text == (
        "Dein Kommentar konnte gerade nicht gespeichert werden"
    )
    assert "Dein Text steht unten, damit nichts verloren geht." in page
    fields = comment_form_values(page)
    for name in ("body", "author_name", "author_email", "author_url"):
        assert fields[name] == FORM[name], name
    return fields


def test_a_comment_on_a_full_disk_is_503_with_the_text_then_goes_through(mounted):
    """Disk full: the blog's 503 page with the form filled in; with space again, the same
    form sent once more is saved."""
    server, disk, _view, holder, create_url = mounted
    session = server.session()
    _fill(disk)
    response = session.post(create_url, FORM)
    fields = _assert_kept_on_a_503(server, response)
    assert _stored(holder, TEXT) == 0
    (disk / "filler").unlink()
    again = session.post(create_url, {**fields, "captcha": "passed"})
    assert again.status == 302, f"{again.status}\n{again.text[:3000]}"
    assert _stored(holder, TEXT) == 1


def test_a_comment_on_a_read_only_database_is_503_with_the_text_then_goes_through(mounted):
    """Read-only file system: the blog's 503 page with the form filled in; writable
    again, the same form sent once more is saved."""
    server, _disk, view, holder, create_url = mounted
    session = server.session()
    _remount(view, "ro")
    with pytest.raises(OSError, match="Read-only"):
        (view / "probe").write_text("x")
    response = session.post(create_url, FORM)
    fields = _assert_kept_on_a_503(server, response)
    assert _stored(holder, TEXT) == 0
    _remount(view, "rw")
    again = session.post(create_url, {**fields, "captcha": "passed"})
    assert again.status == 302, f"{again.status}\n{again.text[:3000]}"
    assert _stored(holder, TEXT) == 1


def _remount(path, mode: str) -> None:
    """Remount the bind mount read-only or writable; retried while a request still
    holds the database open (the mount is then busy)."""
    for _attempt in range(50):
        done = subprocess.run(
            ["mount", "-o", f"remount,{mode},bind", str(path)], capture_output=True, text=True
        )
        if done.returncode == 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"cannot remount {path} {mode}: {done.stderr}")


# A server with an ordinary database


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("errors"), "gunicorn", workers=1) as server:
        create_url, _post_url = _new_post(server)
        yield server, create_url


LATIN1 = 'Größe üben, "Straße" à la carte'


def test_a_comment_form_in_latin1_is_the_blogs_400_with_the_text(blog):
    """A form sent as ISO-8859-1: the blog's German 400 page with the text readable."""
    server, create_url = blog
    body = (
        f"body={quote(LATIN1, encoding='latin-1')}"
        f"&author_name={quote('Jürgen', encoding='latin-1')}"
        "&author_email=juergen%40example.net&captcha=passed"
    ).encode("ascii")
    response = server.request(
        "POST",
        create_url,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=iso-8859-1",
            "Origin": f"http://{server.host}",
        },
    )
    assert response.status == 400, f"{response.status}\n{server.errors()}"
    page = response.text
    assert one(parse(page), "h1").clean_text == "Dein Kommentar konnte nicht gespeichert werden"
    assert "nicht in UTF-8" in page or "Zeichenkodierung" in page
    fields = comment_form_values(page)
    assert fields["body"] == LATIN1
    assert fields["author_name"] == "Jürgen"


def test_other_requests_django_cannot_read_get_the_blogs_400(blog):
    """Django's bare English 400 page is replaced by the blog's German one: a Latin-1 form
    to the admin's login, a request for a host the blog does not serve."""
    server, _create_url = blog
    session = server.session()
    token = csrf_token(session.get("/admin/login/").text)
    form = session.request(
        "POST",
        "/admin/login/",
        body=f"csrfmiddlewaretoken={token}&username=j%FCrgen&password=x".encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=iso-8859-1",
            "Origin": f"http://{server.host}",
        },
    )
    host = server.get("/", headers={"Host": "evil.example"})
    for response in (form, host):
        assert response.status == 400, f"{response.status}\n{server.errors()}"
        elements = parse(response.text)
        assert one(elements, "h1").clean_text == "Diese Anfrage konnte nicht gelesen werden."
        assert one(elements, "html").attrs["lang"] == "de"
        assert "Bad Request" not in response.text


EXPIRED_TOKEN = (
    "import time\n"
    "from unittest import mock\n"
    "from comments.models import Comment, Subscription\n"
    "from comments.notifications import confirm_token\n"
    "from tests.factories import CommentFactory\n"
    "comment = CommentFactory(post_id={pk})\n"
    "subscription = Subscription.objects.create(comment=comment, email='anna@example.net')\n"
    "with mock.patch('time.time', return_value=time.time() - 8 * 24 * 3600):\n"
    "    print(confirm_token(subscription))\n"
)


def test_an_expired_or_forged_confirmation_link_has_its_own_heading(blog):
    """A dead reply-notification link says so in its heading, not that a comment failed."""
    server, create_url = blog
    pk = create_url.strip("/").split("/")[-1]
    expired = server.shell(EXPIRED_TOKEN.format(pk=pk)).strip()
    for token in (expired, "MQ:1tUu0Z:forged"):
        response = server.get(f"/comments/subscription/confirm/{token}/")
        assert response.status == 400, (token, response.status)
        assert one(parse(response.text), "h1").clean_text == (
            "Dieser Bestätigungslink ist ungültig oder abgelaufen"
        )
        assert "Dein Kommentar konnte nicht gespeichert werden" not in response.text
