"""Exports from any generator (issue #13): unknown elements are skipped and counted."""

from django.core.management import call_command

from blog.models import Post
from comments.models import Comment
from tests.wordpress.build import comment, item, write, wxr
from wordpress.wxr import Channel, Item, read_wxr

PLUGIN_NS = 'xmlns:jetpack="https://jetpack.com/export/1.0/"'


def plugin_export() -> str:
    """A WordPress.com-style export that a plugin has added elements to."""
    post = item(7, "Mit Zusätzen", comments=[comment(70, "Hallo")])
    post = post.replace(
        "<wp:post_id>", "<jetpack:views>12</jetpack:views>\n\t\t<wp:post_id>", 1
    ).replace(
        "<wp:comment_id>",
        "<jetpack:likes><jetpack:like>3</jetpack:like></jetpack:likes><wp:comment_id>",
        1,
    )
    text = wxr(post).replace("<rss version", f"<rss {PLUGIN_NS} version", 1)
    return text.replace(
        "<wp:base_site_url>", "<jetpack:site_id>99</jetpack:site_id>\n\t<wp:base_site_url>", 1
    ).replace(
        "<generator>https://wordpress.org/?v=6.7</generator>", "<generator>Jetpack</generator>"
    )


def test_unknown_elements_are_skipped_and_counted(tmp_path):
    """Elements WordPress never writes, in the channel, an item or a comment, are counted;
    the post and its comment read as without them."""
    reader = read_wxr(write(tmp_path, plugin_export()))
    channel, post = [r for r in reader if isinstance(r, Channel | Item)]
    assert (channel.wxr_version, post.wp_id, post.title) == ("1.2", 7, "Mit Zusätzen")
    assert [(c.wp_id, c.content) for c in post.comments] == [(70, "Hallo")]
    assert reader.unknown == {"jetpack:site_id": 1, "jetpack:views": 1, "jetpack:likes": 1}


def test_undeclared_prefix_is_read_anyway(tmp_path):
    """A prefix a plugin used without declaring it (libxml, and so WordPress, only warns)
    is declared for it; every record comes once, the line numbers stay the file's."""
    text = plugin_export().replace(f"<rss {PLUGIN_NS} version", "<rss version", 1)
    text = text.replace("<item>", '<item wpcom:source="x">', 1)
    path = write(tmp_path, text)
    reader = read_wxr(path)
    records = list(reader)
    assert [type(r).__name__ for r in records] == ["Author", "Channel", "Item"]
    assert records[-1].comments[0].content == "Hallo"
    assert set(reader.undeclared) == {"jetpack", "wpcom"}
    assert reader.unknown["jetpack:views"] == 1
    lines = text.splitlines()
    assert lines[records[-1].line - 1].strip().startswith("<item")


def test_wordpress_prefix_bound_to_another_address(tmp_path):
    """As WordPress's importer, wp: and excerpt: are whatever the file binds them to."""
    text = wxr(item(5, "Anders", excerpt="Kurz")).replace(
        '"http://wordpress.org/export/1.2/"', '"http://wordpress.org/export/1.2"'
    )
    text = text.replace(
        '"http://wordpress.org/export/1.2/excerpt/"', '"http://example.org/excerpt"'
    )
    records = list(read_wxr(write(tmp_path, text)))
    post = records[-1]
    assert (post.wp_id, post.title, post.excerpt) == (5, "Anders", "Kurz")


def test_import_reports_the_skipped_elements(tmp_path, db, capsys):
    """import_wordpress imports the post and its comment and lists what it skipped."""
    text = plugin_export().replace(f"<rss {PLUGIN_NS} version", "<rss version", 1)
    call_command("import_wordpress", str(write(tmp_path, text)))
    out = capsys.readouterr().out
    post = Post.objects.get(title="Mit Zusätzen")
    assert Comment.objects.filter(post=post).count() == 1
    assert "1 unknown elements <jetpack:views>" in out
    assert "1 unknown elements <jetpack:site_id>" in out
    assert "the file uses jetpack: without declaring it" in out
