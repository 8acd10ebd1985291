"""The trash of posts and pages and the bulk actions of their lists (issue #12, blog/trash.py,
blog/trash_admin.py): what readers stop seeing, who may do what, what comes back."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from blog import trash
from blog.models import Page, Post
from comments.models import Comment
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    PageFactory,
    PostFactory,
    TagFactory,
    UserFactory,
)
from tests.html import post_titles
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db

POSTS = "admin:blog_post_changelist"
PAGES = "admin:blog_page_changelist"


def _staff(username, perms, groups=()) -> tuple[Client, object]:
    """A staff user (no superuser) with these blog permissions, logged in."""
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="blog", codename__in=perms)
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    client = Client()
    client.force_login(user)
    return client, user


def _action(client, url_name, action, objects, query="", **extra):
    return client.post(
        reverse(url_name) + query,
        {"action": action, "_selected_action": [o.pk for o in objects], "index": 0, **extra},
    )


@pytest.fixture
def blog_post(author):
    """A published post with a category, a tag and an approved comment."""
    category = CategoryFactory(name="Laufen", slug="laufen")
    tag = TagFactory(name="training", slug="training")
    post = PostFactory(
        title="hartes training",
        author=author,
        body="Intervalle am Berg.",
        categories=[category],
        tags=[tag],
    )
    CommentFactory(post=post, author_name="Anna Läuferin", body="Starke Leistung!")
    return post


def _reader_pages(post) -> dict:
    local = timezone.localtime(post.published_at)
    return {
        "home": "/",
        "year": f"/{local.year}/",
        "month": f"/{local.year}/{local.month:02d}/",
        "day": f"/{local.year}/{local.month:02d}/{local.day:02d}/",
        "category": "/category/laufen/",
        "tag": "/tag/training/",
        "search": "/?s=intervalle",
        "feed": "/feed/",
        "atom": "/feed/atom/",
        "category feed": "/category/laufen/feed/",
        "tag feed": "/tag/training/feed/",
        "comments feed": "/comments/feed/",
        "sitemap": "/sitemap-posts.xml",
    }


# Readers


def test_trashed_post_is_gone_for_readers_and_back_after_restore(client, admin_client, blog_post):
    """Moved to the trash in the admin, the post leaves every list, feed, the sitemap, the
    search and its address (pages cached before included); restored, it is back there."""
    url = blog_post.get_absolute_url()
    pages = _reader_pages(blog_post)
    for name, path in pages.items():
        assertContains(client.get(path), "hartes", msg_prefix=name)
    assert client.get(url).status_code == 200

    response = admin_client.post(reverse("admin:blog_post_delete", args=[blog_post.pk]))
    assert response.status_code == 302
    blog_post.refresh_from_db()
    assert blog_post.status == Post.Status.TRASH
    assert blog_post.status_before_trash == Post.Status.PUBLISHED

    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code in (200, 404), name
        assertNotContains(response, "hartes", status_code=response.status_code)
    assert client.get(url).status_code == 404
    assert client.get(url + "feed/").status_code == 404
    # Staff do not open it at its address either.
    assert admin_client.get(url).status_code == 404

    response = admin_client.post(reverse("admin:blog_post_restore", args=[blog_post.pk]))
    assert response.status_code == 302
    blog_post.refresh_from_db()
    assert blog_post.status == Post.Status.PUBLISHED
    assert blog_post.get_absolute_url() == url
    for name, path in pages.items():
        assertContains(client.get(path), "hartes", msg_prefix=name)
    assertContains(client.get(url), "Starke Leistung!")


def test_old_wordpress_id_does_not_lead_to_a_trashed_post(client, blog_post):
    """?p=ID of an imported post redirects to it, but not while it is in the trash."""
    ImportedObject.objects.create(kind="post", wp_id=100, post=blog_post)
    assert client.get("/?p=100")["Location"] == blog_post.get_absolute_url()
    trash.move_to_trash(Post.objects.filter(pk=blog_post.pk))
    response = client.get("/?p=100")
    assert response.get("Location") != blog_post.get_absolute_url()
    assertNotContains(response, "hartes", status_code=response.status_code)


def test_trashed_post_takes_no_comments(client, blog_post):
    """A comment sent to a trashed post is refused and not stored."""
    trash.move_to_trash(Post.objects.filter(pk=blog_post.pk))
    response = client.post(
        reverse("comments:comment_create", kwargs={"post_id": blog_post.pk}),
        {
            "author_name": "Leserin",
            "author_email": "l@example.net",
            "body": "Noch da?",
            "captcha_0": "x",
            "captcha_1": "PASSED",
        },
    )
    assert response.status_code == 400
    assertContains(response, "Noch da?", status_code=400)  # the text is kept, not stored
    assert not Comment.objects.filter(body="Noch da?").exists()


def test_trashed_page_is_gone_and_comes_back(client, admin_client):
    """A trashed page leaves its address and the navigation; restored, it is back."""
    page = PageFactory(
        title="Über mich", slug="ueber-mich", body="Mein Lebenslauf.", status="published"
    )
    assertContains(client.get("/"), "Über mich")
    assert client.get("/ueber-mich/").status_code == 200
    assertContains(client.get("/sitemap-pages.xml"), "ueber-mich")
    assertContains(client.get("/?s=lebenslauf"), "/ueber-mich/")

    admin_client.post(reverse("admin:blog_page_delete", args=[page.pk]))
    page.refresh_from_db()
    assert page.is_trashed
    assert client.get("/ueber-mich/").status_code == 404
    assert admin_client.get("/ueber-mich/").status_code == 404
    assertNotContains(client.get("/"), "Über mich")
    assertNotContains(client.get("/sitemap-pages.xml"), "ueber-mich")
    assertNotContains(client.get("/?s=lebenslauf"), "/ueber-mich/")

    admin_client.post(reverse("admin:blog_page_restore", args=[page.pk]))
    assert client.get("/ueber-mich/").status_code == 200
    assertContains(client.get("/"), "Über mich")


# The admin: single objects


def test_delete_link_asks_to_move_to_the_trash(admin_client, blog_post):
    """The change form's "Löschen" asks "In den Papierkorb verschieben?"; a GET changes
    nothing."""
    response = admin_client.get(reverse("admin:blog_post_delete", args=[blog_post.pk]))
    assertContains(response, "In den Papierkorb verschieben?")
    assertContains(response, "30 Tage")
    blog_post.refresh_from_db()
    assert blog_post.status == Post.Status.PUBLISHED


def test_trashed_post_opens_read_only_with_a_restore_link(admin_client, blog_post):
    """A post in the trash cannot be saved; its page says so and links to restoring it."""
    trash.move_to_trash(Post.objects.filter(pk=blog_post.pk))
    url = reverse("admin:blog_post_change", args=[blog_post.pk])
    response = admin_client.get(url)
    assertContains(response, "im Papierkorb")
    assertContains(response, reverse("admin:blog_post_restore", args=[blog_post.pk]))
    assertNotContains(response, 'name="title"')
    admin_client.post(url, {"title": "überschrieben", "status": "published"})
    blog_post.refresh_from_db()
    assert blog_post.title == "hartes training" and blog_post.is_trashed


def test_status_trash_cannot_be_chosen_in_the_form(admin_client):
    """The status field offers no "Papierkorb": only the trash itself sets it."""
    response = admin_client.get(reverse("admin:blog_post_add"))
    assertNotContains(response, '<option value="trash"')
    assertContains(response, '<option value="draft"')


def test_delete_for_good_in_the_trash_asks_and_takes_the_comments(admin_client, blog_post):
    """In the trash "Löschen" is Django's confirmation; confirmed, post and comments go."""
    trash.move_to_trash(Post.objects.filter(pk=blog_post.pk))
    url = reverse("admin:blog_post_delete", args=[blog_post.pk])
    response = admin_client.get(url)
    assertContains(response, "Anna Läuferin")  # the comment is listed as going along
    assert Post.objects.filter(pk=blog_post.pk).exists()
    admin_client.post(url, {"post": "yes"})
    assert not Post.objects.filter(pk=blog_post.pk).exists()
    assert not Comment.objects.filter(body="Starke Leistung!").exists()


def test_user_without_delete_permission_cannot_trash(blog_post):
    """Without "delete post" neither the link, the view nor the bulk action trashes."""
    client, user = _staff("schreiber", ["view_post", "change_post", "add_post"])
    Post.objects.filter(pk=blog_post.pk).update(author=user)
    assert client.post(reverse("admin:blog_post_delete", args=[blog_post.pk])).status_code == 403
    response = client.get(reverse(POSTS))
    assertNotContains(response, 'value="trash_selected"')
    _action(client, POSTS, "trash_selected", [blog_post])
    blog_post.refresh_from_db()
    assert blog_post.status == Post.Status.PUBLISHED


def test_author_cannot_trash_someone_elses_post(blog_post):
    """An author with every post permission cannot trash another author's post."""
    client, _user = _staff(
        "berta", ["view_post", "change_post", "add_post", "delete_post", "publish_post"]
    )
    response = client.post(reverse("admin:blog_post_delete", args=[blog_post.pk]))
    assert response.status_code == 302  # "not found": to the admin index
    _action(client, POSTS, "trash_selected", [blog_post])
    blog_post.refresh_from_db()
    assert blog_post.status == Post.Status.PUBLISHED


# Slugs


def test_trashed_post_keeps_its_address(admin_client, blog_post):
    """A new post of the same title gets another address; typing the trashed post's
    address is refused with a German reason; restored, the old post has its own again."""
    url = blog_post.get_absolute_url()
    trash.move_to_trash(Post.objects.filter(pk=blog_post.pk))
    newer = PostFactory(title="hartes training", author=blog_post.author)
    assert newer.slug == "hartes-training-2"

    response = admin_client.post(
        reverse("admin:blog_post_add"),
        {
            "title": "Neuer Text",
            "slug": "hartes-training",
            "body": "Mein Entwurf bleibt.",
            "status": "draft",
            "published_at_0": "06.12.2026",
            "published_at_1": "10:00:00",
            "author": blog_post.author.pk,
            "visibility": "public",
            "comments_open": "on",
        },
    )
    assert response.status_code == 200
    assertContains(response, "„hartes training“ im Papierkorb hat diese Adresse")
    assertContains(response, "Mein Entwurf bleibt.")
    assert not Post.objects.filter(title="Neuer Text").exists()

    trash.restore(Post.objects.filter(pk=blog_post.pk))
    blog_post.refresh_from_db()
    assert blog_post.get_absolute_url() == url


# Bulk actions


@pytest.fixture
def bump_count(monkeypatch):
    """How often the content version is bumped (the bumps still happen)."""
    import blog.signals
    import blog.trash

    calls = []
    for module in (blog.trash, blog.signals):
        original = module.bump_content_version
        monkeypatch.setattr(
            module, "bump_content_version", lambda o=original: (calls.append(1), o())
        )
    return calls


def test_bulk_publish_and_draft_bump_once(admin_client, author, bump_count):
    """Three drafts published with one action: all public, one content-version bump;
    set back to draft the same way."""
    drafts = PostFactory.create_batch(3, author=author, status=Post.Status.DRAFT)
    response = _action(admin_client, POSTS, "publish_selected", drafts)
    assert response.status_code == 302
    assert set(Post.objects.values_list("status", flat=True)) == {"published"}
    assert len(bump_count) == 1
    assertContains(Client().get("/"), drafts[0].title)

    _action(admin_client, POSTS, "draft_selected", drafts)
    assert set(Post.objects.values_list("status", flat=True)) == {"draft"}
    assert len(bump_count) == 2
    assertNotContains(Client().get("/"), drafts[0].title)


def test_bulk_trash_and_restore_keep_each_status(admin_client, author, bump_count):
    """Trash then restore a published post and a draft: each comes back as it was."""
    published = PostFactory(author=author, title="Laufbericht")
    draft = PostFactory(author=author, title="entwurf", status=Post.Status.DRAFT)
    bump_count.clear()
    _action(admin_client, POSTS, "trash_selected", [published, draft])
    assert set(Post.objects.values_list("status", flat=True)) == {"trash"}
    assert len(bump_count) == 1

    listed = admin_client.get(reverse(POSTS))
    assertNotContains(listed, "Laufbericht")
    in_trash = admin_client.get(reverse(POSTS) + "?status=trash")
    assertContains(in_trash, "Laufbericht")
    assertContains(in_trash, "Papierkorb (2)")
    assertContains(in_trash, 'value="restore_selected"')
    assertNotContains(in_trash, 'value="publish_selected"')

    _action(admin_client, POSTS, "restore_selected", [published, draft], query="?status=trash")
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == ("published", "draft")
    assert published.trashed_at is None and published.status_before_trash == ""
    assert len(bump_count) == 2


def test_bulk_delete_for_good_only_in_the_trash(admin_client, author):
    """ "Endgültig löschen" asks first, then deletes trashed posts only."""
    trashed = PostFactory(author=author, title="weg damit")
    kept = PostFactory(author=author, title="bleibt")
    trash.move_to_trash(Post.objects.filter(pk=trashed.pk))
    response = _action(
        admin_client, POSTS, "delete_selected", [trashed, kept], query="?status=trash"
    )
    assertContains(response, "Sind Sie sicher")
    assert Post.objects.count() == 2
    _action(
        admin_client, POSTS, "delete_selected", [trashed, kept], query="?status=trash", post="yes"
    )
    assert list(Post.objects.values_list("title", flat=True)) == ["bleibt"]


def test_bulk_set_categories_add_and_replace(admin_client, author, bump_count):
    """The intermediate page lists the posts; "add" keeps their categories, "replace"
    swaps them; the posts' lists and pages show the new ones."""
    old = CategoryFactory(name="Alt")
    new = CategoryFactory(name="Neu")
    posts = [PostFactory(author=author, categories=[old]) for _ in range(2)]
    bump_count.clear()

    response = _action(admin_client, POSTS, "set_categories", posts)
    assertContains(response, "Kategorien festlegen")
    assertContains(response, posts[0].title)
    assert len(bump_count) == 0

    _action(
        admin_client, POSTS, "set_categories", posts, apply="1", categories=[new.pk], mode="add"
    )
    for post in posts:
        assert set(post.categories.values_list("name", flat=True)) == {"Alt", "Neu"}
    assert len(bump_count) == 1

    _action(
        admin_client, POSTS, "set_categories", posts, apply="1", categories=[new.pk], mode="replace"
    )
    for post in posts:
        post.refresh_from_db()
        assert set(post.categories.values_list("name", flat=True)) == {"Neu"}
        assert [c["name"] for c in post.terms["categories"]] == ["Neu"]
    assert posts[0].title in post_titles(Client().get(new.get_absolute_url()).content)
    assert post_titles(Client().get(old.get_absolute_url()).content) == []


def test_bulk_set_categories_add_needs_a_category(admin_client, author):
    """Adding nothing is refused with a German message on the same page."""
    post = PostFactory(author=author)
    response = _action(admin_client, POSTS, "set_categories", [post], apply="1", mode="add")
    assertContains(response, "Wählen Sie mindestens eine Kategorie")


def test_contributor_cannot_publish_in_bulk(author):
    """A "Mitarbeiter" (no right to publish) cannot publish their own draft with the action."""
    client, user = _staff("mia", [], groups=["Mitarbeiter"])
    draft = PostFactory(author=user, status=Post.Status.DRAFT)
    response = _action(client, POSTS, "publish_selected", [draft])
    draft.refresh_from_db()
    assert draft.status == Post.Status.DRAFT
    if response.status_code == 302:
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("nicht ändern" in m for m in messages), messages


def test_author_bulk_actions_skip_other_authors_posts(author):
    """An author selecting someone else's post (forged request) changes nothing of it."""
    client, user = _staff(
        "berta", ["view_post", "change_post", "add_post", "delete_post", "publish_post"]
    )
    theirs = PostFactory(author=author, status=Post.Status.DRAFT)
    own = PostFactory(author=user, status=Post.Status.DRAFT)
    _action(client, POSTS, "publish_selected", [theirs, own])
    theirs.refresh_from_db()
    own.refresh_from_db()
    assert (theirs.status, own.status) == ("draft", "published")


def test_page_bulk_actions(admin_client, bump_count):
    """Pages: publish, draft, trash and restore from the list, one bump each."""
    pages = [PageFactory(status=Page.Status.DRAFT) for _ in range(2)]
    bump_count.clear()
    _action(admin_client, PAGES, "publish_selected", pages)
    assert set(Page.objects.values_list("status", flat=True)) == {"published"}
    _action(admin_client, PAGES, "trash_selected", pages)
    assert set(Page.objects.values_list("status", flat=True)) == {"trash"}
    assertNotContains(admin_client.get(reverse(PAGES)), pages[0].title)
    _action(admin_client, PAGES, "restore_selected", pages, query="?status=trash")
    assert set(Page.objects.values_list("status", flat=True)) == {"published"}
    _action(admin_client, PAGES, "draft_selected", pages)
    assert set(Page.objects.values_list("status", flat=True)) == {"draft"}
    assert len(bump_count) == 4


# Emptying the trash


def test_empty_post_trash_deletes_only_old_trash_with_its_comments(author):
    """The daily command deletes posts and pages trashed over 30 days ago, and their
    comments; newer trash, and old posts not in the trash, stay."""
    old = PostFactory(author=author, title="alt im Papierkorb")
    CommentFactory(post=old, body="geht mit")
    recent = PostFactory(author=author, title="neu im Papierkorb")
    CommentFactory(post=recent, body="bleibt")
    untouched = PostFactory(
        author=author, published_at=timezone.now() - datetime.timedelta(days=400)
    )
    old_page = PageFactory(title="alte Seite")
    trash.move_to_trash(Post.objects.filter(pk__in=[old.pk, recent.pk]))
    trash.move_to_trash(Page.objects.filter(pk=old_page.pk))
    long_ago = timezone.now() - datetime.timedelta(days=31)
    Post.objects.filter(pk=old.pk).update(trashed_at=long_ago)
    Page.objects.filter(pk=old_page.pk).update(trashed_at=long_ago)
    Post.objects.filter(pk=recent.pk).update(
        trashed_at=timezone.now() - datetime.timedelta(days=29)
    )

    call_command("empty_post_trash", verbosity=0)

    assert set(Post.objects.values_list("pk", flat=True)) == {recent.pk, untouched.pk}
    assert not Page.objects.filter(pk=old_page.pk).exists()
    assert list(Comment.objects.values_list("body", flat=True)) == ["bleibt"]


def test_empty_post_trash_keeps_a_page_with_subpages(author, capsys):
    """A trashed page whose subpages stay cannot go: it stays and the command says so."""
    parent = PageFactory(title="Eltern", slug="eltern")
    PageFactory(title="Kind", slug="kind", parent=parent)
    trash.move_to_trash(Page.objects.filter(pk=parent.pk))
    Page.objects.filter(pk=parent.pk).update(
        trashed_at=timezone.now() - datetime.timedelta(days=40)
    )
    call_command("empty_post_trash")
    assert Page.objects.filter(pk=parent.pk).exists()
    assert "Eltern" in capsys.readouterr().out


def test_status_counts_are_the_users_own(author):
    """An author's status filter counts their own posts only, the trash included."""
    client, user = _staff(
        "berta", ["view_post", "change_post", "add_post", "delete_post", "publish_post"]
    )
    own = PostFactory(author=user, title="Bertas Beitrag")
    PostFactory(author=user, status=Post.Status.DRAFT)
    theirs = PostFactory.create_batch(3, author=author)
    trash.move_to_trash(Post.objects.filter(pk__in=[own.pk, theirs[0].pk, theirs[1].pk]))
    response = client.get(reverse(POSTS))
    assertContains(response, "Papierkorb (1)")
    assertContains(response, "Entwurf (1)")
    assertContains(response, "Veröffentlicht (0)")
