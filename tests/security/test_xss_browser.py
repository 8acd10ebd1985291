"""Every payload of the XSS corpus, stored the ways a blog takes text, stays inert in Chromium.

The payloads (tests/security/xss_corpus.py) go in as comment text, name, website and
user agent through comments.services.submit_comment (the form's service), as post
Markdown and title, and as imported WordPress HTML (the importer's own conversion
functions); a sample goes through the real comment form in the browser. Then every
place the text appears is opened in Chromium: post pages and lists, search results,
the feeds (as Chromium shows the XML, and their HTML as a feed reader renders it), the
admin's comment and post pages, and the notification e-mails.

A payload "runs" when it calls `__xss(N)` (a binding exposed in every frame) or opens a
dialog (`alert(N)`). Beyond that, each page's DOM is searched for what could run on a
click or a hover: event-handler attributes, script elements of our own making,
`javascript:`/`data:`/`vbscript:` URLs, frames, objects and embeds. The pages are
loaded with the Content-Security-Policy bypassed: the escaping and sanitising must
hold alone, the policy (tests/security/test_headers.py) is a second line.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from defusedxml import ElementTree
from django.contrib import admin
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

import blog.feeds
import comments.feeds
from comments.models import NAME_MAX, URL_MAX, Comment, DiscussionSettings
from comments.services import Author, recount, submit_comment
from tests.conftest import SUPERUSER_PASSWORD
from tests.factories import PostFactory
from tests.security.xss_corpus import CORPUS, FORMS
from wordpress.comment_import import clean_url
from wordpress.comment_text import comment_markdown
from wordpress.content import convert_post, plain_title

pytestmark = pytest.mark.browser

# Payloads per post (and so comments per post page).
GROUP = 24
# How long a page may take, after its load event, to run a payload (autofocus,
# animations, media errors).
SETTLE_MS = 80

# Searches the DOM of a page for anything that could run script. Our own pages have
# no event-handler attributes, no inline scripts and no frames, so any such thing came
# from a payload.
SCAN = """() => {
  const found = [];
  const urlAttrs = new Set(["href", "src", "action", "formaction", "data", "poster",
    "background", "codebase", "cite", "srcset", "ping", "lowsrc", "dynsrc", "xlink:href"]);
  const loaders = new Set(["iframe", "frame", "frameset", "object", "embed", "applet",
    "base", "portal"]);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    const where = el.id || (el.closest("[id]") || {}).id || "";
    if (loaders.has(tag)) found.push(`<${tag}> in #${where}`);
    if (tag === "meta" && /refresh/i.test(el.getAttribute("http-equiv") || "")) {
      found.push(`<meta http-equiv=refresh> in #${where}`);
    }
    if (tag === "script") {
      const ownFile = el.src && new URL(el.src).origin === location.origin && !el.text.trim();
      const data = el.type === "application/json";
      if (!ownFile && !data) found.push(`<script>${(el.src || el.textContent).slice(0, 80)}`);
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) found.push(`${tag}[${name}] in #${where}`);
      if (name === "srcdoc") found.push(`${tag}[srcdoc] in #${where}`);
      if (urlAttrs.has(name) || name.endsWith(":href")) {
        const url = attr.value.replace(/[\\u0000-\\u0020\\u007f-\\u00a0]+/g, "").toLowerCase();
        if (/^(javascript|vbscript|livescript|data):/.test(url)) {
          found.push(`${tag}[${name}=${attr.value.slice(0, 60)}] in #${where}`);
        }
      }
    }
  }
  return found;
}"""


@dataclass
class Watch:
    """A Chromium context that records payloads that run and live injection points."""

    context: object
    page: object
    base_url: str
    executions: list = field(default_factory=list)
    injections: list = field(default_factory=list)
    visited: int = 0

    @classmethod
    def open(cls, browser, base_url: str) -> "Watch":
        context = browser.new_context(locale="de-DE", bypass_csp=True)
        # No requests leave the machine (payloads name example.org and the like).
        context.route(
            re.compile(r"^(?!https?://(localhost|127\.0\.0\.1)[:/]).+:.*"),
            lambda route: route.abort(),
        )
        page = context.new_page()
        watch = cls(context, page, base_url)
        context.expose_binding("__xss", watch._called)
        page.on("dialog", watch._dialog)
        return watch

    def _called(self, source, number):
        self.executions.append((f"__xss({number})", source["frame"].url))

    def _dialog(self, dialog):
        self.executions.append((f"{dialog.type}({dialog.message})", self.page.url))
        dialog.dismiss()

    def visit(self, path: str, *, scan: bool = True):
        """Open a page of the site; it must stay where it is and show nothing that runs."""
        url = path if path.startswith("http") else self.base_url + path
        self.page.goto(url, wait_until="load")
        self.settle(url, scan=scan)
        if self.page.url.split("#")[0] != url.split("#")[0]:
            self.injections.append((f"navigated to {self.page.url}", url))
        return self.page

    def show(self, markup: str, label: str):
        """Render markup as a page of its own (feed items, e-mails)."""
        self.page.set_content(markup, wait_until="load")
        self.settle(label)

    def settle(self, where: str, *, scan: bool = True):
        self.page.wait_for_timeout(SETTLE_MS)
        self.visited += 1
        if scan:
            self.injections += [(found, where) for found in self.page.evaluate(SCAN)]
        if len(self.page.frames) > 1:
            self.injections.append((f"{len(self.page.frames) - 1} frame(s)", where))

    def assert_inert(self):
        executed = [f"{call} on {url} ({describe(call)})" for call, url in self.executions]
        injected = [f"{found} on {where}" for found, where in self.injections]
        assert not executed, "payloads ran:\n" + "\n".join(executed)
        assert not injected, "live injection points:\n" + "\n".join(injected[:50])

    def close(self):
        self.context.close()


def describe(call: str) -> str:
    """The vector and form of the payload a marker call names."""
    match = re.search(r"\d+", call)
    if not match or not 1 <= int(match.group()) <= len(CORPUS):
        return "no payload of the corpus"
    payload = CORPUS[int(match.group()) - 1]
    return f"{payload.vector}, {payload.form}"


def _groups(items, size=GROUP):
    return [items[i : i + size] for i in range(0, len(items), size)]


def _is_web_url(text: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return False
    return len(text) <= URL_MAX


@dataclass
class Planted:
    markdown_posts: list
    wordpress_posts: list
    comments: list
    wordpress_comments: list


def open_discussion():
    """Every comment is shown at once: no moderation, no flood limit."""
    DiscussionSettings.objects.update_or_create(
        pk=1,
        defaults={"require_previous_approval": False, "max_links": 0, "flood_seconds": 0},
    )
    cache.clear()


def plant(author, base_url: str) -> Planted:
    """Every payload as post Markdown and title, WordPress HTML, and comment fields."""
    open_discussion()
    markdown_posts, wordpress_posts, planted, imported = [], [], [], []
    for index, group in enumerate(_groups(CORPUS)):
        texts = [p.text for p in group]
        post = PostFactory(author=author, title=texts[0][:200], body="\n\n".join(texts))
        markdown_posts.append(post)
        # As wordpress.importer does: the content converted, the title as text.
        converted = convert_post("\n\n".join(texts), "", post_id=index + 1, attachments={})
        wp_post = PostFactory(
            author=author,
            title=plain_title(texts[1])[:200] or f"wordpress {index}",
            body=converted.body,
        )
        wordpress_posts.append(wp_post)
        for payload in group:
            # The comment form's service: text, name, website (when it is a valid web
            # address) and browser as a visitor sent them.
            text = payload.text
            comment = submit_comment(
                post=post,
                parent=None,
                author=Author(
                    name=text[:NAME_MAX],
                    email=f"leser{payload.number}@example.net",
                    url=text if _is_web_url(text) else "",
                    user_agent=text,
                ),
                body=text,
            )
            if not comment.author_url:
                # A website stored without the form's checks (older data, another tool).
                Comment.objects.filter(pk=comment.pk).update(author_url=text[:URL_MAX])
            planted.append(comment)
            # As wordpress.comment_import does: the HTML converted, derived fields by
            # `Comment.derive_fields()`, written with bulk_create.
            imported.append(
                Comment(
                    post=wp_post,
                    author_name=(plain_title(text) or "Anonym")[:NAME_MAX],
                    author_email=f"wp{payload.number}@example.net",
                    author_url=clean_url(text),
                    body=comment_markdown(text),
                    status=Comment.Status.APPROVED,
                ).derive_fields()
            )
    Comment.objects.bulk_create(imported)
    for post in wordpress_posts:
        recount(post)
    cache.clear()
    return Planted(markdown_posts, wordpress_posts, planted, imported)


@pytest.fixture
def hostile_blog(transactional_db, live_server, superuser):
    """The corpus planted on a live server; returns (base URL, what was planted)."""
    return live_server.url, plant(superuser, live_server.url)


@pytest.fixture
def watch(browser, hostile_blog):
    watch = Watch.open(browser, hostile_blog[0])
    yield watch
    watch.close()


def test_detector_sees_a_payload_that_runs(browser, live_server):
    """The watch is not blind: a marker call, a dialog and a handler attribute are caught."""
    watch = Watch.open(browser, live_server.url)
    watch.show(
        "<img src=x onerror=__xss(1)><svg onload=alert(2)></svg>"
        '<a href=" java&#9;script:__xss(3)">x</a><iframe srcdoc="<script>__xss(4)</script>">',
        "control",
    )
    watch.page.wait_for_timeout(200)
    calls = sorted(call for call, _url in watch.executions)
    assert calls == ["__xss(1)", "__xss(4)", "alert(2)"]
    found = " ".join(found for found, _where in watch.injections)
    for expected in ("img[onerror]", "svg[onload]", "a[href= java&#9;", "<iframe>", "frame(s)"):
        assert expected.replace("&#9;", "\t") in found
    watch.close()


def test_public_pages_run_no_payload(watch, hostile_blog):
    """Post pages, lists, search results and reply forms of every payload run nothing."""
    _base, planted = hostile_blog
    for post in planted.markdown_posts + planted.wordpress_posts:
        page = watch.visit(post.get_absolute_url())
        assert page.locator("li.comment").count() == GROUP
    pages = -(-len(planted.markdown_posts + planted.wordpress_posts) // 10)
    watch.visit("/")
    for number in range(2, pages + 1):
        watch.visit(f"/page/{number}/")
    # The reply form names the commenter; the search page repeats the query.
    for comment in planted.comments[::23]:
        watch.visit(f"{comment.post.get_absolute_url()}?replytocom={comment.pk}#respond")
    for payload in CORPUS[::17]:
        watch.visit("/?" + _query(s=payload.text))
    # The path is repeated on every page (canonical link), a 404 included.
    for payload in CORPUS[2::47]:
        watch.page.goto(f"{watch.base_url}/{quote(payload.text, safe='')}/")
        watch.settle(f"404 for payload {payload.number}")
    assert watch.visited > 80
    watch.assert_inert()


def _query(**params) -> str:
    return urlencode(params)


def _feed_items(xml: bytes) -> list[tuple[str, str, str]]:
    """(title, author, HTML) of each item of an RSS or Atom feed."""
    root = ElementTree.fromstring(xml)
    atom = "{http://www.w3.org/2005/Atom}"
    items = []
    for item in root.iter("item"):
        items.append(
            (
                item.findtext("title", ""),
                item.findtext("{http://purl.org/dc/elements/1.1/}creator", ""),
                item.findtext("description", ""),
            )
        )
    for entry in root.iter(f"{atom}entry"):
        items.append(
            (
                entry.findtext(f"{atom}title", ""),
                entry.findtext(f"{atom}author/{atom}name", ""),
                entry.findtext(f"{atom}summary", "") or entry.findtext(f"{atom}content", ""),
            )
        )
    return items


def test_feeds_run_no_payload(watch, hostile_blog, monkeypatch):
    """The feeds, as Chromium shows them and as a feed reader renders their HTML, run nothing.

    All posts and comments are in the feeds for this test. Titles and author names are
    text in RSS and Atom (they are shown as text); descriptions are HTML.
    """
    _base, planted = hostile_blog
    monkeypatch.setattr(blog.feeds, "FEED_SIZE", 10_000)
    monkeypatch.setattr(comments.feeds, "FEED_SIZE", 10_000)
    post = planted.markdown_posts[0]
    feeds = [
        reverse("blog:feed"),
        reverse("blog:feed_atom"),
        reverse("comments:feed"),
        post.get_absolute_url() + "feed/",
    ]
    client = Client()
    shown = 0
    for url in feeds:
        watch.visit(url, scan=False)
        items = _feed_items(client.get(url).content)
        assert items
        for chunk in _groups(items, 100):
            watch.show(
                "<!DOCTYPE html><meta charset=utf-8><title>Feed</title>"
                + "".join(
                    f"<article><h2>{html.escape(title)}</h2><p>{html.escape(name)}</p>"
                    f"{description}</article>"
                    for title, name, description in chunk
                ),
                f"items of {url}",
            )
            shown += len(chunk)
    total = len(planted.markdown_posts + planted.wordpress_posts)
    total_comments = len(planted.comments + planted.wordpress_comments)
    assert shown == 2 * total + total_comments + GROUP
    watch.assert_inert()


def _log_in(watch):
    page = watch.visit("/admin/login/")
    page.locator("#id_username").fill("chefin")
    page.locator("#id_password").fill(SUPERUSER_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")


def test_admin_pages_run_no_payload(watch, hostile_blog, monkeypatch):
    """The admin's comment and post pages, data export and live preview run no payload."""
    _base, planted = hostile_blog
    every = planted.comments + planted.wordpress_comments
    # All comments on one list page ("Alle anzeigen"), instead of 50 a page.
    monkeypatch.setattr(admin.site.get_model_admin(Comment), "list_max_show_all", len(every))
    _log_in(watch)
    comment_list = reverse("admin:comments_comment_changelist")
    page = watch.visit(f"{comment_list}?all=")
    assert page.locator("#result_list tbody tr").count() == len(every)
    # Each base vector once, in turn in each of its forms: on a comment's change page,
    # its reply page (with the comment's HTML), or an imported comment's change page.
    forms = len(FORMS)
    for index in range(0, len(CORPUS), forms):
        vector = index // forms
        pick = index + vector % forms
        if vector % 3 == 0:
            watch.visit(reverse("admin:comments_comment_change", args=[planted.comments[pick].pk]))
        elif vector % 3 == 1:
            watch.visit(reverse("admin:comments_comment_reply", args=[planted.comments[pick].pk]))
        else:
            comment = planted.wordpress_comments[pick]
            watch.visit(reverse("admin:comments_comment_change", args=[comment.pk]))
    for comment in planted.comments[3 :: forms * 8]:
        watch.visit(reverse("admin:comments_comment_moderate", args=[comment.pk, "spam"]))
    for payload in CORPUS[5::61]:
        watch.visit(f"{comment_list}?{_query(q=payload.text)}")
    watch.visit(reverse("admin:blog_post_changelist"))
    for post in (planted.markdown_posts + planted.wordpress_posts)[::5]:
        watch.visit(reverse("admin:blog_post_change", args=[post.pk]))
    # A commenter's personal data, shown for the DSGVO export.
    for comment in planted.comments[7::97]:
        page = watch.visit(reverse("admin:comments_comment_privacy"))
        page.locator("#id_email").fill(comment.author_email)
        page.locator("button[value=export]").click()
        expect(page.locator("tr", has_text=comment.author_email)).to_have_count(1)
        watch.settle(f"export for {comment.author_email}")
    # The live preview puts the server's rendering of the whole corpus into the page.
    page = watch.visit(reverse("admin:blog_post_add"))
    page.locator("#id_body").fill("\n\n".join(p.text for p in CORPUS))
    page.locator(".markdown-preview-button").click()
    expect(page.locator(".markdown-preview p").first).to_be_attached()
    watch.settle("live preview")
    watch.assert_inert()


def test_comment_form_in_the_browser_runs_no_payload(browser, transactional_db, live_server):
    """Payloads typed into the real form, as text, name and website, run nowhere after."""
    open_discussion()
    post = PostFactory(title="frisch", body="text")
    sample = CORPUS[::28]
    assert len(sample) >= 20
    watch = Watch.open(browser, live_server.url)
    for index, payload in enumerate(sample):
        page = watch.visit(post.get_absolute_url())
        page.locator("#id_body").fill(payload.text)
        page.locator("#id_author_name").fill(payload.text[:NAME_MAX])
        page.locator("#id_author_email").fill(f"form{payload.number}@example.net")
        # Half the time the website is the payload: mostly refused, the form comes back.
        website = payload.text if index % 2 else "https://example.org/"
        page.locator("#id_author_url").fill(website)
        page.locator("#id_remember").check()
        page.locator("#id_captcha").fill("passed")
        page.locator("#submit").click()
        page.wait_for_load_state("load")
        watch.settle(f"answer to payload {payload.number}")
    # A comment that cannot be saved comes back on an error page, its text kept.
    for payload in CORPUS:
        if payload.vector in ("close-textarea", "mxss-textarea") and payload.form == "plain":
            page = watch.visit(post.get_absolute_url())
            page.locator("#id_body").fill(payload.text)
            page.eval_on_selector("#commentform", "form => form.action = '/comments/post/0/'")
            page.locator("#submit").click()
            expect(page.locator("#kept-body")).to_have_value(payload.text)
            watch.settle(f"error page for payload {payload.number}")
    # The remembered name, address and website fill the form on the next visit.
    watch.visit(post.get_absolute_url())
    sent = Comment.objects.filter(post=post).count()
    assert sent >= len(sample) // 2
    assert watch.page.locator("li.comment").count() == sent
    assert watch.page.locator("#id_author_email").input_value().startswith("form")
    watch.close()
    watch.assert_inert()


def test_notification_emails_stay_text(watch, hostile_blog):
    """The post author's e-mails are plain text with intact headers; shown, they run nothing."""
    _base, planted = hostile_blog
    messages = mail.outbox
    assert len(messages) == len(planted.comments)
    for message in messages:
        assert not getattr(message, "alternatives", None)
        assert message.content_subtype == "plain"
        assert "\n" not in message.subject and "\r" not in message.subject
        parsed = message.message()
        assert parsed.get_content_type() == "text/plain"
        assert parsed["To"] == planted.markdown_posts[0].author.email
    for chunk in _groups(messages, 60):
        watch.show(
            "<!DOCTYPE html><meta charset=utf-8><title>Post</title>"
            + "".join(
                f"<pre>{html.escape(m.subject)}\n\n{html.escape(m.body)}</pre>" for m in chunk
            ),
            "e-mails",
        )
        assert watch.page.locator("pre").first.text_content().startswith(chunk[0].subject)
    watch.assert_inert()
