"""Importing the sample blog: what the database holds afterwards, and a second import."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage

from blog.models import Category, Media, Page, Post, Tag
from comments.models import Comment
from tests.factories import CommentFactory
from tests.wordpress.build import comment, item, write, wxr
from tests.wordpress.conftest import sample_export
from tests.wordpress.test_wxr import BILLION_LAUGHS, EXTERNAL_ENTITY
from wordpress.importer import Importer
from wordpress.models import ImportedObject
from wordpress.wxr import WXRError

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def counts():
    return {
        "users": get_user_model().objects.count(),
        "posts": Post.objects.count(),
        "pages": Page.objects.count(),
        "categories": Category.objects.count(),
        "tags": Tag.objects.count(),
        "comments": Comment.objects.count(),
        "media": Media.objects.count(),
        "mapping": ImportedObject.objects.count(),
    }


def test_report_counts_everything(imported):
    """The report counts what was imported and what was skipped, and why."""
    assert dict(imported.created) == {
        "authors": 2,
        "categories": 5,
        "tags": 2,
        "attachments": 4,
        "files": 3,
        "posts": 8,
        "pages": 4,
        # Pingbacks and trackbacks are kept (issue #13), and so is the comment on a page.
        "comments": 12,
        "comments on pages": 1,
    }
    assert dict(imported.skipped) == {
        "posts in the trash": 1,
        "posts with status “auto-draft”": 1,
        "items of type “nav_menu_item”": 1,
        "items of type “revision”": 1,
        "terms of taxonomy “nav_menu”": 1,
        "comments in the trash": 1,
    }
    assert imported.shortcodes == {"contact-form-7": 1}
    assert [w.split(": ", 1)[1] for w in imported.warnings] == [
        "attachment 2023/01/fehlt.jpg: not in the media folder"
    ]


def test_authors_with_display_names(imported):
    """Authors become users with their display name, no usable password."""
    oliver = get_user_model().objects.get(username="oliver")
    assert oliver.get_full_name() == "Oliver Mustermann"
    assert oliver.email == "oliver@example.org"
    assert not oliver.has_usable_password()
    assert Post.objects.get(slug="größer-uebel").author.username == "anna"


def test_nested_categories_and_tags(imported):
    """Categories keep their hierarchy and slugs; names lose WordPress's entities."""
    assert list(Category.objects.values_list("path", "name")) == [
        ("allgemein", "Allgemein"),
        ("arbeit", "Arbeit"),
        ("arbeit/größere-projekte", "Größere Projekte"),
        ("arbeit/kunden", "Kunden & Partner"),
        ("arbeit/kunden/projekte", "Projekte"),
    ]
    post = Post.objects.get(slug="hartes-training")
    assert [c.path for c in post.categories.all()] == ["arbeit/kunden/projekte"]
    assert sorted(t.slug for t in post.tags.all()) == ["straße", "training"]


def test_post_statuses(imported):
    """publish, future, private, draft, pending and password map onto status and visibility."""
    rows = {
        p.slug: (p.status, p.visibility, p.password)
        for p in Post.objects.exclude(slug__in=["hartes-training", "größer-uebel", "ortszeit"])
    }
    assert rows == {
        "ein-entwurf": ("draft", "public", ""),
        "zur-durchsicht": ("pending", "public", ""),
        "nur-fuer-mich": ("published", "private", ""),
        "geplant": ("published", "public", ""),
        "geheim": ("published", "password", "sesam"),
    }
    scheduled = Post.objects.get(slug="geplant")
    assert scheduled.published_at == utc(2099, 1, 1, 10)
    assert not scheduled.is_published
    assert not Post.objects.filter(title__in=["Weggeworfen", "Automatischer Entwurf"]).exists()


def test_slugs_kept_and_dates(imported):
    """Slugs stay as WordPress had them (percent-encoded ones decoded, never re-made)."""
    post = Post.objects.get(pk=ImportedObject.objects.get(kind="post", wp_id=101).post_id)
    assert post.slug == "größer-uebel"
    assert post.title == "Größer & Übel"
    assert post.get_absolute_url() == "/2025/02/01/gr%C3%B6%C3%9Fer-uebel/"
    assert post.published_at == utc(2025, 2, 1, 8)
    # Without a GMT date, the local one is read with the old blog's offset (#13): UTC in
    # this export, whose other dates are the same both ways.
    assert Post.objects.get(slug="ortszeit").published_at == utc(2025, 3, 1, 12)
    draft = Post.objects.get(title="Ein Entwurf")
    assert draft.slug == "ein-entwurf"  # WordPress had none: made from the title
    assert draft.published_at == utc(2025, 2, 2, 10)


def test_sticky_excerpt_and_comment_status(imported):
    """Sticky flag, excerpt (explicit or from <!--more-->) and closed comments come along."""
    first = Post.objects.get(slug="hartes-training")
    second = Post.objects.get(slug="größer-uebel")
    assert first.is_sticky and not second.is_sticky
    assert first.excerpt == (
        "Erster Absatz mit Betonung. Zweite Zeile im selben Absatz. Zweiter Absatz mit ]]> im Text."
    )
    assert second.excerpt == "Kurz gesagt."
    assert first.comments_open and not second.comments_open


def test_body_is_editable_html(imported):
    """The body is WordPress's HTML after wpautop and shortcodes; readers get it sanitised."""
    post = Post.objects.get(slug="hartes-training")
    media = Media.objects.get(alt="Laufbahn")
    assert post.body.startswith(
        "<p>Erster Absatz mit <em>Betonung</em>.<br />\nZweite Zeile im selben Absatz.</p>\n\n"
        "<p>Zweiter Absatz mit ]]> im Text.</p>\n\n<!--more-->\n\n<figure>"
    )
    assert "<p>Zweiter Absatz mit ]]&gt; im Text.</p>" in post.body_html
    assert "<!--more-->" not in post.body_html
    assert f'<a href="{media.file.url}"><img src="{media.file.url}" srcset=' in post.body_html
    assert "<figcaption>Auf der Bahn</figcaption>" in post.body_html
    assert '<p>[contact-form-7 id="12" title="Kontakt"]</p>' in post.body_html
    assert '<a href="/media/wordpress/2024/05/plan.pdf">Trainingsplan-PDF</a>' in post.body_html
    assert (
        post.body_html.count('<div class="gallery"><figure>')
        + post.body_html.count('<div class="gallery">\n<figure>')
        == 1
    )
    assert "wp-content" not in post.body_html


def test_comment_thread_and_statuses(imported):
    """Comments keep their WordPress IDs, threads, statuses, authors, IPs and dates."""
    post = Post.objects.get(slug="hartes-training")
    rows = list(
        Comment.objects.for_post(post)
        .order_by("pk")
        .values_list("pk", "parent_id", "depth", "status", "is_author_reply")
    )
    assert rows == [
        (201, None, 1, "approved", False),
        (202, 201, 2, "approved", True),
        (203, 202, 3, "approved", False),
        (204, 203, 4, "approved", False),
        (205, 204, 5, "approved", False),
        (206, None, 1, "pending", False),
        (207, None, 1, "spam", False),
        (209, None, 1, "approved", False),  # its parent was in the trash
        (210, None, 1, "approved", False),  # the pingback
        (211, None, 1, "approved", False),  # the trackback
        (212, None, 1, "approved", False),
    ]
    types = dict(Comment.objects.for_post(post).values_list("pk", "comment_type"))
    assert (types[201], types[210], types[211]) == ("comment", "pingback", "trackback")
    first = Comment.objects.get(pk=201)
    assert (first.author_name, first.author_email, first.author_url, first.ip_address) == (
        "Thomas",
        "thomas@example.net",
        "https://thomas.example.net",
        "192.0.2.7",
    )
    assert first.created_at == utc(2025, 1, 7, 12)
    assert Comment.objects.get(pk=202).user == post.author
    assert post.comment_count == 7


def test_comment_html_and_bad_fields(imported):
    """Comment HTML becomes Markdown; an invalid e-mail or URL is dropped, IPv6 kept."""
    c = Comment.objects.get(pk=212)
    assert c.body == "Mit **HTML** und [Link](https://example.com)."
    assert c.body_html == (
        '<p>Mit <strong>HTML</strong> und <a href="https://example.com" '
        'rel="nofollow ugc noopener">Link</a>.</p>'
    )
    assert (c.author_email, c.author_url, c.ip_address) == ("", "", "2001:db8::1")


def test_bulk_written_comments_match_a_save(imported):
    """What the import derives for each comment is what Comment.save() derives."""
    for c in Comment.objects.select_related("post", "parent"):
        derived = (c.body_html, c.depth, c.is_author_reply, c.avatar)
        c.save()
        c.refresh_from_db()
        assert (c.body_html, c.depth, c.is_author_reply, c.avatar) == derived
        assert c.derive_fields() is c


def test_pages_with_hierarchy_and_order(imported):
    """Pages keep parents (even one listed after its child), order and slugs."""
    assert list(Page.objects.order_by("path").values_list("path", "menu_order", "status")) == [
        ("kontakt", 0, "published"),
        ("kontakt/anfahrt", 0, "published"),
        ("über-uns", 2, "published"),
        ("über-uns/team", 1, "published"),
    ]
    assert Page.objects.get(slug="über-uns").body == (
        "<p>Wir sind zwei.</p>\n\n<p>Und bloggen.</p>"
    )
    assert not Page.objects.get(slug="team").show_in_navigation


def test_attachments_files_and_metadata(imported, settings):
    """Images go into the media library with variants, a PDF is copied, metadata is kept."""
    photo = Media.objects.get(alt="Laufbahn")
    assert (photo.caption, photo.width, photo.height) == ("Auf der Bahn", 800, 600)
    assert set(photo.variants) == {"480"}
    assert photo.uploaded_by.username == "oliver"
    assert default_storage.exists("wordpress/2024/05/plan.pdf")
    missing = ImportedObject.objects.get(kind="attachment", wp_id=303)
    assert missing.media is None and missing.file == ""
    assert missing.data["url"] == "https://example.org/wp-content/uploads/2023/01/fehlt.jpg"
    post = Post.objects.get(slug="hartes-training")
    assert post.featured_image.name.startswith("featured/")
    assert post.featured_image_alt == "Laufbahn"


def media_files(settings):
    return sorted(str(p) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


def test_second_import_creates_nothing(imported, export_file, uploads, settings):
    """Importing the same file again changes nothing and says everything was there."""
    before = counts()
    files = media_files(settings)
    report = Importer(export_file, media_dir=uploads).run()
    assert counts() == before
    assert media_files(settings) == files
    assert sum(report.created.values()) == 0
    assert report.existing["posts"] == 8
    assert report.existing["comments"] == 12


def test_newer_export_adds_what_is_new(imported, tmp_path):
    """A later export: new posts and new replies to old comments are added, nothing twice."""
    newer = sample_export().replace(
        "<wp:comment_id>212</wp:comment_id>", "<wp:comment_id>212</wp:comment_id>", 1
    )
    extra_comment = comment(213, "Späte Antwort", parent=205, date="2025-02-10 10:00:00")
    newer = newer.replace(
        "</wp:comment>\n\t</item>", "</wp:comment>\n" + extra_comment + "\t</item>", 1
    )
    newer = newer.replace("</channel>", item(110, "Ganz neu", slug="ganz-neu") + "</channel>")
    report = Importer(write(tmp_path, newer, "newer.xml")).run()
    assert report.created["posts"] == 1 and report.created["comments"] == 1
    late = Comment.objects.get(pk=213)
    assert (late.parent_id, late.depth) == (205, 6)
    assert Post.objects.filter(slug="ganz-neu").count() == 1


def test_deleted_objects_stay_deleted(imported, export_file):
    """A post the author deleted after the import does not come back with a re-import."""
    Post.objects.get(slug="geheim").delete()
    Importer(export_file).run()
    assert not Post.objects.filter(slug="geheim").exists()


def test_taken_comment_ids_get_new_ones(db, tmp_path):
    """When a WordPress comment ID is taken here, the comment gets a new one, mapped."""
    existing = CommentFactory(pk=201)
    path = write(
        tmp_path, wxr(item(1, comments=[comment(201, "Alt"), comment(202, "Neu", parent=201)]))
    )
    report = Importer(path).run()
    old, new = (ImportedObject.objects.get(kind="comment", wp_id=n).comment for n in (201, 202))
    assert old.pk != 201 and old.body == "Alt" and existing.body != "Alt"
    assert (new.pk, new.parent_id) == (202, old.pk)
    assert report.converted == {"comments with a new ID (their old one was taken)": 1}
    assert Comment.objects.create(post=new.post, author_name="x", body="y").pk > old.pk


def test_taken_slug_gets_a_suffix(db, tmp_path, author):
    """A post here with the same slug is kept; the import's post gets -2 and a warning."""
    Post.objects.create(title="Schon da", slug="beitrag-1", author=author)
    report = Importer(write(tmp_path, wxr(item(1)))).run()
    assert ImportedObject.objects.get(kind="post", wp_id=1).post.slug == "beitrag-1-2"
    assert "the address “beitrag-1” is taken here" in report.warnings[0]


def test_dry_run_writes_nothing(db, export_file, uploads, settings):
    """--dry-run reports the same counts and leaves database and media folder untouched."""
    report = Importer(export_file, media_dir=uploads, dry_run=True).run()
    assert report.created["posts"] == 8 and report.created["files"] == 3
    assert counts() == dict.fromkeys(counts(), 0)
    assert not (settings.MEDIA_ROOT).exists() or not any(settings.MEDIA_ROOT.rglob("*.*"))


def test_failure_midway_writes_nothing(db, export_file, uploads, settings, monkeypatch):
    """An error in the middle rolls everything back, including the files already stored."""

    def boom(self, item, post):
        raise RuntimeError("disk full")

    monkeypatch.setattr("wordpress.comment_import.CommentImporter.run", boom)
    with pytest.raises(RuntimeError):
        Importer(export_file, media_dir=uploads).run()
    assert counts() == dict.fromkeys(counts(), 0)
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_broken_file_writes_nothing(db, tmp_path):
    """A file broken near its end fails in the first pass: nothing is written at all."""
    text = wxr(item(1), item(2, comments=[comment(5)]))
    path = write(tmp_path, text[: len(text) - 200])
    with pytest.raises(WXRError, match="not well-formed"):
        Importer(path).run()
    assert counts() == dict.fromkeys(counts(), 0)


def test_media_dir_must_exist(db, export_file, tmp_path):
    """A mistyped --media-dir is an error before anything happens, not a silent skip."""
    with pytest.raises(WXRError, match="does not exist"):
        Importer(export_file, media_dir=tmp_path / "nope").run()


def test_paths_outside_the_media_dir_are_refused(db, tmp_path, uploads):
    """An attachment path climbing out of the uploads copy ("../") is never read."""
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF geheim")
    attachment = item(
        9,
        post_type="attachment",
        status="inherit",
        meta={"_wp_attached_file": "../secret.pdf"},
        attachment_url="https://example.org/wp-content/uploads/../secret.pdf",
    )
    Importer(write(tmp_path, wxr(attachment)), media_dir=uploads).run()
    assert ImportedObject.objects.get(wp_id=9).file == ""


def test_wxr_1_0_without_author_records(db, tmp_path):
    """Old exports name authors only in dc:creator; they become users all the same."""
    path = write(tmp_path, wxr(item(1, creator="Alte Autorin"), authors="", version="1.0"))
    Importer(path).run()
    post = Post.objects.get()
    assert (post.author.username, post.author.first_name) == ("alte-autorin", "Alte Autorin")


def test_sticky_posts_option(db, tmp_path):
    """An export carrying WordPress's sticky_posts option marks those posts sticky."""
    option = (
        "\t<wp:option><wp:option_name>sticky_posts</wp:option_name>"
        "<wp:option_value><![CDATA[a:1:{i:0;i:2;}]]></wp:option_value></wp:option>\n"
    )
    path = write(tmp_path, wxr(item(1), item(2), terms=option))
    Importer(path).run()
    assert list(Post.objects.filter(is_sticky=True).values_list("slug", flat=True)) == ["beitrag-2"]


def test_new_comments_after_an_import_get_free_ids(imported):
    """Comments created with WordPress's IDs move the ID sequence on (PostgreSQL too)."""
    post = Post.objects.get(slug="hartes-training")
    fresh = Comment.objects.create(post=post, author_name="Neu", body="Hallo")
    assert fresh.pk > 212


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_malicious_xml_writes_nothing(db, tmp_path, text):
    """Entity expansion and external entities are refused; the database stays empty."""
    with pytest.raises(WXRError, match="declares XML entities"):
        Importer(write(tmp_path, text)).run()
    assert counts() == dict.fromkeys(counts(), 0)


def test_page_statuses(db, tmp_path):
    """Pages know only published and draft: anything not public becomes a draft."""
    pages = [
        item(1, slug="offen", post_type="page"),
        item(2, slug="entwurf", post_type="page", status="draft"),
        item(3, slug="privat", post_type="page", status="private"),
        item(4, slug="spaeter", post_type="page", status="future"),
        item(5, slug="geschuetzt", post_type="page", password="sesam"),
        item(6, slug="papierkorb", post_type="page", status="trash"),
    ]
    report = Importer(write(tmp_path, wxr(*pages))).run()
    assert dict(Page.objects.values_list("slug", "status")) == {
        "offen": "published",
        "entwurf": "draft",
        "privat": "draft",
        "spaeter": "draft",
        "geschuetzt": "draft",
    }
    assert report.skipped == {"pages in the trash": 1}
    assert "a password-protected page was imported as a draft" in report.warnings[0]
