"""The comment form on a post page and its POST endpoint (comments/views.py), as a browser
without JavaScript uses them."""

import datetime
import zoneinfo
from urllib.parse import quote, unquote_to_bytes, urlencode

import pytest
from django.db import IntegrityError, InternalError, OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from blog.models import Post
from comments.models import Comment, DiscussionSettings
from comments.section import AUTHOR_COOKIE, PENDING_COOKIE
from comments.services import set_status
from tests.comments.helpers import (
    comment_ids,
    comment_items,
    form_data,
    german,
    one,
    parse,
    select,
    send_comment,
    textarea_value,
    thread_parent_id,
)
from tests.factories import CommentFactory, PostFactory, ReplyFactory, UserFactory
from tests.html import comment_form_values

pytestmark = pytest.mark.django_db

AWAITING = "Dein Kommentar wartet auf Freischaltung."
CLOSED = "Die Kommentarfunktion für diesen Beitrag wurde deaktiviert."
TEXT = "Mein Text mit Umlauten: Größe, Übung 😉\nzweite Zeile"


@pytest.fixture
def thomas(post):
    """Thomas's approved comment on "hartes training"."""
    return CommentFactory(post=post, author_name="Thomas", author_email="thomas@example.net")


def _create_url(post):
    return reverse("comments:comment_create", kwargs={"post_id": post.pk})


def _error_in(response, css_class: str) -> str:
    """The errors shown inside the form field with this class ("" when none)."""
    elements = parse(response)
    field = one(elements, "div", css_class)
    return " ".join(
        e.clean_text for e in elements if e.has("ul", "errorlist") and field in e.parents
    )


# The form as the page shows it


def test_form_speaks_german_wordpress(client, post):
    """Heading, notice, labels and button read as in German WordPress."""
    response = client.get(post.get_absolute_url())
    assert one(response, "section", id_="respond").attrs["class"] == "comment-respond"
    form = one(response, "form", id_="commentform")
    assert form.attrs["method"] == "post"
    assert form.attrs["action"] == _create_url(post)
    assert one(response, "span", "reply-title-text").text == "Schreibe einen Kommentar"
    assert one(response, "p", "comment-notes").clean_text == (
        "Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert"
    )
    labels = {e.attrs["for"]: e.clean_text for e in select(response, "label")}
    assert labels["id_body"] == "Kommentar *"
    assert labels["id_author_name"] == "Name *"
    assert labels["id_author_email"] == "E-Mail *"
    assert labels["id_author_url"] == "Website"
    assert one(response, "input", id_="submit").attrs["value"] == "Kommentar abschicken"
    cancel = one(response, "a", id_="cancel-comment-reply-link")
    assert cancel.text == "Antworten abbrechen"
    assert "hidden" in cancel.attrs
    assert one(response, "input", id_="id_parent").attrs["type"] == "hidden"


def test_anonymous_form_has_captcha_honeypot_and_consent(client, post):
    """Captcha, honeypot and the remember-me consent box are in the anonymous form."""
    response = client.get(post.get_absolute_url())
    assert one(response, "input", id_="id_captcha").attrs["name"] == "captcha"
    assert one(response, "input", id_="id_honeypot").attrs["tabindex"] == "-1"
    assert one(response, "input", id_="id_remember").attrs["type"] == "checkbox"
    assert "checked" not in one(response, "input", id_="id_remember").attrs


def test_get_on_the_endpoint_is_405(client, post):
    """The endpoint takes POST only."""
    assert client.get(_create_url(post)).status_code == 405


# Posting


def test_returning_commenter_appears_at_once(client, post, thomas):
    """Valid and approved: a redirect to the post at #comment-N, and there it is."""
    response = send_comment(
        client, post, author_name="Thomas", author_email="THOMAS@example.net", body=TEXT
    )
    comment = Comment.objects.latest("id")
    assertRedirects(response, f"{post.get_absolute_url()}#comment-{comment.pk}")
    assert comment.status == "approved"
    assert comment.body == TEXT
    assert comment.ip_address == "198.51.100.1"
    page = Client().get(post.get_absolute_url())
    assert comment_ids(page) == [thomas.pk, comment.pk]
    assert AWAITING not in page.content.decode()


def test_held_comment_is_shown_to_its_author_only(client, post):
    """A held comment: redirect to its anchor; its author sees it with the notice, others not."""
    response = send_comment(client, post, body=TEXT)
    comment = Comment.objects.get()
    assert comment.status == "pending"
    assertRedirects(response, f"{post.get_absolute_url()}#comment-{comment.pk}")
    assert response.cookies[PENDING_COOKIE]["httponly"]

    mine = client.get(post.get_absolute_url())
    item = one(mine, "li", id_=f"comment-{comment.pk}")
    assert "unapproved" in item.classes
    assert one(mine, "p", "comment-awaiting-moderation").text == AWAITING
    assert not select(mine, "a", "comment-reply-link")

    theirs = Client().get(post.get_absolute_url())
    assert comment_ids(theirs) == []
    assert AWAITING not in theirs.content.decode()
    assert TEXT.split("\n")[0] not in theirs.content.decode()


def test_forged_pending_cookie_shows_nothing(client, post):
    """An unsigned cookie naming someone else's held comment does not reveal it."""
    held = CommentFactory(post=post, status="pending")
    client.cookies[PENDING_COOKIE] = str(held.pk)
    assert comment_ids(client.get(post.get_absolute_url())) == []


def test_spam_goes_nowhere_visible(client, post):
    """A comment marked as spam redirects to the comments and is shown to nobody."""
    response = send_comment(client, post, honeypot="http://spam.example/")
    comment = Comment.objects.get()
    assert comment.status == "spam"
    assertRedirects(response, f"{post.get_absolute_url()}#comments")
    assert comment_ids(client.get(post.get_absolute_url())) == []


def test_comment_heading_has_the_german_plural(client, post):
    """ "Ein Kommentar zu „…“" for one, "3 Kommentare zu „…“" for three."""
    CommentFactory(post=post)
    assert one(client.get(post.get_absolute_url()), "h2", "comments-title").text == (
        "Ein Kommentar zu „hartes training“"
    )
    CommentFactory.create_batch(2, post=post)
    assert one(client.get(post.get_absolute_url()), "h2", "comments-title").text == (
        "3 Kommentare zu „hartes training“"
    )


def test_comment_shows_name_link_date_and_body(client, post):
    """Name linked to the website with rel nofollow ugc, the German date linking to the anchor."""
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    comment = CommentFactory(
        post=post,
        author_name="Thomas",
        author_url="https://thomas.example/",
        created_at=datetime.datetime(2026, 11, 27, 20, 30, tzinfo=berlin),
    )
    response = client.get(post.get_absolute_url())
    name = one(response, "a", "url")
    assert name.text == "Thomas"
    assert name.attrs["href"] == "https://thomas.example/"
    assert {"nofollow", "ugc"} <= set(name.attrs["rel"].split())
    assertContains(
        response,
        f'<a href="#comment-{comment.pk}"><time datetime="2026-11-27T20:30:00+01:00">'
        "27. November 2026 um 20:30</time></a>",
        html=True,
    )
    assert one(response, "div", "comment-content").clean_text == "ein guter beitrag."


# Validation: German errors next to each field, the text kept


@pytest.mark.parametrize(
    ("field", "css_class", "message"),
    [
        ("author_name", "comment-form-author", "Please enter your name."),
        ("author_email", "comment-form-email", "Please enter your email address."),
        ("body", "comment-form-comment", "Please type your comment text."),
    ],
)
def test_missing_field_gets_a_german_error_and_keeps_the_text(
    client, post, field, css_class, message
):
    """A missing required field: 400, its error next to it, everything typed still there."""
    response = send_comment(client, post, **{"body": TEXT, field: ""})
    assert response.status_code == 400
    assert _error_in(response, css_class) == german(message)
    assert one(response, "p", "form-error").text == german(
        "Error: Please fill the required fields."
    )
    if field != "body":
        assert textarea_value(response) == TEXT
    if field != "author_name":
        assert one(response, "input", id_="id_author_name").attrs["value"] == "Anna"
    assert not Comment.objects.exists()


def test_blank_body_of_spaces_is_missing(client, post):
    """A body of spaces and line breaks counts as empty."""
    response = send_comment(client, post, body="  \n\t ")
    assert response.status_code == 400
    assert _error_in(response, "comment-form-comment") == german("Please type your comment text.")
    assert not Comment.objects.exists()


def test_invalid_email_is_refused(client, post):
    """An address without a domain: a German error at the e-mail field, the text kept."""
    response = send_comment(client, post, body=TEXT, author_email="anna@")
    assert response.status_code == 400
    assert _error_in(response, "comment-form-email") == german(
        "Please enter a valid email address."
    )
    assert textarea_value(response) == TEXT
    assert one(response, "input", id_="id_author_email").attrs["value"] == "anna@"
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("fields", "css_class", "message"),
    [
        ({"author_name": "N" * 246}, "comment-form-author", "Your name is too long."),
        (
            {"author_email": "a" * 89 + "@example.net"},
            "comment-form-email",
            "Your email address is too long.",
        ),
        (
            {"author_url": "https://example.org/" + "x" * 181},
            "comment-form-url",
            "Your URL is too long.",
        ),
        ({"body": "x" * 65_526}, "comment-form-comment", "Your comment is too long."),
    ],
)
def test_too_long_fields_are_refused(client, post, fields, css_class, message):
    """WordPress's limits: name 245, e-mail 100, website 200, body 65,525 characters."""
    assert len(next(iter(fields.values()))) in {246, 101, 201, 65_526}
    response = send_comment(client, post, **fields)
    assert response.status_code == 400
    assert _error_in(response, css_class) == german(message)
    assert not Comment.objects.exists()


def test_fields_at_the_limits_are_accepted(client, post):
    """Exactly 245, 100, 200 and 65,525 characters are fine."""
    fields = {
        "author_name": "N" * 245,
        "author_email": "a" * 88 + "@example.net",
        "author_url": "https://example.org/" + "x" * 180,
        "body": "x" * 65_525,
    }
    assert [len(v) for v in fields.values()] == [245, 100, 200, 65_525]
    response = send_comment(client, post, **fields)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author_name, comment.author_email, comment.author_url) == (
        fields["author_name"],
        fields["author_email"],
        fields["author_url"],
    )
    assert len(comment.body) == 65_525


def test_wrong_captcha_is_a_form_error_with_the_text_kept(client, post):
    """A wrong security code: 400, the error at the captcha, the text still in the form."""
    response = send_comment(client, post, body=TEXT, captcha="falsch")
    assert response.status_code == 400
    assert _error_in(response, "comment-form-captcha") == german(
        "The security code was wrong. Please try again."
    )
    assert textarea_value(response) == TEXT
    assert not Comment.objects.exists()


def test_website_without_scheme_gets_https(client, post):
    """ "thomas.example" is stored as https://thomas.example."""
    send_comment(client, post, author_url="thomas.example")
    assert Comment.objects.get().author_url == "https://thomas.example"


# Refused as a whole: 409, 429, 400, 403


def test_flood_from_one_ip_is_429_with_the_text_kept(client, post):
    """A second comment from the same IP within 15 seconds: 429, the text kept."""
    assert send_comment(client, post, ip="203.0.113.5").status_code == 302
    response = send_comment(
        client, post, ip="203.0.113.5", author_email="bert@example.net", body=TEXT
    )
    assert response.status_code == 429
    assert one(response, "p", "form-error").text == german(
        "You are posting comments too quickly. Slow down."
    )
    assert textarea_value(response) == TEXT
    assert Comment.objects.count() == 1


def test_flood_from_one_email_is_429(client, post):
    """The same e-mail address from another IP within 15 seconds is flooding too."""
    assert send_comment(client, post, ip="203.0.113.5").status_code == 302
    response = send_comment(
        client, post, ip="203.0.113.6", author_email="ANNA@example.net", body=TEXT
    )
    assert response.status_code == 429
    assert textarea_value(response) == TEXT


def test_flood_limit_is_a_setting(client, post):
    """With the flood limit at 0 seconds, two quick comments are fine."""
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"flood_seconds": 0})
    assert send_comment(client, post, ip="203.0.113.5").status_code == 302
    assert send_comment(client, post, ip="203.0.113.5", body="noch was").status_code == 302


def test_duplicate_is_409_with_the_text_kept(client, post):
    """The same text again on the same post and parent from the same commenter: 409."""
    assert send_comment(client, post, body=TEXT, ip="203.0.113.5").status_code == 302
    response = send_comment(client, post, body=TEXT, ip="203.0.113.9")
    assert response.status_code == 409
    assert one(response, "p", "form-error").text == german(
        "Duplicate comment detected; it looks as though you’ve already said that!"
    )
    assert textarea_value(response) == TEXT
    assert Comment.objects.count() == 1


def test_reply_to_a_pending_comment_is_403(client, post):
    """A reply to a comment that is not approved is refused."""
    held = CommentFactory(post=post, status="pending")
    response = send_comment(client, post, parent=str(held.pk), body=TEXT)
    assert response.status_code == 403
    assert german("Sorry, replies to unapproved comments are not allowed.") in (
        response.content.decode()
    )
    assert textarea_value(response) == TEXT
    assert Comment.objects.count() == 1


def test_parent_of_another_post_is_400(client, post):
    """A parent from another post is refused, never a 500."""
    foreign = CommentFactory()
    response = send_comment(client, post, parent=str(foreign.pk), body=TEXT)
    assert response.status_code == 400
    assert german("The comment you are replying to does not exist.") in response.content.decode()
    assert textarea_value(response) == TEXT
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1.5", "99999999999999999999999"])
def test_nonsense_parent_is_400(client, post, value):
    """A parent that is not a comment id: 400, not 500."""
    response = send_comment(client, post, parent=value, body=TEXT)
    assert response.status_code == 400
    assert textarea_value(response) == TEXT
    assert not Comment.objects.exists()


def test_reply_beyond_the_depth_limit_is_400(client, post):
    """A reply to a comment at the deepest level (5) is refused."""
    deepest = CommentFactory(post=post)
    for _level in range(4):
        deepest = ReplyFactory(parent=deepest)
    assert deepest.depth == 5
    response = send_comment(client, post, parent=str(deepest.pk), body=TEXT)
    assert response.status_code == 400
    assert german("Replies cannot be nested deeper than %(depth)s levels.") % {"depth": 5} in (
        response.content.decode()
    )
    assert Comment.objects.count() == 5


def test_closed_post_is_403_and_says_so(client, post):
    """Comments switched off: 403, and the post says that comments are closed."""
    Post.objects.filter(pk=post.pk).update(comments_open=False)
    response = send_comment(client, post, body=TEXT)
    assert response.status_code == 403
    assert not Comment.objects.exists()
    page = client.get(post.get_absolute_url())
    assert one(page, "p", "comments-closed").text == CLOSED
    assert not select(page, "form", id_="commentform")
    assert CLOSED in response.content.decode()


def test_closed_post_keeps_its_comments_without_reply_links(client, post, thomas):
    """Existing comments stay visible on a closed post, with no reply link."""
    Post.objects.filter(pk=post.pk).update(comments_open=False)
    page = client.get(post.get_absolute_url())
    assert comment_ids(page) == [thomas.pk]
    assert not select(page, "a", "comment-reply-link")


@pytest.mark.parametrize(
    "post_kwargs",
    [
        {"status": Post.Status.DRAFT},
        {"published_at": timezone.now() + datetime.timedelta(days=3)},
        {"visibility": Post.Visibility.PRIVATE},
    ],
    ids=["draft", "scheduled", "private"],
)
def test_comment_on_a_hidden_post_is_refused(client, author, post_kwargs):
    """Draft, scheduled and private posts take no comments: a clear 400 page, text kept."""
    hidden = PostFactory(author=author, **post_kwargs)
    response = client.post(_create_url(hidden), form_data(body=TEXT))
    assert response.status_code == 400
    assert textarea_value(response, "kept-body") == TEXT
    assert not Comment.objects.exists()


def test_comment_on_an_unknown_post_is_400(client):
    """An id no post has: 400."""
    response = client.post(reverse("comments:comment_create", kwargs={"post_id": 999}), form_data())
    assert response.status_code == 400


def test_comment_on_a_locked_password_post_is_403(client, author):
    """A password-protected post not unlocked in this browser takes no comment."""
    locked = PostFactory(author=author, visibility=Post.Visibility.PASSWORD, password="geheim")
    response = client.post(_create_url(locked), form_data(body=TEXT))
    assert response.status_code == 403
    assert not Comment.objects.exists()


# CSRF


def test_logged_in_post_without_csrf_token_is_403(author, post):
    """A logged-in user's page carries a CSRF token; a POST without it is refused."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(author)
    response = browser.post(_create_url(post), {"body": TEXT})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_logged_in_post_with_the_csrf_token_is_accepted(author, post):
    """The token from the form makes the logged-in POST go through."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(author)
    page = browser.get(post.get_absolute_url())
    token = one(page, "input", name="csrfmiddlewaretoken").attrs["value"]
    response = browser.post(_create_url(post), {"body": TEXT, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Comment.objects.get().body == TEXT


@pytest.mark.parametrize(
    "headers",
    [{"origin": "https://evil.example"}, {"referer": "https://evil.example/page/"}],
    ids=["origin", "referer"],
)
def test_anonymous_post_from_another_site_is_403(post, headers):
    """An anonymous POST whose Origin (or Referer) names another site is refused."""
    response = send_comment(Client(enforce_csrf_checks=True), post, headers=headers)
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_anonymous_post_from_this_site_is_accepted(post):
    """The same POST with this site's origin goes through (no CSRF cookie needed)."""
    response = send_comment(
        Client(enforce_csrf_checks=True), post, headers={"origin": "http://testserver"}
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1


# Author and staff


def test_post_author_reply_is_approved_and_marked(client, author, post, thomas):
    """The logged-in post author: no captcha, approved at once, bypostauthor and badge."""
    client.force_login(author)
    page = client.get(post.get_absolute_url())
    assert not select(page, "input", name="captcha")
    assert not select(page, "input", name="author_email")
    response = client.post(_create_url(post), {"body": "danke!", "parent": str(thomas.pk)})
    reply = Comment.objects.latest("id")
    assertRedirects(response, f"{post.get_absolute_url()}#comment-{reply.pk}")
    assert (reply.status, reply.is_author_reply, reply.parent) == ("approved", True, thomas)
    assert (reply.author_name, reply.author_email, reply.user) == (
        "oliver",
        "oliver@example.org",
        author,
    )
    page = parse(Client().get(post.get_absolute_url()))
    item = one(page, "li", id_=f"comment-{reply.pk}")
    assert "bypostauthor" in item.classes
    badge = one(page, "span", "author-badge")
    assert badge.text == german("Post author")
    assert item in badge.parents
    assert "bypostauthor" not in one(page, "li", id_=f"comment-{thomas.pk}").classes


def test_staff_who_is_not_the_author_is_approved_without_badge(client, post):
    """Staff skip moderation, but only the post's author is marked as the author."""
    editor = UserFactory(username="redaktion", is_staff=True)
    client.force_login(editor)
    response = client.post(_create_url(post), {"body": "moderiert"})
    comment = Comment.objects.get()
    assertRedirects(response, f"{post.get_absolute_url()}#comment-{comment.pk}")
    assert (comment.status, comment.is_author_reply) == ("approved", False)
    page = client.get(post.get_absolute_url())
    assert "bypostauthor" not in one(page, "li", id_=f"comment-{comment.pk}").classes
    assert not select(page, "span", "author-badge")


def test_logged_in_reader_is_moderated_like_everyone(client, post):
    """A logged-in user who is neither staff nor the author gets no shortcut."""
    reader = UserFactory(username="leserin")
    client.force_login(reader)
    client.post(_create_url(post), {"body": "hallo"})
    comment = Comment.objects.get()
    assert (comment.status, comment.is_author_reply, comment.user) == ("pending", False, reader)


# The reply flow without JavaScript


def test_replytocom_turns_the_form_into_a_reply(client, post, thomas):
    """?replytocom=N: "Schreibe einen Kommentar zu Thomas", a cancel link, the hidden parent."""
    response = client.get(f"{post.get_absolute_url()}?replytocom={thomas.pk}")
    assert one(response, "span", "reply-title-text").text == "Schreibe einen Kommentar zu Thomas"
    cancel = one(response, "a", id_="cancel-comment-reply-link")
    assert cancel.text == "Antworten abbrechen"
    assert "hidden" not in cancel.attrs
    assert cancel.attrs["href"] == f"{post.get_absolute_url()}#respond"
    assert one(response, "input", id_="id_parent").attrs["value"] == str(thomas.pk)
    assertContains(response, '<meta name="robots" content="noindex">', html=True)


@pytest.mark.parametrize("value", ["abc", "999", "held"])
def test_replytocom_for_nothing_repliable_is_the_plain_form(client, post, value):
    """An unknown or held comment in ?replytocom= leaves the ordinary form."""
    held = CommentFactory(post=post, status="pending")
    value = str(held.pk) if value == "held" else value
    response = client.get(f"{post.get_absolute_url()}?replytocom={value}")
    assert response.status_code == 200
    assert one(response, "span", "reply-title-text").text == "Schreibe einen Kommentar"
    assert "value" not in one(response, "input", id_="id_parent").attrs


def test_reply_without_javascript_is_held_then_nested(client, post, thomas):
    """Reply to Thomas without JavaScript: held for its author, then nested once approved."""
    page = client.get(f"{post.get_absolute_url()}?replytocom={thomas.pk}")
    parent_value = one(page, "input", id_="id_parent").attrs["value"]
    response = send_comment(
        client, post, parent=parent_value, author_name="Maria", author_email="maria@example.net"
    )
    reply = Comment.objects.get(author_name="Maria")
    assert (reply.parent, reply.status, reply.depth) == (thomas, "pending", 2)
    assertRedirects(response, f"{post.get_absolute_url()}#comment-{reply.pk}")

    mine = client.get(post.get_absolute_url())
    item = one(mine, "li", id_=f"comment-{reply.pk}")
    assert thread_parent_id(item) == thomas.pk
    assert one(mine, "p", "comment-awaiting-moderation").text == AWAITING
    assert comment_ids(Client().get(post.get_absolute_url())) == [thomas.pk]

    set_status(reply, Comment.Status.APPROVED)
    everybody = Client().get(post.get_absolute_url())
    items = comment_items(everybody)
    assert [li.attrs["id"] for li in items] == [f"comment-{thomas.pk}", f"comment-{reply.pk}"]
    nested = items[1]
    assert nested.parent.has("ol", "children")
    assert nested.parent.parent.attrs["id"] == f"comment-{thomas.pk}"
    assert nested.classes[:2] == ["comment", "depth-2"]
    assert "parent" in items[0].classes
    assert one(everybody, "h2", "comments-title").text == "2 Kommentare zu „hartes training“"


# Remember me


def test_remember_cookie_only_when_ticked(client, post):
    """No consent, no cookie; with consent, a cookie that prefills the form next time."""
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"flood_seconds": 0})
    response = send_comment(client, post, ip="203.0.113.1", author_url="https://anna.example")
    assert AUTHOR_COOKIE not in response.cookies
    page = client.get(post.get_absolute_url())
    assert "value" not in one(page, "input", id_="id_author_name").attrs

    response = send_comment(client, post, ip="203.0.113.2", body="zweiter", remember="on")
    cookie = response.cookies[AUTHOR_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] >= 30 * 24 * 3600
    page = client.get(post.get_absolute_url())
    assert one(page, "input", id_="id_author_name").attrs["value"] == "Anna"
    assert one(page, "input", id_="id_author_email").attrs["value"] == "anna@example.net"
    assert "checked" in one(page, "input", id_="id_remember").attrs


def test_unticking_remember_deletes_the_cookie(client, post):
    """Sending the form without consent removes a remembered identity."""
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"flood_seconds": 0})
    send_comment(client, post, ip="203.0.113.1", remember="on")
    assert client.cookies[AUTHOR_COOKIE].value
    response = send_comment(client, post, ip="203.0.113.2", body="zweiter")
    assert response.cookies[AUTHOR_COOKIE]["max-age"] == 0
    page = client.get(post.get_absolute_url())
    assert "value" not in one(page, "input", id_="id_author_name").attrs


def test_forged_remember_cookie_is_ignored(client, post):
    """An unsigned remember-me cookie prefills nothing."""
    client.cookies[AUTHOR_COOKIE] = '["Mallory", "m@example.net", ""]'
    page = client.get(post.get_absolute_url())
    assert "value" not in one(page, "input", id_="id_author_name").attrs


# Around the comments


def test_sidebar_lists_recent_comments(client, post, thomas):
    """The sidebar's recent-comments widget links the newest approved comments."""
    held = CommentFactory(post=post, author_name="Heimlich", status="pending")
    page = parse(client.get(reverse("blog:post_list")))
    sidebar = one(page, "aside", "sidebar")
    links = [e.attrs.get("href") for e in page if e.tag == "a" and sidebar in e.parents]
    assert thomas.get_absolute_url() in links
    assert held.get_absolute_url() not in links
    assert "Thomas" in sidebar.text


# Order of the checks and odd input


def test_closed_post_is_refused_before_the_fields_are_checked(client, post):
    """As in WordPress, a closed post is refused (403) before missing fields are reported."""
    Post.objects.filter(pk=post.pk).update(comments_open=False)
    response = send_comment(client, post, author_name="", body=TEXT)
    assert response.status_code == 403
    assert CLOSED in response.content.decode()


def test_errors_in_a_reply_keep_the_reply_target(client, post, thomas):
    """A reply with a missing field comes back as a reply to the same comment."""
    response = send_comment(client, post, parent=str(thomas.pk), author_email="", body=TEXT)
    assert response.status_code == 400
    assert one(response, "span", "reply-title-text").text == "Schreibe einen Kommentar zu Thomas"
    assert one(response, "input", id_="id_parent").attrs["value"] == str(thomas.pk)
    assert "hidden" not in one(response, "a", id_="cancel-comment-reply-link").attrs
    assert textarea_value(response) == TEXT


def test_logged_in_user_with_a_long_name_and_address_can_comment(client, post):
    """Account data longer than the comment limits (name 245, e-mail 100) is no 500."""
    editor = UserFactory(
        username="redaktion",
        is_staff=True,
        first_name="V" * 150,
        last_name="N" * 150,
        email="r" * 95 + "@example.org",
    )
    client.force_login(editor)
    response = client.post(_create_url(post), {"body": "lang"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == "approved"
    assert len(comment.author_name) <= 245
    assert len(comment.author_email) <= 100


@pytest.mark.parametrize("header", ["HTTP_X_REAL_IP", "HTTP_X_FORWARDED_FOR"])
def test_garbage_forwarded_address_is_no_500(client, post, settings, header):
    """Behind a proxy, a forged non-IP forwarding header does not break the form."""
    settings.BEHIND_PROXY = True
    response = client.post(
        _create_url(post), form_data(), REMOTE_ADDR="10.0.0.1", **{header: "not-an-ip"}
    )
    assert response.status_code == 302
    assert Comment.objects.get().ip_address in {"10.0.0.1", None}


def test_real_captcha_round_trip(client, post, settings):
    """Outside test mode: the picture's key travels in a signed cookie, its answer passes once."""
    from captcha.models import CaptchaStore

    settings.CAPTCHA_TEST_MODE = False
    image = client.get(reverse("comments:captcha_image"))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert "no-store" in image["Cache-Control"]
    answer = CaptchaStore.objects.get().response
    assert send_comment(client, post, captcha="falsch").status_code == 400
    assert send_comment(client, post, captcha=answer).status_code == 400  # one guess per picture
    client.get(reverse("comments:captcha_image"))
    answer = CaptchaStore.objects.get().response
    assert send_comment(client, post, captcha=answer).status_code == 302
    assert not CaptchaStore.objects.exists()
    response = send_comment(client, post, captcha=answer, body="noch einmal", ip="203.0.113.8")
    assert response.status_code == 400


# The database cannot store, the form is not UTF-8, a dead link (issue #10)

UNSAVED_NOW = "Dein Kommentar konnte gerade nicht gespeichert werden"
UNSAVED = "Dein Kommentar konnte nicht gespeichert werden"


def _refusing_writes(error):
    """An execute wrapper that answers every write with `error`, as a failing database does."""

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")):
            raise error
        return execute(sql, params, many, context)

    return wrapper


def _refusing_everything(execute, sql, params, many, context):
    raise OperationalError("unable to open database file")


@pytest.fixture
def read_only_sqlite(client, post):
    """The post read once (as a commenter does), then the database refuses writes as a
    read-only SQLite file does (PRAGMA query_only)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query_only")
    assert client.get(post.get_absolute_url()).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = OFF")


def test_read_only_database_is_503_with_the_formcomment_form_values(client, post, read_only_sqlite):
    """A read-only database: 503 with Retry-After, a German explanation and every field kept."""
    response = send_comment(
        client,
        post,
        body=TEXT,
        author_name="Jürgen",
        author_email="juergen@example.net",
        author_url="https://juergen.example",
        notify="on",
    )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert one(response, "h1").clean_text == UNSAVED_NOW
    assert one(response, "p", "form-error").clean_text == (
        "Das Blog kann im Moment nichts speichern. Bitte versuche es in ein paar Minuten noch "
        "einmal. Dein Text steht unten, damit nichts verloren geht."
    )
    fields = comment_form_values(response)
    assert fields["body"] == TEXT
    assert (fields["author_name"], fields["author_email"], fields["author_url"]) == (
        "Jürgen",
        "juergen@example.net",
        "https://juergen.example",
    )
    assert fields["notify"] == "on"
    assert one(response, "form", id_="commentform").attrs["action"] == _create_url(post)
    [back] = [a for a in select(response, "a") if a.within("section", "comment-error")][-1:]
    assert (back.clean_text, back.attrs["href"]) == ("Zurück zum Beitrag", post.get_absolute_url())


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("database or disk is full"),
        OperationalError("attempt to write a readonly database"),
        InternalError("cannot execute INSERT in a read-only transaction"),
    ],
    ids=str,
)
def test_a_database_that_cannot_write_keeps_the_reply(client, post, thomas, error):
    """Full disk, read-only file, PostgreSQL standby: 503, the reply's text and target kept."""
    client.get(post.get_absolute_url())
    with connection.execute_wrapper(_refusing_writes(error)):
        response = send_comment(client, post, body=TEXT, parent=str(thomas.pk))
    assert response.status_code == 503
    assert one(response, "h1").clean_text == UNSAVED_NOW
    fields = comment_form_values(response)
    assert (fields["body"], fields["parent"]) == (TEXT, str(thomas.pk))
    assert Comment.objects.get() == thomas


def test_the_kept_form_sends_the_comment_once_the_database_is_back(client, post):
    """What the 503 page fills in, sent again as it stands, saves the comment."""
    client.get(post.get_absolute_url())
    with connection.execute_wrapper(_refusing_writes(OperationalError("disk I/O error"))):
        page = send_comment(client, post, body=TEXT, author_name="Jürgen")
    assert page.status_code == 503
    fields = {**comment_form_values(page), "captcha": "passed"}
    response = client.post(
        one(page, "form", id_="commentform").attrs["action"], fields, REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.body, comment.author_name) == (TEXT, "Jürgen")


def test_a_database_that_cannot_even_read_still_keeps_the_text(client, post):
    """Nothing readable at all: still the blog's 503 page, with the text to copy."""
    url = _create_url(post)
    with connection.execute_wrapper(_refusing_everything):
        response = client.post(url, form_data(body=TEXT), REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 503
    assert one(response, "h1").clean_text == UNSAVED_NOW
    assert textarea_value(response, "kept-body") == TEXT


def test_a_bug_in_a_query_is_still_a_server_error(client, post):
    """Only a database that cannot store is a 503; an integrity error is a bug (500)."""
    with (
        connection.execute_wrapper(_refusing_writes(IntegrityError("NOT NULL failed"))),
        pytest.raises(IntegrityError),
    ):
        send_comment(client, post)


LATIN1_FORM = (
    "body=Gr%F6%DFe+%FCben%2C+%22Stra%DFe%22+%E0+la+carte&author_name=J%FCrgen"
    "&author_email=juergen%40example.net&author_url=&captcha=passed&parent="
)


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/x-www-form-urlencoded; charset=iso-8859-1", LATIN1_FORM.encode()),
        ("application/x-www-form-urlencoded; charset=windows-1252", LATIN1_FORM.encode()),
        ("application/x-www-form-urlencoded", LATIN1_FORM.encode()),
        ("application/x-www-form-urlencoded", unquote_to_bytes(LATIN1_FORM.replace("+", " "))),
    ],
    ids=["latin-1 declared", "windows-1252 declared", "escaped, undeclared", "raw bytes"],
)
def test_a_form_in_latin1_is_400_with_the_text_readable(client, post, content_type, body):
    """Not UTF-8: the blog's German 400 page with the fields readable, nothing saved."""
    response = client.generic(
        "POST", _create_url(post), body, content_type=content_type, REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 400
    assert one(response, "h1").clean_text == UNSAVED
    assert "Zeichenkodierung" in one(response, "p", "form-error").clean_text
    fields = comment_form_values(response)
    assert fields["body"] == 'Größe üben, "Straße" à la carte'
    assert (fields["author_name"], fields["author_email"]) == ("Jürgen", "juergen@example.net")
    assert not Comment.objects.exists()


def test_utf8_with_one_broken_byte_keeps_the_rest_readable(client, post):
    """UTF-8 with a stray byte: its letters stay as typed, the broken byte becomes �."""
    body = quote("Größe ist relativ").encode() + b"%FF"
    response = client.generic(
        "POST",
        _create_url(post),
        b"body=" + body + b"&author_name=Anna&author_email=anna%40example.net&captcha=passed",
        content_type="application/x-www-form-urlencoded",
        REMOTE_ADDR="198.51.100.1",
    )
    assert response.status_code == 400
    assert comment_form_values(response)["body"] == "Größe ist relativ\ufffd"


def test_a_utf8_form_with_a_charset_is_taken(client, post):
    """charset=UTF-8 in the Content-Type, as some browsers send it: saved as usual."""
    response = client.generic(
        "POST",
        _create_url(post),
        urlencode(form_data(body=TEXT)).encode(),
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
        REMOTE_ADDR="198.51.100.1",
    )
    assert response.status_code == 302
    assert Comment.objects.get().body == TEXT


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("token", ["kaputt", "MQ:1tUu0Z:forged"])
def test_an_invalid_confirmation_link_says_so_in_its_heading(client, method, token):
    """A dead reply-notification link is not headed as if a comment had failed."""
    url = reverse("comments:subscription_confirm", args=[token])
    response = getattr(client, method)(url)
    assert response.status_code == 400
    assert one(response, "h1").clean_text == (
        "Dieser Bestätigungslink ist ungültig oder abgelaufen"
    )
    assert one(response, "p", "form-error").clean_text == (
        "Die Benachrichtigungen über Antworten wurden nicht eingeschaltet. "
        "Ein Bestätigungslink gilt 7 Tage nach dem Kommentar."
    )
    assert UNSAVED not in response.content.decode()
    assert "Speichern" not in one(response, "title").clean_text


def test_an_invalid_unsubscribe_link_says_so_in_its_heading(client):
    """A dead unsubscribe link has its own heading too."""
    response = client.get(reverse("comments:unsubscribe", args=["kaputt"]))
    assert response.status_code == 400
    assert one(response, "h1").clean_text == "Dieser Abmeldelink ist ungültig"
    assert UNSAVED not in response.content.decode()


def test_other_bad_requests_get_the_blogs_400_page(client, post):
    """A form Django cannot read elsewhere (the post password) gets the themed German 400."""
    response = client.generic(
        "POST",
        reverse("blog:post_password", kwargs={"pk": post.pk}),
        b"password=gr%F6%DFe",
        content_type="application/x-www-form-urlencoded; charset=iso-8859-1",
    )
    assert response.status_code == 400
    assert one(response, "h1").clean_text == "Diese Anfrage konnte nicht gelesen werden."
    assert one(response, "html").attrs["lang"] == "de"
    assert select(response, "main")
