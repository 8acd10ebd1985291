"""Sending Webmentions for a post's links (W3C Recommendation, 3.1).

After a public post is published or changed (webmentions/signals.py), each http(s) link
in its text, and each link it had the last time but no longer has (so that the
receiver sees it gone), is looked up for a Webmention endpoint
(webmentions/discovery.py) and notified: POST source=<the post's permalink>,
target=<the link>. One job per link, retried with backoff when the remote server does
not answer. Private, password-protected, draft and scheduled posts send nothing (a
scheduled post sends once it is due: the job is enqueued to run then).
"""

import logging
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings

from blog.models import Post

from . import discovery, fetch
from .models import SentWebmention

logger = logging.getLogger(__name__)


class _Anchors(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.urls = []

    def handle_starttag(self, tag, attrs):
        if tag != "a":
            return
        href = (dict(attrs).get("href") or "").strip()
        url = urljoin(self.base, href).split("#")[0]
        if href and urlsplit(url).scheme in ("http", "https") and url not in self.urls:
            self.urls.append(url)


def permalink(post: Post) -> str:
    return settings.SITE_URL.rstrip("/") + post.get_absolute_url()


def outgoing_links(post: Post) -> list[str]:
    """The http(s) links of the post's text to other sites, in order, each once."""
    source = permalink(post)
    parser = _Anchors(source)
    parser.feed(post.body_html or "")
    parser.close()
    own = urlsplit(source).netloc.lower()
    return [url for url in parser.urls if urlsplit(url).netloc.lower() != own]


def targets_for(post: Post) -> list[str]:
    """What to notify now: the current links, then those the post no longer has."""
    current = outgoing_links(post)
    previous = SentWebmention.objects.filter(post=post).values_list("target", flat=True)
    return current + [url for url in previous if url not in current]


def send_one(post_id: int, target: str) -> int | None:
    """Discover `target`'s endpoint and notify it; returns the endpoint's HTTP status
    (None: it has none). A network error or a 5xx answer raises, so the job retries."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not post.is_indexable:
        return None
    endpoint = discovery.discover(target)
    status = None
    if endpoint:
        data = urlencode({"source": permalink(post), "target": target}).encode()
        response = fetch.request(
            "POST",
            endpoint,
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        status = response.status
        if status >= 500 or status == 429:
            raise fetch.FetchError(f"{endpoint} answered {status}")
        logger.info("Webmention %s → %s: %s answered %s", permalink(post), target, endpoint, status)
    if target in outgoing_links(post):
        SentWebmention.objects.update_or_create(
            post=post,
            target=target,
            defaults={"endpoint": endpoint or "", "response_status": status},
        )
    else:
        SentWebmention.objects.filter(post=post, target=target).delete()
    return status
