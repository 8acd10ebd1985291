"""The streaming WXR reader: versions, CDATA, unsafe XML and broken or foreign files."""

import datetime

import pytest

from tests.wordpress.build import author, comment, item, write, wxr
from wordpress.wxr import Author, Channel, Item, WXRError, read_wxr

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version><item><title>&lol9;</title></item></channel></rss>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version><item><title>&secret;</title></item></channel></rss>
"""


def records(path):
    return list(read_wxr(path))


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_reads_every_wxr_version(tmp_path, version, scheme):
    """WXR 1.0, 1.1 and 1.2, with WordPress's http:// or WordPress.com's https:// namespaces."""
    text = wxr(item(5, "Hallo", excerpt="Kurz"), version=version)
    if scheme == "https":
        text = text.replace("http://wordpress.org/export/", "https://wordpress.org/export/")
        assert "https://wordpress.org/export/" in text
    path = write(tmp_path, text)
    channel, post = [r for r in records(path) if isinstance(r, Channel | Item)]
    assert channel.wxr_version == version
    assert (post.wp_id, post.title, post.excerpt, post.slug) == (5, "Hallo", "Kurz", "beitrag-5")


def test_channel_authors_and_items_in_document_order(tmp_path):
    """Authors come first, then the channel (once), then the items, each with its line."""
    path = write(tmp_path, wxr(item(1), item(2), authors=author(7, "anna", "Anna B.")))
    result = records(path)
    assert [type(r) for r in result] == [Author, Channel, Item, Item]
    assert (result[0].wp_id, result[0].login, result[0].display_name) == (7, "anna", "Anna B.")
    assert result[1].base_site_url == "https://example.org"
    lines = path.read_text().splitlines()
    assert lines[result[2].line - 1].strip() == "<item>"


def test_cdata_end_split_across_sections(tmp_path):
    """ "]]>" in content, which WordPress splits over two CDATA sections, reads back whole."""
    path = write(tmp_path, wxr(item(1, content="a ]]> b ]]]]> c", title="x]]>y")))
    post = records(path)[-1]
    assert post.content == "a ]]> b ]]]]> c"
    assert post.title == "x]]>y"


def test_dates_gmt_first_then_local_time(tmp_path, settings):
    """post_date_gmt counts; drafts without one use post_date in the blog's time zone."""
    settings.TIME_ZONE = "Europe/Berlin"
    path = write(
        tmp_path,
        wxr(
            item(1, date="2025-06-01 12:00:00", date_gmt="2025-06-01 10:00:00"),
            item(2, date="2025-06-01 12:00:00", date_gmt="0000-00-00 00:00:00"),
        ),
    )
    first, second = records(path)[-2:]
    expected = datetime.datetime(2025, 6, 1, 10, tzinfo=datetime.UTC)
    assert first.date == expected
    assert second.date == expected


def test_comments_of_an_item(tmp_path):
    """Comments come with their parent, status, type, author data and GMT date."""
    path = write(tmp_path, wxr(item(1, comments=[comment(9, "Hi", parent=3, approved="spam")])))
    (c,) = records(path)[-1].comments
    assert (c.wp_id, c.parent, c.approved, c.type, c.content) == (9, 3, "spam", "comment", "Hi")
    assert (c.author, c.email, c.ip) == ("Leserin", "leserin@example.net", "192.0.2.7")


def test_control_characters_are_dropped(tmp_path):
    """Bytes XML forbids (pasted from word processors) are removed and counted."""
    path = write(tmp_path, wxr(item(1, content="Text\x0bmit\x1fSteuerzeichen")))
    reader = read_wxr(path)
    post = list(reader)[-1]
    assert post.content == "TextmitSteuerzeichen"
    assert reader.dropped_bytes == 2


def test_entity_expansion_is_refused(tmp_path):
    """A billion-laughs file is refused before any entity is expanded, naming the line."""
    path = write(tmp_path, BILLION_LAUGHS)
    with pytest.raises(WXRError) as error:
        records(path)
    assert "entities" in str(error.value)
    assert error.value.line == 3


def test_external_entity_is_refused(tmp_path):
    """An external entity (a local file) is refused; nothing of the file is read."""
    path = write(tmp_path, EXTERNAL_ENTITY)
    with pytest.raises(WXRError) as error:
        records(path)
    assert "entities" in str(error.value)
    assert "root:" not in str(error.value)


def test_broken_file_names_the_line(tmp_path):
    """A truncated or mangled file fails with the line of the error."""
    text = wxr(item(1), item(2)).replace("<wp:post_id>2</wp:post_id>", "<wp:post_id>2</wp:post>")
    path = write(tmp_path, text)
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "</wp:post>" in s)
    with pytest.raises(WXRError) as error:
        records(path)
    assert error.value.line == line
    assert str(error.value).startswith(f"line {line}: the file is not well-formed XML")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '<rss version="2.0"><channel><title>Feed</title><item><title>x</title></item>'
            "</channel></rss>",
            "wp:wxr_version> is missing",
        ),
        ('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', "is <feed>"),
        ("<html><body><p>Hallo</p></body></html>", "is <html>"),
        ('<rss version="2.0"></rss>', "there is no <channel>"),
    ],
)
def test_foreign_files_are_refused(tmp_path, text, message):
    """An RSS feed, an Atom feed or an HTML page is not a WordPress export."""
    path = write(tmp_path, text)
    with pytest.raises(WXRError) as error:
        records(path)
    assert "not a WordPress export" in str(error.value)
    assert message in str(error.value)


def test_unknown_major_version_is_refused(tmp_path):
    """A WXR 2.x file would mean a format we do not know."""
    path = write(tmp_path, wxr(item(1)).replace(">1.2</wp:wxr_version>", ">2.0</wp:wxr_version>"))
    with pytest.raises(WXRError, match="unsupported WXR version '2.0'"):
        records(path)


def test_item_without_id_is_an_error(tmp_path):
    """Every item has a wp:post_id; one without cannot be matched on a second import."""
    path = write(tmp_path, wxr(item(1)).replace("<wp:post_id>1</wp:post_id>", ""))
    with pytest.raises(WXRError, match="without wp:post_id"):
        records(path)


def test_a_file_without_line_breaks(tmp_path, monkeypatch):
    """One long line is read in pieces and still parses; everything is on line 1."""
    monkeypatch.setattr("wordpress.wxr._LineReader.CHUNK", 100)
    text = wxr(*(item(n, content="Ä" * 300) for n in range(1, 4))).replace("\n", " ")
    items = [r for r in records(write(tmp_path, text)) if isinstance(r, Item)]
    assert [(i.wp_id, i.line, len(i.content)) for i in items] == [
        (1, 1, 300),
        (2, 1, 300),
        (3, 1, 300),
    ]
