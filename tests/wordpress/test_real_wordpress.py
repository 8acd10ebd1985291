"""Against a real WordPress (issue #13): `make test-wordpress`.

bench/wordpress/scenario.php creates content through WordPress's own PHP API in the
benchmark's WordPress (Debian's, `make bench-wordpress`), in a site time zone that is
not this blog's, exports it with WordPress's own exporter and writes down what
WordPress's database and URL functions say. Each test imports that export (and the same
with https namespaces, as WordPress.com writes them) and compares item by item.
It runs only with WP_SCENARIO=1 (make test-wordpress), and then fails when WordPress is
not set up: the scenario empties that WordPress, so the suite's parallel workers must
not run it side by side.
"""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils.encoding import uri_to_iri

from blog.models import Page, Post
from comments.models import Comment
from wordpress.importer import Importer
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "bench" / "wordpress" / "scenario.php"
WORDPRESS = Path("/usr/share/wordpress/wp-load.php")
CONFIG = Path("/etc/wordpress/config-wpbench.php")
STATUSES = {"1": "approved", "0": "pending", "spam": "spam"}


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory):
    """The scenario's export and facts, made once per run by the real WordPress."""
    if os.environ.get("WP_SCENARIO") != "1":
        pytest.skip("against the real WordPress: make test-wordpress")
    if not (WORDPRESS.exists() and CONFIG.exists() and shutil.which("php")):
        pytest.fail("WordPress is not set up: bash bench/wordpress/setup.sh (root)")
    out = tmp_path_factory.mktemp("wordpress")
    export, facts = out / "export.xml", out / "facts.json"
    subprocess.run(["php", str(SCENARIO), str(export), str(facts)], check=True, capture_output=True)
    https = out / "export-https.xml"
    https.write_text(
        export.read_text(encoding="utf-8").replace(
            "http://wordpress.org/export/", "https://wordpress.org/export/"
        ),
        encoding="utf-8",
    )
    return {
        "http": export,
        "https": https,
        "facts": json.loads(facts.read_text(encoding="utf-8")),
    }


@pytest.fixture(params=["http", "https"])
def imported(request, wordpress, settings, tmp_path):
    """The export imported into this blog (Europe/Berlin), with WordPress's uploads."""
    settings.TIME_ZONE = "Europe/Berlin"
    settings.MEDIA_ROOT = tmp_path / "media"
    media_dir = wordpress["facts"]["upload_dir"]
    report = Importer(wordpress[request.param], media_dir=media_dir).run()
    return wordpress["facts"], report


def mapped(kind, wp_id):
    return ImportedObject.objects.get(kind=kind, wp_id=wp_id)


def utc(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)


def test_every_post_and_page_by_type_and_status(imported):
    """Every post and page is here under its WordPress ID, in the status WordPress's
    maps to; the trash stays behind."""
    facts, report = imported
    for post in facts["posts"]:
        kind, status = post["type"], post["status"]
        if kind not in ("post", "page"):
            continue
        rows = ImportedObject.objects.filter(kind=kind, wp_id=post["id"])
        if status in ("trash", "auto-draft"):
            assert not rows.exists(), post
            continue
        row = rows.get()
        if kind == "page":
            assert row.page.status == ("published" if status == "publish" else "draft"), post
            continue
        ours = row.post
        expected = {
            "publish": ("published", "public"),
            "future": ("published", "public"),
            "private": ("published", "private"),
            "draft": ("draft", "public"),
            "pending": ("pending", "public"),
        }[status]
        if expected[1] == "public" and ours.is_password_protected:
            expected = (expected[0], "password")
        assert (ours.status, ours.visibility) == expected, post
    assert report.skipped["posts in the trash"] == 1


def test_dates_addresses_and_guids(imported):
    """Dates (UTC), the permalink exactly as WordPress gave it, and the GUID."""
    facts, _report = imported
    for post in facts["posts"]:
        if post["type"] != "post" or post["status"] in ("trash", "draft", "pending"):
            continue
        ours = mapped("post", post["id"]).post
        assert ours.published_at == utc(post["date_gmt"]), post
        assert ours.guid == post["guid"], post
        assert ours.updated_at >= ours.published_at
        if post["status"] == "publish":
            assert uri_to_iri(ours.get_absolute_url()) == urlsplit(post["permalink"]).path


def test_every_comment_with_its_parent_and_status(imported):
    """Each comment on a post: its status, and its parent (a reply to a trashed comment
    moves up, as here when a comment is deleted)."""
    facts, _report = imported
    by_id = {c["id"]: c for c in facts["comments"]}
    pages = {p["id"] for p in facts["posts"] if p["type"] == "page"}
    for comment in facts["comments"]:
        ours = Comment.objects.filter(pk=comment["id"]).first()
        # WordPress's exporter leaves spam out; the trash and pings stay behind here.
        if comment["approved"] in ("trash", "spam") or comment["type"] in ("pingback", "trackback"):
            assert ours is None, comment
            continue
        if comment["post"] in pages:
            continue  # comments on pages: not yet (left behind, counted)
        assert ours is not None, comment
        assert ours.status == STATUSES[comment["approved"]], comment
        parent = by_id.get(comment["parent"])
        if parent is None or parent["approved"] == "trash":
            assert ours.parent_id is None, comment
        else:
            assert ours.parent_id == parent["id"], comment


def test_every_public_url_answers(client, imported):
    """Every public address WordPress gave answers 200 here, or 301 to a page that does."""
    facts, _report = imported
    for url in facts["urls"]:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path)
        for _hop in range(3):
            if response.status_code != 301:
                break
            response = client.get(response["Location"])
        assert response.status_code == 200, (url, response.status_code)


def test_what_readers_may_not_see_is_404(client, imported):
    """?p= of a draft, pending, private, scheduled or trashed post is a 404, and so is a
    password-protected post's comment feed (WordPress gives one with the text withheld)."""
    facts, _report = imported
    for wp_id in facts["hidden"]:
        assert client.get(f"/?p={wp_id}").status_code == 404, wp_id
    assert client.get(urlsplit(facts["protected_feed"]).path).status_code == 404


def test_pages_in_their_hierarchy(imported):
    """The sub-page sits below its parent, at WordPress's address."""
    facts, _report = imported
    for post in facts["posts"]:
        if post["type"] == "page":
            page = mapped("page", post["id"]).page
            assert uri_to_iri(page.get_absolute_url()) == urlsplit(post["permalink"]).path
    assert Page.objects.filter(parent__isnull=False).count() == 1
    assert Post.objects.count() == sum(
        1 for p in facts["posts"] if p["type"] == "post" and p["status"] != "trash"
    )
