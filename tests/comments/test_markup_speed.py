"""Rendering a comment without work that changes nothing (issue #13: 20,000 imported
comments spent most of the import's time in the renderer). Counts, not timings."""

import random
import threading
from unittest import mock

import pytest

from comments import markup
from comments.markup import render_comment

PIECES = [
    "Guter Punkt, ", "*danke*", "**fett**", "`code`", "\n", "\n\n", "> ", "- ", "1. ",
    "    eingerückt", "<b>", "</b>", "<i>x</i>", '<a href="https://x.de/a?b=1&c=2">x</a>',
    "<a href='javascript:alert(1)'>y</a>", '<a href=http://q.de title="t">', "</a>",
    "&amp;", "&", "&lt;", "<", "<script>", "<img src=x>", "https://example.org/pfad_(x)",
    "www.beispiel.de", "beispiel.com", "(http://a.de)", "[l](http://l.de)", "[l](javascript:x)",
    '<blockquote cite="http://c.de">', "</blockquote>", "<q>", "<acronym title=a>", "<strike>",
    "<!-- c -->", "&nbsp;", "&#169;", '"zitiert"', "mailto:a@b.de", "a@b.de", "\\<b>", "## h",
    "  \n", "z.B. ", "usw.", "12.05.2024", "Version 1.2.3", "index.html", "&euro;",
    "<code>&amp;</code>", " `&lt;b&gt;` ", "Größe ", ":)", "<3", "->",
]  # fmt: skip


def texts(n, seed=13):
    rng = random.Random(seed)
    return ["".join(rng.choices(PIECES, k=rng.randint(1, 25))) for _ in range(n)]


def test_skipping_the_linker_leaves_the_same_html():
    skipped = 0
    for text in texts(3000):
        cleaned = markup._clean(markup.convert_within(markup._markdown(), text) or "")
        if not markup._MAY_LINK.search(cleaned):
            skipped += 1
        assert markup._linkify(cleaned) == markup._linker().linkify(cleaned), text
    assert 300 < skipped < 3000  # both ways taken


def test_a_comment_without_links_is_not_parsed_a_second_time():
    linker = markup._linker()
    with mock.patch.object(linker, "linkify", wraps=linker.linkify) as linkify:
        assert render_comment("Guter Punkt, *danke*!\nZweite Zeile.") == (
            "<p>Guter Punkt, <em>danke</em>!<br>\nZweite Zeile.</p>"
        )
        assert linkify.call_count == 0
        assert 'href="https://example.org"' in render_comment("Siehe https://example.org")
        assert 'rel="nofollow ugc noopener"' in render_comment('<a href="http://a.de">a</a>')
        assert linkify.call_count == 2


@pytest.mark.parametrize("threads", [1, 3])
def test_one_cleaner_per_thread(threads):
    text = "**Hallo** <b>Welt</b> <script>x</script>, siehe https://example.org/"
    expected = render_comment(text)
    assert "<script>" not in expected and 'rel="nofollow ugc noopener"' in expected
    results = []
    with mock.patch.object(markup, "make_cleaner", wraps=markup.make_cleaner) as made:

        def render():
            results.extend(render_comment(text) for _ in range(100))

        workers = [threading.Thread(target=render) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    # A shared Linker rendered some of them empty (or raised IndexError) with 3 threads.
    assert results == [expected] * 100 * threads
    assert made.call_count == threads  # one each, not one per comment
