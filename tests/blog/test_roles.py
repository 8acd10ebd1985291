"""Posts by role (issue #12, blog/roles.py, blog/admin_roles.py): a "Mitarbeiter" writes
and submits for review but never publishes, an "Autor" publishes their own posts, a
"Redakteur" sees and edits all; every boundary through the admin's own doors."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Media, Post
from blog.roles import GROUPS
from tests.factories import MediaFactory, PostFactory, UserFactory, image_upload
from tests.html import select
from tests.roles import form_values, logged_in, member, options

pytestmark = pytest.mark.django_db

POSTS = "admin:blog_post_changelist"
ADD = "admin:blog_post_add"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mitarbeiter():
    return member("mia", "Mitarbeiter")


@pytest.fixture
def autor():
    return member("anja", "Autor")


@pytest.fixture
def redakteur():
    return member("rita", "Redakteur")


def _change(post) -> str:
    return reverse("admin:blog_post_change", args=[post.pk])


def _save(client, url, **changes):
    """Send the admin form at `url` as the page fills it in, with these changes."""
    page = client.get(url)
    assert page.status_code == 200
    data = {**form_values(page, "post_form"), **changes, "_save": "Sichern"}
    return client.post(url, data)


def _new_post(client, **changes):
    return _save(client, reverse(ADD), title="Neu geschrieben", body="Mein *Text*", **changes)


def _status(post) -> str:
    return Post.objects.get(pk=post.pk).status


# The groups


def test_groups_carry_wordpress_capabilities():
    """Mitarbeiter write; Autor also publish, upload and moderate; Redakteur all of it."""
    member("probe", None)  # makes the groups on a flushed database too
    perms = {
        g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()}
        for g in Group.objects.filter(name__in=GROUPS)
    }
    assert {"blog.add_post", "blog.change_post"} <= perms["Mitarbeiter"]
    assert not perms["Mitarbeiter"] & {"blog.publish_post", "blog.add_media"}
    assert not any(p.startswith("comments.") for p in perms["Mitarbeiter"])
    assert {"blog.publish_post", "blog.add_media", "comments.change_comment"} <= perms["Autor"]
    assert not perms["Autor"] & {"blog.edit_others_posts", "comments.moderate_comments"}
    assert {
        "blog.edit_others_posts",
        "comments.moderate_comments",
        "blog.change_page",
        "blog.change_category",
    } <= perms["Redakteur"]
    assert not any(p.startswith("auth.") for p in set().union(*perms.values()))


# Mitarbeiter: writes, submits for review, never publishes


def test_contributor_is_offered_draft_and_pending_review_only(mitarbeiter):
    """The status field of a contributor has "Entwurf" and "Ausstehender Review"."""
    page = logged_in(mitarbeiter).get(reverse(ADD))
    offered = options(page, "status")
    assert "published" not in offered
    assert {"draft", "pending"} <= set(offered)
    assertContains(page, '<option value="pending">Ausstehender Review</option>', html=True)


def test_contributor_submits_a_post_for_review(mitarbeiter):
    """Saved as pending, it is the contributor's and nobody reads it on the site yet."""
    response = _new_post(logged_in(mitarbeiter), status="pending")
    assert response.status_code == 302
    post = Post.objects.get(title="Neu geschrieben")
    assert (post.status, post.author) == ("pending", mitarbeiter)
    assert not Post.objects.published().filter(pk=post.pk).exists()


def test_contributor_cannot_publish_through_the_form(mitarbeiter):
    """Status "published" sent by hand is refused with the form again; nothing saved."""
    response = _new_post(logged_in(mitarbeiter), status="published")
    assert response.status_code == 200
    assertContains(response, "published ist keine gültige Auswahl.")
    assert not Post.objects.filter(title="Neu geschrieben").exists()


def test_contributor_cannot_publish_their_draft_by_editing_it(mitarbeiter):
    post = PostFactory(author=mitarbeiter, status="draft", title="Mein Entwurf")
    response = _save(logged_in(mitarbeiter), _change(post), status="published")
    assert response.status_code == 200
    assert _status(post) == "draft"


def test_contributor_cannot_change_their_published_post(mitarbeiter):
    """Once published (by an editor), the post opens read-only and a POST is refused."""
    post = PostFactory(author=mitarbeiter, status="published", title="Veröffentlicht")
    client = logged_in(mitarbeiter)
    page = client.get(_change(post))
    assert page.status_code == 200
    assert not select(page, "input", name="_save")
    assert not select(page, "textarea", name="body")
    response = client.post(_change(post), {"title": "Geändert", "status": "draft"})
    assert response.status_code == 403
    post.refresh_from_db()
    assert (post.title, post.status) == ("Veröffentlicht", "published")


def test_contributor_cannot_delete_their_published_post(mitarbeiter):
    post = PostFactory(author=mitarbeiter, status="published")
    response = logged_in(mitarbeiter).post(
        reverse("admin:blog_post_delete", args=[post.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert _status(post) == "published"


def test_contributor_cannot_publish_through_a_bulk_action(mitarbeiter):
    """The list's "publish" action leaves a contributor's post as it was."""
    post = PostFactory(author=mitarbeiter, status="pending")
    logged_in(mitarbeiter).post(
        reverse(POSTS), {"action": "publish_selected", "_selected_action": [post.pk]}
    )
    assert _status(post) == "pending"


def test_contributor_cannot_restore_a_published_post_from_the_trash(mitarbeiter):
    """A post an editor moved to the trash while published would be published again by
    restoring it: not for a contributor."""
    post = PostFactory(
        author=mitarbeiter, status="trash", status_before_trash="published", title="Im Müll"
    )
    logged_in(mitarbeiter).post(
        reverse(POSTS) + "?status=trash",
        {"action": "restore_selected", "_selected_action": [post.pk]},
    )
    assert _status(post) == "trash"


# Autor: publishes and edits their own posts, sees nobody else's


def test_author_publishes_a_post(autor):
    response = _new_post(logged_in(autor), status="published")
    assert response.status_code == 302
    post = Post.objects.get(title="Neu geschrieben")
    assert (post.status, post.author) == ("published", autor)


def test_author_edits_their_published_post(autor):
    post = PostFactory(author=autor, status="published", title="Alt")
    response = _save(logged_in(autor), _change(post), title="Neu")
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.status) == ("Neu", "published")


def test_author_sees_neither_list_nor_form_of_others_posts(autor, post):
    """Another author's draft: not in the list, its form not found, nothing saved."""
    other = PostFactory(author=post.author, status="draft", title="Fremder Entwurf")
    client = logged_in(autor)
    PostFactory(author=autor, title="Anjas Beitrag")
    listing = client.get(reverse(POSTS))
    assertContains(listing, "Anjas Beitrag")
    assertNotContains(listing, "Fremder Entwurf")
    assertNotContains(listing, "hartes training")
    assert client.get(_change(other)).status_code == 302
    client.post(_change(other), {"title": "Übernommen", "status": "published"})
    other.refresh_from_db()
    assert (other.title, other.status) == ("Fremder Entwurf", "draft")


def test_author_cannot_give_a_post_to_someone_else(autor, post):
    """The author field is read-only for an author: a new post is theirs."""
    response = _new_post(logged_in(autor), status="draft", author=post.author.pk)
    assert response.status_code == 302
    assert Post.objects.get(title="Neu geschrieben").author == autor


def test_author_filter_lists_only_authors_whose_posts_one_sees(autor, redakteur, post):
    """An author gets no author filter (only themselves); an editor the authors with
    posts, never an account without posts such as the administrator's."""
    UserFactory(username="chefin", first_name="Chefin", is_staff=True, is_superuser=True)
    PostFactory(author=autor, title="Anjas Beitrag")
    author_list = logged_in(autor).get(reverse(POSTS))
    assertNotContains(author_list, "author__id__exact")
    assertNotContains(author_list, "Oliver")
    assertNotContains(author_list, "Chefin")

    editor_list = logged_in(redakteur).get(reverse(POSTS))
    assertContains(editor_list, f'href="?author__id__exact={autor.pk}"')
    assertContains(editor_list, f'href="?author__id__exact={post.author.pk}"')
    assertNotContains(editor_list, "Chefin")
    assertNotContains(editor_list, f'href="?author__id__exact={redakteur.pk}"')
    filtered = logged_in(redakteur).get(reverse(POSTS), {"author__id__exact": autor.pk})
    assertContains(filtered, "Anjas Beitrag")
    assertNotContains(filtered, "hartes training")


def test_author_changes_only_their_own_images(autor, redakteur):
    """Every image can be used; changing and deleting are for one's own uploads."""
    own = MediaFactory(alt="Meins", uploaded_by=autor)
    other = MediaFactory(alt="Fremd", uploaded_by=redakteur)
    client = logged_in(autor)
    for media, expected in [(own, True), (other, False)]:
        page = client.get(reverse("admin:blog_media_change", args=[media.pk]))
        assert page.status_code == 200
        assert bool(select(page, "input", name="_save")) is expected
    client.post(reverse("admin:blog_media_change", args=[other.pk]), {"alt": "Überschrieben"})
    client.post(reverse("admin:blog_media_delete", args=[other.pk]), {"post": "yes"})
    other.refresh_from_db()
    assert other.alt == "Fremd"
    assert Media.objects.filter(pk=other.pk).exists()


# Redakteur: every post


def test_editor_sees_and_edits_every_post_and_names_the_author(redakteur, autor, post):
    draft = PostFactory(author=autor, status="draft", title="Anjas Entwurf")
    client = logged_in(redakteur)
    listing = client.get(reverse(POSTS))
    assertContains(listing, "Anjas Entwurf")
    assertContains(listing, "hartes training")
    response = _save(client, _change(draft), status="published", author=post.author.pk)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.author) == ("published", post.author)


def test_editor_publishes_a_post_submitted_for_review(redakteur, mitarbeiter):
    pending = PostFactory(author=mitarbeiter, status="pending", title="Bitte prüfen")
    listing = logged_in(redakteur).get(reverse(POSTS), {"status": "pending"})
    assertContains(listing, "Bitte prüfen")
    response = _save(logged_in(redakteur), _change(pending), status="published")
    assert response.status_code == 302
    assert _status(pending) == "published"


def test_pending_post_is_marked_for_its_author_and_hidden_from_readers(mitarbeiter, client):
    """The author previewing a post under review sees "Ausstehender Review"; readers 404."""
    post = PostFactory(author=mitarbeiter, status="pending", title="Zur Prüfung")
    page = logged_in(mitarbeiter).get(post.get_absolute_url())
    assertContains(page, '<span class="status-badge">Ausstehender Review</span>', html=True)
    assertNotContains(page, "Geplant")
    assert client.get(post.get_absolute_url()).status_code == 404


# On the site


def test_staff_open_only_the_drafts_they_may_edit(autor, redakteur, post, client):
    """Another author's draft is 404 for an author, as for readers; its author and an
    editor open it."""
    bernd = member("bernd", "Autor")
    draft = PostFactory(author=bernd, status="draft", title="Bernds Entwurf")
    own = PostFactory(author=autor, status="draft", title="Anjas Entwurf")
    assert logged_in(autor).get(draft.get_absolute_url()).status_code == 404
    assert logged_in(autor).get(own.get_absolute_url()).status_code == 200
    assertContains(logged_in(bernd).get(draft.get_absolute_url()), "Bernds Entwurf")
    assertContains(logged_in(redakteur).get(draft.get_absolute_url()), "Bernds Entwurf")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_private_posts_are_read_by_their_author_and_editors_only(autor, redakteur):
    """WordPress's read_private_posts: an author neither lists nor opens another's
    private post; their own they do; an editor all."""
    bernd = member("bernd", "Autor")
    private = PostFactory(author=bernd, visibility="private", title="Bernds Privates")
    own = PostFactory(author=autor, visibility="private", title="Anjas Privates")
    home = logged_in(autor).get(reverse("blog:post_list"))
    assertContains(home, "Anjas Privates")
    assertNotContains(home, "Bernds Privates")
    assert logged_in(autor).get(private.get_absolute_url()).status_code == 404
    assert logged_in(autor).get(own.get_absolute_url()).status_code == 200
    editor_home = logged_in(redakteur).get(reverse("blog:post_list"))
    assertContains(editor_home, "Bernds Privates")
    assertContains(logged_in(redakteur).get(private.get_absolute_url()), "Bernds Privates")


def test_contributor_cannot_upload_images_an_author_can(mitarbeiter, autor):
    """WordPress's upload_files: the editor's drop-and-paste upload refuses a
    contributor, and takes an author's image into the library."""
    url = reverse("admin:blog_media_upload")
    refused = logged_in(mitarbeiter).post(url, {"file": image_upload("mia.jpg")})
    assert refused.status_code == 403
    assert not Media.objects.exists()
    taken = logged_in(autor).post(url, {"file": image_upload("anja.jpg")})
    assert taken.status_code == 201
    assert Media.objects.get().uploaded_by == autor
