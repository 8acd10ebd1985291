"""The import written in bulk (issue #13, wordpress/bulk.py): comments in batches across
posts, counts and terms once at the end; the result as single saves would leave it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Post, SearchEntry
from comments.models import Comment
from wordpress import bulk
from wordpress.bench import generate
from wordpress.importer import Importer
from wordpress.models import ImportedObject

POSTS, COMMENTS = 12, 240


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.xml"
    generate(path, posts=POSTS, comments=COMMENTS)
    return path


@pytest.fixture
def imported(db, export, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 50)  # batches that cross posts
    monkeypatch.setattr(bulk, "COUNT_BATCH", 5)  # and counts over several UPDATEs
    with CaptureQueriesContext(connection) as queries:
        report = Importer(export).run()
    return report, queries


def test_comments_are_written_in_batches_across_posts(imported):
    report, queries = imported
    assert report.created["posts"] == POSTS and report.created["comments"] == COMMENTS
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "comments_comment"')]
    # One INSERT per post and thread level before (some 50 here); now a few per batch.
    assert 0 < len(inserts) <= 2 * (COMMENTS // 50 + 1)


def test_threads_and_mapping_as_single_saves_leave_them(imported):
    comments = Comment.objects.select_related("parent")
    assert comments.count() == COMMENTS
    for c in comments:
        assert c.depth == (c.parent.depth + 1 if c.parent else 1)
        assert c.parent is None or c.parent.post_id == c.post_id
        assert c.body_html == Comment(body=c.body).derive_fields().body_html
    mapping = dict(ImportedObject.objects.of_kind("comment").values_list("wp_id", "comment_id"))
    assert len(mapping) == COMMENTS and set(mapping.values()) == set(
        comments.values_list("pk", flat=True)
    )
    assert all(wp_id == pk for wp_id, pk in mapping.items())  # IDs kept: anchors land


def test_counts_terms_and_search_are_right_after_the_import(imported):
    for post in Post.objects.all():
        visible = Comment.objects.visible().conversation().for_post(post).count()
        assert post.comment_count == visible > 0
        assert post.comments_changed_at is not None
        stored = post.terms
        post.refresh_terms()  # what an edit of the post would store
        assert stored == post.terms and stored["categories"] and stored["tags"]
    assert SearchEntry.objects.filter(post__isnull=False).count() == POSTS


def test_a_second_import_changes_nothing(imported, export):
    before = list(Post.objects.values_list("pk", "comment_count", "terms").order_by("pk"))
    report = Importer(export).run()
    assert report.created["comments"] == 0 and report.existing["comments"] == COMMENTS
    after = list(Post.objects.values_list("pk", "comment_count", "terms").order_by("pk"))
    assert after == before
