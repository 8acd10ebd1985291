"""The write path of comments: submission with WordPress's checks, status changes (issue #3).

The order of the checks follows WordPress (wp_handle_comment_submission, wp_allow_comment):
reply to an unapproved comment, post state, required fields and lengths (the form),
duplicate, flood, then the moderation rules (manual approval, link count, moderation
list, previously approved author) and the disallowed list.
"""

import datetime
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Page, Post
from core.contentversion import bump_content_version

from . import notifications, spam
from .models import Comment, DiscussionSettings, Subscription
from .targets import target_fields


class CommentRejected(Exception):
    """A submission refused as a whole, with the HTTP status and the reader's message."""

    def __init__(self, message, *, status: int, code: str):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.code = code


@dataclass
class Author:
    """Who writes: the typed-in identity, or a logged-in user."""

    name: str
    email: str
    url: str = ""
    user: object = None
    ip_address: str | None = None
    user_agent: str = ""


def is_privileged(user, post) -> bool:
    """The post's author and staff skip captcha, flood limit and moderation (a page has
    no author here: staff only)."""
    author_id = getattr(post, "author_id", None)
    return bool(user and user.is_authenticated and (user.is_staff or user.pk == author_id))


def comments_open(post, settings: DiscussionSettings | None = None) -> bool:
    """Open on this post: its switch is on and it is not older than the auto-close age."""
    settings = settings or DiscussionSettings.load()
    if not post.comments_open:
        return False
    # WordPress closes old posts only (close_comments_for_post_types): pages stay open.
    if isinstance(post, Page):
        return True
    if settings.close_after_days:
        cutoff = timezone.now() - datetime.timedelta(days=settings.close_after_days)
        if post.published_at < cutoff:
            return False
    return True


def check_post_accepts_comments(post, user) -> None:
    """Refuse comments on posts (or pages) that are not public, not reachable or closed."""
    if (
        not post.is_published
        or getattr(post, "visibility", None) == Post.Visibility.PRIVATE
        and not (user and user.is_staff)
    ):
        raise CommentRejected(
            _("Sorry, comments are not allowed on this item."), status=403, code="post_hidden"
        )
    if not comments_open(post):
        raise CommentRejected(
            _("Sorry, comments are closed for this item."), status=403, code="closed"
        )


def _check_duplicate(post, parent, author: Author, body: str) -> None:
    same = (
        Comment.objects.for_target(post)
        .filter(parent=parent, author_name=author.name, body=body)
        .exclude(status=Comment.Status.TRASH)
    )
    if author.email:
        same = same.filter(author_email__iexact=author.email)
    if same.exists():
        raise CommentRejected(
            _("Duplicate comment detected; it looks as though you’ve already said that!"),
            status=409,
            code="duplicate",
        )


def _flood_keys(author: Author) -> list[str]:
    keys = []
    if author.ip_address:
        keys.append(f"comments:flood:ip:{author.ip_address}")
    if author.email:
        keys.append(f"comments:flood:email:{spam.normalise(author.email)}")
    return keys


def _serialise(author: Author) -> None:
    """Make simultaneous submissions from one IP or e-mail address wait for each other.

    Called inside the transaction that checks for floods and duplicates and inserts
    the comment, so that the second of two requests arriving at once on different
    workers sees the first one's comment (issue #7). SQLite: that transaction began
    with BEGIN IMMEDIATE (config/settings.py), which already lets one writer in at a
    time. PostgreSQL: a transaction-level advisory lock per address.
    """
    if connection.vendor != "postgresql":
        return
    locks = [
        int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        for key in sorted(_flood_keys(author))  # always in one order: no deadlock
    ]
    if not locks:
        return
    # One round trip for both: the select list is evaluated left to right.
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["pg_advisory_xact_lock(%s)"] * len(locks)), locks)


def _check_flood(author: Author, seconds: int) -> list[str]:
    """At most one comment per `seconds` from one IP address or e-mail address.

    The last comment is looked up in the database, inside the transaction that inserts
    the new one (see _serialise); a cache key taken atomically besides stops a second
    request even before the first one's comment is written. Returns the keys taken.
    """
    if not seconds:
        return []
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    who = Q()
    if author.ip_address:
        who |= Q(ip_address=author.ip_address)
    if author.email:
        who |= Q(author_email__iexact=author.email)
    keys = _flood_keys(author)
    if not keys:
        return []
    recent = Comment.objects.filter(who, created_at__gte=since).exists()
    fresh = [cache.add(key, 1, timeout=seconds) for key in keys]
    if recent or not all(fresh):
        raise CommentRejected(
            _("You are posting comments too quickly. Slow down."), status=429, code="flood"
        )
    return keys


@contextmanager
def _flood_keys_released_on_failure():
    """Collects the flood keys a submission takes, and gives them back if nothing was
    stored (the database failed): the commenter may send the same text again at once
    (issue #10)."""
    taken: list[str] = []
    try:
        yield taken
    except Exception:
        cache.delete_many(taken)
        raise


def is_staff_name(name: str) -> bool:
    """Whether a name is a staff account's user name or full name (any case, issue #16)."""
    staff = get_user_model()._default_manager.filter(is_staff=True, is_active=True)
    staff = staff.annotate(full_name=Concat("first_name", Value(" "), "last_name"))
    return staff.filter(
        Q(username__iexact=name) | Q(full_name__iexact=name) | Q(first_name__iexact=name)
    ).exists()


def decide_status(*, post, author: Author, body: str, honeypot: bool, settings) -> str:
    """The status a new comment gets under the discussion settings."""
    fields = (body, author.name, author.email, author.url, author.ip_address or "")
    fields += (author.user_agent,)
    if honeypot or spam.find_listed(spam.word_list(settings.disallowed_words), *fields):
        return Comment.Status.SPAM
    if is_privileged(author.user, post):
        return Comment.Status.APPROVED
    # Nobody else appears at once under the name of the author or other staff.
    if settings.require_approval or is_staff_name(author.name):
        return Comment.Status.PENDING
    if settings.max_links and spam.count_links(body) >= settings.max_links:
        return Comment.Status.PENDING
    if spam.find_listed(spam.word_list(settings.moderation_words), *fields):
        return Comment.Status.PENDING
    if settings.require_previous_approval and not (
        author.email
        and Comment.objects.visible()
        .filter(author_name=author.name, author_email__iexact=author.email)
        .exists()
    ):
        return Comment.Status.PENDING
    return Comment.Status.APPROVED


def submit_comment(
    *,
    post: Post | Page,
    parent: Comment | None,
    author: Author,
    body: str,
    honeypot: bool = False,
    subscribe: bool = False,
) -> Comment:
    """Decide about a comment whose input comments.forms.CommentForm checked (the parent
    too), and save it; raise CommentRejected when refused."""
    settings = DiscussionSettings.load()
    user = author.user or AnonymousUser()
    check_post_accepts_comments(post, user)
    # The checks and the insert in one transaction, one person at a time: two requests
    # at once cannot both pass the flood or duplicate check (issue #7).
    with _flood_keys_released_on_failure() as flood_keys, transaction.atomic():
        if not is_privileged(user, post):
            _serialise(author)
        _check_duplicate(post, parent, author, body)
        if not is_privileged(user, post):
            flood_keys += _check_flood(author, settings.flood_seconds)
        status = decide_status(
            post=post, author=author, body=body, honeypot=honeypot, settings=settings
        )
        comment = Comment(
            **target_fields(post),
            parent=parent,
            author_name=author.name,
            author_email=author.email,
            author_url=author.url,
            body=body,
            status=status,
            ip_address=author.ip_address,
            user_agent=(author.user_agent or "")[:254],
            user=author.user if user.is_authenticated else None,
        )
        comment.full_clean(exclude=["parent", "post", "page", "user"])
        comment.save()
        if status == Comment.Status.APPROVED:
            recount(post)
        if subscribe and author.email and status != Comment.Status.SPAM:
            subscription, _created = Subscription.objects.get_or_create(
                comment=comment, email=author.email
            )
            transaction.on_commit(
                lambda: notifications.send_subscription_confirmation(subscription)
            )
    if status != Comment.Status.SPAM:
        transaction.on_commit(lambda: notifications.notify_post_author(comment))
    if status == Comment.Status.APPROVED:
        transaction.on_commit(lambda: notifications.notify_subscribers(comment))
    return comment


def recount(post) -> None:
    """Store the post's (or page's) number of approved comments, and when they changed.

    The post's row is locked first, so that on PostgreSQL two comments saved at once
    cannot each count without the other (READ COMMITTED: the second count then waits
    for the first commit and sees its comment; tests/ops/test_backup.py found counts
    short under concurrent writes).
    FOR NO KEY UPDATE does not wait for new comments' foreign keys (KEY SHARE), so no
    deadlock. SQLite's IMMEDIATE transactions already run one at a time.
    """
    model = type(post)
    with transaction.atomic():
        if connection.features.has_select_for_update:
            locked = model.objects.select_for_update(no_key=True).filter(pk=post.pk).order_by()
            list(locked.values_list("pk"))
        model.objects.filter(pk=post.pk).update(
            comment_count=Comment.objects.visible().conversation().for_post(post).count(),
            comments_changed_at=timezone.now(),
        )


def set_status(comment: Comment, status: str) -> Comment:
    """Change a comment's status (approve, unapprove, spam, trash), keeping counts right.

    What it was before spam or trash is remembered for `restore_comment`. A comment
    approved for the first time tells the subscribers of its parent.
    """
    if comment.status == status:
        return comment
    with transaction.atomic():
        if status in (Comment.Status.SPAM, Comment.Status.TRASH) and comment.status not in (
            Comment.Status.SPAM,
            Comment.Status.TRASH,
        ):
            comment.previous_status = comment.status
        comment.status = status
        comment.status_changed_at = timezone.now()
        comment.save(update_fields=["status", "previous_status", "status_changed_at"])
        recount(comment.target)
    if status == Comment.Status.APPROVED:
        transaction.on_commit(lambda: notifications.notify_subscribers(comment))
    return comment


def restore_comment(comment: Comment) -> Comment:
    """Bring a comment back from spam or trash to the status it had before."""
    if comment.status not in (Comment.Status.SPAM, Comment.Status.TRASH):
        return comment
    return set_status(comment, comment.previous_status or Comment.Status.PENDING)


def delete_comments(comments) -> int:
    """Delete comments for good; their replies move one level up, as in WordPress.

    Deepest first, so that when a comment and its parent both go, the replies end up
    under the nearest comment that stays.
    """
    comments = sorted(comments, key=lambda c: c.depth, reverse=True)
    posts = {}
    with transaction.atomic():
        for comment in comments:
            Comment.objects.filter(parent_id=comment.pk).update(parent=comment.parent_id)
            target = comment.target
            posts[(type(target), target.pk)] = target
            Comment.objects.filter(pk=comment.pk).delete()
        for post in posts.values():
            _renumber_depths(post)
            recount(post)
    # Replies of a deleted hidden comment may have become visible under its parent.
    bump_content_version()
    return len(comments)


def _renumber_depths(post) -> None:
    """Recompute stored depths after replies moved up a level (one query, one update)."""
    rows = list(Comment.objects.for_post(post).only("id", "parent_id", "depth"))
    by_id = {c.pk: c for c in rows}

    def depth(c):
        return (
            1 if c.parent_id is None or c.parent_id not in by_id else depth(by_id[c.parent_id]) + 1
        )

    changed = []
    for c in rows:
        new_depth = depth(c)
        if c.depth != new_depth:
            c.depth = new_depth
            changed.append(c)
    Comment.objects.bulk_update(changed, ["depth"])


def reply_as_author(*, parent: Comment, user, body: str) -> Comment:
    """An approved reply by a logged-in user (from the admin) under `parent`, which
    comments.forms.ReplyForm checked.

    As in WordPress, answering a held comment approves it first. No e-mail address is
    needed: the reply carries the user's name and account, and the "Autor" badge only
    when the user wrote the post (Comment.derive_fields).
    """
    with transaction.atomic():
        if parent.status != Comment.Status.APPROVED:
            set_status(parent, Comment.Status.APPROVED)
        reply = Comment(
            **target_fields(parent.target),
            parent=parent,
            author_name=user.get_full_name() or user.get_username(),
            author_email=user.email or "",
            body=body,
            status=Comment.Status.APPROVED,
            user=user,
        )
        reply.full_clean(exclude=["parent", "post", "page", "user", "author_email"])
        reply.save()
        recount(parent.target)
    transaction.on_commit(lambda: notifications.notify_subscribers(reply))
    return reply


def empty_trash(*, days: int = 30) -> int:
    """Delete spam and trash that has been there longer than `days` days."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    old = Comment.objects.filter(
        status__in=[Comment.Status.SPAM, Comment.Status.TRASH], status_changed_at__lt=cutoff
    ).select_related("post", "page")
    return delete_comments(list(old))
