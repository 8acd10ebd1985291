"""A scheduled post shows on cached pages within a second of its time (issue #10, item 5).

Every cached entry that depends on the published posts (the page cache, the page-frame
data with the sidebar's "Recent posts", the sidebar fragment, a post's neighbours) is
kept no longer than until the next scheduled post is due.
"""

import datetime
import time
import urllib.request

import pytest
from django.utils import timezone

from blog import site
from tests.factories import PostFactory
from tests.html import post_titles, select

LEAD = 6.0  # seconds between scheduling the post and its time


def fetch(base: str, path: str) -> tuple[str, str]:
    """The page and its X-Page-Cache header, over HTTP."""
    with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310 (live server)
        return response.read().decode(), response.headers.get("X-Page-Cache", "")


def recent_posts(page: str) -> list[str]:
    """The titles in the sidebar's "Recent posts" widget."""
    return [a.clean_text for a in select(page, "a") if a.within("section", "widget-recent-posts")]


def next_post(page: str) -> str:
    """The text of the "next post" link under a post."""
    links = [a for a in select(page, "a") if a.within("nav", "post-navigation")]
    return " ".join(a.clean_text for a in links if a.attrs.get("rel") == "next")


def sleep_until(moment: datetime.datetime) -> None:
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()))


@pytest.fixture
def caches_on(settings):
    settings.BLOG_PAGE_CACHE = True
    settings.BLOG_FRAGMENT_CACHE = True


def test_scheduled_post_shows_in_list_and_sidebar_right_after_its_time(
    caches_on, transactional_db, live_server, post
):
    """Home list and sidebar of cached pages show a scheduled post at once when it is due."""
    due = timezone.now() + datetime.timedelta(seconds=LEAD)
    PostFactory(title="punkt sechs", author=post.author, published_at=due)
    other = post.get_absolute_url()
    # The page-frame data is built now, long before the post is due …
    page, _ = fetch(live_server.url, other)
    assert "punkt sechs" not in recent_posts(page)
    # … and the pages cached shortly before it.
    sleep_until(due - datetime.timedelta(seconds=3))
    fetch(live_server.url, "/")
    home, state = fetch(live_server.url, "/")
    assert state == "hit"
    assert "punkt sechs" not in post_titles(home)

    sleep_until(due + datetime.timedelta(seconds=0.3))
    home, _ = fetch(live_server.url, "/")
    assert post_titles(home)[0] == "punkt sechs"
    assert recent_posts(home)[0] == "punkt sechs"
    page, _ = fetch(live_server.url, other)
    assert recent_posts(page)[0] == "punkt sechs"
    assert "punkt sechs" in next_post(page)


def test_site_data_lifetime_counts_from_now(db, post, monkeypatch):
    """The lifetime handed to caches is the time left until the next post is due."""
    start = timezone.now()
    PostFactory(title="später", published_at=start + datetime.timedelta(seconds=100))
    assert 95 <= site.get_site_data()["_max_age"] <= 100
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=60))
    assert 35 <= site.get_site_data()["_max_age"] <= 40
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=99.5))
    assert site.get_site_data()["_max_age"] == 0


def test_site_data_is_rebuilt_once_a_scheduled_post_is_due(db, post, monkeypatch):
    """Frame data kept from before a post's time is not used after it."""
    start = timezone.now()
    PostFactory(title="später", published_at=start + datetime.timedelta(seconds=100))
    data = site.get_site_data()
    assert [p["title"] for p in data["recent_posts"]] == ["hartes training"]
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=101))
    again = site.get_site_data()
    assert [p["title"] for p in again["recent_posts"]] == ["später", "hartes training"]
    # The sidebar fragment is kept under the data's version: a new one, a new fragment.
    assert again["version"] != data["version"]
    assert again["_max_age"] == site.MAX_AGE
