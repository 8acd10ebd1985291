"""WordPress.com's exports imported whole (issue #13): https:// namespaces for wp: and
excerpt:, every WXR version, a generator of wordpress.com; threads, terms, pages'
comments and pings come over as from a self-hosted WordPress."""

import pytest

from blog.models import Page, Post
from comments.models import Comment
from tests.wordpress.build import category, comment, item, tag, write, wxr
from wordpress.importer import Importer


def wordpress_com(version: str) -> str:
    thread = [
        comment(301, "Erste Frage"),
        comment(302, "Antwort darauf", parent=301),
        comment(303, "Und weiter", parent=302, approved="0"),
        comment(304, "Verlinkt", type="pingback", url="https://anderswo.example/"),
    ]
    text = wxr(
        item(
            11,
            "Vom Punkt com",
            excerpt="Kurz gefasst",
            content="Erster Absatz.\n\nZweiter mit <!--more--> Rest.",
            terms=[("category", "reisen", "Reisen"), ("post_tag", "groesse", "Größe")],
            comments=thread,
        ),
        item(12, "Über mich", slug="ueber-mich", post_type="page", comments=[comment(305)]),
        terms=category(3, "reisen", "Reisen") + tag(4, "groesse", "Größe"),
        version=version,
    )
    text = text.replace("http://wordpress.org/export/", "https://wordpress.org/export/")
    text = text.replace("<generator>https://wordpress.org/", "<generator>https://wordpress.com/")
    assert f'xmlns:excerpt="https://wordpress.org/export/{version}/excerpt/"' in text
    return text


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_a_wordpress_com_export_comes_over_whole(tmp_path, db, version):
    report = Importer(write(tmp_path, wordpress_com(version))).run()
    assert (report.created["posts"], report.created["pages"]) == (1, 1)
    assert not report.skipped and not report.warnings
    post = Post.objects.get(slug="beitrag-11")
    assert post.excerpt == "Kurz gefasst"
    assert [c.slug for c in post.categories.all()] == ["reisen"]
    assert [t.name for t in post.tags.all()] == ["Größe"]
    comments = {c.pk: c for c in Comment.objects.all()}
    assert set(comments) == {301, 302, 303, 304, 305}
    assert comments[302].parent_id == 301 and comments[303].parent_id == 302
    assert comments[303].status == Comment.Status.PENDING
    assert comments[304].comment_type == "pingback"
    assert comments[305].page == Page.objects.get(slug="ueber-mich")
    post.refresh_from_db()
    assert post.comment_count == 2  # approved comments; the ping is listed apart
