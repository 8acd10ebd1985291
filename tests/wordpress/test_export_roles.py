"""A post pending review leaves in the WordPress export as WordPress's "pending" (issue
#12), not as published, and comes in from WordPress as pending."""

import io

import pytest

from blog.models import Post
from tests.factories import PostFactory
from tests.wordpress.build import item, write, wxr
from wordpress.exporter import export_wxr
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db


def test_pending_post_is_exported_as_pending(author):
    PostFactory(author=author, status="pending", title="Zur Prüfung")
    out = io.StringIO()
    export_wxr(out, base_url="https://blog.example.org")
    text = out.getvalue()
    assert "<wp:status><![CDATA[pending]]></wp:status>" in text
    assert "<wp:status><![CDATA[publish]]></wp:status>" not in text


def test_pending_post_is_imported_as_pending(db, tmp_path):
    """WordPress's "pending" stays under review: not published, not a plain draft."""
    path = write(tmp_path, wxr(item(10, "Zur Prüfung", slug="zur-pruefung", status="pending")))
    Importer(path).run()
    post = Post.objects.get(slug="zur-pruefung")
    assert post.status == Post.Status.PENDING
    assert not Post.objects.published().exists()
