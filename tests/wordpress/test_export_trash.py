"""Posts and pages in the trash leave in the WordPress export as WordPress's trash, with
the status they had (issue #12), not as scheduled posts or drafts."""

import io

import pytest

from blog import trash
from blog.models import Page, Post
from tests.factories import PageFactory, PostFactory
from wordpress.exporter import export_wxr

pytestmark = pytest.mark.django_db


def _items(text: str) -> dict[str, str]:
    """Title → the <item> element's text."""
    items = {}
    for chunk in text.split("<item>")[1:]:
        title = chunk.split("<title><![CDATA[", 1)[1].split("]]>", 1)[0]
        items[title] = chunk.split("</item>", 1)[0]
    return items


def test_trashed_post_and_page_are_exported_as_trash(author):
    """A trashed post and page: <wp:status> trash and _wp_trash_meta_status with the
    status before, as WordPress writes them; what is not in the trash stays as it was."""
    gone = PostFactory(author=author, title="Im Papierkorb")
    draft = PostFactory(author=author, title="Entwurf im Papierkorb", status="draft")
    PostFactory(author=author, title="Bleibt")
    page = PageFactory(title="Alte Seite", status="published")
    trash.move_to_trash(Post.objects.filter(pk__in=[gone.pk, draft.pk]))
    trash.move_to_trash(Page.objects.filter(pk=page.pk))
    out = io.StringIO()
    export_wxr(out, base_url="https://blog.example.org")
    items = _items(out.getvalue())

    status = "<wp:status><![CDATA[{}]]></wp:status>"
    meta = (
        "<wp:meta_key><![CDATA[_wp_trash_meta_status]]></wp:meta_key><wp:meta_value><![CDATA[{}]]>"
    )
    assert status.format("trash") in items["Im Papierkorb"]
    assert meta.format("publish") in items["Im Papierkorb"]
    assert "_wp_trash_meta_time" in items["Im Papierkorb"]
    assert meta.format("draft") in items["Entwurf im Papierkorb"]
    assert status.format("trash") in items["Alte Seite"]
    assert meta.format("publish") in items["Alte Seite"]
    assert status.format("publish") in items["Bleibt"]
    assert "_wp_trash_meta" not in items["Bleibt"]
