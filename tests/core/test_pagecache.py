"""The page cache's hooks (core/pagecache.py): the apps set lifetimes and vouch for queries."""

import pytest
from django.core.cache import cache

from core import pagecache
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.BLOG_PAGE_CACHE = True


def _page_entries() -> list[str]:
    return [key for key in cache._cache if ":page:" in key]


def test_apps_register_their_hooks():
    """The blog limits lifetimes (scheduled posts), the comments vouch for reply links."""
    from blog.site import page_lifetime
    from comments.pagecache import is_reply_link

    assert page_lifetime in pagecache._lifetime_limits
    assert is_reply_link in pagecache._query_checks


def test_the_shortest_lifetime_wins(client, post, monkeypatch):
    """A page is kept no longer than the smallest limit an app gives (0: not at all)."""
    monkeypatch.setattr(pagecache, "_lifetime_limits", [lambda: 120, lambda: 0])
    assert pagecache._lifetime() == 0
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "miss"


def test_queries_nobody_vouches_for_are_not_stored(client, post, monkeypatch):
    """Without a query check, even a real reply link is rendered afresh and private."""
    comment = CommentFactory(post=post, status="approved")
    url = f"{post.get_absolute_url()}?replytocom={comment.pk}"
    monkeypatch.setattr(pagecache, "_query_checks", [])
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    monkeypatch.setattr(pagecache, "_query_checks", [lambda request: True])
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert len(_page_entries()) == 1


# Who shares cached pages: an allow-list of cookies; views mark what must not be shared.


@pytest.mark.urls("tests.core.urls")
@pytest.mark.parametrize("path", ["/private/", "/never/", "/own-lifetime/"])
def test_views_with_their_own_cache_control_are_never_stored(client, path):
    """private, never_cache and a view's own lifetime: passed on as they are, not stored."""
    first = client.get(path)
    again = client.get(path)
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in again
    assert again["Cache-Control"] == first["Cache-Control"]
    assert "public, max-age=60" not in again["Cache-Control"]
    assert _page_entries() == []


@pytest.mark.urls("tests.core.urls")
def test_a_plain_view_is_stored(client):
    """The same kind of view without a Cache-Control of its own is kept and served."""
    assert client.get("/plain/")["X-Page-Cache"] == "miss"
    assert client.get("/plain/")["X-Page-Cache"] == "hit"


@pytest.mark.urls("tests.core.urls")
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head_are_stored(client, method):
    """Other methods pass the cache and leave nothing in it."""
    getattr(client, method)("/plain/")
    assert _page_entries() == []


@pytest.mark.urls("tests.core.urls")
@pytest.mark.parametrize("cookie", ["comment_author_v2", "wp-settings-1", "_ga"])
def test_unknown_cookies_are_neither_served_nor_stored(client, cookie):
    """A cookie nobody listed as harmless means a fresh, private page, and no entry."""
    client.cookies[cookie] = "x"
    response = client.get("/plain/")
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert _page_entries() == []
    client.cookies.pop(cookie)
    client.get("/plain/")
    client.cookies[cookie] = "x"
    assert "X-Page-Cache" not in client.get("/plain/")


@pytest.mark.urls("tests.core.urls")
def test_csrf_and_language_cookies_share_cached_pages(client, settings):
    """The CSRF and language cookies, by the names settings give them, change nothing."""
    settings.CSRF_COOKIE_NAME = "blog_csrf"
    settings.LANGUAGE_COOKIE_NAME = "blog_language"
    assert client.get("/plain/")["X-Page-Cache"] == "miss"
    client.cookies["blog_csrf"] = "x" * 32
    assert client.get("/plain/")["X-Page-Cache"] == "hit"
    client.cookies["blog_language"] = "de"
    assert client.get("/plain/")["X-Page-Cache"] == "hit"
    client.cookies["csrftoken"] = "x" * 32  # the default name, no longer the CSRF cookie
    assert "X-Page-Cache" not in client.get("/plain/")
