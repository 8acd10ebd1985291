"""A small HTML reader for the blog tests: elements with attributes, text and ancestors."""

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

    def within(self, tag: str | None = None, cls: str | None = None) -> bool:
        """Whether an ancestor has this tag and/or class."""
        return any(
            (tag is None or p.tag == tag) and (cls is None or cls in p.classes)
            for p in self.parents
        )

    @property
    def clean_text(self) -> str:
        """The text with whitespace folded (a no-break space stays)."""
        return " ".join(self.text.replace("\u00a0", "\x00").split()).replace("\x00", "\u00a0")


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, list(self._open))
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, list(self._open)))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                return

    def handle_data(self, data):
        for element in self._open:
            element.text += data


def parse(source) -> list[Element]:
    """All elements of a document (a str, bytes or a response)."""
    if hasattr(source, "content"):
        source = source.content
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    parser = _Parser()
    parser.feed(source)
    parser.close()
    return parser.elements


def select(source, tag: str, cls: str | None = None, **attrs) -> list[Element]:
    """Elements with this tag, optionally a class and exact attribute values."""
    elements = source if isinstance(source, list) else parse(source)
    return [
        e
        for e in elements
        if e.tag == tag
        and (cls is None or cls in e.classes)
        and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
    ]


def post_titles(source) -> list[str]:
    """Titles of the post summaries in a list, in order."""
    return [e.clean_text for e in select(source, "h2", "entry-title")]
