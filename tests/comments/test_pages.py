"""Comment pages as WordPress has them (issue #14; comments/paging.py), through the test
client as a browser without JavaScript uses them."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from comments.pagecache import is_reply_link
from tests.comments.helpers import (
    comment_ids,
    comment_items,
    german,
    one,
    parse,
    select,
    send_comment,
    thread_parent_id,
)
from tests.factories import CommentFactory, ReplyFactory

pytestmark = pytest.mark.django_db

START = timezone.now() - datetime.timedelta(days=2)


def _paging(**fields):
    """Switch comment pages on (or set other discussion settings)."""
    defaults = {"page_comments": True, "comments_per_page": 2, "flood_seconds": 0, **fields}
    DiscussionSettings.objects.update_or_create(pk=1, defaults=defaults)


@pytest.fixture
def thread(post):
    """Five top-level comments an hour apart, each with one reply a minute later:
    [(top-level, reply), …], oldest first."""
    pairs = []
    for n in range(5):
        top = CommentFactory(
            post=post, author_name=f"Leser {n + 1}", created_at=START + datetime.timedelta(hours=n)
        )
        pairs.append((top, ReplyFactory(parent=top, author_name=f"Antwort {n + 1}")))
    return pairs


def _ids(pairs) -> list[int]:
    return [c.pk for pair in pairs for c in pair]


def _page(post, n: int) -> str:
    return f"{post.get_absolute_url()}comment-page-{n}/"


def _location(response) -> str:
    return response["Location"]


# Off, as in WordPress


def test_off_by_default_every_comment_on_the_post(client, post, thread):
    """WordPress's default: no pages, the whole thread, no navigation; old paged addresses
    lead to the post."""
    settings = DiscussionSettings.load()
    assert (settings.page_comments, settings.comments_per_page) == (False, 50)
    assert (settings.default_comments_page, settings.comment_order) == ("newest", "asc")
    response = client.get(post.get_absolute_url())
    assert comment_ids(response) == _ids(thread)
    assert select(response, "nav", "comments-pagination") == []
    moved = client.get(_page(post, 2))
    assert moved.status_code == 301
    assert _location(moved) == post.get_absolute_url()
    assert thread[0][1].get_absolute_url() == f"{post.get_absolute_url()}#comment-{thread[0][1].pk}"


# Page size, default page, order


def test_pages_of_top_level_comments_with_their_replies(client, post, thread):
    """2 top-level comments a page, each with its reply; the post shows the last page."""
    _paging()
    assert comment_ids(client.get(_page(post, 1))) == _ids(thread[0:2])
    assert comment_ids(client.get(_page(post, 2))) == _ids(thread[2:4])
    latest = client.get(post.get_absolute_url())
    assert comment_ids(latest) == _ids(thread[4:])
    # Replies stay under their comment.
    reply = one(latest, "li", id_=f"comment-{thread[4][1].pk}")
    assert thread_parent_id(reply) == thread[4][0].pk
    # The heading counts every comment, on every page.
    assert one(latest, "h2", "comments-title").clean_text.startswith("10 Kommentare")


def test_navigation_above_and_below_the_thread(client, post, thread):
    _paging()
    response = client.get(_page(post, 2))
    elements = parse(response)
    navs = select(elements, "nav", "comments-pagination")
    assert len(navs) == 2
    assert navs[0].attrs["aria-label"] == german("Comments navigation")
    assert navs[1].attrs["aria-label"] != navs[0].attrs["aria-label"]
    items = comment_items(response)
    # Above the first comment and below the last.
    html = response.content.decode()
    first = html.index(f'id="comment-{items[0].attrs["id"].removeprefix("comment-")}"')
    last = html.index(f'id="comment-{thread[3][1].pk}"')
    navs_at = [i for i in range(len(html)) if html.startswith('<nav class="pagination comments', i)]
    assert navs_at[0] < first and navs_at[1] > last
    links = {e.clean_text: e.attrs["href"] for e in select(elements, "a") if navs[0] in e.parents}
    assert links == {
        "« Ältere Kommentare": _page(post, 1) + "#comments",
        "Seite 1": _page(post, 1) + "#comments",
        # The last page is the post's own address ("newest" is shown by default).
        "Seite 3": post.get_absolute_url() + "#comments",
        "Neuere Kommentare »": post.get_absolute_url() + "#comments",
    }
    currents = [e for e in select(elements, "span", "current") if navs[0] in e.parents]
    assert [(e.clean_text, e.attrs.get("aria-current")) for e in currents] == [("Seite 2", "page")]
    # Laid out like the lists' pagination, with a style sheet of its own.
    sheets = [e.attrs["href"] for e in select(elements, "link", rel="stylesheet")]
    assert any(href.endswith("css/comment-pages.css") for href in sheets)


def test_first_and_last_page_have_one_link_each_way(client, post, thread):
    _paging()
    first = client.get(_page(post, 1))
    texts = [e.clean_text for e in select(first, "a")]
    assert "« Ältere Kommentare" not in texts and "Neuere Kommentare »" in texts
    last = client.get(post.get_absolute_url())
    texts = [e.clean_text for e in select(last, "a")]
    assert "« Ältere Kommentare" in texts and "Neuere Kommentare »" not in texts


def test_many_pages_leave_gaps(client, post, thread):
    """As WordPress's paginate_links: first, last, two either side of the current one."""
    from comments.paging import page_numbers

    assert page_numbers(1, 20) == [1, 2, 3, None, 20]
    assert page_numbers(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]
    assert page_numbers(4, 6) == [1, 2, 3, 4, 5, 6]


def test_first_page_by_default(client, post, thread):
    """ "Die erste Seite standardmäßig anzeigen": the post shows page 1, whose suffixed
    address moves there for good; the last page has its suffix."""
    _paging(default_comments_page="oldest")
    assert comment_ids(client.get(post.get_absolute_url())) == _ids(thread[0:2])
    moved = client.get(_page(post, 1))
    assert moved.status_code == 301
    assert _location(moved) == post.get_absolute_url()
    assert comment_ids(client.get(_page(post, 3))) == _ids(thread[4:])


def test_default_last_page_suffix_redirects_to_the_post(client, post, thread):
    _paging()
    response = client.get(_page(post, 3))
    assert response.status_code == 302
    assert _location(response) == post.get_absolute_url()


def test_pages_past_the_last_and_zero_redirect(client, post, thread):
    _paging()
    for n in (0, 4, 99):
        response = client.get(_page(post, n))
        assert response.status_code == 302, n
        assert _location(response) == post.get_absolute_url()


def test_wrong_date_moves_to_the_right_page(client, post, thread):
    _paging()
    wrong = f"/1999/01/01/{post.slug}/comment-page-2/"
    response = client.get(wrong)
    assert response.status_code == 301
    assert _location(response) == _page(post, 2)


def test_newer_comments_at_the_top(client, post, thread):
    """ "Die neueren Kommentare sollen oben angezeigt werden": top-level comments newest
    first on each page, replies still below their comment."""
    _paging(comment_order="desc")
    page1 = client.get(_page(post, 1))
    assert comment_ids(page1) == _ids([thread[1], thread[0]])
    latest = client.get(post.get_absolute_url())
    assert comment_ids(latest) == _ids(thread[4:])


def test_newer_comments_at_the_top_without_pages(client, post, thread):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"comment_order": "desc"})
    assert comment_ids(client.get(post.get_absolute_url())) == _ids(list(reversed(thread)))


# Canonical and indexing


def _canonical(response) -> str:
    return one(response, "link", rel="canonical").attrs["href"]


def test_canonical_of_a_comment_page_is_itself(client, post, thread):
    _paging()
    assert _canonical(client.get(_page(post, 2))) == "http://testserver" + _page(post, 2)
    assert _canonical(client.get(post.get_absolute_url())) == (
        "http://testserver" + post.get_absolute_url()
    )
    robots = select(client.get(_page(post, 2)), "meta", name="robots")
    assert robots == []  # indexable like WordPress's, with its own canonical address


# A comment's address finds its page (WordPress's get_comment_link)


def test_comment_link_names_its_page(client, post, thread):
    _paging(comments_per_page=1)
    reply_on_3 = thread[2][1]
    link = reply_on_3.get_absolute_url()
    assert link == f"{_page(post, 3)}#comment-{reply_on_3.pk}"
    path = urlsplit(link).path
    assert reply_on_3.pk in comment_ids(client.get(path))
    # On the default (last) page: the post's address.
    assert thread[4][0].get_absolute_url() == f"{post.get_absolute_url()}#comment-{thread[4][0].pk}"


def test_comment_link_of_a_deep_reply(client, post, thread):
    _paging()
    deep = ReplyFactory(parent=ReplyFactory(parent=thread[0][1]))
    assert deep.get_absolute_url() == f"{_page(post, 1)}#comment-{deep.pk}"
    assert deep.pk in comment_ids(client.get(_page(post, 1)))


def test_comment_feed_links_to_the_page(client, post, thread):
    _paging()
    feed = client.get("/comments/feed/").content.decode()
    assert f"{_page(post, 1)}#comment-{thread[0][1].pk}" in feed


# Replying: the form on the right page and back to it


def test_reply_link_without_javascript_stays_on_the_page(client, post, thread):
    _paging()
    target = thread[0][0]
    response = client.get(f"{_page(post, 1)}?replytocom={target.pk}")
    assert one(response, "span", "reply-title-text").clean_text == (
        f"Schreibe einen Kommentar zu {target.author_name}"
    )
    assert one(response, "input", id_="id_parent").attrs["value"] == str(target.pk)
    cancel = one(response, "a", id_="cancel-comment-reply-link")
    assert cancel.attrs["href"] == _page(post, 1) + "#respond"
    assert "hidden" not in cancel.attrs
    # A comment of another page is not answered here.
    other = client.get(f"{_page(post, 1)}?replytocom={thread[4][0].pk}")
    assert one(other, "input", id_="id_parent").attrs.get("value", "") == ""


def test_reply_posts_back_to_its_page(client, post, thread):
    _paging()
    target = thread[0][0]
    response = send_comment(client, post, parent=str(target.pk), body="Antwort auf Seite eins")
    assert response.status_code == 302
    new = Comment.objects.get(body="Antwort auf Seite eins")
    assert _location(response) == f"{_page(post, 1)}#comment-{new.pk}"
    page = client.get(_page(post, 1))
    assert thread_parent_id(one(page, "li", id_=f"comment-{new.pk}")) == target.pk


def test_new_comment_lands_on_the_page_that_shows_it(client, post, thread):
    """Newest shown by default: a new top-level comment is on the post's own address;
    with the first page shown, on the last page's address."""
    _paging()
    response = send_comment(client, post, body="Ganz neu")
    new = Comment.objects.get(body="Ganz neu")
    assert _location(response) == f"{post.get_absolute_url()}#comment-{new.pk}"
    assert new.pk in comment_ids(client.get(post.get_absolute_url()))
    _paging(default_comments_page="oldest")
    response = send_comment(client, post, body="Noch neuer", ip="198.51.100.2")
    newer = Comment.objects.get(body="Noch neuer")
    # 7 top-level comments: page 4 holds the 7th.
    assert _location(response) == f"{_page(post, 4)}#comment-{newer.pk}"
    assert comment_ids(client.get(_page(post, 4))) == [newer.pk]


def test_held_comment_lands_on_its_page_for_its_author(client, post, thread):
    """A held top-level comment that opens a new page: its author is sent there and
    sees it; other readers have one page less."""
    _paging(require_approval=True, default_comments_page="oldest")
    CommentFactory(post=post, created_at=START + datetime.timedelta(hours=6))  # fills page 3
    response = send_comment(client, post, body="Wartet noch")
    held = Comment.objects.get(body="Wartet noch")
    assert held.status == Comment.Status.PENDING
    assert _location(response) == f"{_page(post, 4)}#comment-{held.pk}"
    page = client.get(_page(post, 4))
    assert page.status_code == 200
    assert comment_ids(page) == [held.pk]
    assert german("Your comment is awaiting moderation.") in page.content.decode()
    from django.test import Client

    stranger = Client()
    assert stranger.get(_page(post, 4)).status_code == 302


def test_form_with_errors_shows_the_page_of_the_comment_replied_to(client, post, thread):
    _paging()
    target = thread[1][0]
    response = send_comment(client, post, parent=str(target.pk), author_name="")
    assert response.status_code == 400
    ids = comment_ids(response)
    assert target.pk in ids and thread[4][0].pk not in ids


# Caches keyed by page


def test_thread_cache_keeps_pages_apart(client, post, thread, settings):
    settings.BLOG_FRAGMENT_CACHE = True
    _paging()
    for _ in range(2):
        assert comment_ids(client.get(_page(post, 1))) == _ids(thread[0:2])
        assert comment_ids(client.get(_page(post, 2))) == _ids(thread[2:4])
        assert comment_ids(client.get(post.get_absolute_url())) == _ids(thread[4:])
    # A new comment shows on its page at once.
    ReplyFactory(parent=thread[2][0], body="Nachtrag", author_name="Spät")
    assert len(comment_ids(client.get(_page(post, 2)))) == 5


def test_page_cache_keeps_reply_links_of_the_comment_page_only(rf, post, thread):
    _paging()
    target = thread[0][0]
    assert is_reply_link(rf.get(_page(post, 1), {"replytocom": target.pk}))
    assert not is_reply_link(rf.get(post.get_absolute_url(), {"replytocom": target.pk}))
    assert not is_reply_link(rf.get(_page(post, 2), {"replytocom": target.pk}))


# The setting under "Diskussion"


def test_switched_on_in_the_admin_in_wordpress_words(admin_client, client, post, thread):
    """The admin's Diskussion form offers the four settings in German; saving them pages
    the thread on the next request."""
    DiscussionSettings.load()  # the row
    change = reverse("admin:comments_discussionsettings_change", args=[1])
    form = admin_client.get(change)
    labels = {e.attrs["for"]: e.clean_text for e in select(form, "label")}
    assert labels["id_page_comments"] == "Kommentare in Seiten aufteilen"
    assert labels["id_comments_per_page"] == "Kommentare der obersten Ebene pro Seite:"
    assert labels["id_default_comments_page"] == "Standardmäßig angezeigte Seite:"
    assert labels["id_comment_order"] == "Oben angezeigte Kommentare:"
    options = [
        e.clean_text
        for e in select(form, "option")
        if e.attrs.get("value") in ("newest", "oldest", "asc", "desc")
    ]
    assert options == ["die letzte Seite", "die erste Seite", "die älteren", "die neueren"]
    assert len(comment_ids(client.get(post.get_absolute_url()))) == 10  # cached settings: off
    data = {
        "comments_open_by_default": "on",
        "require_previous_approval": "on",
        "max_links": 2,
        "flood_seconds": 15,
        "thread_depth": 5,
        "close_after_days": 0,
        "page_comments": "on",
        "comments_per_page": 2,
        "default_comments_page": "oldest",
        "comment_order": "desc",
        "notify_author": "on",
        "ip_retention_days": 60,
        "_save": "Sichern",
    }
    assert admin_client.post(change, data).status_code == 302
    assert comment_ids(client.get(post.get_absolute_url())) == _ids([thread[1], thread[0]])
    zero = admin_client.post(change, {**data, "comments_per_page": 0})
    assert zero.status_code == 200  # refused with a message, the setting kept
    assert DiscussionSettings.load().comments_per_page == 2


# An old link to #comment-N on a page without it (static/js/comment-page.js asks here)


def test_finder_redirects_to_the_page_of_a_comment(client, post, thread):
    _paging()
    finder = one(client.get(post.get_absolute_url()), "section", id_="comments").attrs[
        "data-comment-finder"
    ]
    assert finder == f"/comments/link/{post.pk}/"
    reply = thread[0][1]
    response = client.get(f"{finder}{reply.pk}/")
    assert response.status_code == 302
    assert _location(response) == f"{_page(post, 1)}#comment-{reply.pk}"
    # By the ID it had in WordPress, as old links name it.
    Comment.objects.filter(pk=thread[2][0].pk).update(legacy_id=4711)
    assert _location(client.get(f"{finder}4711/")) == f"{_page(post, 2)}#comment-{thread[2][0].pk}"
    # Unknown, held or of another post: the post.
    other = CommentFactory()
    held = CommentFactory(post=post, status=Comment.Status.PENDING)
    for number in (999999, held.pk, other.pk):
        assert _location(client.get(f"{finder}{number}/")) == post.get_absolute_url() + "#comments"


def test_finder_script_only_with_pages(client, post, thread):
    unpaged = client.get(post.get_absolute_url())
    scripts = [e.attrs["src"] for e in select(unpaged, "script")]
    assert not any("comment-page" in src for src in scripts)
    assert "comment-pages.css" not in unpaged.content.decode()
    _paging()
    response = client.get(post.get_absolute_url())
    scripts = [e.attrs["src"] for e in select(response, "script")]
    assert any(src.endswith("js/comment-page.js") for src in scripts)


# A page is read on its own: the thread's shape first, full rows for the page only


def test_a_page_is_the_same_as_a_slice_of_the_whole_thread(post, thread, django_assert_num_queries):
    """build_page gives every page exactly as the whole thread, cut and ordered; held
    comments of the reader included and replies to hidden comments dropped."""
    from comments.paging import Paging, split
    from comments.tree import build_page, build_thread

    deep = ReplyFactory(parent=ReplyFactory(parent=thread[1][1]))
    held = CommentFactory(post=post, status=Comment.Status.PENDING)
    ReplyFactory(parent=CommentFactory(post=post, status=Comment.Status.SPAM))  # hidden
    ReplyFactory(parent=deep)
    for per_page in (1, 2, 3, 50):
        for newest_default in (False, True):
            for newest_first in (False, True):
                paging = Paging(per_page, newest_default, newest_first)
                whole = build_thread(post, max_depth=5, include_pending=[held.pk]).nodes
                for page in (None, 1, 2, 3, 4, 7):
                    expected = split(whole, paging, page)
                    with django_assert_num_queries(2):
                        got, number, pages = build_page(
                            post, max_depth=5, include_pending=[held.pk], paging=paging, page=page
                        )
                    assert (number, pages) == expected[1:]
                    assert [
                        (n.comment.id, n.depth, n.opens_children, n.closes, n.can_reply)
                        for n in got.nodes
                    ] == [
                        (n.comment.id, n.depth, n.opens_children, n.closes, n.can_reply)
                        for n in expected[0]
                    ]


def test_a_comment_hidden_between_the_two_queries_is_not_shown(post, thread, monkeypatch):
    """Marked as spam after the page's shape was read: the page is read again as a whole
    and shows neither it nor a gap."""
    from comments import tree
    from comments.paging import Paging

    shape = tree._children
    reply = thread[4][1]

    def then_spam(pairs):
        children = shape(pairs)
        Comment.objects.filter(pk=reply.pk).update(status=Comment.Status.SPAM)
        return children

    monkeypatch.setattr(tree, "_children", then_spam)
    page, number, pages = tree.build_page(
        post, max_depth=5, paging=Paging(2, True, False), page=None
    )
    assert [node.comment.id for node in page.nodes] == [thread[4][0].pk]
    assert (number, pages) == (3, 3)
    assert page.nodes[0].has_children is False
