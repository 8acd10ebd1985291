"""Comment bodies to safe HTML (comments/markup.py) and how they look on the post page."""

import pytest

from comments.markup import render_comment
from comments.models import Comment
from tests.comments.helpers import one, parse, select, send_comment
from tests.factories import CommentFactory

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klick</a>',
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "<b onmouseover=alert(1)>fett</b>",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{display:none}</style>",
    "<svg onload=alert(1)>",
    "<!-- kommentar --><p>text</p>",
]


def _assert_harmless(html: str):
    for element in parse(html):
        assert element.tag in {"p", "br", "em", "strong", "a", "code", "pre", "blockquote"}
        assert not [name for name in element.attrs if name.startswith("on")]
        assert not element.attrs.get("href", "").lower().startswith("javascript")
    assert "<script" not in html
    assert "<img" not in html
    assert "<iframe" not in html


def test_paragraphs_and_line_breaks_are_kept():
    """A blank line starts a paragraph, a single line break stays a line break."""
    assert render_comment("Hallo Oliver,\n\nKopf hoch,\nGruß, Thomas") == (
        "<p>Hallo Oliver,</p>\n<p>Kopf hoch,<br>\nGruß, Thomas</p>"
    )


def test_windows_line_endings_are_line_breaks_too():
    """Text sent with CRLF (as browsers send textareas) renders like text with LF."""
    assert render_comment("eins\r\nzwei\r\n\r\ndrei") == render_comment("eins\nzwei\n\ndrei")


def test_emphasis_code_and_quotes():
    """The small Markdown subset: emphasis, strong, inline code and quotes."""
    assert render_comment("*kursiv* und **fett**") == (
        "<p><em>kursiv</em> und <strong>fett</strong></p>"
    )
    assert render_comment("nimm `pip install`") == "<p>nimm <code>pip install</code></p>"
    assert render_comment("> manches ist nicht so\n\nstimmt") == (
        "<blockquote>\n<p>manches ist nicht so</p>\n</blockquote>\n<p>stimmt</p>"
    )


def test_links_get_nofollow_ugc_noopener():
    """Markdown links and bare URLs both become links with rel="nofollow ugc noopener"."""
    link = one(render_comment("[mein lauf](https://example.org/lauf)"), "a")
    assert link.attrs == {"href": "https://example.org/lauf", "rel": "nofollow ugc noopener"}
    bare = one(render_comment("siehe https://example.org/b dort"), "a")
    assert bare.attrs == {"href": "https://example.org/b", "rel": "nofollow ugc noopener"}
    assert bare.text == "https://example.org/b"


@pytest.mark.parametrize("text", HOSTILE)
def test_typed_html_is_never_executed(text):
    """HTML a commenter types is shown as text or removed: no script, handler or javascript:."""
    _assert_harmless(render_comment(text))


def test_typed_html_is_shown_as_text():
    """A tag typed into a comment reads as the characters typed."""
    html = render_comment("<script>alert(1)</script>")
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert one(html, "p").text == "<script>alert(1)</script>"


def test_headings_and_images_are_not_in_the_subset():
    """Markdown beyond the subset produces no heading and no image."""
    assert not select(render_comment("# Überschrift"), "h1")
    assert not select(render_comment("![bild](https://example.org/x.png)"), "img")


def test_deep_quotes_are_flattened():
    """Hostile quote nesting is cut to five levels."""
    html = render_comment(">" * 200 + " tief")
    assert html.count("<blockquote>") == 5


@pytest.mark.django_db
def test_the_post_page_shows_the_body_safely(client, post):
    """Hostile HTML in a stored comment reaches the page as text, next to working Markdown."""
    comment = CommentFactory(
        post=post,
        body=(
            "Hallo **Oliver**,\nsiehe [hier](https://example.org/).\n\n"
            "<script>alert(1)</script> <img src=x onerror=alert(1)>"
        ),
    )
    response = client.get(post.get_absolute_url())
    elements = parse(response)
    content = one(elements, "div", "comment-content")
    assert content.parents[-2].attrs["id"] == f"comment-{comment.pk}"
    assert "<script>alert(1)</script>" in content.text
    inside = [e for e in elements if content in e.parents]
    assert [e.tag for e in inside] == ["p", "strong", "br", "a", "p"]
    assert inside[3].attrs["rel"] == "nofollow ugc noopener"
    assert not [e for e in elements if "onerror" in e.attrs]
    assert b"<script>alert(1)" not in response.content


@pytest.mark.django_db
def test_emoji_and_umlauts_survive_the_round_trip(client, post):
    """A comment with 😉 and umlauts is stored and shown exactly as typed."""
    body = "Zum Glück sind die zufriedenen Kunden in Überzahl, oder !? 😉 Grüße, Jörg"
    response = send_comment(client, post, body=body, author_name="Jörg Müßig")
    comment = Comment.objects.get()
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == body
    assert comment.author_name == "Jörg Müßig"
    page = client.get(post.get_absolute_url())
    assert one(page, "div", "comment-content").clean_text == body
    assert one(page, "b", "fn").text == "Jörg Müßig"
