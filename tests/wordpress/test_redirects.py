"""Old WordPress links after the import: they render, or answer with a 301 to the new URL."""

from importlib import import_module

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Media, Post
from comments.models import Comment
from tests.factories import CommentFactory, PageFactory
from tests.wordpress.build import comment, item, write, wxr
from wordpress.importer import Importer
from wordpress.models import ImportedObject, Redirect

pytestmark = pytest.mark.django_db

POST = "/2025/01/07/hartes-training/"
UMLAUT_POST = "/2025/02/01/gr%C3%B6%C3%9Fer-uebel/"


def assert_moved(response, location):
    assert response.status_code == 301, response.status_code
    assert response["Location"] == location


def test_old_post_url_renders_with_its_thread(client, imported):
    """The WordPress permalink shows the post with its threaded comments, WordPress IDs."""
    response = client.get(POST)
    assert response.status_code == 200
    assertContains(response, '<h1 class="entry-title">Hartes Training</h1>', html=True)
    for wp_id in (201, 202, 203, 204, 205, 209, 212):
        assertContains(response, f'<li id="comment-{wp_id}" class="comment depth-')
    assertContains(response, '<li id="comment-205" class="comment depth-5">')
    assertContains(response, '<li id="comment-202" class="comment depth-2 bypostauthor parent">')
    assertNotContains(response, "Billige Uhren")  # spam
    assertNotContains(response, 'id="comment-206"')  # held for moderation


def test_percent_encoded_slug_renders_at_its_old_url(client, imported):
    """WordPress's lower-case percent-encoding of a German slug reaches the post directly."""
    response = client.get("/2025/02/01/gr%c3%b6%c3%9fer-uebel/")
    assert response.status_code == 200
    assertContains(response, '<h1 class="entry-title">Größer &amp; Übel</h1>', html=True)
    assert client.get(UMLAUT_POST).status_code == 200


def test_pages_keep_their_paths(client, imported):
    """Pages answer at /slug/ and /parent/child/, non-ASCII slugs included."""
    assert client.get("/%c3%bcber-uns/team/").status_code == 200
    assert client.get("/kontakt/anfahrt/").status_code == 200


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/?p=100", POST),
        ("/index.php?p=101", UMLAUT_POST),
        ("/?page_id=121", "/%C3%BCber-uns/team/"),
        ("/?p=121", "/%C3%BCber-uns/team/"),
        ("/?cat=5", "/category/arbeit/kunden/projekte/"),
        ("/?cat=7&feed=rss2", "/category/arbeit/gr%C3%B6%C3%9Fere-projekte/feed/"),
        ("/?tag=stra%c3%9fe", "/tag/stra%C3%9Fe/"),
        ("/?author=2", "/author/anna/"),
        ("/?feed=rss2", "/feed/"),
        ("/?feed=atom", "/feed/atom/"),
        ("/?feed=comments-rss2", "/comments/feed/"),
        ("/?p=100&feed=rss2", POST + "feed/"),
        ("/?m=202501", "/2025/01/"),
        ("/?m=20250107", "/2025/01/07/"),
        ("/?attachment_id=302", "/media/wordpress/2024/05/plan.pdf"),
        ("/?paged=2", "/page/2/"),
    ],
)
def test_query_string_links_redirect(client, imported, old, new):
    """WordPress's query-string links answer 301 with the new address."""
    assert_moved(client.get(old), new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/feed/rss2/", "/feed/"),
        ("/feed/rdf/", "/feed/"),
        ("/wp-rss2.php", "/feed/"),
        ("/wp-atom.php", "/feed/atom/"),
        ("/comments/feed/rss2/", "/comments/feed/"),
        ("/category/arbeit/feed/rss2/", "/category/arbeit/feed/"),
        ("/tag/training/feed/atom/", "/tag/training/feed/"),
        (POST + "feed/rss2/", POST + "feed/"),
        ("/2025/01/hartes-training/", POST),
        ("/hartes-training/", POST),
        ("/gr%c3%b6%c3%9fer-uebel/", UMLAUT_POST),
        ("/archives/100", POST),
        (POST + "comment-page-2/", POST),
        (POST + "trackback/", POST),
        ("/index.php/2025/01/07/hartes-training/", POST),
    ],
)
def test_old_path_forms_redirect(client, imported, old, new):
    """Feed URLs, other permalink forms and paged comments answer 301 with the new URL."""
    assert_moved(client.get(old), new)


def test_uploads_redirect_to_the_media_library(client, imported):
    """/wp-content/uploads/… answers with the imported file; resized copies too."""
    media = Media.objects.get(alt="Laufbahn")
    assert_moved(client.get("/wp-content/uploads/2024/05/foto.jpg"), media.file.url)
    small = client.get("/wp-content/uploads/2024/05/foto-300x225.jpg")
    assert_moved(small, "/media/" + media.variants["480"]["name"])
    assert_moved(
        client.get("/wp-content/uploads/2024/05/plan.pdf"), "/media/wordpress/2024/05/plan.pdf"
    )
    missing = client.get("/wp-content/uploads/2023/01/fehlt.jpg", follow=True)
    assert missing.status_code == 404


def test_custom_permalinks_are_remembered(client, db, tmp_path):
    """Whatever permalink structure the old blog had, its links lead to the new address."""
    path = write(tmp_path, wxr(item(1, slug="hallo", link="https://example.org/blog/hallo.html")))
    Importer(path).run()
    post = Post.objects.get(slug="hallo")
    assert_moved(client.get("/blog/hallo.html"), post.get_absolute_url())


def test_pages_are_never_shadowed(client, imported):
    """/slug/ is a page when one exists; the post redirect only answers 404s."""
    PageFactory(title="Hartes Training", slug="hartes-training")
    assert client.get("/hartes-training/").status_code == 200


def test_drafts_are_not_revealed(client, imported):
    """A draft's slug or ID leads nowhere for readers: no redirect to its address."""
    assert client.get("/zur-durchsicht/").status_code == 404
    assert client.get("/?p=103").status_code == 404  # as in WordPress (#13)


def test_unknown_addresses_stay_404(client, imported):
    """Addresses nothing answers to stay 404, an unknown ?p= too (#13)."""
    assert client.get("/gibt-es-nicht/").status_code == 404
    assert client.get("/?p=99999").status_code == 404


def test_admin_redirect_table(client, admin_client, db):
    """The author adds redirects in the admin; they answer 301, query strings included."""
    response = admin_client.post(
        "/admin/wordpress/redirect/add/",
        {"old_path": "/alte-seite/", "new_path": "/kontakt/"},
    )
    assert response.status_code == 302
    Redirect.objects.create(old_path="/index.php?seite=3", new_path="https://example.net/")
    assert_moved(client.get("/alte-seite/"), "/kontakt/")
    assert_moved(client.get("/index.php?seite=3"), "https://example.net/")


def test_comment_with_a_new_id_keeps_its_old_anchor(client, db, tmp_path):
    """A comment whose WordPress ID was taken still answers to #comment-<old id>."""
    CommentFactory(pk=201)
    path = write(tmp_path, wxr(item(1, slug="hallo", comments=[comment(201, "Alt")])))
    Importer(path).run()
    new = ImportedObject.objects.get(kind="comment", wp_id=201).comment
    response = client.get(new.post.get_absolute_url())
    assertContains(response, f'<li id="comment-{new.pk}" class="comment depth-1">')
    assertContains(response, '<span id="comment-201"></span><article')
    assert Comment.objects.filter(pk=201).exists()


def test_old_anchor_is_stored_on_the_comment(db, tmp_path):
    """The old ID is kept on the comment (legacy_id) only where it could not be its pk."""
    CommentFactory(pk=201)
    path = write(tmp_path, wxr(item(1, slug="hallo", comments=[comment(201), comment(202)])))
    Importer(path).run()
    new = ImportedObject.objects.get(kind="comment", wp_id=201).comment
    assert (new.legacy_id, Comment.objects.get(pk=202).legacy_id) == (201, None)


def test_old_anchor_of_earlier_imports_comes_from_the_mapping(client, db, tmp_path):
    """Comments imported before legacy_id existed get their old anchor from the mapping."""
    from django.apps import apps

    fill = import_module("wordpress.migrations.0002_comment_legacy_ids").fill_legacy_ids
    CommentFactory(pk=201)
    path = write(tmp_path, wxr(item(1, slug="hallo", comments=[comment(201, "Alt")])))
    Importer(path).run()
    new = ImportedObject.objects.get(kind="comment", wp_id=201).comment
    Comment.objects.update(legacy_id=None)
    fill(apps, None)
    assert Comment.objects.get(pk=new.pk).legacy_id == 201
    assert Comment.objects.get(pk=201).legacy_id is None
    response = client.get(new.post.get_absolute_url())
    assertContains(response, '<span id="comment-201"></span><article', count=1)


def test_old_anchor_yields_to_a_comment_of_that_id_on_the_page(client, db, tmp_path):
    """Where a comment of the same thread now has the old ID, its own anchor wins."""
    path = write(tmp_path, wxr(item(1, slug="hallo", comments=[comment(5, "Alt")])))
    Importer(path).run()
    old = Comment.objects.get(pk=5)
    moved = CommentFactory(post=old.post, legacy_id=5)
    response = client.get(old.post.get_absolute_url())
    assertContains(response, f'<li id="comment-{moved.pk}" class="comment depth-1">')
    assertContains(response, 'id="comment-5"', count=1)


def test_admin_lists_imported_objects(admin_client, imported):
    """The mapping is visible (read-only) in the admin, with the new addresses."""
    response = admin_client.get("/admin/wordpress/importedobject/?kind=post")
    assertContains(response, f'<a href="{POST}">{POST}</a>', html=True)
    assert admin_client.get("/admin/wordpress/importedobject/add/").status_code == 403
