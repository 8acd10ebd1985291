"""More of WordPress's old addresses after the move (issue #13): sitemaps, child
categories, sub-pages, attachment pages, and IDs of what readers may not see."""

import pytest

from blog.models import Media
from tests.wordpress.build import item, write, wxr
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db

POST = "/2025/01/07/hartes-training/"


def assert_moved(response, location):
    assert response.status_code == 301, response.status_code
    assert response["Location"] == location


@pytest.mark.parametrize(
    "old",
    [
        "/wp-sitemap.xml",
        "/wp-sitemap-posts-post-1.xml",
        "/wp-sitemap-posts-page-1.xml",
        "/wp-sitemap-taxonomies-category-1.xml",
        "/wp-sitemap-users-1.xml",
    ],
)
def test_wordpress_sitemaps_lead_to_the_sitemap(client, imported, old):
    """Search consoles know WordPress's sitemaps: they move to /sitemap.xml, which answers."""
    assert_moved(client.get(old), "/sitemap.xml")
    assert client.get("/sitemap.xml").status_code == 200


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/category/kunden/", "/category/arbeit/kunden/"),
        ("/category/projekte/", "/category/arbeit/kunden/projekte/"),
        ("/category/projekte/feed/", "/category/arbeit/kunden/projekte/feed/"),
        ("/category/kunden/page/2/", "/category/arbeit/kunden/page/2/"),
        ("/category/gr%c3%b6%c3%9fere-projekte/", "/category/arbeit/gr%C3%B6%C3%9Fere-projekte/"),
    ],
)
def test_child_category_by_its_own_slug(client, imported, old, new):
    """WordPress resolves /category/child/ by the child's slug: 301 to its full path."""
    assert_moved(client.get(old), new)
    assert client.get("/category/arbeit/kunden/").status_code == 200


@pytest.mark.parametrize(
    ("old", "new"), [("/team/", "/%C3%BCber-uns/team/"), ("/anfahrt/", "/kontakt/anfahrt/")]
)
def test_sub_page_by_its_own_slug(client, imported, old, new):
    """A sub-page's short address /child/ leads to /parent/child/."""
    assert_moved(client.get(old), new)
    assert client.get(new).status_code == 200


def test_attachment_pages_lead_to_the_image(client, imported):
    """The attachment page below its post, its recorded address and ?attachment_id= lead
    to the image in the media library."""
    image = Media.objects.get(file__endswith="foto.jpg").file.url
    assert_moved(client.get(POST + "foto/"), image)
    assert_moved(client.get("/2025/01/07/foto/"), image)  # the link the export names
    assert_moved(client.get("/?attachment_id=300"), image)
    assert client.get(POST + "gibt-es-nicht/").status_code == 404


def test_attachment_without_its_file_leads_to_its_post(client, tmp_path):
    """Without the file (no uploads given), the attachment page leads to its post."""
    photo = item(
        500, "bild", slug="bild", post_type="attachment", status="inherit", parent=1,
        link="https://example.org/2025/01/07/mit-bild/bild/",
        attachment_url="https://example.org/wp-content/uploads/2025/01/bild.jpg",
        meta={"_wp_attached_file": "2025/01/bild.jpg"},
    )  # fmt: skip
    Importer(write(tmp_path, wxr(item(1, "Mit Bild", slug="mit-bild"), photo))).run()
    assert_moved(client.get("/?attachment_id=500"), "/2025/01/07/mit-bild/")
    assert_moved(client.get("/2025/01/07/mit-bild/bild/"), "/2025/01/07/mit-bild/")


@pytest.mark.parametrize(
    "wp_id",
    [
        102,  # draft
        103,  # pending review
        104,  # private
        105,  # scheduled
        106,  # trash (not imported)
        303,  # an attachment with neither file nor post
        99999,  # nothing
    ],
)
def test_ids_of_what_readers_may_not_see_are_404(client, imported, wp_id):
    """?p= of a draft, scheduled, private or trashed item is a 404, not the home page."""
    for param in ("p", "page_id", "attachment_id"):
        response = client.get(f"/?{param}={wp_id}")
        assert response.status_code == 404, (param, response.status_code)


def test_staff_follow_the_id_of_a_draft(admin_client, imported):
    """The author may follow ?p= to a draft."""
    response = admin_client.get("/?p=102")
    assert response.status_code == 301


def test_pages_of_a_split_post_lead_to_the_post(client, imported):
    """/post/2/ (a post split with <!--nextpage-->) leads to the post; an empty day
    archive is no post page and stays 404."""
    assert_moved(client.get(POST + "2/"), POST)
    assert client.get("/2025/01/09/").status_code == 404
