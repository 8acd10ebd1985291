"""Feeds that readers' apps recognise (issue #13): WordPress's RSS elements, stable IDs,
absolute addresses, the author feed; validated with feedcheck."""

import pytest

from blog.feeds import absolute_html
from blog.models import Media, Post
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.feedcheck import valid_atom, valid_rss
from tests.wordpress.build import item, write, wxr
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db


def entry(feed, title):
    (found,) = [e for e in feed.entries if e.title == title]
    return found


def test_imported_posts_keep_their_wordpress_guid(client, tmp_path):
    """An imported item's <guid> is its RSS guid (no permalink) and its Atom id."""
    Importer(write(tmp_path, wxr(item(100, "Vom alten Blog", slug="alt")))).run()
    rss = valid_rss(client.get("/feed/").content)
    assert entry(rss, "Vom alten Blog").id == "https://example.org/?p=100"
    assert (
        b'<guid isPermaLink="false">https://example.org/?p=100</guid>'
        in client.get("/feed/").content
    )
    atom = valid_atom(client.get("/feed/atom/").content)
    assert entry(atom, "Vom alten Blog").id == "https://example.org/?p=100"


def test_new_posts_keep_their_id_across_edits(client, author):
    """A new post's feed ID stays when its title, address and text change."""
    post = PostFactory(title="erst so", author=author)
    before = entry(valid_atom(client.get("/feed/atom/").content), "erst so").id
    assert before.startswith("urn:uuid:")
    post.title, post.slug, post.body = "dann anders", "dann-anders", "neu"
    post.save()
    after = entry(valid_atom(client.get("/feed/atom/").content), "dann anders").id
    rss_id = entry(valid_rss(client.get("/feed/").content), "dann anders").id
    assert after == before == rss_id


def test_rss_items_carry_what_wordpress_feeds_carry(client, author):
    """content:encoded with the full text, the summary as description, comments link,
    wfw:commentRss and slash:comments."""
    post = PostFactory(
        title="mit kommentaren", author=author, body="erster absatz.\n\nzweiter *absatz*."
    )
    CommentFactory.create_batch(2, post=post)
    rss = valid_rss(client.get("/feed/").content)
    found = entry(rss, "mit kommentaren")
    url = f"http://testserver{post.get_absolute_url()}"
    assert found.content[0].value == Post.objects.get(pk=post.pk).body_html
    assert "<em>absatz</em>" in found.content[0].value
    assert found.summary == Post.objects.get(pk=post.pk).summary
    assert found.comments == url + "#comments"
    assert found.wfw_commentrss == url + "feed/"
    assert found.slash_comments == "2"
    assert client.get(found.wfw_commentrss.removeprefix("http://testserver")).status_code == 200


def test_protected_post_gives_away_no_text_or_comments(client, author):
    """A password-protected post: a note, no content, no comment feed."""
    PostFactory(title="geheim", author=author, visibility="password", password="x", body="rezept")
    response = client.get("/feed/")
    found = entry(valid_rss(response.content), "geheim")
    assert "content" not in found and "wfw_commentrss" not in found
    assert b"rezept" not in response.content


def test_feed_content_has_absolute_addresses(client, author, settings, tmp_path):
    """Images (src and srcset) and links in a post are absolute in both feeds."""
    settings.MEDIA_ROOT = tmp_path
    from tests.wordpress.conftest import image_file

    image_file(tmp_path / "upload.jpg", size=(1600, 1200))
    with open(tmp_path / "upload.jpg", "rb") as fh:
        from django.core.files import File

        media = Media.objects.create(file=File(fh, name="bild.jpg"), alt="Bild")
    body = f"![Bild]({media.file.url})\n\n[Impressum](/impressum/) und [oben](#top)"
    post = PostFactory(title="mit bild", author=author, body=body)
    base = "http://testserver"
    for url, check in (("/feed/", valid_rss), ("/feed/atom/", valid_atom)):
        html = entry(check(client.get(url).content), "mit bild").content[0].value
        assert f'src="{base}{media.file.url}"' in html
        assert 'src="/' not in html
        assert f'href="{base}/impressum/"' in html
        assert f'href="{base}{post.get_absolute_url()}#top"' in html


def test_absolute_html_srcset_and_relative_addresses():
    """srcset candidates, root-relative, relative and fragment addresses become absolute;
    absolute and mailto: ones stay."""
    html = (
        '<img src="/m/a.jpg" srcset="/m/a-300.jpg 300w, /m/a-600.jpg 600w">'
        '<a href="bild.jpg">x</a><a href="#k">y</a><a href="https://example.org/">z</a>'
        '<a href="mailto:a@example.org">m</a>'
    )
    assert absolute_html(html, "https://blog.example/2025/01/07/post/") == (
        '<img src="https://blog.example/m/a.jpg" srcset="https://blog.example/m/a-300.jpg '
        '300w, https://blog.example/m/a-600.jpg 600w">'
        '<a href="https://blog.example/2025/01/07/post/bild.jpg">x</a>'
        '<a href="https://blog.example/2025/01/07/post/#k">y</a>'
        '<a href="https://example.org/">z</a><a href="mailto:a@example.org">m</a>'
    )


def test_author_feed(client, author):
    """/author/<name>/feed/ lists that author's public posts only; unknown names are 404."""
    PostFactory(title="von oliver", author=author)
    PostFactory(title="von anna", author=UserFactory(username="anna"))
    rss = valid_rss(client.get("/author/oliver/feed/").content)
    assert [e.title for e in rss.entries] == ["von oliver"]
    assert rss.feed.link == "http://testserver/author/oliver/"
    assert client.get("/author/niemand/feed/").status_code == 404
