"""Comments by role (issue #12, comments/admin.py, blog/roles.py): an "Autor" sees and
moderates only the comments on their own posts, with their e-mail and IP; a
"Redakteur" and the administrator see all and use the DSGVO tools; the post filter
searches only posts one may see; the "Autor" badge only for the post's own author."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Post
from comments.models import Comment
from tests.comments.helpers import one
from tests.factories import CommentFactory, PostFactory
from tests.roles import logged_in, member

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"
SECRETS = [b"bernd-leser@example.net", b"203.0.113.77", b"Bernds Leser"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def anja():
    return member("anja", "Autor")


@pytest.fixture
def bernd():
    return member("bernd", "Autor")


@pytest.fixture
def rita():
    return member("rita", "Redakteur")


@pytest.fixture
def own(anja):
    """A held comment on Anja's post."""
    post = PostFactory(author=anja, title="Anjas Lauf")
    return CommentFactory(
        post=post,
        status="pending",
        author_name="Anjas Leserin",
        author_email="anja-leserin@example.net",
        ip_address="198.51.100.23",
        body="Schöne Strecke!",
    )


@pytest.fixture
def foreign(bernd):
    """A held comment on Bernd's post, which Anja must never see or touch."""
    post = PostFactory(author=bernd, title="Bernds Radtour")
    return CommentFactory(
        post=post,
        status="pending",
        author_name="Bernds Leser",
        author_email="bernd-leser@example.net",
        ip_address="203.0.113.77",
        body="Nur für Bernd",
    )


def _assert_nothing_shown(response):
    for secret in SECRETS:
        assert secret not in response.content


def _assert_untouched(comment):
    comment.refresh_from_db()
    assert (comment.status, comment.author_email, comment.author_name) == (
        "pending",
        "bernd-leser@example.net",
        "Bernds Leser",
    )
    assert not Comment.objects.filter(parent=comment).exists()


# The list


def test_author_lists_only_comments_on_own_posts(anja, own, foreign):
    """Anja's list shows her commenter with e-mail and IP, nothing of Bernd's."""
    response = logged_in(anja).get(reverse(CHANGELIST))
    assertContains(response, "anja-leserin@example.net")
    assertContains(response, "198.51.100.23")
    _assert_nothing_shown(response)
    assertContains(response, '<a href="?status=pending">Ausstehend (1)</a>', html=True)


def test_author_finds_nothing_of_others_by_search(anja, own, foreign):
    """The search field repeats the term; no row comes back for it."""
    for term in ("bernd-leser@example.net", "203.0.113.77", "Nur für Bernd"):
        response = logged_in(anja).get(reverse(CHANGELIST), {"q": term})
        assertNotContains(response, 'class="field-author_column"')
        assertNotContains(response, "Bernds Leser")


def test_author_gets_no_links_to_the_dsgvo_tools(anja, rita, own):
    """The privacy tools and emptying the trash reach every comment: editors only."""
    privacy = reverse("admin:comments_comment_privacy")
    empty = reverse("admin:comments_comment_empty_trash")
    author_list = logged_in(anja).get(reverse(CHANGELIST))
    assertNotContains(author_list, privacy)
    assertNotContains(author_list, empty)
    editor_list = logged_in(rita).get(reverse(CHANGELIST))
    assertContains(editor_list, privacy)
    assertContains(editor_list, empty)


def test_editor_lists_every_comment(rita, own, foreign):
    response = logged_in(rita).get(reverse(CHANGELIST))
    assertContains(response, "anja-leserin@example.net")
    assertContains(response, "bernd-leser@example.net")
    assertContains(response, "203.0.113.77")


def test_contributor_has_no_comment_list(own):
    mia = member("mia", "Mitarbeiter")
    assert logged_in(mia).get(reverse(CHANGELIST)).status_code == 403


# Every door to another author's comment


def _doors(comment):
    """(method, url, data) of every screen and action that reaches one comment."""
    change = reverse("admin:comments_comment_change", args=[comment.pk])
    reply = reverse("admin:comments_comment_reply", args=[comment.pk])
    return [
        ("get", change, {}),
        ("post", change, {"author_name": "Geändert", "body": "Geändert"}),
        ("get", reverse("admin:comments_comment_history", args=[comment.pk]), {}),
        ("get", reverse("admin:comments_comment_delete", args=[comment.pk]), {}),
        ("post", reverse("admin:comments_comment_delete", args=[comment.pk]), {"post": "yes"}),
        ("get", reply, {}),
        ("post", reply, {"body": "Fremde Antwort"}),
        *[
            (method, reverse("admin:comments_comment_moderate", args=[comment.pk, action]), {})
            for action in ("approve", "spam", "trash")
            for method in ("get", "post")
        ],
    ]


def test_author_cannot_open_or_act_on_another_authors_comment(anja, foreign):
    """403 at every door, the e-mail, IP and name never shown, nothing changed."""
    client = logged_in(anja)
    for method, url, data in _doors(foreign):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)
        _assert_nothing_shown(response)
    _assert_untouched(foreign)


def test_bulk_actions_skip_another_authors_comment(anja, own, foreign):
    """A foreign ID slipped into a bulk action is ignored; one's own is acted on."""
    client = logged_in(anja)
    for action in ("approve", "mark_spam", "move_to_trash", "unapprove", "restore"):
        client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [foreign.pk]})
        _assert_untouched(foreign)
    Comment.objects.filter(pk=foreign.pk).update(status="spam")
    response = client.post(
        reverse(CHANGELIST),
        {"action": "delete_permanently", "_selected_action": [foreign.pk], "confirm": "yes"},
    )
    _assert_nothing_shown(response)
    assert Comment.objects.filter(pk=foreign.pk).exists()
    client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [own.pk]})
    assert Comment.objects.get(pk=own.pk).status == "approved"


def test_author_moderates_and_replies_on_own_post(anja, own):
    client = logged_in(anja)
    url = reverse("admin:comments_comment_moderate", args=[own.pk, "approve"])
    assert client.post(url).status_code == 302
    assert Comment.objects.get(pk=own.pk).status == "approved"
    page = client.get(reverse("admin:comments_comment_change", args=[own.pk]))
    assertContains(page, "anja-leserin@example.net")
    client.post(reverse("admin:comments_comment_reply", args=[own.pk]), {"body": "Danke!"})
    assert Comment.objects.get(parent=own).user == anja


@pytest.mark.parametrize("action", ["export", "export_json", "erase"])
def test_dsgvo_tools_are_refused_to_an_author(anja, own, foreign, action):
    """Not even for the address of a commenter on her own post: the tools reach every
    comment of an address, on every author's posts."""
    client = logged_in(anja)
    url = reverse("admin:comments_comment_privacy")
    assert client.get(url).status_code == 403
    for email in ("bernd-leser@example.net", "anja-leserin@example.net"):
        response = client.post(url, {"email": email, "action": action, "confirm": email})
        assert response.status_code == 403
        _assert_nothing_shown(response)
    _assert_untouched(foreign)
    assert Comment.objects.get(pk=own.pk).author_email == "anja-leserin@example.net"
    assert client.post(reverse("admin:comments_comment_empty_trash")).status_code == 403


def test_editor_exports_a_commenters_data(rita, foreign):
    response = logged_in(rita).post(
        reverse("admin:comments_comment_privacy"),
        {"email": "bernd-leser@example.net", "action": "export_json"},
    )
    assert response.status_code == 200
    assert response.json()["comments"][0]["ip_address"] == "203.0.113.77"


# The post filter: searched, and only posts one may see


def _autocomplete(client, **params):
    response = client.get(reverse("admin:comments_comment_post_autocomplete"), params)
    assert response.status_code == 200
    return response.json()


def test_post_search_finds_only_own_posts_for_an_author(anja, own, foreign, bernd):
    """Other authors' drafts and private posts are never offered by title."""
    PostFactory(author=bernd, status="draft", title="Bernds geheimer Entwurf")
    PostFactory(author=bernd, visibility="private", title="Bernds Privates")
    PostFactory(author=anja, status="draft", title="Anjas Entwurf")
    found = _autocomplete(logged_in(anja))
    assert sorted(r["text"] for r in found["results"]) == ["Anjas Entwurf", "Anjas Lauf"]
    assert _autocomplete(logged_in(anja), term="Bernd")["results"] == []


def test_post_search_finds_every_post_for_an_editor(rita, own, foreign):
    found = _autocomplete(logged_in(rita), term="radtour")
    assert [r["text"] for r in found["results"]] == ["Bernds Radtour"]
    assert found["results"][0]["id"] == str(foreign.post_id)


def test_post_search_pages_through_thousands_of_posts(rita):
    """20 a page and a "more" flag, never the whole list."""
    author = member("viel", "Autor")
    Post.objects.bulk_create(
        [Post(title=f"Training {n:03}", slug=f"training-{n}", author=author) for n in range(45)]
    )
    client = logged_in(rita)
    first = _autocomplete(client, term="training")
    assert (len(first["results"]), first["pagination"]["more"]) == (20, True)
    last = _autocomplete(client, term="training", page=3)
    assert (len(last["results"]), last["pagination"]["more"]) == (5, False)


def test_post_search_needs_the_comment_list(own):
    mia = member("mia", "Mitarbeiter")
    response = logged_in(mia).get(reverse("admin:comments_comment_post_autocomplete"))
    assert response.status_code == 403


def test_post_filter_is_a_search_field_not_a_list_of_posts(rita, own, foreign):
    """The filter renders one select with only the chosen post, searched as one types."""
    client = logged_in(rita)
    plain = client.get(reverse(CHANGELIST))
    select = one(plain, "select", name="post__id__exact")
    assert select.attrs["data-ajax--url"] == reverse("admin:comments_comment_post_autocomplete")
    assertNotContains(plain, f'<option value="{foreign.post_id}"')
    chosen = client.get(reverse(CHANGELIST), {"post__id__exact": foreign.post_id, "q": "Leser"})
    assertContains(
        chosen, f'<option value="{foreign.post_id}" selected>Bernds Radtour</option>', html=True
    )
    assertContains(chosen, '<input type="hidden" name="q" value="Leser">', html=True)
    assertContains(chosen, "bernd-leser@example.net")
    assertNotContains(chosen, "anja-leserin@example.net")


def test_post_filter_shows_no_title_of_another_authors_post(anja, own, foreign):
    response = logged_in(anja).get(reverse(CHANGELIST), {"post__id__exact": foreign.post_id})
    assertNotContains(response, "Bernds Radtour")
    _assert_nothing_shown(response)


# The "Autor" badge


def test_reply_of_the_posts_author_gets_the_badge(anja, own, client):
    logged_in(anja).post(
        reverse("admin:comments_comment_reply", args=[own.pk]), {"body": "Danke, gern!"}
    )
    reply = Comment.objects.get(parent=own)
    assert reply.is_author_reply
    page = client.get(own.post.get_absolute_url())
    assert "bypostauthor" in one(page, "li", id_=f"comment-{reply.pk}").classes


def test_reply_of_an_editor_on_someone_elses_post_gets_no_badge(rita, own, client):
    """Rita answers on Anja's post: her reply is hers, not the post author's."""
    logged_in(rita).post(
        reverse("admin:comments_comment_reply", args=[own.pk]), {"body": "Gern geschehen."}
    )
    reply = Comment.objects.get(parent=own)
    assert not reply.is_author_reply
    page = client.get(own.post.get_absolute_url())
    item = one(page, "li", id_=f"comment-{reply.pk}")
    assert "bypostauthor" not in item.classes
    assertNotContains(page, 'class="comment-author-badge"')


def test_migration_takes_the_badge_from_replies_of_others(anja, rita, own):
    """Replies stored before with the badge keep it only when the post's author wrote them."""
    by_author = CommentFactory(post=own.post, parent=own, user=anja, status="approved")
    by_editor = CommentFactory(post=own.post, parent=own, user=rita, status="approved")
    Comment.objects.update(is_author_reply=True)
    migration = importlib.import_module(
        "comments.migrations.0009_author_badge_only_for_post_author"
    )
    migration.forwards(apps, None)
    flags = dict(Comment.objects.values_list("pk", "is_author_reply"))
    assert flags == {own.pk: False, by_author.pk: True, by_editor.pk: False}


def test_roles_migration_keeps_publishing_for_those_who_could(db):
    """A user or group that could change posts before may publish after the migration."""
    from django.contrib.auth.models import Group, Permission

    from tests.factories import UserFactory

    change = Permission.objects.get(codename="change_post")
    user = UserFactory(username="altautor", is_staff=True)
    user.user_permissions.add(change)
    group = Group.objects.create(name="Schreibende")
    group.permissions.add(change)
    importlib.import_module("comments.migrations.0007_roles")._keep_publishing(apps)
    user = type(user).objects.get(pk=user.pk)
    assert user.has_perm("blog.publish_post")
    assert group.permissions.filter(codename="publish_post").exists()
    assert (
        not Group.objects.get(name="Mitarbeiter")
        .permissions.filter(codename="publish_post")
        .exists()
    )


def test_held_comments_are_counted_for_one_author_only(anja, rita, own, foreign):
    """The menu's "Kommentare (n)" counts what Anja may moderate; Rita's counts all."""
    anjas_index = logged_in(anja).get(reverse("admin:index"))
    assertContains(anjas_index, "Kommentare (1)")
    assertNotContains(anjas_index, "Kommentare (2)")
    assertContains(logged_in(rita).get(reverse("admin:index")), "Kommentare (2)")


def test_lists_with_counts_shown_keep_their_filters(rita, foreign):
    """ "Anzahl anzeigen" (Django's facets) with the post and author filters set."""
    client = logged_in(rita)
    comments = client.get(
        reverse(CHANGELIST), {"_facets": "True", "post__id__exact": foreign.post_id}
    )
    assertContains(comments, "bernd-leser@example.net")
    posts = client.get(
        reverse("admin:blog_post_changelist"),
        {"_facets": "True", "author__id__exact": foreign.post.author_id},
    )
    assertContains(posts, "Bernds Radtour")
