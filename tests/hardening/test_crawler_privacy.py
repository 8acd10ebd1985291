"""Privacy: a crawler finds no commenter's e-mail address, IP address or user agent (#7).

Several commenters (approved, replying, held, spam, subscribed) are in the database,
some written through the real comment form. An anonymous crawler then follows every
link of the site from the home page and a few seeds (robots.txt, the sitemap, feeds,
searches, error pages): pages, archives, categories, tags, authors, feeds and comment
feeds, ?replytocom= pages, avatar and captcha images. No body and no header of any
answer may contain an address, an IP address or a user agent, nor the MD5 or SHA-256
of an address (what Gravatar-style avatar URLs carry).
"""

import datetime
import hashlib
import re
from collections import deque
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, Subscription
from tests.comments.helpers import form_data
from tests.factories import CommentFactory, PostFactory, ReplyFactory

pytestmark = pytest.mark.django_db

MAX_PAGES = 1500
SKIPPED_PREFIXES = ("/admin/", "/static/")

COMMENTERS = [
    # name, e-mail, IP address, user agent
    ("Anna Aal", "Anna.Aal@Example.net", "203.0.113.71", "Mozilla/5.0 (GeheimBrowser/4711)"),
    ("Bernd Bär", "bernd.baer@example.org", "2001:db8::4712", "Lynx/2.8.9rel.1 Geheim-4712"),
    ("Cem Çelik", "cem+blog@example.com", "198.51.100.73", "curl/8.4.0-geheim-4713"),
    ("Dora Dachs", "dora@xn--mnchen-3ya.example", "192.0.2.174", "Wget/1.21 Geheim-4714"),
    ("Eve Eule", "eve@example.net", "2001:db8:0:0:1::4715", "Opera/9.80 Geheim-4715"),
]
VIA_FORM = ("Fritz Form", "fritz.form@example.net", "203.0.113.216", "FormBrowser/1.0 Geheim-4716")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)
            if name == "srcset" and value:
                self.links += [part.split()[0] for part in value.split(",") if part.strip()]

    handle_startendtag = handle_starttag


def links_in(url: str, response) -> list[str]:
    content_type = response.get("Content-Type", "")
    if response.streaming or not (
        "html" in content_type or "xml" in content_type or "text/plain" in content_type
    ):
        return []
    text = response.content.decode("utf-8", "replace")
    found = []
    if "html" in content_type:
        parser = _Links()
        parser.feed(text)
        found += parser.links
    if "xml" in content_type:  # feeds and the sitemap
        found += [unescape(u) for u in re.findall(r"<(?:loc|link|comments)>([^<]+)<", text)]
        found += [unescape(u) for u in re.findall(r'href="([^"]+)"', text)]
    if "text/plain" in content_type:  # robots.txt
        found += re.findall(r"(?:Sitemap|Allow|Disallow):\s*(\S+)", text)
    return [urljoin(url, link) for link in found]


def local_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def secrets_of(email: str, ip: str, agent: str) -> list[str]:
    normal = email.strip().lower()
    hashes = [
        function(value.encode()).hexdigest()
        for function in (hashlib.md5, hashlib.sha256)
        for value in {email, normal}
    ]
    return [email, normal, ip, agent, *hashes]


@pytest.fixture
def commenters(site, client, django_capture_on_commit_callbacks):
    """Commenters on several posts, in every state, plus one through the real form."""
    posts = [site.post, site.older] + [
        PostFactory(author=site.author, title=f"Beitrag {n}", tags=[site.tag]) for n in range(11)
    ]
    secrets = []
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    for n, (name, email, ip, agent) in enumerate(COMMENTERS):
        post = posts[n % 3]
        first = CommentFactory(
            post=post,
            author_name=name,
            author_email=email,
            ip_address=ip,
            user_agent=agent,
            author_url=f"https://example.org/{n}/" if n % 2 else "",
        )
        ReplyFactory(
            parent=first, author_name=name, author_email=email, ip_address=ip, user_agent=agent
        )
        for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH):
            CommentFactory(
                post=posts[(n + 1) % 3],
                author_name=name,
                author_email=email,
                ip_address=ip,
                user_agent=agent,
                status=status,
                created_at=hour_ago,
            )
        Subscription.objects.create(comment=first, email=email, confirmed_at=hour_ago)
        secrets += secrets_of(email, ip, agent)
    name, email, ip, agent = VIA_FORM
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("comments:comment_create", kwargs={"post_id": site.post.pk}),
            form_data(author_name=name, author_email=email, remember="on", notify="on"),
            REMOTE_ADDR=ip,
            HTTP_USER_AGENT=agent,
        )
    assert response.status_code == 302
    assert Comment.objects.filter(author_email=email, ip_address=ip, user_agent=agent).exists()
    secrets += secrets_of(email, ip, agent)
    for comment in site.comments:  # the site fixture's own commenters
        secrets += secrets_of(comment.author_email, comment.ip_address, "")
    return [s for s in secrets if s]


SEEDS = [
    "/",
    "/robots.txt",
    "/sitemap.xml",
    "/feed/",
    "/feed/atom/",
    "/comments/feed/",
    "/?s=Training",
    "/?s=Anna",
    "/?s=example.net",
    "/gibt-es-nicht/",
    "/2026/99/",
    "/comments/post/1/",
    "/comments/unsubscribe/kaputt/",
    "/comments/subscription/confirm/kaputt/",
    "/comments/captcha.png",
    "/feed/rss2/",
    "/?p=1",
]


def test_no_commenter_data_anywhere_a_crawler_can_reach(commenters):
    from django.test import Client

    crawler = Client()  # a fresh visitor: no cookies from the commenter above
    seen, queue, visited = set(SEEDS), deque(SEEDS), []
    statuses = {}
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        response = crawler.get(path, follow=False)
        visited.append(path)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        headers = "\n".join(f"{k}: {v}" for k, v in response.items())
        headers += "\n" + "\n".join(str(c) for c in response.cookies.values())
        for secret in commenters:
            for where, haystack in (("body", text), ("headers", headers)):
                assert secret.lower() not in haystack.lower(), (
                    f"{secret!r} in the {where} of {path}"
                )
        targets = links_in("http://testserver" + path, response)
        if response.status_code in (301, 302, 303, 307, 308):
            targets.append(urljoin("http://testserver" + path, response["Location"]))
        for target in targets:
            local = local_path(target)
            if local is not None and local not in seen:
                seen.add(local)
                queue.append(local)
    # The crawl reached every kind of page.
    kinds = {
        "post": "/20",
        "comment feed": "/feed/",
        "category": "/category/",
        "tag": "/tag/",
        "author": "/author/",
        "reply link": "?replytocom=",
        "avatar": "/comments/avatar/",
        "second page": "/page/2/",
        "sitemap": "/sitemap.xml",
    }
    missing = [kind for kind, part in kinds.items() if not any(part in p for p in visited)]
    assert missing == [], missing
    assert len(visited) > 50, len(visited)
    assert statuses.get(200, 0) > 40, statuses
