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
