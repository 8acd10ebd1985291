"""The demo threads (comments/demo.py via `manage.py load_demo`)."""

import pytest
from django.core.management import call_command

from blog.models import Post
from comments.models import Comment
from tests.comments.helpers import (
    comment_items,
    one,
    parse,
    select,
    send_comment,
    thread_parent_id,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def _page(client, slug):
    return parse(client.get(Post.objects.get(slug=slug).get_absolute_url()))


def test_load_demo_twice_changes_nothing(demo):
    """Loading the demo again neither duplicates nor loses comments."""
    fields = ("pk", "post__slug", "author_name", "parent_id", "status", "body")
    before = list(Comment.objects.order_by("pk").values_list(*fields))
    call_command("load_demo", verbosity=0)
    assert list(Comment.objects.order_by("pk").values_list(*fields)) == before
    assert len(before) == 9
    assert Post.objects.get(slug="hartes-training").comment_count == 3


def test_hartes_training_shows_the_three_comments(client, demo):
    """ "3 Kommentare zu „hartes training“": Thomas, Stefan, and oliver as the post's author."""
    page = _page(client, "hartes-training")
    assert one(page, "h2", "comments-title").text == "3 Kommentare zu „hartes training“"
    items = comment_items(page)
    names = [one([e for e in page if li in e.parents], "b", "fn").text for li in items]
    assert names == ["Thomas", "Stefan", "oliver"]
    assert [thread_parent_id(li) for li in items] == [None, None, None]
    assert ["bypostauthor" in li.classes for li in items] == [False, False, True]
    badge = one(page, "span", "author-badge")
    assert items[2] in badge.parents


def test_demo_comment_bodies_as_written(client, demo):
    """Paragraphs, line breaks, typographic quotes and the 😉 of the original comments."""
    page = _page(client, "hartes-training")
    thomas, stefan, oliver = [e for e in page if e.has("div", "comment-content")]
    paragraphs = [p for p in page if p.tag == "p" and thomas in p.parents]
    assert [p.text for p in paragraphs][:1] == ["Hallo Oliver,"]
    assert thomas.text.count("😉") == 2
    assert "„Konkurrenz“" in thomas.text
    assert thomas.clean_text.endswith("Kopf hoch, Gruß, Thomas")
    assert len([b for b in page if b.tag == "br" and thomas in b.parents]) == 5
    assert stefan.clean_text.startswith("Hi Oliver, Kopf hoch, es geht auch weiter.")
    assert stefan.clean_text.endswith("Gruß Stefan")
    assert len([p for p in page if p.tag == "p" and stefan in p.parents]) == 5
    assert oliver.clean_text.startswith("hallo thomas, ja – nett ausgedrückt.")
    assert len([p for p in page if p.tag == "p" and oliver in p.parents]) == 6


def test_demo_commenters_are_returning_commenters(client, demo):
    """Thomas commenting again with his demo name and address appears at once."""
    post = Post.objects.get(slug="hartes-training")
    response = send_comment(
        client, post, author_name="Thomas", author_email="thomas@example.invalid"
    )
    assert response.status_code == 302
    assert Comment.objects.latest("id").status == "approved"


def test_second_demo_post_has_a_deep_thread(client, demo):
    """ "zehn kilometer": replies to replies down to the depth limit, the deepest unanswerable."""
    page = _page(client, "zehn-kilometer")
    items = comment_items(page)
    depths = [int(li.classes[1].removeprefix("depth-")) for li in items]
    assert depths == [1, 2, 3, 4, 5, 1]
    reply_ids = {a.attrs["data-commentid"] for a in select(page, "a", "comment-reply-link")}
    deepest = items[4].attrs["id"].removeprefix("comment-")
    assert deepest not in reply_ids
    assert len(reply_ids) == 5
    assert "bypostauthor" in items[1].classes
