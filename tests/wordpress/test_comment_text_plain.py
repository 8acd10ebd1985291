"""A WordPress comment without tags or character references is escaped without the
HTML parser (issue #13), to the Markdown the parser's way gives."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from wordpress import comment_text
from wordpress.comment_text import comment_markdown

PIECES = [
    "Guter Punkt", "Größe", " ", "\t", "\n", "\r\n", "\r", "\n\n\n", "*", "_", "`", "[", "]",
    "\\", "#", "> ", ">", "- ", "+ ", "1. ", "12.", "    ", "<", "&", "&amp;", "&lt;", "<b>",
    "</b>", "<em>x</em>", "<!-- c -->", "https://a.de", "a@b.de", "😀", "\x0b", "\u00a0",
]  # fmt: skip


def by_the_parser(content: str) -> str:
    converter = comment_text._Converter()
    converter.feed(content.replace("\r\n", "\n").replace("\r", "\n"))
    converter.close()
    while len(converter.stack) > 1:
        converter.handle_endtag(converter.stack[-1][0])
    text = "".join(converter.stack[0][2])
    text = comment_text._TRAILING_BLANKS.sub("\n", text)
    return comment_text._BLANK_LINES.sub("\n\n", text).strip()


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.text()))
@example("- Punkt\n1. Nummer\n# Titel *fett* _x_ [l](u) `c` \\")
@example("")
def test_without_tags_the_same_markdown_as_the_parsers(content):
    assert comment_markdown(content) == by_the_parser(content)
