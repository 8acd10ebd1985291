"""Replies, likes and boosts from Mastodon become comments and counts (issue #15)."""

import datetime

import pytest

from blog.models import Post
from comments import services
from comments.models import Comment, DiscussionSettings, Reaction
from fediverse import replies
from fediverse.registry import Refused, dispatch
from tests.factories import PageFactory, PostFactory

from .replies_helpers import (  # noqa: F401  (fixtures: alice, site)
    ALICE,
    NOTE,
    SITE,
    alice_fixture,
    edited,
    make_actor,
    payload,
    post_id,
    reply,
    site_fixture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog_post(site, post):
    return post


def test_a_mastodon_reply_to_a_post_is_a_held_comment_without_e_mail(blog_post, alice):
    assert dispatch(reply(post_id(blog_post)), alice) is True

    comment = Comment.objects.get()
    assert comment.post == blog_post
    assert comment.parent is None
    assert comment.origin == Comment.Origin.FEDIVERSE
    assert comment.remote_id == NOTE
    assert comment.author_name == "Alice Beispiel"
    assert comment.author_url == "https://mastodon.example/@alice"
    assert comment.author_email == ""
    assert comment.user_agent == "Mastodon"
    assert comment.status == Comment.Status.PENDING
    assert comment.created_at == datetime.datetime(2026, 12, 1, 10, 15, tzinfo=datetime.UTC)
    # The mention and the hashtag stay links, as every link of a comment.
    assert (
        f'<a href="{SITE}/ap/users/oliver" rel="nofollow ugc noopener">@oliver</a> '
        "Danke für den Beitrag!" in comment.body_html
    )
    assert (
        '<a href="https://mastodon.example/tags/Django" rel="nofollow ugc noopener">#Django</a>'
        in comment.body_html
    )
    assert "<p>Grüße aus Köln</p>" in comment.body_html
    assert "h-card" not in comment.body_html and "class=" not in comment.body_html
    blog_post.refresh_from_db()
    assert blog_post.comment_count == 0


def test_an_account_with_an_approved_comment_is_approved_at_once(blog_post, alice):
    replies.create_note(reply(post_id(blog_post)), alice)
    first = Comment.objects.get()
    services.set_status(first, Comment.Status.APPROVED)

    second_id = "https://mastodon.example/users/alice/statuses/2"
    replies.create_note(reply(post_id(blog_post), note_id=second_id), alice)
    assert Comment.objects.get(remote_id=second_id).status == Comment.Status.APPROVED
    blog_post.refresh_from_db()
    assert blog_post.comment_count == 2

    # Same display name on another server: a stranger, held.
    other = make_actor(host="other.example", name="alice", ap_id="https://other.example/u/alice")
    stranger = reply(
        post_id(blog_post), note_id="https://other.example/u/alice/1", actor=other.ap_id
    )
    replies.create_note(stranger, other)
    assert Comment.objects.get(remote_id__contains="other.example").status == "pending"


def test_the_moderation_rules_of_typed_comments_apply(blog_post, alice):
    settings = DiscussionSettings.load()
    settings.disallowed_words = "casino"
    settings.save()
    spam = "<p>Bestes Casino im Netz</p>"
    replies.create_note(reply(post_id(blog_post), content=spam), alice)
    assert Comment.objects.get().status == Comment.Status.SPAM

    # A known account with too many links is held; its mention does not count as one.
    Comment.objects.update(status=Comment.Status.APPROVED)
    links = '<p><a href="https://a.example/">a</a> <a href="https://b.example/">b</a></p>'
    replies.create_note(reply(post_id(blog_post), note_id=NOTE + "0", content=links), alice)
    assert Comment.objects.get(remote_id=NOTE + "0").status == Comment.Status.PENDING
    replies.create_note(reply(post_id(blog_post), note_id=NOTE + "1"), alice)
    assert Comment.objects.get(remote_id=NOTE + "1").status == Comment.Status.APPROVED


def test_replies_to_replies_land_in_their_thread(blog_post, alice):
    bob = make_actor("bob")
    replies.create_note(reply(post_id(blog_post)), alice)
    top = Comment.objects.get()
    # Bob answers Alice's toot.
    bob_note = "https://mastodon.example/users/bob/statuses/7"
    replies.create_note(reply(NOTE, note_id=bob_note, actor=bob.ap_id), bob)
    answer = Comment.objects.get(remote_id=bob_note)
    assert (answer.parent, answer.post, answer.depth) == (top, blog_post, 2)

    # Replies to one of our own comments, by its ActivityPub id or its anchor.
    local = Comment.objects.create(
        post=blog_post, author_name="Anna", body="Hallo", status=Comment.Status.APPROVED
    )
    by_id = "https://mastodon.example/users/bob/statuses/8"
    replies.create_note(
        reply(f"{SITE}/ap/comments/{local.pk}", note_id=by_id, actor=bob.ap_id), bob
    )
    anchor = f"{post_id(blog_post)}#comment-{local.pk}"
    by_anchor = "https://mastodon.example/users/bob/statuses/9"
    replies.create_note(reply(anchor, note_id=by_anchor, actor=bob.ap_id), bob)
    assert Comment.objects.get(remote_id=by_id).parent == local
    assert Comment.objects.get(remote_id=by_anchor).parent == local


def test_a_thread_deeper_than_the_setting_continues_at_the_deepest_level(blog_post, alice):
    settings = DiscussionSettings.load()
    settings.thread_depth = 2
    settings.save()
    replies.create_note(reply(post_id(blog_post)), alice)
    previous = NOTE
    for n in range(2, 5):
        note = f"{NOTE}-{n}"
        replies.create_note(reply(previous, note_id=note), alice)
        previous = note
    depths = sorted(Comment.objects.values_list("depth", flat=True))
    assert depths == [1, 2, 2, 2]


def test_what_is_no_reply_to_us_is_not_stored(blog_post, alice):
    replies.create_note(reply("https://mastodon.example/users/carol/statuses/1"), alice)
    replies.create_note(reply(f"{SITE}/kontakt/"), alice)
    del_parent = reply(post_id(blog_post))
    del_parent["object"].pop("inReplyTo")
    replies.create_note(del_parent, alice)
    assert not Comment.objects.exists()


def test_a_reply_to_the_permalink_lands_there_too(blog_post, alice):
    assert post_id(blog_post) == f"{SITE}/ap/posts/{blog_post.pk}"
    replies.create_note(reply(SITE + blog_post.get_absolute_url()), alice)
    assert Comment.objects.get().post == blog_post


@pytest.mark.parametrize(
    "change",
    [
        {"status": Post.Status.DRAFT},
        {"visibility": Post.Visibility.PRIVATE},
        {"visibility": Post.Visibility.PASSWORD, "password": "geheim"},
    ],
)
def test_replies_to_posts_that_never_left_the_blog_are_not_stored(site, author, alice, change):
    hidden = PostFactory(author=author, **change)
    for address in (post_id(hidden), SITE + hidden.get_absolute_url()):
        replies.create_note(reply(address), alice)
    assert not Comment.objects.exists()


def test_replies_to_a_post_closed_for_comments_are_refused(site, author, alice):
    closed = PostFactory(author=author, comments_open=False)
    with pytest.raises(Refused):
        replies.create_note(reply(post_id(closed)), alice)
    assert not Comment.objects.exists()


def test_a_note_of_someone_else_is_refused(blog_post, alice):
    bob = make_actor("bob")
    with pytest.raises(Refused):  # Alice's note, sent by Bob as his
        replies.create_note(reply(post_id(blog_post), actor=ALICE), bob)
    foreign = reply(post_id(blog_post), note_id="https://evil.example/notes/1")
    with pytest.raises(Refused):  # an object on another server
        replies.create_note(foreign, alice)
    assert not Comment.objects.exists()


def test_a_create_delivered_twice_is_one_comment(blog_post, alice):
    activity = reply(post_id(blog_post))
    replies.create_note(activity, alice)
    replies.create_note(activity, alice)
    assert Comment.objects.count() == 1


def test_update_from_the_author_changes_the_text(blog_post, alice):
    replies.create_note(reply(post_id(blog_post)), alice)
    update = payload("update_reply", parent=post_id(blog_post), author=f"{SITE}/ap/users/oliver")
    assert dispatch(update, alice)
    comment = Comment.objects.get()
    assert "Korrigiert: gilt für Django 5.2 und 6.0" in comment.body_html
    assert "Grüße aus Köln" not in comment.body_html
    assert comment.status == Comment.Status.PENDING


def test_update_and_delete_from_someone_else_are_refused(blog_post, alice):
    replies.create_note(reply(post_id(blog_post)), alice)
    before = Comment.objects.get().body_html
    mallory = make_actor("mallory", host="mastodon.example")
    update = payload("update_reply", parent=post_id(blog_post), author=f"{SITE}/ap/users/oliver")
    update = edited(update, attributedTo=mallory.ap_id)
    with pytest.raises(Refused):
        replies.update_note(update, mallory)
    delete = payload("delete_reply")
    with pytest.raises(Refused):
        replies.delete_object(delete, mallory)
    assert Comment.objects.get().body_html == before


def test_delete_from_the_author_removes_the_reply(blog_post, alice):
    replies.create_note(reply(post_id(blog_post)), alice)
    services.set_status(Comment.objects.get(), Comment.Status.APPROVED)
    blog_post.refresh_from_db()
    assert blog_post.comment_count == 1
    assert dispatch(payload("delete_reply"), alice)
    assert not Comment.objects.exists()
    blog_post.refresh_from_db()
    assert blog_post.comment_count == 0


def test_delete_by_bare_id_and_of_the_whole_account(blog_post, alice):
    replies.create_note(reply(post_id(blog_post)), alice)
    replies.create_note(reply(post_id(blog_post), note_id=NOTE + "2"), alice)
    replies.delete_object({"type": "Delete", "actor": ALICE, "object": NOTE}, alice)
    assert list(Comment.objects.values_list("remote_id", flat=True)) == [NOTE + "2"]
    replies.like(payload("like", post=post_id(blog_post)), alice)
    replies.delete_object({"type": "Delete", "actor": ALICE, "object": ALICE}, alice)
    assert not Comment.objects.exists()
    assert not Reaction.objects.exists()


def test_likes_and_boosts_are_counted_and_undone(blog_post, alice):
    bob = make_actor("bob")
    like = payload("like", post=post_id(blog_post))
    boost = payload("announce", post=post_id(blog_post), author=f"{SITE}/ap/users/oliver")
    assert dispatch(like, alice) and dispatch(boost, alice)
    dispatch(like, alice)  # delivered again: still one
    bob_like = dict(like, id="https://mastodon.example/users/bob#likes/1", actor=bob.ap_id)
    dispatch(bob_like, bob)
    counts = sorted(Reaction.objects.values_list("kind", "actor"))
    assert counts == [("like", ALICE), ("like", bob.ap_id), ("repost", ALICE)]
    assert not Comment.objects.exists()

    with pytest.raises(Refused):  # Bob cannot undo Alice's like
        undo = payload("undo_like", post=post_id(blog_post))
        replies.undo_like(undo, bob)
    assert dispatch(payload("undo_like", post=post_id(blog_post)), alice)
    undo_boost = payload("undo_announce", post=post_id(blog_post), author=f"{SITE}/ap/users/o")
    assert dispatch(undo_boost, alice)
    assert list(Reaction.objects.values_list("actor", flat=True)) == [bob.ap_id]
    # Mastodon may send the undone activity as its bare id.
    undo_by_id = {"type": "Undo", "actor": bob.ap_id, "object": bob_like["id"]}
    assert dispatch(undo_by_id, bob)
    assert not Reaction.objects.exists()


def test_likes_of_other_things_are_not_counted(blog_post, alice):
    replies.like(payload("like", post="https://mastodon.example/users/carol/statuses/1"), alice)
    draft = PostFactory(author=blog_post.author, status=Post.Status.DRAFT)
    replies.like(payload("like", post=SITE + draft.get_absolute_url()), alice)
    assert not Reaction.objects.exists()


HOSTILE = (
    '<p>Hallo<script>alert("x")</script><style>body{display:none}</style>'
    '<img src="https://tracker.example/pixel.gif" onerror="steal()">'
    '<a href="javascript:alert(1)" onclick="steal()">klick</a> '
    '<a href="data:text/html,<script>alert(1)</script>">daten</a> '
    '<span onmouseover="steal()" style="position:fixed">Text</span> '
    '<iframe src="https://evil.example/"></iframe><b onclick="x()">fett</b> '
    "&lt;script&gt;alert(2)&lt;/script&gt; "
    '<a href="https://ok.example/?q=&quot;&gt;&lt;script&gt;">gut</a></p>'
)


def test_hostile_html_is_sanitised(blog_post, alice):
    replies.create_note(reply(post_id(blog_post), content=HOSTILE), alice)
    html = Comment.objects.get().body_html
    for bad in ("<script", "<style", "<img", "<iframe", "onerror", "onclick", "onmouseover"):
        assert bad not in html
    for bad in ("javascript:", "data:", "tracker.example", "evil.example", "style="):
        assert bad not in html
    assert "klick" in html and "daten" in html and "<b>fett</b>" in html
    # What was text stays text.
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert (
        '<a href="https://ok.example/?q=%22%3E%3Cscript%3E" rel="nofollow ugc noopener">gut</a>'
        in html
    )


def test_the_post_author_hears_of_a_held_reply_without_an_address_to_answer(
    blog_post, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        replies.create_note(reply(post_id(blog_post)), alice)
    (message,) = mailoutbox
    assert message.to == [blog_post.author.email]
    assert "Alice Beispiel" in message.body
    assert "https://mastodon.example/@alice" in message.body
    assert "mailto:" not in message.body


def test_a_reply_to_a_comment_on_a_page_is_not_stored(site, author, alice):
    page = PageFactory(comments_open=True)
    local = Comment.objects.create(
        page=page, author_name="Anna", body="Hallo", status=Comment.Status.APPROVED
    )
    replies.create_note(reply(f"{SITE}/ap/comments/{local.pk}"), alice)
    assert Comment.objects.count() == 1


def test_an_account_whose_profile_address_is_no_url_is_refused(blog_post):
    odd = make_actor("odd", url="https://mastodon.example/@o dd")
    note = reply(post_id(blog_post), note_id="https://mastodon.example/users/odd/statuses/1")
    note["object"]["attributedTo"] = odd.ap_id
    with pytest.raises(Refused):
        replies.create_note(note, odd)
    assert not Comment.objects.exists()


def test_attached_images_are_links_with_their_descriptions_never_loaded(blog_post, alice):
    activity = reply(post_id(blog_post))
    activity["object"]["attachment"] = [
        {
            "type": "Document",
            "mediaType": "image/jpeg",
            "url": "https://files.mastodon.example/media/1/original/kölner_dom.jpg",
            "name": "Der Kölner Dom bei *Nacht* <img src=x>",
            "blurhash": "UFBWY:8_0Jxt~qozM{of0Ks:%2WB%MRjxuWB",
            "width": 1200,
            "height": 800,
        },
        {"type": "Document", "mediaType": "image/png", "url": "javascript:alert(1)"},
    ]
    replies.create_note(activity, alice)
    html = Comment.objects.get().body_html
    assert "<img" not in html and "javascript:" not in html
    assert (
        '<a href="https://files.mastodon.example/media/1/original/k%C3%B6lner_dom.jpg" '
        'rel="nofollow ugc noopener">Der Kölner Dom bei *Nacht* &lt;img src=x&gt;</a>' in html
    )
