"""The import keeps the comments on pages, as WordPress had them (issue #13)."""

import pytest

from blog.models import Page
from comments.models import Comment
from tests.wordpress.build import comment, item, write, wxr
from tests.wordpress.test_exporter import export_text, wipe
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db


def about_page(**overrides):
    """A page with a thread: approved, a reply, a reply to a trashed comment (moves up),
    a held one and spam."""
    comments = (
        comment(41, "Schöne Seite.", date="2025-01-08 09:00:00"),
        comment(42, "Danke!", parent=41, author="Oliver", user_id=1, date="2025-01-08 10:00:00"),
        comment(43, "Weg damit.", approved="trash", date="2025-01-08 11:00:00"),
        comment(44, "Antwort auf Gelöschtes.", parent=43, date="2025-01-08 12:00:00"),
        comment(45, "Noch nicht frei.", approved="0", author="Neu", date="2025-01-08 13:00:00"),
        comment(46, "Billig kaufen", approved="spam", date="2025-01-08 14:00:00"),
    )
    fields = {"slug": "ueber-mich", "post_type": "page", "comments": comments}
    return item(10, "Über mich", **(fields | overrides))


def run(tmp_path, *items):
    return Importer(write(tmp_path, wxr(*items))).run()


def test_page_comments_kept_with_threads_and_statuses(tmp_path):
    report = run(tmp_path, about_page())
    page = Page.objects.get(slug="ueber-mich")
    rows = {
        c.pk: (c.parent_id, c.status, c.depth, c.post_id) for c in Comment.objects.for_target(page)
    }
    assert rows == {
        41: (None, "approved", 1, None),
        42: (41, "approved", 2, None),
        44: (None, "approved", 1, None),  # its parent was in the trash: up a level
        45: (None, "pending", 1, None),
        46: (None, "spam", 1, None),
    }
    assert report.created["comments"] == 5
    assert report.created["comments on pages"] == 5
    assert report.skipped["comments in the trash"] == 1
    assert not [why for why in report.skipped if "page" in why]
    page.refresh_from_db()
    assert page.comment_count == 3
    assert page.comments_changed_at is not None
    assert page.comments_open is True
    # The page's author replied (WordPress user 1): no "Autor" badge, pages have no author.
    assert Comment.objects.get(pk=42).is_author_reply is False


def test_closed_page_stays_closed(tmp_path):
    run(tmp_path, about_page(comment_status="closed"))
    page = Page.objects.get(slug="ueber-mich")
    assert page.comments_open is False
    assert page.comment_count == 3


def test_second_import_counts_them_as_there(tmp_path):
    path = write(tmp_path, wxr(about_page()))
    Importer(path).run()
    report = Importer(path).run()
    assert report.existing["comments"] == 5
    assert report.created["comments"] == 0
    assert Comment.objects.count() == 5


def test_new_page_comments_in_a_newer_export_are_added(tmp_path):
    run(tmp_path, about_page())
    newer = about_page(
        comments=(comment(41, "Schöne Seite."), comment(47, "Später dazu.", parent=41))
    )
    report = Importer(write(tmp_path, wxr(newer), "newer.xml")).run()
    assert report.created["comments"] == 1
    assert report.existing["comments"] == 1
    later = Comment.objects.get(pk=47)
    assert later.page.slug == "ueber-mich" and later.parent_id == 41 and later.depth == 2


def test_export_round_trip_keeps_page_comments(tmp_path):
    run(tmp_path, about_page())
    before = sorted(Comment.objects.values_list("pk", "page__path", "parent_id", "status", "body"))
    text = export_text()
    assert "<wp:comment_status><![CDATA[open]]></wp:comment_status>" in text
    wipe()
    report = Importer(write(tmp_path, text, "again.xml")).run()
    assert report.created["comments on pages"] == 5
    after = sorted(Comment.objects.values_list("pk", "page__path", "parent_id", "status", "body"))
    assert after == before
    assert Page.objects.get().comments_open is True
