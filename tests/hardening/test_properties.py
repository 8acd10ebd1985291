"""Property-based tests (Hypothesis): arbitrary text against the comment form, the comment
view and both Markdown renderers (issue #7).

Whatever is typed: no exception, the HTML that comes out is sanitised (checked with
html.parser, not with string searches alone), and when the form is refused the text
is back in its textarea exactly as typed. The text is drawn from all of Unicode but
lone surrogates (no request can carry them: they cannot be encoded), mixed with pieces
of Markdown and of known attacks, so that links, emphasis and broken HTML are common.
"""

import html
import itertools
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.markup import POST_ATTRIBUTES, POST_TAGS, render_markdown
from comments.forms import CommentForm
from comments.markup import COMMENT_ATTRIBUTES, COMMENT_TAGS, render_comment
from comments.models import Comment
from tests.comments.helpers import form_data, select

PIECES = [
    "\n",
    "\n\n",
    "\r\n",
    "> ",
    "- ",
    "1. ",
    "    ",
    "*",
    "**",
    "_",
    "`",
    "```",
    "[",
    "]",
    "](",
    ")",
    "![",
    "<",
    ">",
    "&",
    "&#",
    "&#x",
    ";",
    '"',
    "'",
    "\\",
    "#",
    "|",
    "http://",
    "https://example.org/?a=1&b=2",
    "www.example.org",
    "mailto:",
    "javascript:",
    "JaVaScRiPt:alert(1)",
    "java\tscript:",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=javascript:alert(1)>",
    '<svg onload="alert(1)">',
    "<iframe src=//evil.example>",
    "<style>*{}</style>",
    "<!--",
    "-->",
    "<![CDATA[",
    # The HTML WordPress allows in comments (comments.markup.WORDPRESS_TAGS), typed.
    "<b>",
    "</b>",
    "<i>",
    "<a href=",
    '<a href="',
    '<a href="https://example.org/" title="',
    "</a>",
    "<blockquote>",
    "</blockquote>",
    '<blockquote cite="',
    '<q cite="',
    "<abbr title=",
    "<acronym>",
    "<strike>",
    "<code>",
    " onmouseover=",
    "\x00",
    "\x0b",
    "\x1b",
    "\u202e",
    "\u200b",
    "\ufeff",
    "😀",
    "Grüße",
    "ß",
]

# Everything Unicode has but surrogates, which no request can carry and no database stores.
any_char = st.characters(blacklist_categories=("Cs",))
words = st.text(any_char, max_size=12)
hostile_text = st.lists(st.one_of(words, st.sampled_from(PIECES)), max_size=30).map("".join)

SAFE_SCHEMES = {"http", "https", "mailto"}


class _Checker(HTMLParser):
    def __init__(self, tags, attributes):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = tags, attributes
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.tags:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            allowed = name in self.attributes.get(tag, ()) or (tag, name) == ("a", "rel")
            if name.startswith("on") or not allowed:
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "cite") and value:
                bare = re.sub(r"[\x00-\x20]", "", html.unescape(value))
                scheme = urlsplit(bare).scheme.lower() if ":" in bare.split("/")[0] else ""
                if scheme and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name}={value!r}")

    handle_startendtag = handle_starttag


def problems(rendered: str, tags, attributes) -> list[str]:
    checker = _Checker(tags, attributes)
    checker.feed(rendered)
    checker.close()
    if re.search(r"<\s*script", rendered, re.IGNORECASE):
        checker.problems.append("<script")
    return checker.problems


@settings(max_examples=200, deadline=None)
@given(hostile_text)
def test_render_comment_is_safe_for_any_text(text):
    rendered = render_comment(text)
    assert problems(rendered, COMMENT_TAGS, COMMENT_ATTRIBUTES) == []
    for link in re.findall(r'<a [^>]*href="([^"]*)"', rendered):
        assert urlsplit(html.unescape(link)).scheme in SAFE_SCHEMES


@settings(max_examples=200, deadline=None)
@given(hostile_text)
def test_render_markdown_is_safe_for_any_text(text):
    rendered = render_markdown(text)
    assert problems(rendered, POST_TAGS, POST_ATTRIBUTES) == []


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=hostile_text, name=hostile_text, url=hostile_text, email=hostile_text)
def test_the_comment_form_takes_any_text_without_an_exception(site, body, name, url, email):
    data = form_data(body=body, author_name=name, author_url=url, author_email=email)
    form = CommentForm(data, post=site.post, user=None)
    if form.is_valid():
        for field in ("body", "author_name", "author_url", "author_email"):
            value = form.cleaned_data[field]
            value.encode("utf-8")
            assert "\x00" not in value
            assert not re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f]", value)
    else:
        assert form["body"].value() == body


_address = itertools.count(1)


@pytest.mark.django_db
@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=hostile_text,
    name=st.one_of(st.just("Anna"), hostile_text),
    captcha=st.sampled_from(["passed", "passed", "falsch"]),
)
def test_the_comment_view_answers_any_text_safely_and_keeps_it(client, site, body, name, captcha):
    """Posted through the real view: 302 (saved), or 400 with the text in the textarea."""
    client.cookies.clear()  # a new visitor for every example
    n = next(_address)
    response = client.post(
        reverse("comments:comment_create", kwargs={"post_id": site.post.pk}),
        form_data(body=body, author_name=name, author_email=f"p{n}@example.net", captcha=captcha),
        REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
    )
    assert response.status_code in (302, 400, 409), response.status_code
    if response.status_code == 400:
        [area] = select(response, "textarea", id_="id_body")
        assert area.text.removeprefix("\n") == body
        assert not Comment.objects.filter(author_email=f"p{n}@example.net").exists()
        return
    if response.status_code == 302:
        comment = Comment.objects.get(author_email=f"p{n}@example.net")
        assert problems(comment.body_html, COMMENT_TAGS, COMMENT_ATTRIBUTES) == []
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert client.get("/comments/feed/").status_code == 200
        assert client.get(site.post.get_absolute_url() + "feed/").status_code == 200
