"""Replies from the fediverse as readers and the admin see them (issue #15)."""

import pytest
from django.urls import reverse

from comments import services
from comments.models import Comment
from fediverse import replies
from tests.html import nesting_problems, one, select

from .replies_helpers import (  # noqa: F401  (fixtures: alice, site)
    NOTE,
    alice_fixture,
    make_actor,
    payload,
    post_id,
    reply,
    site_fixture,
)
from .test_replies import HOSTILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_reply(site, post, alice):
    replies.create_note(reply(post_id(post), content=HOSTILE), alice)
    comment = Comment.objects.get()
    services.set_status(comment, Comment.Status.APPROVED)
    return comment


def test_the_post_shows_the_account_its_handle_and_where_it_came_from(client, post, approved_reply):
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    link = one(response, "a", cls="url")
    assert link.attrs["href"] == "https://mastodon.example/@alice"
    assert link.attrs["rel"] == "external nofollow ugc"
    assert link.clean_text == "Alice Beispiel"
    assert one(response, "span", cls="comment-handle").clean_text == "@alice@mastodon.example"
    via = one(response, "small", cls="comment-via")
    assert via.clean_text == "@alice@mastodon.example · via Mastodon"
    assert via.within("div", "comment-author")
    html = response.content.decode()
    # Never an e-mail; nothing of the hostile payload is live on the page.
    assert "mailto:" not in html
    for bad in ("steal()", "javascript:alert", "tracker.example", 'alert("x")'):
        assert bad not in html
    assert nesting_problems(response) == []


def test_a_reply_from_an_unknown_server_software_says_via_fediverse(client, site, post):
    carol = make_actor("carol", host="gts.example", url="https://gts.example/@carol")
    note = reply(post_id(post), note_id="https://gts.example/users/carol/statuses/1")
    note["actor"] = note["object"]["attributedTo"] = carol.ap_id
    del note["object"]["atomUri"]
    replies.create_note(note, carol)
    services.set_status(Comment.objects.get(), Comment.Status.APPROVED)
    response = client.get(post.get_absolute_url())
    assert one(response, "small", cls="comment-via").clean_text == (
        "@carol@gts.example · via Fediverse"
    )


def test_a_held_reply_is_not_on_the_post(client, site, post, alice):
    replies.create_note(reply(post_id(post)), alice)
    response = client.get(post.get_absolute_url())
    assert not select(response, "small", cls="comment-via")
    assert "Grüße aus Köln" not in response.content.decode()


def test_likes_and_boosts_are_counted_under_the_post(client, site, post, alice):
    bob = make_actor("bob")
    replies.like(payload("like", post=post_id(post)), alice)
    replies.like(dict(payload("like", post=post_id(post)), id="b#1", actor=bob.ap_id), bob)
    replies.announce(payload("announce", post=post_id(post), author=""), alice)
    text = one(client.get(post.get_absolute_url()), "p", cls="post-reactions").clean_text
    assert "2" in text and "1" in text
    assert not Comment.objects.exists()


def test_the_admin_shows_the_origin_and_says_the_reply_goes_out(
    client, author, post, approved_reply
):
    author.is_superuser = True
    author.save()
    client.force_login(author)
    listing = client.get(reverse("admin:comments_comment_changelist"))
    origin = one(listing, "a", cls="comment-origin")
    assert origin.attrs["href"] == "https://mastodon.example/@alice"
    assert origin.clean_text == "via Mastodon"
    assert not select(listing, "a", cls="comment-email")
    page = client.get(reverse("admin:comments_comment_change", args=[approved_reply.pk]))
    note = one(page, "p", cls="fediverse-note")
    assert "Fediverse" in note.clean_text
