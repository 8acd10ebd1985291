"""Every payload of the XSS corpus, rendered alone by each renderer, leaves inert HTML (#7).

The HTML is read back with Python's html.parser, as a browser tokenises it: only the
renderer's allowed elements, no event-handler or style attribute, no URL but web and
mail addresses (and relative ones), and no `<script` anywhere in the text.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from blog.markup import POST_TAGS, render_markdown
from blog.models import responsive_images
from comments.markup import COMMENT_TAGS, render_comment
from tests.factories import CommentFactory
from tests.security.xss_corpus import CORPUS, SOURCES, VECTORS
from wordpress.comment_text import comment_markdown
from wordpress.content import convert_post

URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "data", "poster", "cite"}
SAFE_SCHEME = re.compile(r"^(?:https?|mailto):", re.I)
ANY_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.I)


class _Audit(HTMLParser):
    """Collects what a browser would find dangerous in a piece of HTML."""

    def __init__(self, allowed_tags):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.allowed_tags:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc"):
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                # Browsers drop control characters and whitespace from URLs.
                url = re.sub(r"[\x00-\x20\x7f]+", "", value)
                if ANY_SCHEME.match(url) and not SAFE_SCHEME.match(url):
                    self.problems.append(f"{tag}[{name}={value[:40]}]")

    handle_startendtag = handle_starttag


def audit(rendered: str, allowed_tags) -> list[str]:
    parser = _Audit(allowed_tags)
    parser.feed(rendered)
    parser.close()
    if "<script" in rendered.lower():
        parser.problems.append("<script in the text")
    return parser.problems


def _check_all(render, allowed_tags):
    failures = []
    for payload in CORPUS:
        problems = audit(render(payload.text), allowed_tags)
        if problems:
            failures.append(f"{payload.number} {payload.vector}/{payload.form}: {problems}")
    assert not failures, "\n".join(failures)


def test_corpus_is_large_and_sourced():
    """At least 300 payloads, each from a named source, each calling its own marker."""
    assert len(CORPUS) >= 300
    assert len({p.text for p in CORPUS}) == len(CORPUS)
    assert {v.source for v in VECTORS} <= set(SOURCES)
    templates = {v.name: v.template for v in VECTORS}
    for payload in CORPUS:
        if "@B64" not in templates[payload.vector]:
            assert str(payload.number) in payload.text, payload


def test_the_audit_sees_danger():
    """The audit is not blind: foreign elements, handlers, styles and script URLs count."""
    problems = audit(
        '<p style="x"><a href=" java\tscript:x" onclick="y">a</a><img src=data:x></p><svg>',
        {"p", "a"},
    )
    assert problems == [
        "p[style]",
        "a[href= java\tscript:x]",
        "a[onclick]",
        "<img>",
        "img[src=data:x]",
        "<svg>",
    ]


def test_comment_bodies_are_inert():
    """A comment's text, as the form stores it, renders to the comment allow-list only."""
    _check_all(render_comment, COMMENT_TAGS)


@pytest.mark.django_db
def test_post_markdown_is_inert():
    """A post's Markdown (raw HTML allowed) renders, with library images, to the allow-list."""
    _check_all(lambda text: responsive_images(render_markdown(text)), POST_TAGS)


def test_imported_wordpress_posts_are_inert():
    """WordPress post HTML, converted as the importer does, renders to the allow-list."""

    def render(text):
        return render_markdown(convert_post(text, "", post_id=1, attachments={}).body)

    _check_all(render, POST_TAGS)


def test_imported_wordpress_comments_are_inert():
    """WordPress comment HTML, converted as the importer does, renders to the allow-list."""
    _check_all(lambda text: render_comment(comment_markdown(text)), COMMENT_TAGS)


def test_a_stored_script_url_as_website_is_no_link(client, post):
    """A website that is not a web address (older data, another tool) links nowhere."""
    CommentFactory(post=post, author_name="Mallory", author_url="javascript:alert(1)")
    CommentFactory(post=post, author_name="Trudy", author_url=" JAVASCRIPT:alert(2)")
    CommentFactory(post=post, author_name="Walter", author_url="https://walter.example/")
    response = client.get(post.get_absolute_url())
    content = response.content.decode()
    assert "javascript:" not in content.lower()
    assert '<b class="fn">Mallory</b>' in content
    assert '<a href="https://walter.example/" rel="external nofollow ugc" class="url">' in content
    assert reverse("comments:comment_create", args=[post.pk]) in content
