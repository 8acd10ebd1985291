"""A small HTML reader for the tests: elements with attributes, text and ancestors,
and the nesting problems of a document (an end tag that closes the wrong element)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


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
        """The text with whitespace folded (a no-break space stays)."""
        return " ".join(self.text.replace("\u00a0", "\x00").split()).replace("\x00", "\u00a0")

    def has(self, tag: str, cls: str | None = None) -> bool:
        return self.tag == tag and (cls is None or cls in self.classes)

    def within(self, tag: str | None = None, cls: str | None = None) -> bool:
        """Whether an ancestor has this tag and/or class."""
        return any(
            (tag is None or p.tag == tag) and (cls is None or cls in p.classes)
            for p in self.parents
        )


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


def _read(source) -> _Parser:
    if hasattr(source, "content"):
        source = source.content
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    parser = _Parser()
    parser.feed(source)
    parser.close()
    return parser


def parse(source) -> list[Element]:
    """All elements of a document (a str, bytes or a response)."""
    return _read(source).elements


def nesting_problems(source) -> list[str]:
    """Mismatched or unclosed tags in a document (empty when well-formed)."""
    return _read(source).problems


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


def post_titles(source) -> list[str]:
    """Titles of the post summaries in a list, in order."""
    return [e.clean_text for e in select(source, "h2", "entry-title")]


def comment_form_values(source) -> dict:
    """What the comment form would send as the page fills it in: its inputs, the ticked
    boxes as "on", and the text (the newline after <textarea> is not part of it)."""
    elements = parse(source)
    form = one(elements, "form", id_="commentform")
    inputs = [e for e in elements if e.tag == "input" and form in e.parents]
    values = {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in inputs
        if e.attrs.get("type") != "checkbox"
    }
    values.update({e.attrs["name"]: "on" for e in inputs if "checked" in e.attrs})
    body = one(elements, "textarea", id_="id_body").text
    values["body"] = body.removeprefix("\r\n").removeprefix("\n")
    return values
