"""The page cache for anonymous readers: hits, misses and invalidation (issue #6)."""

import secrets

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from blog.models import Post
from comments.models import Comment, DiscussionSettings
from comments.services import set_status
from tests.factories import CategoryFactory, CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.BLOG_PAGE_CACHE = True


def _get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    return response


def test_second_anonymous_request_is_a_hit(client, post):
    """The first reader renders the page, the second gets the stored copy."""
    assert _get(client, post.get_absolute_url())["X-Page-Cache"] == "miss"
    hit = _get(client, post.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    assert "hartes training" in hit.content.decode()
    assert "public" in hit["Cache-Control"] and "max-age=" in hit["Cache-Control"]


def test_hit_runs_no_query(client, post, django_assert_num_queries):
    """A cached page costs no SQL at all."""
    _get(client, post.get_absolute_url())
    with django_assert_num_queries(0):
        _get(client, post.get_absolute_url())


def test_approving_a_comment_is_never_served_stale(client, post):
    """After an approval the next request shows the comment."""
    held = CommentFactory(post=post, status="pending", body="ganz neu hier", author_name="Neu")
    assert "ganz neu hier" not in _get(client, post.get_absolute_url()).content.decode()
    assert _get(client, post.get_absolute_url())["X-Page-Cache"] == "hit"
    set_status(held, Comment.Status.APPROVED)
    response = _get(client, post.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "ganz neu hier" in response.content.decode()


def test_unapproving_and_editing_invalidate(client, post):
    """Unapproving hides the comment at once; editing an approved one shows the new text."""
    shown = CommentFactory(post=post, status="approved", body="erste fassung")
    assert "erste fassung" in _get(client, post.get_absolute_url()).content.decode()
    shown.body = "zweite fassung"
    shown.save()
    assert "zweite fassung" in _get(client, post.get_absolute_url()).content.decode()
    set_status(shown, Comment.Status.PENDING)
    assert "zweite fassung" not in _get(client, post.get_absolute_url()).content.decode()


def test_saving_a_post_and_a_setting_invalidate(client, post):
    """A post's new title and a changed discussion setting show on the next request."""
    _get(client, post.get_absolute_url())
    post.body = "ganz anderer text"
    post.save()
    assert "ganz anderer text" in _get(client, post.get_absolute_url()).content.decode()
    settings_row = DiscussionSettings.load()
    settings_row.close_after_days = 1
    settings_row.save()
    post.published_at = post.published_at.replace(year=2020)
    post.save()
    response = _get(client, post.get_absolute_url())
    assert 'id="commentform"' not in response.content.decode()


def test_unrelated_changes_keep_the_cache(client, post):
    """A held comment, spam moving to the trash or a draft saved leave cached pages alone."""
    _get(client, post.get_absolute_url())
    _get(client, reverse("blog:post_list"))
    held = CommentFactory(post=post, status="pending")
    set_status(held, Comment.Status.SPAM)
    set_status(held, Comment.Status.TRASH)
    draft = PostFactory(status=Post.Status.DRAFT, title="noch geheim")
    draft.body = "immer noch geheim"
    draft.save()
    assert _get(client, post.get_absolute_url())["X-Page-Cache"] == "hit"
    assert _get(client, reverse("blog:post_list"))["X-Page-Cache"] == "hit"


def test_publishing_a_draft_invalidates_lists(client, post):
    """A draft turned published appears on the home page at once."""
    draft = PostFactory(status=Post.Status.DRAFT, title="endlich fertig")
    assert "endlich fertig" not in _get(client, reverse("blog:post_list")).content.decode()
    draft.status = Post.Status.PUBLISHED
    draft.save()
    assert "endlich fertig" in _get(client, reverse("blog:post_list")).content.decode()


def test_category_change_invalidates(client, post):
    """A new category shows in the sidebar of a cached page."""
    _get(client, reverse("blog:post_list"))
    post.categories.add(CategoryFactory(name="Neuigkeiten"))
    assert "Neuigkeiten" in _get(client, reverse("blog:post_list")).content.decode()


@pytest.mark.parametrize("cookie", ["sessionid", "comment_pending", "comment_author", "postpass_1"])
def test_personal_cookies_bypass_the_cache(client, post, cookie):
    """Readers whose page differs never get or fill the shared copy."""
    _get(client, post.get_absolute_url())
    client.cookies[cookie] = "x"
    response = _get(client, post.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


def test_logged_in_users_see_fresh_pages(client, post, author):
    """An author's page carries the CSRF token and is never stored."""
    _get(Client(), post.get_absolute_url())
    client.force_login(author)
    response = _get(client, post.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_languages_are_cached_apart(client, post):
    """German and English readers each get their own copy."""
    german = _get(client, post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    english = _get(client, post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="de">' in german.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert "Accept-Language" in english["Vary"]


def test_other_query_strings_are_not_stored(client, post):
    """Tracking parameters and the like do not fill the cache with copies."""
    response = _get(client, post.get_absolute_url() + "?utm_source=x")
    assert "X-Page-Cache" not in response


def test_etag_gives_304_on_hits_and_misses(client, post):
    """A reader's If-None-Match is answered with 304 Not Modified."""
    first = _get(client, post.get_absolute_url())
    etag = first["ETag"]
    again = client.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_post_page_is_dated_by_its_latest_comment(client, post):
    """Last-Modified moves on when a comment is approved, even an old one."""
    from django.utils.http import http_date, parse_http_date

    held = CommentFactory(post=post, status="pending")
    before = parse_http_date(_get(client, post.get_absolute_url())["Last-Modified"])
    set_status(held, Comment.Status.APPROVED)
    post.refresh_from_db()
    response = _get(client, post.get_absolute_url())
    assert response["Last-Modified"] == http_date(post.comments_changed_at.timestamp())
    assert parse_http_date(response["Last-Modified"]) >= before
    assert post.comments_changed_at >= held.created_at


def test_feeds_carry_validators(client, post):
    """Feeds answer with Last-Modified and ETag, and 304 when unchanged."""
    response = _get(client, reverse("blog:feed"))
    assert "Last-Modified" in response
    assert client.get(reverse("blog:feed"), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_cache_off_setting(client, post, settings):
    """BLOG_PAGE_CACHE=0 serves every request fresh."""
    settings.BLOG_PAGE_CACHE = False
    _get(client, post.get_absolute_url())
    assert "X-Page-Cache" not in _get(client, post.get_absolute_url())


def test_fragments_follow_changes_with_the_page_cache_off(client, post, settings):
    """The cached thread, summaries and sidebar show an approval at once too."""
    settings.BLOG_PAGE_CACHE = False
    held = CommentFactory(post=post, status="pending", body="frisch freigegeben")
    for url in (post.get_absolute_url(), reverse("blog:post_list")):
        assert "frisch freigegeben" not in _get(client, url).content.decode()
    set_status(held, Comment.Status.APPROVED)
    assert "frisch freigegeben" in _get(client, post.get_absolute_url()).content.decode()
    home = _get(client, reverse("blog:post_list")).content.decode()
    assert "Ein Kommentar" in home  # the summary's comment count
    assert held.get_absolute_url() in home  # the sidebar's recent comments


def test_streaming_files_pass_the_middleware_untouched(client, settings):
    """A file under /media/ (a streaming FileResponse) is served whole, never stored or hashed."""
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    (settings.MEDIA_ROOT / "badges").mkdir(parents=True)
    (settings.MEDIA_ROOT / "badges" / "abzeichen.png").write_bytes(png)
    for _ in range(2):
        response = client.get("/media/badges/abzeichen.png")
        assert response.status_code == 200
        assert response.streaming
        assert b"".join(response.streaming_content) == png
        assert response["Content-Type"] == "image/png"
        assert "X-Page-Cache" not in response
        assert "ETag" not in response
    revalidated = client.get(
        "/media/badges/abzeichen.png", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
    )
    assert revalidated.status_code == 304


# Nobody can flood the cache (issue #10): only the blog's real pages and avatars are kept.


def _entries(prefix: str) -> list[str]:
    """The keys of the local-memory cache that start with `prefix` (without Django's ":1:")."""
    keys = [key.split(":", 2)[-1] for key in cache._cache]
    return [key for key in keys if key.startswith(prefix)]


def _random_hex(n: int) -> str:
    return secrets.token_hex(n // 2)


def test_random_searches_create_no_cache_entries(client, post):
    """Searches are rendered afresh and kept nowhere; the home page still is."""
    for _ in range(20):
        response = _get(client, f"/?s={_random_hex(12)}")
        assert "X-Page-Cache" not in response
        assert "private" in response["Cache-Control"]
    found = _get(client, "/?s=hartes")
    assert "hartes training" in found.content.decode()
    assert _entries("page:") == []
    _get(client, "/")
    assert len(_entries("page:")) == 1
    assert _get(client, "/")["X-Page-Cache"] == "hit"


def test_unknown_reply_links_create_no_cache_entries(client, post):
    """?replytocom= for no comment, another post's, a held one or in odd spellings: not kept."""
    shown = CommentFactory(post=post, status="approved", author_name="Thomas")
    held = CommentFactory(post=post, status="pending")
    elsewhere = CommentFactory(post=PostFactory(), status="approved")
    url = post.get_absolute_url()
    for query in (
        f"replytocom={shown.pk + 1000}",
        f"replytocom={_random_hex(6).lstrip('0') or 1}",
        f"replytocom={held.pk}",
        f"replytocom={elsewhere.pk}",
        f"replytocom=0{shown.pk}",
        f"replytocom={shown.pk}&x=1",
        f"replytocom={shown.pk}&replytocom={shown.pk}",
    ):
        response = _get(client, f"{url}?{query}")
        assert "X-Page-Cache" not in response, query
        assert "private" in response["Cache-Control"], query
    assert _entries("page:") == []


def test_real_reply_links_are_cached(client, post):
    """The reply link of an approved comment is a page of its own, kept like any other."""
    shown = CommentFactory(post=post, status="approved", author_name="Thomas")
    url = f"{post.get_absolute_url()}?replytocom={shown.pk}"
    first = _get(client, url)
    assert first["X-Page-Cache"] == "miss"
    assert "Thomas" in first.content.decode()
    assert _get(client, url)["X-Page-Cache"] == "hit"
    assert len(_entries("page:")) == 1


def test_unknown_query_strings_create_no_cache_entries(client, post):
    """Tracking parameters, made-up keys and combinations are rendered afresh, never kept."""
    for query in ("utm_source=x", f"{_random_hex(8)}=1", "s=&replytocom=1", "p=1", "replytocom"):
        response = _get(client, f"{post.get_absolute_url()}?{query}")
        assert "X-Page-Cache" not in response, query
    assert _entries("page:") == []


def test_ports_in_the_host_header_create_no_cache_entries(client, post):
    """`Host: localhost:1`, `:2`, … are no more pages; the server's own port is."""
    for port in (1, 2, 8080, 65535):
        response = _get(client, post.get_absolute_url(), HTTP_HOST=f"localhost:{port}")
        assert "X-Page-Cache" not in response
    assert _entries("page:") == []
    assert _get(client, post.get_absolute_url(), HTTP_HOST="localhost")["X-Page-Cache"] == "miss"
    assert _get(client, post.get_absolute_url(), HTTP_HOST="localhost:80")["X-Page-Cache"] == "miss"
    assert len(_entries("page:")) == 2


def test_random_avatar_keys_create_no_cache_entries(client, post):
    """Made-up avatar keys get a 404 and leave nothing in the cache."""
    CommentFactory(post=post, status="approved")
    for length in (24, 24, 24, 8, 64):
        response = client.get(f"/comments/avatar/{_random_hex(length)}.png")
        assert response.status_code == 404
    assert _entries("comments:avatar:") == []


@pytest.mark.parametrize("status", ["approved", "pending"])
def test_avatars_of_comments_are_cached(client, post, status, django_assert_num_queries):
    """A comment's avatar (a held one too: its writer sees it) is drawn once, then kept."""
    comment = CommentFactory(post=post, status=status)
    first = client.get(comment.avatar_url)
    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert _entries("comments:avatar:") == [f"comments:avatar:{comment.avatar}"]
    with django_assert_num_queries(0):
        assert client.get(comment.avatar_url).content == first.content


# Who shares cached pages (issue #11): an allow-list of harmless cookies, over HTTP.


def _fetch(base: str, path: str, cookie: str = "") -> tuple[int, str, str]:
    """Status, X-Page-Cache and Cache-Control of a GET with this Cookie header."""
    import urllib.request

    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 (live server)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (live server)
        return (
            response.status,
            response.headers.get("X-Page-Cache", ""),
            response.headers.get("Cache-Control", ""),
        )


@pytest.mark.parametrize("cookie", ["comment_draft=1", "wp-settings-1=x", "_ga=GA1.1.1"])
def test_unknown_cookies_get_fresh_pages_over_http(cookie, transactional_db, live_server, post):
    """A reader with a cookie the blog does not know neither gets nor fills the shared copy."""
    url = post.get_absolute_url()
    status, state, control = _fetch(live_server.url, url, cookie)
    assert (status, state) == (200, "")
    assert "private" in control
    assert _entries("page:") == []
    assert _fetch(live_server.url, url)[1] == "miss"
    assert _fetch(live_server.url, url, cookie)[1] == ""


def test_harmless_cookies_share_cached_pages_over_http(transactional_db, live_server, post):
    """The CSRF, language and captcha cookies still get the page from the cache."""
    url = post.get_absolute_url()
    assert _fetch(live_server.url, url)[1] == "miss"
    for cookie in ("csrftoken=" + "a" * 32, "django_language=de", "comment_captcha=x"):
        assert _fetch(live_server.url, url, cookie)[1] == "hit", cookie
    assert (
        _fetch(live_server.url, url, "csrftoken=" + "a" * 32 + "; django_language=de")[1] == "hit"
    )


def test_reply_notification_pages_are_never_stored(client, post):
    """The confirmation and unsubscribe pages of one reader's link say private themselves."""
    from comments.models import Subscription
    from comments.notifications import confirm_token, unsubscribe_token

    comment = CommentFactory(post=post, status="approved")
    subscription = Subscription.objects.create(comment=comment, email="leser@example.org")
    for path in (
        reverse("comments:subscription_confirm", args=[confirm_token(subscription)]),
        reverse("comments:unsubscribe", args=[unsubscribe_token(subscription)]),
        "/comments/unsubscribe/x/",
    ):
        for _ in range(2):
            response = client.get(path)
            assert "X-Page-Cache" not in response, path
            assert "private" in response["Cache-Control"], path
    assert _entries("page:") == []
