"""Searching a running server over HTTP never reveals a password-protected post's text."""

import urllib.parse
import urllib.request

import pytest

from blog.models import Post
from tests.factories import PostFactory
from tests.html import post_titles

SECRET = "zitronenfalter"
EXCERPT = "nur für freunde: treffpunkt am alten bahnhof"


def fetch(base: str, path: str, **query) -> tuple[int, str]:
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (live server)
        return response.status, response.read().decode()


@pytest.fixture
def blog(transactional_db, live_server):
    """A running blog with one protected post, one public post and the page cache on."""
    PostFactory(
        title="tagebuch",
        body=f"das geheimwort ist {SECRET}.",
        excerpt=EXCERPT,
        visibility=Post.Visibility.PASSWORD,
        password="sesam",
    )
    PostFactory(title="offen", body="hier steht nichts geheimes.")
    return live_server.url


def test_letters_of_a_protected_body_find_nothing_over_http(blog):
    """Guessing the protected text letter by letter, as an attacker would, finds no post."""
    for guess in ["z", "zi", "zit", "zitr", SECRET, "zitr geheim"]:
        status, page = fetch(blog, "/", s=guess)
        assert status == 200
        assert "tagebuch" not in post_titles(page), guess
        assert "das geheimwort ist" not in page and EXCERPT not in page


def test_title_search_over_http_lists_the_post_without_its_text(blog):
    """The protected post's title finds it; the result page holds neither text nor excerpt."""
    status, page = fetch(blog, "/", s="tagebuch")
    assert status == 200
    assert post_titles(page) == ["tagebuch"]
    assert "Dieser Beitrag ist passwortgeschützt." in page
    assert SECRET not in page and EXCERPT not in page
