"""Markdown to sanitised HTML (blog/markup.py): hostile input loses everything active."""

import cProfile
import itertools
import pstats
import time
from html.parser import HTMLParser
from pathlib import Path

import bleach
import pytest

from blog.markup import (
    MARKDOWN_WORK_MIN,
    MARKDOWN_WORK_PER_CHAR,
    POST_ATTRIBUTES,
    POST_TAGS,
    _post_markdown,
    clean_html,
    convert_within,
    derive_excerpt,
    plain_paragraphs,
    plain_text,
    render_markdown,
    sanitize_html,
)
from comments.markup import _markdown as comment_markdown
from comments.markup import render_comment

README = Path(__file__).resolve().parents[2] / "README.md"


class _Elements(HTMLParser):
    """Every start tag of a fragment with its attributes, and the text outside tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def elements(fragment: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser.elements


def assert_harmless(fragment: str) -> None:
    """Only allow-listed tags and attributes, no handler, only http(s)/mailto URLs."""
    lowered = fragment.lower()
    for needle in ("<script", "<style", "<iframe", "<svg", "<object", "<embed", "<form"):
        assert needle not in lowered
    for tag, attrs in elements(fragment):
        assert tag in POST_TAGS, tag
        for name, value in attrs.items():
            assert name in POST_ATTRIBUTES.get(tag, []), (tag, name)
            assert not name.startswith("on")
            if name in ("href", "src"):
                scheme = (value or "").split(":", 1)[0].strip().lower() if ":" in value else ""
                assert scheme in ("", "http", "https", "mailto"), value


HOSTILE_SOURCES = [
    "<script>alert(1)</script>",
    "text <script src=https://evil.example/x.js></script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    "[x]( javascript:alert(1) )",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body { display: none }</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="data:text/html,<script>alert(1)</script>">klick</a>',
    "[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<div onclick="alert(1)" onmouseover="alert(2)">x</div>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example/"><input name="p"></form>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "![bild](javascript:alert(1))",
    "<!-- <script>alert(1)</script> -->",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
]


@pytest.mark.parametrize("source", HOSTILE_SOURCES)
def test_hostile_markup_is_neutralised(source):
    """Script, style, iframe, handlers and javascript:/data: URLs do not survive."""
    result = render_markdown(source)
    assert_harmless(result)
    assert "onerror" not in result.lower()
    assert "javascript:" not in result.lower()
    assert "data:text" not in result.lower()


def test_script_content_never_becomes_an_element():
    """A script tag leaves at most inert text, never a script element."""
    result = render_markdown("vorher <script>alert(1)</script> nachher")
    assert [tag for tag, _attrs in elements(result)] == ["p"]
    assert "vorher" in result and "nachher" in result


def test_safe_link_keeps_its_href_and_loses_only_the_handler():
    """A normal link survives; its event handler does not."""
    result = render_markdown('<a href="https://example.org/" onclick="alert(1)" title="t">x</a>')
    assert elements(result) == [("p", {}), ("a", {"href": "https://example.org/", "title": "t"})]


def test_image_keeps_source_and_alt():
    """A Markdown image keeps its https source and alt text."""
    result = render_markdown("![ein bild](https://example.org/bild.jpg)")
    assert elements(result) == [
        ("p", {}),
        ("img", {"src": "https://example.org/bild.jpg", "alt": "ein bild"}),
    ]


def test_ordinary_markdown_survives():
    """Emphasis, lists, links, inline and block code and tables render as expected."""
    source = (
        "*betont* und **stark**\n\n"
        "- eins\n- zwei\n\n"
        "1. erstens\n2. zweitens\n\n"
        "[ein link](https://example.org/seite) und [mail](mailto:a@example.org)\n\n"
        "`inline` code\n\n"
        "```\nrsync -a <quelle> ziel\n```\n\n"
        "> zitat\n\n"
        "| spalte | wert |\n|---|---|\n| a | 1 |\n"
    )
    result = render_markdown(source)
    assert "<p><em>betont</em> und <strong>stark</strong></p>" in result
    assert "<ul>\n<li>eins</li>\n<li>zwei</li>\n</ul>" in result
    assert "<ol>\n<li>erstens</li>\n<li>zweitens</li>\n</ol>" in result
    assert '<a href="https://example.org/seite">ein link</a>' in result
    assert '<a href="mailto:a@example.org">mail</a>' in result
    assert "<code>inline</code>" in result
    assert "<pre><code>rsync -a &lt;quelle&gt; ziel\n</code></pre>" in result
    assert "<blockquote>\n<p>zitat</p>\n</blockquote>" in result
    assert "<th>spalte</th>" in result and "<td>1</td>" in result
    assert_harmless(result)


def test_umlauts_dashes_and_emoji_are_kept():
    """German letters, the en dash, the ellipsis, a no-break space and emoji pass unchanged."""
    text = "übung macht den meister – größer, schöner \u00a0 ÄÖÜ ß … 😉"
    assert render_markdown(text) == f"<p>{text}</p>"


def test_empty_body_renders_to_nothing():
    """An empty or missing body renders to an empty string."""
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_plain_text_unescapes_and_folds_whitespace():
    """plain_text gives the visible text: tags gone, entities decoded, any spaces folded."""
    assert plain_text("<p>a &amp; b</p>\n\n<p>c&nbsp;–  d</p>") == "a & b c – d"


def test_derive_excerpt_stops_at_the_word_limit():
    """derive_excerpt keeps the first words and appends an ellipsis."""
    assert derive_excerpt("<p>eins zwei drei vier</p>", words=2) == "eins zwei …"
    assert derive_excerpt("<p>eins zwei</p>", words=2) == "eins zwei"


# Bounded work, counted and not timed (issue #10) ----------------------------------------


def test_rendering_does_not_depend_on_the_clock(monkeypatch):
    """A long post and a long comment render the same on a machine so busy that every
    clock reading is a second later than the one before."""
    post, comment = README.read_text(), README.read_text()[:20000]
    expected = render_markdown(post), render_comment(comment)
    assert "<h2" in expected[0] and "<pre><code" in expected[0]  # Markdown, not plain text
    assert "<code>" in expected[1]
    ticks = itertools.count()
    for clock in ("monotonic", "perf_counter", "process_time", "thread_time", "time"):
        monkeypatch.setattr(time, clock, lambda: float(next(ticks)))
    assert (render_markdown(post), render_comment(comment)) == expected


def test_real_markdown_costs_a_fraction_of_the_budget():
    """The README costs under a tenth of what a text of its length may cost."""
    text = README.read_text()
    render_markdown(text)
    assert _post_markdown().work < MARKDOWN_WORK_PER_CHAR * len(text) / 10
    render_comment(text[:60000])
    assert comment_markdown().work < MARKDOWN_WORK_PER_CHAR * min(len(text), 60000) / 10


@pytest.mark.parametrize("render", [render_markdown, render_comment])
def test_65000_backticks_are_cut_after_bounded_work(render):
    """Each code span made Markdown copy the rest of the paragraph (some 2·10⁹
    characters for this text): the work stops at the budget and the text is shown
    as it was typed."""
    text = "`a" * 32500
    assert render(text) == plain_paragraphs(text)
    markdown = _post_markdown() if render is render_markdown else comment_markdown()
    assert MARKDOWN_WORK_PER_CHAR * len(text) < markdown.work
    assert markdown.work < MARKDOWN_WORK_MIN + 1.01 * MARKDOWN_WORK_PER_CHAR * len(text)


def _raw(text: str) -> str:
    """What Markdown makes of `text`, before bleach."""
    return convert_within(_post_markdown(), text)


CLEANING = {
    "readme": lambda: _raw(README.read_text()),
    "table": lambda: _raw("|a|b|\n|-|-|\n" + "|x *y*|[z](https://example.org/)|\n" * 300),
    "nested lists": lambda: _raw("\n".join("    " * (i % 6) + f"- *{i}*" for i in range(300))),
    "misnested": lambda: "<p><b>a<i>b</b>c</i><table><tr><td>d<p>e</table><ul><li>f<li>g",
    "hostile": lambda: "".join(HOSTILE_SOURCES),
}


@pytest.mark.parametrize("name", CLEANING)
def test_cleaning_gives_what_bleach_gives(name):
    """The faster tree walker changes nothing in what bleach makes of the HTML."""
    raw = CLEANING[name]()
    options = {"tags": POST_TAGS, "attributes": POST_ATTRIBUTES, "strip": True}
    assert clean_html(raw, **options) == bleach.clean(raw, **options)


def _sibling_searches(raw: str) -> int:
    """How often cleaning `raw` looks an element up among its siblings (list.index or
    list.count called by the tree walker's getParentNode)."""
    profile = cProfile.Profile()
    profile.runcall(sanitize_html, raw)
    searches = ("<method 'index' of 'list' objects>", "<method 'count' of 'list' objects>")
    return sum(
        calls
        for (_file, _line, function), (*_counts, callers) in pstats.Stats(profile).stats.items()
        if function in searches
        for (_file, _line, caller), (calls, *_rest) in callers.items()
        if caller == "getParentNode"
    )


def test_cleaning_a_long_post_searches_no_siblings():
    """4,000 paragraphs with a link each: no element is looked up among its 4,000
    siblings (html5lib's walker did, twice per paragraph: quadratic time)."""
    raw = _raw("Ein [Link](https://example.org/) und *mehr*.\n\n" * 4000)
    assert raw.count("<p>") == 4000
    assert _sibling_searches(raw) == 0
