"""The thread of a post: one query, reading order, depths and the list markup (comments/tree.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from comments.services import set_status
from comments.tree import build_thread
from tests.comments.helpers import (
    comment_items,
    german,
    nesting_problems,
    select,
    thread_parent_id,
)
from tests.factories import CommentFactory, ReplyFactory

pytestmark = pytest.mark.django_db

# (label, parent label, minutes after the first comment): replies arrive mixed in time.
THREAD = [
    ("A", None, 0),
    ("B", None, 1),
    ("A1", "A", 2),
    ("C", None, 3),
    ("B1", "B", 4),
    ("A2", "A", 5),
    ("A1a", "A1", 6),
    ("A1a-i", "A1a", 7),
    ("A1a-i-x", "A1a-i", 8),
    ("A1b", "A1", 9),
]
# The thread as a reader sees it: label and depth, in order.
EXPECTED = [
    ("A", 1),
    ("A1", 2),
    ("A1a", 3),
    ("A1a-i", 4),
    ("A1a-i-x", 5),
    ("A1b", 3),
    ("A2", 2),
    ("B", 1),
    ("B1", 2),
    ("C", 1),
]


def _make_thread(post, spec=THREAD) -> dict[str, Comment]:
    start = timezone.now() - datetime.timedelta(hours=2)
    made: dict[str, Comment] = {}
    for label, parent, minutes in spec:
        made[label] = CommentFactory(
            post=post,
            parent=made.get(parent),
            author_name=label,
            created_at=start + datetime.timedelta(minutes=minutes),
        )
    return made


def _table(thread, made) -> list[tuple[str, int]]:
    labels = {c.pk: label for label, c in made.items()}
    return [(labels[node.comment.pk], node.depth) for node in thread.nodes]


def test_thread_comes_in_reading_order_with_depths(post):
    """Each comment follows its parent, siblings by date, with its depth (cf. XTD's tables)."""
    made = _make_thread(post)
    thread = build_thread(post, max_depth=5)
    assert _table(thread, made) == EXPECTED


def test_stored_depth_agrees_with_the_tree(post):
    """Comment.depth, derived at save time, is the depth the tree computes."""
    made = _make_thread(post)
    assert [(label, made[label].depth) for label, _depth in EXPECTED] == EXPECTED


def test_the_thread_is_one_query(post, django_assert_num_queries):
    """Building the thread costs a single query, however deep it is."""
    _make_thread(post)
    with django_assert_num_queries(1):
        thread = build_thread(post, max_depth=5)
        assert [n.comment.author_name for n in thread.nodes]


def test_comments_of_other_posts_are_not_in_the_thread(post):
    """Only the post's own comments."""
    made = _make_thread(post, THREAD[:2])
    CommentFactory()
    assert _table(build_thread(post, max_depth=5), made) == [("A", 1), ("B", 1)]


@pytest.mark.parametrize("status", ["pending", "spam", "trash"])
def test_replies_under_a_hidden_parent_are_dropped(post, status):
    """A reply (and its replies) under a comment readers cannot see is dropped with it."""
    made = _make_thread(post)
    Comment.objects.filter(pk=made["A1"].pk).update(status=status)
    assert _table(build_thread(post, max_depth=5), made) == [
        ("A", 1),
        ("A2", 2),
        ("B", 1),
        ("B1", 2),
        ("C", 1),
    ]


def test_hidden_comments_are_not_in_the_thread(post):
    """Pending, spam and trashed comments are left out."""
    made = _make_thread(post, THREAD[:2] + [("D", None, 20), ("E", None, 21), ("F", None, 22)])
    for label, status in (("D", "pending"), ("E", "spam"), ("F", "trash")):
        Comment.objects.filter(pk=made[label].pk).update(status=status)
    assert _table(build_thread(post, max_depth=5), made) == [("A", 1), ("B", 1)]


def test_pending_comments_only_when_their_id_is_passed(post):
    """A held comment appears (without reply link) only for the ids given; spam never does."""
    made = _make_thread(post, THREAD[:3])
    held = ReplyFactory(parent=made["A"], author_name="held", status="pending")
    other = CommentFactory(post=post, author_name="other", status="pending")
    junk = CommentFactory(post=post, author_name="junk", status="spam")
    made.update(held=held, other=other, junk=junk)

    assert _table(build_thread(post, max_depth=5), made) == [("A", 1), ("A1", 2), ("B", 1)]
    thread = build_thread(post, max_depth=5, include_pending=[held.pk, junk.pk])
    assert _table(thread, made) == [("A", 1), ("held", 2), ("A1", 2), ("B", 1)]
    node = thread.nodes[1]
    assert node.comment.status == "pending"
    assert not node.can_reply


def test_reply_links_stop_at_the_depth_limit(post):
    """Only comments above the depth limit can be answered."""
    made = _make_thread(post)
    thread = build_thread(post, max_depth=3)
    can_reply = {node.comment.author_name: node.can_reply for node in thread.nodes}
    assert [label for label, ok in can_reply.items() if not ok] == [
        "A1a",
        "A1a-i",
        "A1a-i-x",
        "A1b",
    ]
    assert _table(thread, made) == EXPECTED


def _page_items(client, post):
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response, comment_items(response)


def test_rendered_thread_nests_lists_as_wordpress(client, post):
    """WordPress's lists: li.comment.depth-D in ol.comment-list, replies in ol.children."""
    made = _make_thread(post)
    response, items = _page_items(client, post)
    labels = {c.pk: label for label, c in made.items()}
    assert not nesting_problems(response)
    assert len(select(response, "ol", "comment-list")) == 1

    table = []
    for li in items:
        pk = int(li.attrs["id"].removeprefix("comment-"))
        depth = int(next(c for c in li.classes if c.startswith("depth-")).removeprefix("depth-"))
        table.append((labels[pk], depth))
        parent_pk = thread_parent_id(li)
        assert parent_pk == made[labels[pk]].parent_id
        assert li.classes[:2] == ["comment", f"depth-{depth}"]
        if depth == 1:
            assert li.parent.has("ol", "comment-list")
        else:
            assert li.parent.has("ol", "children")
            assert li.parent.parent.attrs["id"] == f"comment-{parent_pk}"
    assert table == EXPECTED
    # A comment with replies has the class "parent", as in WordPress.
    with_children = {labels[int(li.attrs["id"][8:])] for li in items if "parent" in li.classes}
    assert with_children == {"A", "A1", "A1a", "A1a-i", "B"}
    assert len(select(response, "ol", "children")) == len(with_children)


def test_no_reply_link_at_the_deepest_level(client, post):
    """At the depth limit (default 5) a comment has no "Antworten" link; above it, it has."""
    made = _make_thread(post)
    response = client.get(post.get_absolute_url())
    links = {int(a.attrs["data-commentid"]): a for a in select(response, "a", "comment-reply-link")}
    deepest = made["A1a-i-x"]
    assert deepest.depth == 5
    assert deepest.pk not in links
    assert set(links) == {c.pk for c in made.values()} - {deepest.pk}
    thomas_link = links[made["A"].pk]
    assert thomas_link.text == german("Reply")
    assert thomas_link.attrs["href"] == f"?replytocom={made['A'].pk}#respond"


def test_depth_limit_is_a_setting(client, post):
    """With three levels set, comments at depth 3 lose their reply link."""
    made = _make_thread(post)
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"thread_depth": 3})
    response = client.get(post.get_absolute_url())
    ids = {int(a.attrs["data-commentid"]) for a in select(response, "a", "comment-reply-link")}
    assert ids == {made[label].pk for label in ("A", "A1", "A2", "B", "B1", "C")}


def test_reply_link_has_an_accessible_name(client, post):
    """The reply link's accessible name names the commenter: "Auf Thomas antworten"."""
    thomas = CommentFactory(post=post, author_name="Thomas")
    response = client.get(post.get_absolute_url())
    link = select(response, "a", "comment-reply-link")[0]
    assert link.attrs["aria-label"] == "Auf Thomas antworten"
    assert link.attrs["data-replyto"] == "Schreibe einen Kommentar zu Thomas"
    assert link.text == "Antworten"
    assert link.attrs["data-commentid"] == str(thomas.pk)


def _bulk_thread(post, count):
    """`count` comments: every third a reply to the one before it, so the thread is deep."""
    previous = None
    for index in range(count):
        parent = previous if index % 3 and previous and previous.depth < 5 else None
        previous = CommentFactory(post=post, parent=parent, body=f"kommentar *{index}*")


def _page_queries(client, post) -> tuple[int, int]:
    for _warm_up in range(2):  # settings rows created, then the page-frame cache filled
        client.get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert [q for q in queries if 'FROM "comments_comment"' in q["sql"]], "page not rendered"
    return len(queries), len(comment_items(response))


def test_post_page_queries_do_not_grow_with_the_comments(client, post, settings):
    """The post page costs the same number of queries with 10 and with 500 comments."""
    # Measure the rendering, not the page or fragment caches (issue #6); the bulk insert
    # below bypasses the signals that would invalidate them.
    settings.BLOG_PAGE_CACHE = False
    settings.BLOG_FRAGMENT_CACHE = False
    _bulk_thread(post, 10)
    with_ten, shown = _page_queries(client, post)
    assert shown == 10
    _bulk_thread(post, 490)
    with_five_hundred, shown = _page_queries(client, post)
    assert shown == 500
    assert with_five_hundred == with_ten


def test_nesting_stays_well_formed_with_many_comments(client, post):
    """A long, deep thread still closes every list it opens."""
    _bulk_thread(post, 60)
    response = client.get(post.get_absolute_url())
    assert not nesting_problems(response)
    items = comment_items(response)
    assert len(items) == 60
    for li in items:
        depth = int(li.classes[1].removeprefix("depth-"))
        assert sum(1 for p in li.parents if p.has("li", "comment")) == depth - 1


def test_approving_a_held_reply_places_it_under_its_parent(client, post):
    """Once set_status approves a held reply, every reader sees it under its parent."""
    thomas = CommentFactory(post=post, author_name="Thomas")
    reply = ReplyFactory(parent=thomas, status="pending")
    before = comment_items(client.get(post.get_absolute_url()))
    assert [li.attrs["id"] for li in before] == [f"comment-{thomas.pk}"]
    set_status(reply, Comment.Status.APPROVED)
    items = comment_items(client.get(post.get_absolute_url()))
    assert [thread_parent_id(li) for li in items] == [None, thomas.pk]


@pytest.mark.parametrize("fragments", [True, False])
def test_thread_stands_once_between_heading_and_form(client, post, settings, fragments):
    """The thread's bytes go where the section put its marker (comments/middleware.py):
    in place, once, with no marker left, whether the thread comes from the fragment
    cache or was just rendered."""
    settings.BLOG_FRAGMENT_CACHE = fragments
    _make_thread(post)
    CommentFactory(post=post, body="grüße 😉 „zitat“ und <!--comment-thread-0--> als text")
    for _ in range(2):  # the second request gets the cached thread when caching is on
        response = client.get(post.get_absolute_url())
        page = response.content.decode()
        assert "<!--comment-thread-" not in page
        assert int(response["Content-Length"]) == len(response.content)
        assert page.count('<ol class="comment-list">') == 1
        heading = page.index('class="comments-title"')
        thread = page.index('<ol class="comment-list">')
        assert heading < thread < page.index('id="respond"')
        assert "grüße 😉 „zitat“ und &lt;!--comment-thread-0--&gt; als text" in page
        assert not nesting_problems(response)
        assert len(comment_items(response)) == len(THREAD) + 1


def test_comment_section_tag_shows_the_thread_in_any_template(rf, post):
    """A theme's own template gets heading, thread and form from {% comment_section post %},
    the thread as HTML even outside a request through the middleware."""
    from django.contrib.auth.models import AnonymousUser
    from django.template import RequestContext, Template

    CommentFactory(post=post, author_name="Thomas", body="grüße „zitat“")
    request = rf.get(post.get_absolute_url())
    request.user = AnonymousUser()
    template = Template("{% load comment_tags %}<main>{% comment_section post %}</main>")
    html = template.render(RequestContext(request, {"post": post}))
    assert "<!--comment-thread-" not in html
    assert html.index('<ol class="comment-list">') < html.index('id="commentform"')
    assert "grüße „zitat“" in html
