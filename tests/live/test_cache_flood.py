"""Made-up URLs cannot fill the cache (issue #10, item 9): gunicorn with its own Redis.

A crawler or an attacker sends random searches, reply links, avatar keys, tracking
parameters and Host ports. Each used to become an entry (a whole page for minutes, an
avatar for a week), pushing real pages out and growing Redis's memory without bound.
Here Redis holds exactly the same keys before and after such a flood, while the real
pages and avatars are served from it.
"""

import secrets
import shutil
import time

import pytest

from tests.live import LiveServer, RedisServer

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)

SETUP = """
from django.contrib.auth import get_user_model
from blog.models import Post
from comments.models import Comment
author = get_user_model().objects.create_user("oliver", "oliver@example.org")
post = Post.objects.create(title="Hartes Training", body="Intervalle.", status="published",
                           author=author)
comment = Comment.objects.create(post=post, author_name="Thomas", author_email="t@example.net",
                                 body="Gut gemacht.", status="approved")
print(post.get_absolute_url(), comment.pk, comment.avatar_url)
"""


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    with (
        RedisServer(tmp_path_factory.mktemp("redis")) as redis,
        LiveServer(
            tmp_path_factory.mktemp("blog"),
            "gunicorn",
            env={"REDIS_URL": redis.url, "DJANGO_CACHE_PREFIX": "flood"},
        ) as server,
    ):
        post_url, comment_id, avatar_url = server.shell(SETUP).split()
        # Each worker reads the content version's database stamp at most once a second
        # (core/contentversion.py): past that second, every worker keys fragments under
        # the version that SETUP's writes made, and the keys "before" are all there are.
        time.sleep(1.5)
        yield server, redis, post_url, int(comment_id), avatar_url


def _real_visits(server, post_url, comment_id, avatar_url):
    """What readers do: home, a post, its reply link, a search, an avatar; all 200."""
    for path in ("/", post_url, f"{post_url}?replytocom={comment_id}", "/?s=training", avatar_url):
        response = server.get(path)
        assert response.status == 200, f"{path}: {response.status}\n{server.errors()}"


def test_made_up_urls_leave_the_cache_as_it_was(blog):
    """Random ?s=, ?replytocom=, avatar keys, parameters and ports add no key to Redis."""
    server, redis, post_url, comment_id, avatar_url = blog
    _real_visits(server, post_url, comment_id, avatar_url)
    before = redis.all_keys()
    assert any(":page:" in key for key in before)
    assert any(":comments:avatar:" in key for key in before)
    pages, avatars = set(), set()
    for _ in range(15):
        word = secrets.token_hex(6)
        number = secrets.randbelow(10**9) + comment_id + 1
        pages.add(server.get(f"/?s={word}").status)
        pages.add(server.get(f"{post_url}?replytocom={number}").status)
        pages.add(server.get(f"{post_url}?utm_source={word}").status)
        host = {"Host": f"127.0.0.1:{secrets.randbelow(60000) + 1024}"}
        pages.add(server.get(post_url, headers=host).status)
        avatars.add(server.get(f"/comments/avatar/{secrets.token_hex(12)}.png").status)
    assert [key for key in redis.all_keys() if key not in before] == []
    assert pages == {200}
    assert avatars == {404}


def test_real_pages_and_avatars_are_served_from_the_cache(blog):
    """The post, its reply link and the commenter's avatar still come from Redis."""
    server, _redis, post_url, comment_id, avatar_url = blog
    _real_visits(server, post_url, comment_id, avatar_url)
    assert server.get(post_url).headers["X-Page-Cache"] == "hit"
    assert server.get(f"{post_url}?replytocom={comment_id}").headers["X-Page-Cache"] == "hit"
    avatar = server.get(avatar_url)
    assert avatar.status == 200
    assert avatar.content_type == "image/png"
