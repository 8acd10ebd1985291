"""Helpers for the comment tests: sending the form and reading the comment markup."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import translation

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


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


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict
    parents: list = field(default_factory=list)
    text: str = ""

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    @property
    def parent(self):
        return self.parents[-1] if self.parents else None

    @property
    def clean_text(self) -> str:
        return " ".join(self.text.split())

    def has(self, tag: str, cls: str | None = None) -> bool:
        return self.tag == tag and (cls is None or cls in self.classes)


class _Parser(HTMLParser):
    """Collects elements and reports end tags that do not close the innermost open one."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.problems: list[str] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, list(self._open))
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, list(self._open)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self._open or self._open[-1].tag != tag:
            inner = self._open[-1].tag if self._open else "nothing"
            self.problems.append(f"</{tag}> closes <{inner}> at {self.getpos()}")
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                return

    def handle_data(self, data):
        for element in self._open:
            element.text += data

    def close(self):
        super().close()
        self.problems += [f"<{e.tag}> never closed" for e in self._open]


def _source(source) -> str:
    if hasattr(source, "content"):
        source = source.content
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    return source


def parse(source) -> list[Element]:
    """All elements of a document (a str, bytes or a response)."""
    parser = _Parser()
    parser.feed(_source(source))
    parser.close()
    return parser.elements


def nesting_problems(source) -> list[str]:
    """Mismatched or unclosed tags in a document (empty when well-formed)."""
    parser = _Parser()
    parser.feed(_source(source))
    parser.close()
    return parser.problems


def select(source, tag: str, cls: str | None = None, **attrs) -> list[Element]:
    """Elements with this tag, optionally a class and exact attribute values (id_ for id)."""
    elements = source if isinstance(source, list) else parse(source)
    return [
        e
        for e in elements
        if e.has(tag, cls) and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
    ]


def one(source, tag: str, cls: str | None = None, **attrs) -> Element:
    found = select(source, tag, cls, **attrs)
    assert len(found) == 1, f"expected one <{tag} class={cls} {attrs}>, found {len(found)}"
    return found[0]


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
