"""The plain comment's short way (issue #13): text that Markdown would only split into
paragraphs and lines, with at most *emphasis*, is rendered without Markdown, bleach and
the linker, to exactly the HTML they give. Compared with the whole way over random plain
and near-plain texts, the texts of the tests' WordPress exports and the benchmark's."""

import ast
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from blog.markup import MARKDOWN_WORK_MIN, MARKDOWN_WORK_PER_CHAR
from comments import markup
from comments.markup import render_comment
from wordpress import bench
from wordpress.comment_text import comment_markdown

ROOT = Path(__file__).resolve().parents[2]

# Pieces of plain text and of everything that is almost plain: each character Markdown,
# the sanitiser or the linker act on, at the start or end of a line or in a word.
PIECES = [
    "Guter Punkt", "danke", "Größe", "Übel", "ß", "a", "Z", "1", "2024", " ", "  ", "\n",
    "\n\n", "\n\n\n", "\n \n", " \n", "\t", ",", ".", "!", "?", ":", ";", "(", ")", '"', "'",
    "„", "“", "–", "…", "€", "%", "/", "@", "$", "^", "~", "|", "{", "}", "=", "==", "---",
    "*", "**", "***", "* ", " *", "*x*", "*a b*", "_", "__", "`", "[", "]", "\\", "#", "# ",
    ">", "> ", "<", "&", "&amp;", "<em>", "</em>", "-", "- ", "+ ", "1. ", "1.", "3) ", "    ",
    "www.", "example.de", "beispiel.com", "http://a.de", "https:", "a@b.de", "mailto:",
    "z.B.", "index.html", "\u00a0", "\u2028", "\x0b", "\x0c", "\x01", "\ufffd", "\ufdd0",
    "😀", "\u0301", "\u200b", ":)", "<3", "->",
]  # fmt: skip


def both_ways(text: str) -> str | None:
    """The short way's HTML, checked against the whole way's; None where it is not taken."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = markup._DEEP_QUOTE.sub(r"\1", text)
    plain = markup._render_plain(text)
    if plain is not None:
        assert plain == markup._render_whole(text), repr(text)
    return plain


texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
plain_texts = st.lists(
    st.sampled_from(["Guter Punkt", "danke", "Größe", " ", "\n", "\n\n", ",", ".", "!", "*x*"]),
    min_size=1,
    max_size=30,
).map("".join)
characters = st.text(st.characters(codec="utf-8", exclude_characters="\r\x00"), max_size=40)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(texts, plain_texts, characters))
@example("Guter Punkt, *danke*!\nZweite Zeile.")
@example("a * b * c")
@example("x*y*z")
@example("*a*\n*b*")
@example("Ende.\n\n\n\nNeu")
@example("Zeile\n===")
@example("2024. war gut")
def test_the_short_way_gives_the_whole_ways_html(text):
    both_ways(text)
    both_ways(comment_markdown(text))


def test_the_short_way_is_taken_for_plain_comments_only():
    assert both_ways("Guter Punkt, *danke*!\nZweite Zeile.") == (
        "<p>Guter Punkt, <em>danke</em>!<br>\nZweite Zeile.</p>"
    )
    assert both_ways("Eins\nzwei\n\ndrei") == "<p>Eins<br>\nzwei</p>\n<p>drei</p>"
    for text in ["a <b>", "a & b", "**fett**", "siehe example.de", "- Punkt", "a  \nb", "\ta"]:
        assert markup._render_plain(text) is None, text


def test_at_its_limits_the_same_html_and_beyond_them_the_whole_way():
    """Markdown's work grows with line breaks times length: beyond its budget the whole
    way shows the text plain (tests/hardening/test_bad_input.py), so the short way stops
    well before."""
    at_limits = [
        "a\n" * 100 + "a",
        ("ab cd\n" * 100 + "x" * 4000)[:4000],
        "*a* " * 49 + "*a*",
        "*a" * 50,
        "Wort " * 799 + "Ende",
    ]
    for text in at_limits:
        assert len(text) <= markup.MAX_PLAIN_LENGTH
        assert both_ways(text) is not None, text
        assert markup._markdown().work < 0.5 * (
            MARKDOWN_WORK_MIN + MARKDOWN_WORK_PER_CHAR * len(text)
        )
    for text in ["a\n" * 101 + "a", "*a" * 51, "Wort " * 800 + "Ende", "a\n" * 999 + "a"]:
        assert markup._render_plain(text) is None
    assert render_comment("a\n" * 999 + "a") == markup._render_whole("a\n" * 999 + "a")


def _test_strings() -> set[str]:
    """Every string of the WordPress tests (their exports' comments among them) and the
    comments of the real-WordPress scenario."""
    strings = set()
    for path in sorted((ROOT / "tests" / "wordpress").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
    scenario = (ROOT / "bench" / "wordpress" / "scenario.php").read_text(encoding="utf-8")
    strings.update(re.findall(r"'comment_content'\s*=>\s*'([^']*)'", scenario))
    return strings


def test_the_tests_and_the_benchmarks_comments_either_way():
    taken = 0
    for content in sorted(_test_strings() | {bench.COMMENT}):
        for text in (content, comment_markdown(content)):
            taken += both_ways(text) is not None
    assert taken > 100


@pytest.mark.parametrize("content", [bench.COMMENT, "Ein Kommentar.", "Ebene 3."])
def test_imported_comments_take_the_short_way(content):
    """The benchmark's comment and the scenario's are plain once converted."""
    text = comment_markdown(content)
    assert markup._render_plain(text) is not None
    assert render_comment(text) == markup._render_whole(text)
