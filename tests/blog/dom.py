"""HTML helpers for the blog tests (the reader itself is tests/html.py)."""

from tests.html import Element, parse, select

__all__ = ["Element", "parse", "post_titles", "select"]


def post_titles(source) -> list[str]:
    """Titles of the post summaries in a list, in order."""
    return [e.clean_text for e in select(source, "h2", "entry-title")]
