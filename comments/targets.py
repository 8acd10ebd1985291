"""What a comment is on: a post or, as in WordPress, a page (issue #13).

`Comment.post` and `Comment.page` hold it, exactly one of the two; these helpers let
the thread, its pages, the form and the feeds take either without asking which.
"""

from blog.models import Page


def is_page(target) -> bool:
    return isinstance(target, Page)


def target_fields(target) -> dict:
    """The keyword a new Comment (or a filter) takes for its post or page."""
    return {"page": target} if is_page(target) else {"post": target}


def target_key(target) -> str:
    """A name for keys of caches and markers: "post12", "page3"."""
    return f"{'page' if is_page(target) else 'post'}{target.pk}"
