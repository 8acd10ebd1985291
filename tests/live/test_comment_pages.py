"""Comment pages behind the page cache (issue #14): gunicorn with two workers, page and
fragment caches on, as a production server runs.

Each comment page is a page of its own in the cache, and a new comment shows at once
on the page that holds it, and only there.
"""

import re
import shutil
import time

import pytest

from tests.live import LiveServer

SETUP = """
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from blog.models import Post
from comments.models import Comment, DiscussionSettings
from comments.services import recount
DiscussionSettings.objects.update_or_create(pk=1, defaults={
    "page_comments": True, "comments_per_page": 2, "flood_seconds": 0,
    "require_previous_approval": False})
author = get_user_model().objects.create_user("oliver", "oliver@example.org")
post = Post.objects.create(title="Hartes Training", body="Intervalle.", status="published",
                           author=author)
start = timezone.now() - datetime.timedelta(days=1)
ids = []
for n in range(1, 6):
    comment = Comment.objects.create(
        post=post, author_name=f"Leser {n}", author_email=f"leser{n}@example.net",
        body=f"Oben {n}", status="approved", created_at=start + datetime.timedelta(hours=n))
    ids.append(comment.pk)
recount(post)
print(post.pk, post.get_absolute_url(), *ids)
"""

FIELDS = {
    "author_name": "Jürgen",
    "author_email": "juergen@example.net",
    "author_url": "",
    "captcha": "passed",
    "honeypot": "",
}


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("blog"), "gunicorn") as server:
        post_id, url, *ids = server.shell(SETUP).split()
        # Workers read the content version's stamp at most once a second.
        time.sleep(1.5)
        yield server, int(post_id), url, [int(i) for i in ids]


def _bodies(html: str) -> list[str]:
    return re.findall(r"<p>((?:Oben|Antwort|Neu) [^<]*)</p>", html)


def _cached(server, path: str) -> str:
    """The page at `path` once it comes from the page cache (a few tries at most)."""
    for _ in range(20):
        response = server.get(path)
        assert response.status == 200, f"{path}: {response.status}\n{server.errors()}"
        if response.headers["X-Page-Cache"] == "hit":
            return response.text
        time.sleep(0.25)
    raise AssertionError(f"{path} never came from the page cache")


def test_pages_cached_apart_and_a_new_comment_on_its_page(blog):
    server, post_id, url, ids = blog
    page1, page2 = f"{url}comment-page-1/", f"{url}comment-page-2/"
    assert _bodies(_cached(server, page1)) == ["Oben 1", "Oben 2"]
    assert _bodies(_cached(server, page2)) == ["Oben 3", "Oben 4"]
    assert _bodies(_cached(server, url)) == ["Oben 5"]

    # A reader answers comment 3 (page 2) without JavaScript.
    reader = server.session()
    response = reader.post(
        f"/comments/post/{post_id}/", {**FIELDS, "body": "Antwort auf drei", "parent": ids[2]}
    )
    assert response.status == 302, response.text[:2000]
    location = response.headers["Location"]
    assert re.fullmatch(rf"{re.escape(page2)}#comment-\d+", location), location

    # Every reader sees it on page 2 at once; page 1 and the last page stay as they were.
    assert _bodies(_cached(server, page2)) == ["Oben 3", "Antwort auf drei", "Oben 4"]
    assert _bodies(_cached(server, page1)) == ["Oben 1", "Oben 2"]
    assert _bodies(_cached(server, url)) == ["Oben 5"]

    # A new top-level comment fills the last page, the post's own address.
    response = reader.post(f"/comments/post/{post_id}/", {**FIELDS, "body": "Neu sechs"})
    assert response.status == 302
    assert re.fullmatch(rf"{re.escape(url)}#comment-\d+", response.headers["Location"])
    assert _bodies(_cached(server, url)) == ["Oben 5", "Neu sechs"]
    assert _bodies(_cached(server, page2)) == ["Oben 3", "Antwort auf drei", "Oben 4"]
    assert server.errors() == ""


def test_comment_pages_are_valid_html(blog, tmp_path):
    """The Nu HTML Checker on a comment page with both navigations, its reply form and the
    post's own (last) page: 0 errors."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    from tests.live.test_validity import _check

    server, _post_id, url, ids = blog
    pages = {}
    for path in (f"{url}comment-page-2/", f"{url}comment-page-2/?replytocom={ids[2]}", url):
        response = server.get(path)
        assert response.status == 200, path
        pages[path] = response.text
    assert pages[f"{url}comment-page-2/"].count('class="pagination comments-pagination"') == 2
    errors = {name: found for name, found in _check(pages, tmp_path).items() if found}
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in errors.items())
    assert not errors, f"The Nu HTML Checker found errors:\n{report}"
