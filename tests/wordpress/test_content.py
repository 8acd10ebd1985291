"""Post and comment content from WordPress: wpautop, shortcodes, upload links, Markdown."""

import pytest

from blog.markup import render_markdown
from comments.markup import render_comment
from wordpress.comment_text import comment_markdown
from wordpress.content import (
    Attachment,
    Conversion,
    UploadLinks,
    convert_post,
    expand_shortcodes,
    wpautop,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Eins\n\nZwei", "<p>Eins</p>\n<p>Zwei</p>\n"),
        ("Zeile\nnoch eine", "<p>Zeile<br />\nnoch eine</p>\n"),
        ("<h2>Titel</h2>\nText", "<h2>Titel</h2>\n<p>Text</p>\n"),
        ("<ul>\n<li>a</li>\n<li>b</li>\n</ul>", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"),
        ("<pre>a\n\nb</pre>\n\nText", "<pre>a\n\nb</pre>\n<p>Text</p>\n"),
        ("<blockquote>Zitat</blockquote>", "<blockquote><p>Zitat</p></blockquote>\n"),
        ('<a\nhref="x">Link</a>', '<p><a\nhref="x">Link</a></p>\n'),
        ("eins<br><br>zwei", "<p>eins</p>\n<p>zwei</p>\n"),
        ("", ""),
    ],
)
def test_wpautop_matches_wordpress(source, expected):
    """Paragraphs and line breaks as WordPress's wpautop() makes them."""
    assert wpautop(source) == expected


def test_autop_html_passes_markdown_unchanged():
    """Markdown leaves the block HTML alone: no emphasis or links made from * and []."""
    body = wpautop("Ein *Stern* und [Klammern](x)\n\n<pre>    code_mit_unterstrich</pre>")
    assert render_markdown(body) == (
        "<p>Ein *Stern* und [Klammern](x)</p>\n<pre>    code_mit_unterstrich</pre>"
    )


def test_caption_becomes_figure():
    """[caption] → <figure> with the image (and its link) and a <figcaption>."""
    result = Conversion()
    text = (
        '[caption id="attachment_5" align="alignleft" width="300"]<a href="/big.jpg">'
        '<img src="/small.jpg" alt="Bahn" /></a> Auf der <em>Bahn</em>[/caption]'
    )
    assert expand_shortcodes(text, post_id=1, attachments={}, result=result) == (
        '<figure><a href="/big.jpg"><img src="/small.jpg" alt="Bahn" /></a>'
        "<figcaption>Auf der <em>Bahn</em></figcaption></figure>"
    )


def test_old_style_caption_attribute():
    """Before WordPress 3.4 the caption was an attribute."""
    result = Conversion()
    text = '[caption caption="Alt &amp; neu" width="200"]<img src="/a.jpg" alt="" />[/caption]'
    assert "<figcaption>Alt & neu</figcaption>" in expand_shortcodes(
        text, post_id=1, attachments={}, result=result
    )


def test_gallery_by_ids_and_by_parent():
    """[gallery ids=…] lists those images; a bare [gallery] the post's own, in menu order."""
    attachments = {
        1: Attachment(1, "/media/a.jpg", alt="A", caption="Erstes", parent=9, menu_order=2),
        2: Attachment(2, "/media/b.jpg", alt="B", parent=9, menu_order=1),
        3: Attachment(3, "/media/c.pdf", parent=9, is_image=False),
    }
    result = Conversion()
    by_ids = expand_shortcodes(
        '[gallery ids="1"]', post_id=9, attachments=attachments, result=result
    )
    assert by_ids == (
        '<div class="gallery"><figure><a href="/media/a.jpg"><img src="/media/a.jpg" alt="A">'
        "</a><figcaption>Erstes</figcaption></figure></div>"
    )
    by_parent = expand_shortcodes(
        '[gallery link="none"]', post_id=9, attachments=attachments, result=result
    )
    assert by_parent == (
        '<div class="gallery"><figure><img src="/media/b.jpg" alt="B"></figure>'
        '<figure><img src="/media/a.jpg" alt="A"><figcaption>Erstes</figcaption></figure></div>'
    )


def test_unknown_shortcodes_are_kept_and_counted():
    """Plugin shortcodes stay as text and are reported; "[sic]" is not a shortcode."""
    result = Conversion()
    text = '[contact-form-7 id="3"] [sic] [toggle]x[/toggle] [[caption]] [audio src="/a.mp3"]'
    out = expand_shortcodes(text, post_id=1, attachments={}, result=result)
    assert out == (
        '[contact-form-7 id="3"] [sic] [toggle]x[/toggle] [caption] '
        '<p><a href="/a.mp3">a.mp3</a></p>'
    )
    assert result.unknown_shortcodes == {"contact-form-7": 1, "toggle": 1}


def test_upload_links_point_at_the_new_files():
    """Links to uploads, also resized copies and "-scaled" originals, use the new URL."""
    links = UploadLinks(
        {"2024/05/foto.jpg": "/media/library/foto.jpg", "2024/05/plan.pdf": "/media/plan.pdf"},
        hosts={"example.org"},
        bases={"/wp-content/uploads/"},
    )
    text, missed = links.rewrite(
        '<img class="wp-image-3" src="https://example.org/wp-content/uploads/2024/05/foto-300x225.jpg"'
        ' width="300" alt="A" />'
        '<a href="/wp-content/uploads/2024/05/plan.pdf">Plan</a>'
        '<a href="//example.org/wp-content/uploads/2024/05/foto-scaled.jpg">gross</a>'
        '<a href="https://other.example/wp-content/uploads/2024/05/plan.pdf">fremd</a>'
        '<img src="https://example.org/wp-content/uploads/2020/01/alt.jpg">'
    )
    assert text == (
        '<img src="/media/library/foto.jpg" alt="A">'
        '<a href="/media/plan.pdf">Plan</a>'
        '<a href="/media/library/foto.jpg">gross</a>'
        '<a href="https://other.example/wp-content/uploads/2024/05/plan.pdf">fremd</a>'
        '<img src="https://example.org/wp-content/uploads/2020/01/alt.jpg">'
    )
    assert missed == 1


def test_more_tag_makes_the_excerpt():
    """Text before <!--more--> is the excerpt unless WordPress had an explicit one."""
    converted = convert_post(
        "Anriss *hier*.\n<!--more-->\nDer Rest.", "", post_id=1, attachments={}
    )
    assert converted.body == "<p>Anriss *hier*.</p>\n\n<!--more-->\n\n<p>Der Rest.</p>"
    assert converted.excerpt == "Anriss *hier*."
    explicit = convert_post("A<!--more-->B", "Eigener <b>Auszug</b>", post_id=1, attachments={})
    assert explicit.excerpt == "Eigener Auszug"


def test_block_editor_content_is_not_autopd():
    """Gutenberg content is HTML already: block comments go, nothing is wrapped again."""
    content = (
        "<!-- wp:paragraph -->\n<p>Eins\nnoch</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:image {"id":3} -->\n<figure class="wp-block-image"><img src="/a.jpg" alt=""/>'
        "</figure>\n<!-- /wp:image -->"
    )
    converted = convert_post(content, "", post_id=1, attachments={})
    assert converted.body == (
        '<p>Eins\nnoch</p>\n\n<figure class="wp-block-image"><img src="/a.jpg" alt=""/></figure>'
    )


def test_a_url_alone_on_a_line_becomes_a_link():
    """WordPress embedded such URLs (YouTube …); here they are at least links."""
    converted = convert_post(
        "Schau:\n\nhttps://youtu.be/abc\n\nGut.", "", post_id=1, attachments={}
    )
    assert '<p><a href="https://youtu.be/abc">https://youtu.be/abc</a></p>' in converted.body


@pytest.mark.parametrize(
    ("html", "markdown", "rendered"),
    [
        ("Eins\nzwei\n\ndrei", "Eins\nzwei\n\ndrei", "<p>Eins<br>\nzwei</p>\n<p>drei</p>"),
        ("<strong>fett</strong> <em>schräg</em>", "**fett** *schräg*", None),
        ('<a href="https://x.org/a_b">Link_1</a>', "[Link\\_1](https://x.org/a_b)", None),
        ("*kein* _Markdown_", "\\*kein\\* \\_Markdown\\_", "<p>*kein* _Markdown_</p>"),
        ("- kein Punkt\n1. keine Nummer", "\\- kein Punkt\n1\\. keine Nummer", None),
        ("<blockquote>Zitat</blockquote>Antwort", "> Zitat\n\nAntwort", None),
        ("<code>a*b</code>", "`a*b`", "<p><code>a*b</code></p>"),
        ('<a href="javascript:alert(1)">x</a>', "x", "<p>x</p>"),
        ("a &lt;3 &amp; b <script>x</script>", "a <3 & b x", "<p>a &lt;3 &amp; b x</p>"),
    ],
)
def test_comment_html_to_markdown(html, markdown, rendered):
    """WordPress's comment tags become comment Markdown; everything else is plain text."""
    assert comment_markdown(html) == markdown
    if rendered is not None:
        assert render_comment(markdown) == rendered
