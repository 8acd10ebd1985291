"""The WXR export: what WordPress's importer reads, and the round trip back into the blog."""

import datetime
import io
import shutil

import pytest
from django.contrib.auth import get_user_model

from blog.markup import plain_text
from blog.models import Category, Media, Page, Post, Tag
from comments.models import Comment
from tests.factories import CategoryFactory, CommentFactory, PostFactory, ReplyFactory, TagFactory
from tests.wordpress.build import write
from wordpress.exporter import comment_html, export_wxr, post_html, wp_slug
from wordpress.importer import Importer
from wordpress.models import ImportedObject
from wordpress.wxr import Channel, Item, read_wxr

pytestmark = pytest.mark.django_db
BASE = "https://blog.example.org"


def export_text() -> str:
    out = io.StringIO()
    export_wxr(out, base_url=BASE)
    return out.getvalue()


def whole_seconds(rows):
    """WXR dates have whole seconds: compare without microseconds."""
    return sorted(
        tuple(v.replace(microsecond=0) if isinstance(v, datetime.datetime) else v for v in row)
        for row in rows
    )


def snapshot() -> dict:
    """What a reader and the author see, independent of primary keys and file names."""
    return {
        "users": sorted(get_user_model().objects.values_list("username", "first_name")),
        "categories": sorted(Category.objects.values_list("path", "name")),
        "tags": sorted(Tag.objects.values_list("slug", "name")),
        "posts": whole_seconds(
            (
                p.slug,
                p.title,
                p.status,
                p.visibility,
                p.password,
                p.is_sticky,
                p.excerpt,
                p.published_at,
                p.comments_open,
                p.comment_count,
                bool(p.featured_image),
                plain_text(p.body_html),
                sorted(c.path for c in p.categories.all()),
            )
            for p in Post.objects.all()
        ),  # fmt: skip
        "pages": sorted(
            Page.objects.values_list(
                "path", "title", "status", "menu_order", "comments_open", "comment_count"
            )
        ),
        "comments": whole_seconds(
            Comment.objects.values_list(
                "pk",
                "post__slug",
                "page__path",
                "parent_id",
                "depth",
                "status",
                "author_name",
                "author_email",
                "author_url",
                "ip_address",
                "created_at",
                "body",
                "is_author_reply",
            )
        ),  # fmt: skip
        "media": sorted(Media.objects.values_list("alt", "caption", "width", "height")),
    }


def wipe():
    for model in (Comment, ImportedObject, Post, Category, Tag, Media):
        model.objects.all().delete()
    while Page.objects.exists():
        Page.objects.filter(children=None).delete()
    get_user_model().objects.all().delete()


def test_export_is_wxr_that_reads_back(imported):
    """The export is WXR 1.2 with authors, terms, items and comments, as WordPress writes it."""
    text = export_text()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"')
    assert "<wp:wxr_version>1.2</wp:wxr_version>" in text
    assert 'xmlns:wp="http://wordpress.org/export/1.2/"' in text
    assert "<wp:post_name><![CDATA[gr%c3%b6%c3%9fer-uebel]]></wp:post_name>" in text
    assert "<wp:category_nicename><![CDATA[gr%c3%b6%c3%9fere-projekte]]>" in text
    assert "Zweiter Absatz mit ]]]]><![CDATA[> im Text." in text
    assert "<wp:comment_approved><![CDATA[spam]]></wp:comment_approved>" in text
    assert "<wp:comment_parent>204</wp:comment_parent>" in text
    assert "<wp:post_password><![CDATA[sesam]]></wp:post_password>" in text


def test_export_items(imported, tmp_path):
    """Every post, page and attachment is an item with its WordPress ID and status."""
    path = write(tmp_path, export_text())
    records = list(read_wxr(path))
    channel = next(r for r in records if isinstance(r, Channel))
    assert (channel.wxr_version, channel.base_site_url) == ("1.2", BASE)
    items = {r.wp_id: r for r in records if isinstance(r, Item)}
    assert {i: (r.post_type, r.status) for i, r in items.items()} == {
        100: ("post", "publish"),
        101: ("post", "publish"),
        102: ("post", "draft"),
        103: ("post", "pending"),  # kept as pending review since 6163dc1
        104: ("post", "private"),
        105: ("post", "future"),
        107: ("post", "publish"),
        108: ("post", "publish"),
        120: ("page", "publish"),
        121: ("page", "publish"),
        122: ("page", "publish"),
        123: ("page", "publish"),
        300: ("attachment", "inherit"),
        301: ("attachment", "inherit"),
        302: ("attachment", "inherit"),
        303: ("attachment", "inherit"),
    }
    first = items[100]
    assert first.link == BASE + "/2025/01/07/hartes-training/"
    assert first.is_sticky and first.meta["_thumbnail_id"] == "300"
    assert [c.wp_id for c in first.comments] == [
        *(201, 202, 203, 204, 205, 206, 207, 209, 210, 211, 212)
    ]
    # Pingbacks and trackbacks leave with their type (issue #13).
    types = {c.wp_id: c.type for c in first.comments}
    assert (types[201], types[210], types[211]) == ("comment", "pingback", "trackback")
    assert items[121].parent == 120
    assert items[300].attachment_url.startswith(BASE + "/media/library/")
    assert items[303].attachment_url == "https://example.org/wp-content/uploads/2023/01/fehlt.jpg"
    assert "<!--more-->" in first.content


def test_round_trip_gives_the_same_blog(imported, tmp_path, settings):
    """Importing our own export into an empty database gives the same blog."""
    before = snapshot()
    path = write(tmp_path, export_text())
    media_copy = tmp_path / "exported-media"
    shutil.copytree(settings.MEDIA_ROOT, media_copy)
    wipe()
    report = Importer(path, media_dir=media_copy).run()
    assert report.created["comments"] == 12
    assert report.created["comments on pages"] == 1
    assert snapshot() == before


def test_round_trip_of_native_content(db, tmp_path, author):
    """Posts written here (Markdown, threads) leave and come back the same, IDs included."""
    category = CategoryFactory(name="Laufen", parent=CategoryFactory(name="Sport"))
    post = PostFactory(
        author=author,
        title="größer übel",
        body="Ein *kurzer* Text\nmit Umbruch.\n\n## Titel\n\n- eins\n- zwei",
        categories=[category],
        tags=[TagFactory(name="übel")],
    )
    root = CommentFactory(post=post, body="Erste **Meinung**\nzweite Zeile")
    ReplyFactory(parent=ReplyFactory(parent=root), status="pending")
    CommentFactory(post=post, status="spam")
    before = snapshot()
    path = write(tmp_path, export_text())
    wipe()
    Importer(path).run()
    assert snapshot() == before
    assert Post.objects.get().slug == "groesser-uebel"


def test_exported_ids_do_not_collide(imported, tmp_path):
    """Native objects keep their pk as ID where no imported object has it; so do comments."""
    native = PostFactory(title="Neu hier")
    comment = CommentFactory(post=native)
    records = read_wxr(write(tmp_path, export_text()))
    items = [r for r in records if isinstance(r, Item)]
    assert len({r.wp_id for r in items}) == len(items)
    exported = next(r for r in items if r.title == "Neu hier")
    assert exported.wp_id == native.pk
    assert [c.wp_id for c in exported.comments] == [comment.pk]


def test_post_html_for_wordpress():
    """No line breaks inside paragraphs (WordPress would make them <br>), absolute links."""
    html = (
        '<p>Eins\nzwei<br>\ndrei</p>\n<pre>a\nb</pre>\n<p><img src="/media/a.jpg" '
        'srcset="/media/a-480w.jpg 480w" sizes="100vw" loading="lazy" alt=""></p>'
    )
    assert post_html(html, BASE) == (
        "<p>Eins zwei<br />\ndrei</p>\n\n<pre>a\nb</pre>\n\n"
        f'<p><img src="{BASE}/media/a.jpg" alt=""></p>'
    )


def test_comment_html_and_slugs():
    """Comments leave as text with line breaks, slugs percent-encoded as WordPress has them."""
    assert comment_html("<p>Eins<br>\nzwei</p>\n<p>drei</p>") == "Eins\nzwei\n\ndrei"
    assert wp_slug("größer-übel") == "gr%c3%b6%c3%9fer-%c3%bcbel"


def test_round_trip_of_a_featured_image(db, tmp_path, author, settings):
    """A post's own featured image leaves as an attachment and comes back as that post's
    image, not as an extra library image."""
    from django.core.files.base import ContentFile

    from tests.wordpress.conftest import image_file

    image_file(tmp_path / "titel.jpg", size=(1000, 500))
    post = PostFactory(author=author, title="Mit Bild", featured_image_alt="Ein Titelbild")
    post.featured_image = ContentFile((tmp_path / "titel.jpg").read_bytes(), name="titel.jpg")
    post.save()
    text = export_text()
    assert "<wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key>" in text
    media_copy = tmp_path / "exported-media"
    shutil.copytree(settings.MEDIA_ROOT, media_copy)
    wipe()
    Importer(write(tmp_path, text), media_dir=media_copy).run()
    post = Post.objects.get()
    assert (post.featured_image_width, post.featured_image_alt) == (1000, "Ein Titelbild")
    assert not Media.objects.exists()
