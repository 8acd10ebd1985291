"""Feed IDs survive the move both ways (issue #13)."""

import pytest

from blog.models import Post
from tests.factories import PostFactory
from tests.wordpress.build import item, write, wxr
from wordpress.exporter import export_wxr
from wordpress.importer import Importer
from wordpress.wxr import Item, read_wxr

pytestmark = pytest.mark.django_db


def test_export_gives_wordpress_the_feed_ids(tmp_path, author):
    """The export's <guid> is each post's feed ID: WordPress's for imported posts, the
    post's own for new ones, so that a move back keeps readers' apps in step."""
    Importer(write(tmp_path, wxr(item(100, "Alt", slug="alt")))).run()
    new = PostFactory(title="neu", author=author)
    target = tmp_path / "out.xml"
    with open(target, "w", encoding="utf-8") as out:
        export_wxr(out, base_url="https://blog.example")
    guids = {r.title: r.guid for r in read_wxr(target) if isinstance(r, Item)}
    assert guids["Alt"] == "https://example.org/?p=100"
    assert guids["neu"] == Post.objects.get(pk=new.pk).guid
