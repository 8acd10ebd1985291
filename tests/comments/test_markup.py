"""Comment bodies to safe HTML (comments/markup.py) and how they look on the post page."""

import re

import pytest
from playwright.sync_api import expect

from comments.markup import (
    COMMENT_ATTRIBUTES,
    COMMENT_TAGS,
    MAX_TAG_DEPTH,
    WORDPRESS_TAGS,
    render_comment,
)
from comments.models import Comment
from tests.comments.helpers import nesting_problems, one, parse, select, send_comment
from tests.factories import CommentFactory, PostFactory
from wordpress.comment_text import comment_markdown

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
        assert element.tag in COMMENT_TAGS, element.tag
        for name in element.attrs:
            assert name in COMMENT_ATTRIBUTES.get(element.tag, ()), (element.tag, name)
        for name in ("href", "cite"):
            url = re.sub(r"[\x00-\x20]+", "", element.attrs.get(name, "")).lower()
            assert url == "" or url.startswith(("https:", "http:", "mailto:")), url
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


# HTML typed out of WordPress habit (issue #10) -----------------------------------------

# Each tag WordPress allows, as a commenter types it, and what the page shows.
TYPED_TAGS = {
    "a": ('<a href="https://example.org/lauf" title="Mein Lauf">', "a"),
    "abbr": ('<abbr title="Hypertext Markup Language">', "abbr"),
    "acronym": ('<acronym title="Deutsche Bahn">', "abbr"),
    "b": ("<b>", "b"),
    "blockquote": ('<blockquote cite="https://example.org/quelle">', "blockquote"),
    "cite": ("<cite>", "cite"),
    "code": ("<code>", "code"),
    "del": ("<del>", "del"),
    "em": ("<em>", "em"),
    "i": ("<i>", "i"),
    "q": ('<q cite="https://example.org/zitat">', "q"),
    "s": ("<s>", "s"),
    "strike": ("<strike>", "s"),
    "strong": ("<strong>", "strong"),
}

# Scripts tried inside the allowed tags: each must come out inert.
XSS_IN_ALLOWED_TAGS = [
    '<a href="javascript:alert(1)">klick</a>',
    '<a href="JaVaScRiPt:alert(1)">klick</a>',
    '<a href="&#106;avascript:alert(1)">klick</a>',
    '<a href="java\tscript:alert(1)">klick</a>',
    '<a href=" javascript:alert(1)">klick</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klick</a>',
    '<a href="vbscript:msgbox(1)">klick</a>',
    '<a href="https://example.org/" onclick="alert(1)" style="color:red" target="_blank">x</a>',
    "<a href=https://example.org/ title=`x`onmouseover=alert(1)>x</a>",
    '<a title="&quot;><script>alert(1)</script>">x</a>',
    '<a href="https://example.org/"<script>alert(1)</script>',
    '<q cite="javascript:alert(1)">zitat</q>',
    '<blockquote cite="javascript:alert(1)">zitat</blockquote>',
    '<abbr title="x" onmouseover="alert(1)">a</abbr>',
    '<b style="background:url(javascript:alert(1))">fett</b>',
    "<b onmouseover=alert(1)>fett</b>",
    "<strong/onmouseover=alert(1)>fett</strong>",
    "<i\nonclick=alert(1)>kursiv</i>",
    "<code onfocus=alert(1) autofocus tabindex=1>x</code>",
    "<b <script>alert(1)</script>>",
    "<em><script>alert(1)</script></em>",
    "<cite><img src=x onerror=alert(1)></cite>",
    "<blockquote><svg onload=alert(1)></blockquote>",
    '<a href="https://example.org/"><iframe src="https://evil.example/"></iframe></a>',
    "<del><style>*{display:none}</style></del>",
    '<q cite="https://example.org/" onmouseover="alert(1)">q</q>',
]


@pytest.mark.parametrize("tag", TYPED_TAGS)
def test_each_html_tag_wordpress_allows_renders(tag):
    """A tag WordPress allows in comments is markup here too, with its allowed attributes."""
    opening, shown = TYPED_TAGS[tag]
    html = render_comment(f"Vorher {opening}Inhalt</{tag}> nachher")
    element = one(html, shown)
    assert element.text == "Inhalt"
    typed = dict(re.findall(r'(\w+)="([^"]*)"', opening))
    expected = typed | ({"rel": "nofollow ugc noopener"} if tag == "a" else {})
    assert element.attrs == expected
    assert " ".join(re.sub(r"<[^>]*>", "", html).split()) == "Vorher Inhalt nachher"


@pytest.mark.parametrize("text", XSS_IN_ALLOWED_TAGS)
def test_scripts_inside_the_allowed_tags_stay_harmless(text):
    """Handlers, styles and script URLs in the allowed tags are dropped, other tags are text."""
    _assert_harmless(render_comment(text))


def test_other_tags_stay_text_next_to_the_allowed_ones():
    """<b> is markup, <div> and <script> read as typed, and tags in code spans stay text."""
    html = render_comment("<b>fett</b> <div>block</div> `<i>code</i>` <script>x</script>")
    assert one(html, "b").text == "fett"
    assert not select(html, "div") and not select(html, "i") and not select(html, "script")
    assert one(html, "code").text == "<i>code</i>"
    assert "<div>block</div>" in one(html, "p").text
    assert "<script>x</script>" in one(html, "p").text


def test_markdown_and_html_mix():
    """**fett** and <i>kursiv</i> in one comment, a Markdown link inside <blockquote>."""
    html = render_comment(
        "**fett** und <i>kursiv</i>\n\n<blockquote>[hier](https://example.org/)</blockquote>"
    )
    assert one(html, "strong").text == "fett"
    assert one(html, "i").text == "kursiv"
    link = one(html, "a")
    assert link.within("blockquote")
    assert link.attrs == {"href": "https://example.org/", "rel": "nofollow ugc noopener"}


def test_a_typed_blockquote_leaves_no_empty_paragraphs():
    """<blockquote> typed on its own lines, as in WordPress: a quote and a paragraph after it."""
    html = render_comment("<blockquote>\nDu hast recht.\nGanz sicher.\n</blockquote>\nDanke!")
    assert "<p></p>" not in html
    quote = one(html, "blockquote")
    assert quote.clean_text == "Du hast recht. Ganz sicher."
    assert len(select(html, "br")) == 1
    assert html.endswith("</blockquote>\nDanke!")


def test_unclosed_tags_are_closed():
    """An unclosed <b> ends with the comment: the page after it is not bold."""
    html = render_comment("<b>fett <i>und kursiv")
    assert html == "<p><b>fett <i>und kursiv</i></b></p>"
    assert not nesting_problems(html)


def test_deeply_nested_tags_stay_text_beyond_the_limit():
    """Opening tags beyond MAX_TAG_DEPTH unclosed ones are shown as typed."""
    html = render_comment("<b>" * 100 + "tief")
    assert len(select(html, "b")) == MAX_TAG_DEPTH
    assert html.count("&lt;b&gt;") == 100 - MAX_TAG_DEPTH


@pytest.mark.django_db
@pytest.mark.parametrize("tag", TYPED_TAGS)
def test_each_allowed_tag_shows_on_the_post_page(client, post, tag):
    """The comment sent through the form shows the tag on the post page, and nothing else."""
    opening, shown = TYPED_TAGS[tag]
    body = f"Siehe {opening}hier</{tag}>, und <script>alert(1)</script>"
    assert send_comment(client, post, body=body).status_code == 302
    comment = Comment.objects.get()
    comment.status = Comment.Status.APPROVED
    comment.save()
    page = client.get(post.get_absolute_url())
    elements = parse(page)
    content = one(elements, "div", "comment-content")
    inside = [e for e in elements if content in e.parents]
    assert [e.tag for e in inside] == ["p", shown]
    assert inside[1].text == "hier"
    assert content.clean_text == "Siehe hier, und <script>alert(1)</script>"
    assert b"<script>alert(1)" not in page.content


@pytest.mark.django_db
def test_the_form_says_which_formatting_works(client, post):
    """One line under the form names Markdown and every HTML tag with its attributes."""
    page = client.get(post.get_absolute_url())
    hint = one(page, "p", "form-allowed-tags")
    assert hint.clean_text.startswith(
        "Du kannst Markdown oder diese HTML-Tags und -Attribute verwenden: <a href"
    )
    listed = re.findall(r'<(\w+)((?: \w+="")*)>', hint.text)
    assert {tag: tuple(re.findall(r"(\w+)=", attrs)) for tag, attrs in listed} == WORDPRESS_TAGS


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


@pytest.mark.browser
def test_html_typed_in_the_form_shows_bold_text_and_a_nofollow_link(
    browser, transactional_db, live_server
):
    """In Chromium: a comment with <b> and <a href> sent through the real form shows bold
    text and a link with rel="nofollow ugc", and the form says that HTML works."""
    post = PostFactory(title="hartes training")
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    expect(page.locator("#form-allowed-tags")).to_contain_text(
        "Du kannst Markdown oder diese HTML-Tags und -Attribute verwenden: <a href"
    )
    page.locator("#id_body").fill(
        'Das ist <b>wirklich gut</b>, siehe <a href="https://example.org/lauf">meinen Lauf</a>.'
    )
    page.locator("#id_author_name").fill("Leserin")
    page.locator("#id_author_email").fill("leserin@example.org")
    page.locator("#id_captcha").fill("PASSED")
    page.locator("#submit").click()

    comment = Comment.objects.get()
    shown = page.locator(f"#comment-{comment.pk} .comment-content")
    expect(shown).to_have_text("Das ist wirklich gut, siehe meinen Lauf.")
    bold = shown.locator("b")
    expect(bold).to_have_text("wirklich gut")
    assert int(bold.evaluate("b => getComputedStyle(b).fontWeight")) >= 600
    link = shown.get_by_role("link", name="meinen Lauf")
    expect(link).to_have_attribute("href", "https://example.org/lauf")
    assert {"nofollow", "ugc"} <= set(link.get_attribute("rel").split())
    context.close()


def test_a_tag_escaped_with_a_backslash_reads_as_typed():
    """\\<b> shows "<b>": how imported WordPress comments keep a tag they showed as text."""
    assert render_comment(r"Schreib \<b>fett\</b>") == "<p>Schreib &lt;b&gt;fett&lt;/b&gt;</p>"


def test_an_imported_comment_shows_a_tag_as_text_where_wordpress_did():
    """WordPress showed "&lt;b&gt;" as "<b>": after the import it still reads so, while
    the tags WordPress rendered stay markup."""
    html = render_comment(comment_markdown("Schreib &lt;b&gt;fett&lt;/b&gt; oder <b>so</b>"))
    assert one(html, "p").text == "Schreib <b>fett</b> oder so"
    assert one(html, "strong").text == "so"
