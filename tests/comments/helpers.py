"""Helpers for the comment tests: sending the form and reading the comment markup."""

from django.urls import reverse
from django.utils import translation

from tests.html import Element, nesting_problems, one, parse, select

__all__ = [
    "Element",
    "comment_ids",
    "comment_items",
    "form_data",
    "german",
    "nesting_problems",
    "one",
    "parse",
    "select",
    "send_comment",
    "textarea_value",
    "thread_parent_id",
]


def form_data(**fields) -> dict:
    """What an anonymous visitor's browser sends; keyword arguments replace fields."""
    data = {
        "body": "Schöner Beitrag, danke!",
        "author_name": "Anna",
        "author_email": "anna@example.net",
        "author_url": "",
        "captcha": "passed",
        "honeypot": "",
        "parent": "",
    }
    data.update(fields)
    return data


def send_comment(client, post, *, ip="198.51.100.1", headers=None, **fields):
    """POST the comment form of `post` from the IP address `ip`."""
    return client.post(
        reverse("comments:comment_create", kwargs={"post_id": post.pk}),
        form_data(**fields),
        REMOTE_ADDR=ip,
        headers=headers or {},
    )


def german(msgid: str) -> str:
    """The German text of an English message id, which must have a translation."""
    with translation.override("de"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no German translation for {msgid!r}"
    return text


def comment_items(source) -> list[Element]:
    """The <li class="comment"> elements of the thread, in document order."""
    return [e for e in select(source, "li", "comment") if e.attrs.get("id", "").startswith("c")]


def comment_ids(source) -> list[int]:
    return [int(li.attrs["id"].removeprefix("comment-")) for li in comment_items(source)]


def thread_parent_id(li: Element) -> int | None:
    """The id of the comment whose <li> holds this one, or None at the top level."""
    for ancestor in reversed(li.parents):
        if ancestor.has("li", "comment"):
            return int(ancestor.attrs["id"].removeprefix("comment-"))
    return None


def textarea_value(source, id_="id_body") -> str:
    """The text in a textarea (the newline after the start tag is not part of it)."""
    text = one(source, "textarea", id_=id_).text
    return text.removeprefix("\r\n").removeprefix("\n")
