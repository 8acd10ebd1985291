"""Verifying a received Webmention, later, in a job (W3C Recommendation, 3.2.2).

The source is fetched (webmentions/fetch.py: public addresses only, time and size
limits), must link to the target, and its h-entry says what it is
(webmentions/microformats.py). A reply, or a mention, becomes a comment held for
moderation in the target's thread (origin "webmention", remote_id the source; a reply
to one of our comments is threaded under it); a like, repost or bookmark of a post is a
comments.models.Reaction. Sent again, the Webmention is verified again: a changed
source changes the comment (its moderation status stays), a source that is gone (404,
410) or no longer links removes what it had become (the comment to the trash, where
the moderator still finds it; the Reaction deleted).
"""

import logging
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from blog.models import Page
from comments import notifications, services
from comments.models import Comment, Reaction

from . import conf, fetch, microformats
from .models import Webmention

logger = logging.getLogger(__name__)

# Where a link may be, by element (the Recommendation names a, img, video "and other
# similar links").
_LINK_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "img": "src",
    "video": "src",
    "audio": "src",
    "source": "src",
    "iframe": "src",
    "blockquote": "cite",
    "q": "cite",
}
_HTML = ("text/html", "application/xhtml+xml")
_TEXT = ("text/plain", "application/json", "text/markdown")
_COMMENT_ID = re.compile(r"#comment-([1-9][0-9]{0,17})$")


class _Links(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.urls = set()

    def handle_starttag(self, tag, attrs):
        name = _LINK_ATTRIBUTES.get(tag)
        if name is None:
            return
        for key, value in attrs:
            if key == name and value:
                self.urls.add(microformats.normalise(urljoin(self.base, value.strip())))

    handle_startendtag = handle_starttag


def links_to(response: fetch.Response, target: str) -> bool:
    """Whether the fetched source links to `target` (compared normalised)."""
    wanted = microformats.normalise(target)
    if response.content_type in _HTML:
        parser = _Links(response.url)
        parser.feed(response.text())
        parser.close()
        return wanted in parser.urls
    if response.content_type in _TEXT:
        return target in response.text()
    return False


def _excerpt(text: str, kind: str) -> str:
    limit = conf.get(
        "WEBMENTIONS_MENTION_CHARS" if kind == "mention" else "WEBMENTIONS_REPLY_CHARS"
    )
    return Truncator(" ".join(text.split()) if kind == "mention" else text).chars(limit)


def _reactions(mention: Webmention):
    """The Reactions this Webmention made (one source may like several posts)."""
    return Reaction.objects.filter(
        origin=Comment.Origin.WEBMENTION, actor=mention.source, post_id=mention.post_id
    )


def _remove(mention: Webmention) -> None:
    """Take back what the source had become: its comment to the trash, its Reactions."""
    _remove_comment_only(mention)
    _reactions(mention).delete()


def _remote_id(mention: Webmention, target) -> str:
    """The source's URL; when that already names a comment elsewhere (one source
    answering two posts), the URL with a fragment naming this target."""
    if not Comment.objects.filter(remote_id=mention.source).exists():
        return mention.source
    kind = "page" if isinstance(target, Page) else "post"
    return f"{mention.source.partition('#')[0]}#webmention-{kind}-{target.pk}"


def _parent(entry: microformats.Entry, target) -> Comment | None:
    """The comment of ours the source replies to (…#comment-N), if it is in this thread."""
    for url in entry.in_reply_to:
        match = _COMMENT_ID.search(url)
        if match:
            found = (
                Comment.objects.visible()
                .filter(pk=int(match[1]), **services.target_fields(target))
                .first()
            )
            if found is not None:
                return found
    return None


def _save_comment(mention: Webmention, entry: microformats.Entry, target) -> Comment:
    name = entry.author_name or fetch.host_of(mention.source)
    author_url = entry.author_url if len(entry.author_url) <= 200 else ""
    body = _excerpt(entry.text, entry.kind) or _("(mentioned this post)")
    created = entry.published
    if created is not None and timezone.is_naive(created):
        created = timezone.make_aware(created)
    if created is not None and created > timezone.now():
        created = None
    comment = mention.comment
    if comment is None:
        comment = Comment(
            **services.target_fields(target),
            parent=_parent(entry, target),
            origin=Comment.Origin.WEBMENTION,
            remote_id=_remote_id(mention, target),
            status=Comment.Status.PENDING,
            created_at=created or timezone.now(),
        )
        is_new = True
    else:
        is_new = False
        if comment.status == Comment.Status.TRASH:
            # Back after a deletion: as it was before, never approved by itself.
            services.restore_comment(comment)
    comment.author_name = Truncator(name).chars(245)
    comment.author_url = author_url
    comment.body = body
    comment.full_clean(exclude=["parent", "post", "page", "user"])
    comment.save()
    if is_new:
        transaction.on_commit(lambda: notifications.notify_post_author(comment))
    elif comment.status == Comment.Status.APPROVED:
        services.recount(target)
    return comment


def verify(mention_id: int) -> str:
    """Fetch the source of Webmention `mention_id` and act on it; returns its status.

    FetchError (the source unreachable) propagates, so that the job is retried.
    """
    mention = Webmention.objects.select_related("post", "page").get(pk=mention_id)
    target = mention.target_object
    try:
        response = fetch.request("GET", mention.source, headers={"Accept": "text/html, */*"})
    except fetch.FetchError as error:
        mention.status, mention.message = Webmention.Status.FAILED, str(error)[:300]
        mention.save(update_fields=["status", "message"])
        raise
    with transaction.atomic():
        if response.status in (404, 410):
            _remove(mention)
            return _finish(mention, Webmention.Status.DELETED, f"HTTP {response.status}")
        if not 200 <= response.status < 300:
            return _finish(mention, Webmention.Status.REJECTED, f"HTTP {response.status}")
        if target is None or not links_to(response, mention.target):
            _remove(mention)
            return _finish(
                mention, Webmention.Status.REJECTED, "the source does not link to the target"
            )
        entry = microformats.Entry()
        if response.content_type in _HTML:
            entry = microformats.parse(response.text(), response.url, mention.target)
        mention.kind = entry.kind
        mention.author_name = Truncator(entry.author_name).chars(245)
        mention.author_url = entry.author_url[:500]
        mention.author_photo = entry.author_photo[:500]
        if entry.kind in ("like", "repost", "bookmark"):
            if mention.post_id is None:
                _remove(mention)
                return _finish(mention, Webmention.Status.REJECTED, "reactions count on posts only")
            _remove_comment_only(mention)
            _reactions(mention).exclude(kind=entry.kind).delete()
            Reaction.objects.update_or_create(
                post=mention.post,
                kind=entry.kind,
                actor=mention.source,
                defaults={
                    "origin": Comment.Origin.WEBMENTION,
                    "remote_id": mention.source,
                    "author_name": mention.author_name,
                },
            )
            return _finish(mention, Webmention.Status.ACCEPTED, "")
        _reactions(mention).delete()
        if not services.comments_open(target):
            return _finish(mention, Webmention.Status.REJECTED, "comments are closed")
        mention.comment = _save_comment(mention, entry, target)
        return _finish(mention, Webmention.Status.ACCEPTED, "")


def _remove_comment_only(mention: Webmention) -> None:
    comment = mention.comment
    if comment is not None and comment.status != Comment.Status.TRASH:
        services.set_status(comment, Comment.Status.TRASH)


def _finish(mention: Webmention, status: str, message: str) -> str:
    mention.status = status
    mention.message = message[:300]
    mention.verified_at = timezone.now()
    mention.save()
    logger.info("Webmention %s → %s: %s %s", mention.source, mention.target, status, message)
    return status
