"""The author's comment screen in the admin (comments/admin.py, config/admin.py, issue #4):
the list, bulk actions, replying, the moderation links of the e-mails, permissions."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from blog.models import Post, SiteSettings
from comments.models import Comment, DiscussionSettings
from tests.comments.helpers import one, select, send_comment, thread_parent_id
from tests.factories import CommentFactory, ReplyFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _staff(username, *codenames) -> Client:
    """A client logged in as a staff user (not a superuser) with these permissions."""
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return _logged_in(user)


@pytest.fixture
def moderator_client(db):
    """Staff with every comment permission, every author's comments included (as the
    group "Redakteur" has them), but no superuser."""
    return _staff(
        "moderatorin", "view_comment", "change_comment", "delete_comment", "moderate_comments"
    )


def _action(client, action, comments, **extra):
    """POST a bulk action of the comment list for these comments."""
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in comments], **extra},
    )


def _status(comment) -> str:
    return Comment.objects.get(pk=comment.pk).status


def _count(post) -> int:
    return Post.objects.get(pk=post.pk).comment_count


# The list


def test_changelist_shows_a_comment_at_a_glance(admin_client, post):
    """Name with e-mail and IP under it; status, date and text; the post with links."""
    created = timezone.make_aware(datetime.datetime(2026, 11, 27, 20, 30))
    comment = CommentFactory(
        post=post,
        status="pending",
        author_name="Anna",
        author_email="anna@example.net",
        ip_address="198.51.100.7",
        created_at=created,
        body="Ein sehr langer Kommentar über das harte Training im Winter, "
        "der weit mehr als hundert Zeichen lang ist und darum gekürzt wird.",
    )
    response = admin_client.get(reverse(CHANGELIST))
    change_url = reverse("admin:comments_comment_change", args=[comment.pk])
    assertContains(
        response,
        f'<td class="field-author_column"><a href="{change_url}" class="comment-author">Anna</a>'
        '<a href="mailto:anna@example.net" class="comment-email">anna@example.net</a>'
        '<a href="?q=198.51.100.7" class="comment-ip" title="Kommentare von dieser IP-Adresse">'
        "198.51.100.7</a></td>",
        html=True,
    )
    assertContains(
        response,
        '<td class="field-comment_column"><div class="comment-meta">'
        '<span class="comment-status status-pending">Ausstehend</span> '
        f'<time datetime="{created.isoformat()}">27. November 2026 um 20:30</time></div>'
        '<div class="comment-text">Ein sehr langer Kommentar über das harte Training im '
        "Winter, der weit mehr als hundert Zeichen lang ist und darum gekürzt wird.</div></td>",
        html=True,
    )
    assertContains(
        response,
        f'<a href="{reverse("admin:blog_post_change", args=[post.pk])}">hartes training</a>',
        html=True,
    )
    assertContains(response, f'href="{comment.get_absolute_url()}"')


def test_changelist_is_newest_first(admin_client, post):
    """The newest comment stands at the top."""
    old = CommentFactory(post=post, author_name="Alte Meldung")
    new = CommentFactory(post=post, author_name="Neue Meldung")
    content = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert new.created_at > old.created_at
    assert content.index("Neue Meldung") < content.index("Alte Meldung")


def test_status_filter_shows_counts(admin_client, post):
    """The status filter counts like WordPress: "Ausstehend (4)", and filters by it."""
    for n in range(4):
        CommentFactory(post=post, status="pending", author_name=f"Wartend {n}")
    CommentFactory.create_batch(2, post=post, status="approved")
    CommentFactory(post=post, status="spam", author_name="Werbung")
    response = admin_client.get(reverse(CHANGELIST))
    for status, label in [
        ("pending", "Ausstehend (4)"),
        ("approved", "Freigegeben (2)"),
        ("spam", "Spam (1)"),
        ("trash", "Papierkorb (0)"),
    ]:
        assertContains(response, f'<a href="?status={status}">{label}</a>', html=True)

    pending = admin_client.get(reverse(CHANGELIST), {"status": "pending"})
    for n in range(4):
        assertContains(pending, f"Wartend {n}")
    assertNotContains(pending, "Werbung")


@pytest.mark.parametrize("term", ["anna@example.net", "198.51.100.7", "Wintertraining"])
def test_search_by_email_ip_and_text(admin_client, post, term):
    """The search finds a comment by its e-mail address, its IP address or its text."""
    CommentFactory(
        post=post,
        author_name="Anna",
        author_email="anna@example.net",
        ip_address="198.51.100.7",
        body="Mein Wintertraining",
    )
    CommentFactory(post=post, author_name="Bernd", author_email="bernd@example.org")
    response = admin_client.get(reverse(CHANGELIST), {"q": term})
    assertContains(response, '<a href="mailto:anna@example.net" class="comment-email">', count=1)
    assertNotContains(response, "bernd@example.org")


# Bulk actions


@pytest.mark.parametrize(
    ("action", "before", "after", "count"),
    [
        ("approve", "pending", "approved", 3),
        ("unapprove", "approved", "pending", 1),
        ("mark_spam", "approved", "spam", 1),
        ("move_to_trash", "pending", "trash", 1),
    ],
)
def test_bulk_action_changes_the_rows_and_the_count(
    admin_client, post, action, before, after, count
):
    """Each action changes the selected comments only and keeps the post's count right."""
    selected = CommentFactory.create_batch(2, post=post, status=before)
    other = CommentFactory(post=post, status="approved")
    assert _count(post) == 1 + 2 * (before == "approved")

    response = _action(admin_client, action, selected)

    assertRedirects(response, reverse(CHANGELIST), fetch_redirect_response=False)
    assert [_status(c) for c in selected] == [after, after]
    assert _status(other) == "approved"
    assert _count(post) == count


def test_marking_spam_or_trash_never_deletes(admin_client, post):
    """Spam and trash stay in the database (and in the list under their status)."""
    comments = CommentFactory.create_batch(2, post=post)
    _action(admin_client, "mark_spam", comments[:1])
    _action(admin_client, "move_to_trash", comments[1:])
    assert Comment.objects.filter(pk__in=[c.pk for c in comments]).count() == 2
    response = admin_client.get(reverse(CHANGELIST), {"status": "trash"})
    assertContains(response, comments[1].author_name)


def test_restore_returns_the_previous_status(admin_client, post):
    """Restore brings spam and trash back as they were: approved or pending."""
    was_approved = CommentFactory(post=post, status="approved")
    was_pending = CommentFactory(post=post, status="pending")
    spam_then_trash = CommentFactory(post=post, status="approved")
    _action(admin_client, "mark_spam", [was_approved, spam_then_trash])
    _action(admin_client, "move_to_trash", [was_pending])
    _action(admin_client, "move_to_trash", [spam_then_trash])
    assert _count(post) == 0

    _action(admin_client, "restore", [was_approved, was_pending, spam_then_trash])

    assert _status(was_approved) == "approved"
    assert _status(was_pending) == "pending"
    assert _status(spam_then_trash) == "approved"
    assert _count(post) == 2


def test_restore_leaves_other_comments_alone(admin_client, post):
    """Restoring a comment that is neither spam nor trash changes nothing."""
    pending = CommentFactory(post=post, status="pending")
    _action(admin_client, "restore", [pending])
    assert _status(pending) == "pending"


def test_delete_permanently_asks_first(admin_client, post):
    """The first POST shows a confirmation listing only spam and trash; nothing is deleted."""
    spam = CommentFactory(post=post, status="spam", author_name="Werbung")
    trash = CommentFactory(post=post, status="trash", author_name="Alt")
    approved = CommentFactory(post=post, status="approved", author_name="Gut")

    response = _action(admin_client, "delete_permanently", [spam, trash, approved])

    assert response.status_code == 200
    assertContains(response, '<input type="hidden" name="confirm" value="yes">', html=True)
    for kept in (spam, trash):
        assertContains(
            response,
            f'<input type="hidden" name="_selected_action" value="{kept.pk}">',
            html=True,
        )
    assertNotContains(response, f'name="_selected_action" value="{approved.pk}"')
    assert Comment.objects.count() == 3


def test_delete_permanently_deletes_only_spam_and_trash(admin_client, post):
    """Confirmed, spam and trash are gone for good; an approved comment stays."""
    spam = CommentFactory(post=post, status="spam")
    trash = CommentFactory(post=post, status="trash")
    approved = CommentFactory(post=post, status="approved")

    response = _action(admin_client, "delete_permanently", [spam, trash, approved], confirm="yes")

    assertRedirects(response, reverse(CHANGELIST), fetch_redirect_response=False)
    assert list(Comment.objects.all()) == [approved]
    assert _count(post) == 1


def test_delete_permanently_of_approved_comments_is_refused(admin_client, post):
    """Selecting only approved or pending comments deletes nothing, even with "confirm"."""
    comments = [CommentFactory(post=post), CommentFactory(post=post, status="pending")]
    _action(admin_client, "delete_permanently", comments)
    _action(admin_client, "delete_permanently", comments, confirm="yes")
    assert Comment.objects.count() == 2


def test_delete_permanently_moves_replies_one_level_up(admin_client, post):
    """Replies to a deleted comment move under its parent, their replies with them."""
    top = CommentFactory(post=post, author_name="Oben")
    middle = ReplyFactory(parent=top, author_name="Mitte")
    reply = ReplyFactory(parent=middle, author_name="Antwort")
    deeper = ReplyFactory(parent=reply, author_name="Tiefer")
    _action(admin_client, "move_to_trash", [middle])

    _action(admin_client, "delete_permanently", [middle], confirm="yes")

    reply.refresh_from_db()
    deeper.refresh_from_db()
    assert not Comment.objects.filter(pk=middle.pk).exists()
    assert (reply.parent_id, reply.depth) == (top.pk, 2)
    assert (deeper.parent_id, deeper.depth) == (reply.pk, 3)
    assert _count(post) == 3


def test_deleting_a_top_level_comment_makes_its_replies_top_level(admin_client, post):
    """Replies to a deleted top-level comment stand on the top level; the page shows them."""
    top = CommentFactory(post=post, status="spam")
    reply = ReplyFactory(parent=top, author_name="Antwort")
    _action(admin_client, "delete_permanently", [top], confirm="yes")
    reply.refresh_from_db()
    assert (reply.parent_id, reply.depth) == (None, 1)
    page = Client().get(post.get_absolute_url())
    assert thread_parent_id(one(page, "li", id_=f"comment-{reply.pk}")) is None


def test_delete_permanently_needs_the_delete_permission(post):
    """A moderator who may change but not delete comments cannot delete them for good."""
    client = _staff("ohnelöschen", "view_comment", "change_comment", "moderate_comments")
    spam = CommentFactory(post=post, status="spam")
    _action(client, "delete_permanently", [spam], confirm="yes")
    assert Comment.objects.filter(pk=spam.pk).exists()


def test_view_only_staff_cannot_moderate(post):
    """Staff who may only look at comments see the list, but the actions do nothing."""
    client = _staff("zuschauer", "view_comment", "moderate_comments")
    pending = CommentFactory(post=post, status="pending", author_name="Wartend")
    assertContains(client.get(reverse(CHANGELIST)), "Wartend")
    _action(client, "approve", [pending])
    assert _status(pending) == "pending"
    url = reverse("admin:comments_comment_moderate", args=[pending.pk, "approve"])
    assert client.post(url).status_code == 403
    assert client.get(reverse("admin:comments_comment_privacy")).status_code == 403
    assert _status(pending) == "pending"


def test_a_moderator_without_superuser_status_can_moderate(moderator_client, post):
    """The comment permissions suffice: a staff moderator approves from the list."""
    pending = CommentFactory(post=post, status="pending")
    _action(moderator_client, "approve", [pending])
    assert _status(pending) == "approved"


# Who may do what


@pytest.fixture
def held(post):
    return CommentFactory(
        post=post,
        status="pending",
        author_name="Geheime Gerda",
        author_email="gerda@example.net",
        ip_address="203.0.113.9",
        body="Nur für die Moderation",
    )


def _protected_requests(comment):
    """Every comment screen and action, as (method, url, data)."""
    changelist = reverse(CHANGELIST)
    reply = reverse("admin:comments_comment_reply", args=[comment.pk])
    privacy = reverse("admin:comments_comment_privacy")
    return [
        ("get", changelist, {}),
        ("get", changelist, {"q": "gerda"}),
        ("get", reverse("admin:comments_comment_change", args=[comment.pk]), {}),
        ("post", changelist, {"action": "approve", "_selected_action": [comment.pk]}),
        ("post", changelist, {"action": "mark_spam", "_selected_action": [comment.pk]}),
        (
            "post",
            changelist,
            {"action": "delete_permanently", "_selected_action": [comment.pk], "confirm": "yes"},
        ),
        ("get", reply, {}),
        ("post", reply, {"body": "Fremde Antwort"}),
        *[
            (method, reverse("admin:comments_comment_moderate", args=[comment.pk, action]), {})
            for action in ("approve", "spam", "trash")
            for method in ("get", "post")
        ],
        ("get", privacy, {}),
        ("post", privacy, {"email": "gerda@example.net", "action": "export_json"}),
        (
            "post",
            privacy,
            {"email": "gerda@example.net", "action": "erase", "confirm": "gerda@example.net"},
        ),
    ]


def _assert_untouched(comment):
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert comment.author_email == "gerda@example.net"
    assert Comment.objects.count() == 1


def test_ordinary_user_is_sent_to_the_login(held):
    """A logged-in reader who is not staff is redirected to the login, and nothing changes."""
    client = _logged_in(UserFactory(username="leserin"))
    for method, url, data in _protected_requests(held):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url, data)
        assert response["Location"].startswith(reverse("admin:login")), url
    _assert_untouched(held)


def test_staff_without_comment_permissions_gets_403(held):
    """Staff without the comment permissions get 403 everywhere, never the data."""
    client = _staff("redakteur", "view_post", "change_post")
    for method, url, data in _protected_requests(held):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url, data)
        for secret in (b"gerda@example.net", b"203.0.113.9", b"Geheime Gerda"):
            assert secret not in response.content
    _assert_untouched(held)


def test_anonymous_visitor_is_sent_to_the_login(client, held):
    """Without logging in, the comment screens lead to the login page."""
    for method, url, data in _protected_requests(held):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    _assert_untouched(held)


# The moderation links of the notification e-mails


def test_moderate_get_only_asks(admin_client, held):
    """GET (a mail scanner following the link) shows the question and changes nothing."""
    for action in ("approve", "spam", "trash"):
        url = reverse("admin:comments_comment_moderate", args=[held.pk, action])
        response = admin_client.get(url)
        assertContains(response, "Nur für die Moderation")
        assertContains(response, '<form method="post">', count=1)
    assert _status(held) == "pending"


@pytest.mark.parametrize(
    ("action", "status", "count"),
    [("approve", "approved", 1), ("spam", "spam", 0), ("trash", "trash", 0)],
)
def test_moderate_post_acts(admin_client, post, held, action, status, count):
    """POST does what the link says and returns to the comment list."""
    url = reverse("admin:comments_comment_moderate", args=[held.pk, action])
    response = admin_client.post(url)
    assertRedirects(response, reverse(CHANGELIST), fetch_redirect_response=False)
    assert _status(held) == status
    assert _count(post) == count


def test_moderate_unknown_action_does_nothing(admin_client, held):
    """An action that is not approve, spam or trash is refused."""
    url = reverse("admin:comments_comment_moderate", args=[held.pk, "delete"])
    assert admin_client.post(url).status_code in (403, 404)
    assert Comment.objects.filter(pk=held.pk, status="pending").exists()


def test_links_in_the_notification_email_confirm_before_acting(
    client, admin_client, post, django_capture_on_commit_callbacks
):
    """The approve / spam / trash links of the e-mail lead to a confirmation, then act on POST."""
    with django_capture_on_commit_callbacks(execute=True):
        send_comment(client, post, author_name="Neue Leserin", author_email="neu@example.net")
    comment = Comment.objects.get(author_name="Neue Leserin")
    assert comment.status == "pending"
    (message,) = mail.outbox
    links = re.findall(r"http://testserver(/admin/\S+/moderate/\w+/)", message.body)
    assert sorted(link.rsplit("/", 2)[-2] for link in links) == ["approve", "spam", "trash"]

    for link in links:
        assertContains(admin_client.get(link), "Neue Leserin")
    assert _status(comment) == "pending"

    approve = next(link for link in links if link.endswith("/approve/"))
    admin_client.post(approve)
    assert _status(comment) == "approved"


# Replying as the author


def test_change_page_offers_the_reply_box(admin_client, held):
    """A held comment's page has a reply box that posts to the reply view."""
    response = admin_client.get(reverse("admin:comments_comment_change", args=[held.pk]))
    reply_url = reverse("admin:comments_comment_reply", args=[held.pk])
    form = one(response, "form", action=reply_url)
    assert form.attrs["method"] == "post"
    assert select(response, "textarea", name="body", id_="id_reply_body")


def test_reply_from_the_admin_is_placed_under_the_comment(admin_client, admin_user, post, held):
    """The reply is approved, answers the comment, is the user's and approves the comment;
    written by someone else than the post's author, it is not marked as the author's."""
    response = admin_client.post(
        reverse("admin:comments_comment_reply", args=[held.pk]),
        {"body": "Danke, **Gerda**!"},
    )

    reply = Comment.objects.exclude(pk=held.pk).get()
    assertRedirects(
        response,
        reverse("admin:comments_comment_change", args=[reply.pk]),
        fetch_redirect_response=False,
    )
    assert reply.parent_id == held.pk
    assert reply.post_id == post.pk
    assert reply.status == "approved"
    assert not reply.is_author_reply
    assert reply.user == admin_user
    assert reply.depth == 2
    assert reply.body_html == "<p>Danke, <strong>Gerda</strong>!</p>"
    assert _status(held) == "approved"
    assert _count(post) == 2


def test_admin_reply_shows_nested_and_marked_on_the_site(client, author, post, held):
    """On the public post the post author's reply stands in the comment's ol.children,
    as bypostauthor."""
    author.is_superuser = True
    author.save()
    _logged_in(author).post(
        reverse("admin:comments_comment_reply", args=[held.pk]), {"body": "Danke, Gerda!"}
    )
    reply = Comment.objects.get(parent=held)

    page = client.get(post.get_absolute_url())

    item = one(page, "li", id_=f"comment-{reply.pk}")
    assert "bypostauthor" in item.classes
    assert item.parent.has("ol", "children")
    assert thread_parent_id(item) == held.pk
    assert "bypostauthor" not in one(page, "li", id_=f"comment-{held.pk}").classes
    assertContains(page, "Danke, Gerda!")
    assertContains(page, "Nur für die Moderation")


def test_reply_needs_no_email_address(post, held):
    """An author without an e-mail address can reply."""
    user = UserFactory(username="ohnemail", email="", is_staff=True, is_superuser=True)
    _logged_in(user).post(
        reverse("admin:comments_comment_reply", args=[held.pk]), {"body": "Kurz und gut."}
    )
    reply = Comment.objects.get(parent=held)
    assert (reply.author_email, reply.author_name, reply.status) == ("", "ohnemail", "approved")


def test_reply_beyond_the_depth_limit_is_refused(admin_client, post):
    """Past the thread depth the reply is refused with a message, nothing is saved."""
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"thread_depth": 2})
    top = CommentFactory(post=post)
    deep = ReplyFactory(parent=top)
    response = admin_client.post(
        reverse("admin:comments_comment_reply", args=[deep.pk]),
        {"body": "Zu tief"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Comment.objects.filter(body="Zu tief").exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_empty_reply_is_refused(admin_client, held):
    """An empty reply shows the form again and saves nothing."""
    response = admin_client.post(
        reverse("admin:comments_comment_reply", args=[held.pk]), {"body": ""}
    )
    assert response.status_code == 200
    assert select(response, "ul", "errorlist")
    assert Comment.objects.count() == 1
    assert _status(held) == "pending"


# Editing


def test_editing_a_comment_rebuilds_its_html_and_keeps_its_place(admin_client, post):
    """Changing the text re-renders the sanitised HTML; post, parent and status stay."""
    top = CommentFactory(post=post)
    reply = ReplyFactory(parent=top, author_name="Anna", author_email="anna@example.net")
    response = admin_client.post(
        reverse("admin:comments_comment_change", args=[reply.pk]),
        {
            "author_name": "Anna B.",
            "author_email": "anna@example.net",
            "author_url": "",
            "body": "Jetzt **fett** <script>alert(1)</script>",
            "_save": "Sichern",
        },
    )
    assertRedirects(response, reverse(CHANGELIST), fetch_redirect_response=False)
    reply.refresh_from_db()
    assert reply.author_name == "Anna B."
    assert "<strong>fett</strong>" in reply.body_html
    assert "<script" not in reply.body_html
    assert (reply.post_id, reply.parent_id, reply.depth, reply.status) == (
        post.pk,
        top.pk,
        2,
        "approved",
    )
    assert _count(post) == 2


def test_comments_are_not_added_in_the_admin(admin_client):
    """Comments come from readers or the reply box: there is no empty "add" form that fails."""
    add = reverse("admin:comments_comment_add")
    assert admin_client.get(add).status_code == 403
    response = admin_client.post(add, {"author_name": "X", "body": "Hallo", "_save": "Sichern"})
    assert response.status_code == 403
    assert not Comment.objects.exists()
    changelist = admin_client.get(reverse(CHANGELIST))
    assertNotContains(changelist, reverse("admin:comments_comment_add"))


# The pending count


def test_admin_index_counts_pending_comments(admin_client, post):
    """The index shows "Kommentare (2)", linking to the pending comments."""
    CommentFactory.create_batch(2, post=post, status="pending")
    CommentFactory(post=post, status="spam")
    response = admin_client.get(reverse("admin:index"))
    url = reverse(CHANGELIST) + "?status=pending"
    assertContains(response, f'<a href="{url}">Kommentare (2)</a>', html=True)


def test_admin_index_without_pending_comments_has_no_count(admin_client, post):
    """With nothing held, the entry is plain "Kommentare"."""
    CommentFactory(post=post)
    response = admin_client.get(reverse("admin:index"))
    assertContains(response, f'<a href="{reverse(CHANGELIST)}">Kommentare</a>', html=True)
    assertNotContains(response, "Kommentare (")


def test_pending_count_follows_moderation(admin_client, post):
    """After approving, the count on the index drops."""
    pending = CommentFactory.create_batch(3, post=post, status="pending")
    _action(admin_client, "approve", pending[:1])
    assertContains(admin_client.get(reverse("admin:index")), "Kommentare (2)")


# Discussion settings


def test_discussion_settings_list_opens_the_single_row(admin_client):
    """ "Diskussion" in the admin goes straight to the one settings form."""
    response = admin_client.get(reverse("admin:comments_discussionsettings_changelist"))
    assertRedirects(
        response,
        reverse("admin:comments_discussionsettings_change", args=[1]),
        fetch_redirect_response=False,
    )


def test_discussion_settings_take_effect_on_the_next_request(admin_client, client, post):
    """Switching on "every comment must be approved" holds a returning commenter at once."""
    CommentFactory(post=post, author_name="Anna", author_email="anna@example.net")
    send_comment(client, post, body="Vorher")
    assert Comment.objects.get(body="Vorher").status == "approved"
    assert DiscussionSettings.load().require_approval is False  # now in the cache

    data = {
        "comments_open_by_default": "on",
        "require_approval": "on",
        "require_previous_approval": "on",
        "max_links": 2,
        "moderation_words": "",
        "disallowed_words": "",
        "flood_seconds": 0,
        "thread_depth": 5,
        "close_after_days": 0,
        "comments_per_page": 50,
        "default_comments_page": "newest",
        "comment_order": "asc",
        "notify_author": "on",
        "ip_retention_days": 60,
        "_save": "Sichern",
    }
    response = admin_client.post(
        reverse("admin:comments_discussionsettings_change", args=[1]), data
    )
    assert response.status_code == 302

    send_comment(client, post, body="Nachher", ip="198.51.100.2")
    assert Comment.objects.get(body="Nachher").status == "pending"


def test_discussion_settings_set_the_default_for_new_posts(admin_client):
    """Unticking "allow comments on new posts" under Diskussion starts new posts closed;
    the site settings' own form does not offer it a second time."""
    DiscussionSettings.load()
    change = reverse("admin:comments_discussionsettings_change", args=[1])
    ticked = '<input type="checkbox" name="comments_open_by_default" checked'
    assertContains(
        admin_client.get(change), f'{ticked} id="id_comments_open_by_default">', html=True
    )
    data = {
        "require_previous_approval": "on",
        "max_links": 2,
        "flood_seconds": 15,
        "thread_depth": 5,
        "close_after_days": 0,
        "comments_per_page": 50,
        "default_comments_page": "newest",
        "comment_order": "asc",
        "notify_author": "on",
        "ip_retention_days": 60,
        "_save": "Sichern",
    }
    response = admin_client.post(change, data)
    assert response.status_code == 302
    assert SiteSettings.load().comments_open_by_default is False
    new_post = admin_client.get(reverse("admin:blog_post_add"))
    assertContains(
        new_post, '<input type="checkbox" name="comments_open" id="id_comments_open">', html=True
    )
    site = admin_client.get(reverse("admin:blog_sitesettings_change", args=[1]))
    assertNotContains(site, 'name="comments_open_by_default"')


def test_discussion_settings_cannot_be_added_or_deleted(admin_client):
    """There is one row: no add page, no delete page."""
    DiscussionSettings.load()
    assert admin_client.get(reverse("admin:comments_discussionsettings_add")).status_code == 403
    delete = reverse("admin:comments_discussionsettings_delete", args=[1])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert DiscussionSettings.objects.count() == 1


def test_admin_empties_old_spam_and_trash_after_confirmation(admin_client, post):
    """The changelist's "empty" page asks first, then deletes only spam/trash older than 30 days."""
    import datetime

    from django.utils import timezone

    old = timezone.now() - datetime.timedelta(days=31)
    old_spam = CommentFactory(post=post, status="spam")
    fresh_trash = CommentFactory(post=post, status="trash")
    kept = CommentFactory(post=post, status="approved")
    Comment.objects.filter(pk=old_spam.pk).update(status_changed_at=old)
    url = reverse("admin:comments_comment_empty_trash")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert Comment.objects.filter(pk=old_spam.pk).exists()
    response = admin_client.post(url)
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=old_spam.pk).exists()
    assert Comment.objects.filter(pk__in=[fresh_trash.pk, kept.pk]).count() == 2


def test_emptying_the_trash_needs_the_delete_permission(client, post):
    """Staff without the delete permission get 403."""
    from tests.factories import UserFactory

    staff = UserFactory(username="redakteur", is_staff=True)
    client.force_login(staff)
    assert client.post(reverse("admin:comments_comment_empty_trash")).status_code == 403
