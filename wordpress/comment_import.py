"""The comments of one imported post: threads, statuses, WordPress's IDs (issue #5).

A comment keeps its WordPress ID as its primary key whenever that ID is free here, so
that links to …/#comment-123 land on it; otherwise it gets a new one, and keeps the
old as `Comment.legacy_id`, which the thread prints as a second anchor (the mapping,
ImportedObject, remembers it too). Replies to comments that are not imported (trash)
move up a level, as replies to deleted comments do here. Pingbacks and trackbacks are
kept with their `comment_type` (listed apart, comments/pings.py); a reply to one
joins the thread at the top.

Every comment gets its primary key before it is written (its WordPress ID, or a free
one above all the file's IDs), and comments are written in batches across posts by
wordpress/bulk.py, which counts each post's comments once at the end: an import of
tens of thousands of comments would otherwise spend most of its time in per-row saves
and their signals. The fields `Comment.save()` derives come from the same
`Comment.derive_fields()`.
"""

import ipaddress

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.validators import EmailValidator, URLValidator
from django.db import connection
from django.db.models import Max

from blog.models import Page, Post
from comments.models import EMAIL_MAX, NAME_MAX, URL_MAX, Comment
from comments.services import target_fields

from .bulk import CommentWriter
from .comment_text import comment_markdown
from .content import plain_title

STATUSES = {"1": Comment.Status.APPROVED, "0": Comment.Status.PENDING, "spam": Comment.Status.SPAM}
_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])


def clean_email(value: str) -> str:
    if not value:
        return ""  # most comments: no exception raised and caught
    try:
        _email(value)
    except ValidationError:
        return ""
    return value if len(value) <= EMAIL_MAX else ""


def clean_url(value: str) -> str:
    if not value:
        return ""
    try:
        _url(value)
    except ValidationError:
        return ""
    return value if len(value) <= URL_MAX else ""


def clean_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def skip_reason(c) -> str:
    """Why a WordPress comment is not imported ("" when it is)."""
    if c.type not in ("", "comment", "pingback", "trackback"):
        return f"comments of type “{c.type}”"
    if c.approved in ("trash", "post-trashed"):
        return "comments in the trash"
    if c.approved not in STATUSES:
        return f"comments with status “{c.approved}”"
    return ""


def thread_order(comments: dict, skipped: dict) -> tuple[list, dict]:
    """The comments parents first, and each one's parent after skipped ones moved up.

    `comments` maps WordPress IDs to the comments to import, `skipped` the IDs of
    comments left out to their parents. Comments caught in a parent loop come last,
    at the top level.
    """

    def parent_of(c) -> int:
        parent, seen = c.parent, set()
        while parent in skipped and parent not in seen:
            seen.add(parent)
            parent = skipped[parent]
        return parent

    parents = {wp_id: parent_of(c) for wp_id, c in comments.items()}
    children: dict[int, list] = {}
    for c in comments.values():
        children.setdefault(parents[c.wp_id], []).append(c)
    order = []
    stack = [c for p, cs in children.items() if p not in comments for c in cs]
    while stack:
        c = stack.pop()
        order.append(c)
        stack.extend(children.get(c.wp_id, []))
    if len(order) < len(comments):
        placed = {c.wp_id for c in order}
        for c in comments.values():
            if c.wp_id not in placed:
                order.append(c)
                parents[c.wp_id] = 0
    return order, parents


class CommentImporter:
    """Imports the comments of one post after another; see the module docstring."""

    def __init__(
        self, report, *, mapped: dict, users_by_wp_id: dict, authors: dict, max_wp_id: int = 0
    ):
        self.report = report
        # Comments whose WordPress ID is taken get IDs above every ID of the file, so
        # that they never take the ID of a comment that comes later.
        self.max_wp_id = max_wp_id
        self.next_pk = None
        self.mapped = mapped  # WordPress comment ID → pk here (None once deleted)
        self.users_by_wp_id = users_by_wp_id
        self.authors = authors
        self.used_explicit_pk = False
        self.writer = CommentWriter()

    def run(self, item, post) -> None:
        """Import the post's (or page's, issue #13) comments that are not imported yet."""
        kept, skipped = {}, {}
        for c in item.comments:
            if c.wp_id in self.mapped:
                self.report.existing["comments"] += 1
                continue
            reason = skip_reason(c)
            if reason:
                self.report.skipped[reason] += 1
                skipped[c.wp_id] = c.parent
            else:
                kept[c.wp_id] = c
        if not kept:
            return
        order, parents = thread_order(kept, skipped)
        if any(parents[c.wp_id] == 0 and c.parent for c in order if c.parent in kept):
            self.report.warn(
                item.line, "comments replying to each other in a loop are now top level"
            )
        taken = set(Comment.objects.filter(pk__in=list(kept)).values_list("pk", flat=True))
        # Replies in this file to comments of an earlier import.
        earlier = self.writer.in_bulk(
            [self.mapped[p] for p in set(parents.values()) if self.mapped.get(p)]
        )
        author_wp_id = getattr(self.authors.get(item.creator), "wp_id", None)
        built: dict[int, Comment] = {}
        for c in order:
            parent_wp = parents[c.wp_id]
            parent = built.get(parent_wp) or earlier.get(self.mapped.get(parent_wp))
            if parent is not None and parent.comment_type != Comment.Type.COMMENT:
                parent = None  # a reply to a ping: the thread holds comments only
            comment = self._comment(c, post, parent, taken, author_wp_id).derive_fields()
            built[c.wp_id] = comment
        self.writer.add(built, post)
        for wp_id, comment in built.items():
            self.mapped[wp_id] = comment.pk
        self.used_explicit_pk = True
        self.report.created["comments"] += len(built)
        if isinstance(post, Page):
            self.report.created["comments on pages"] += len(built)
        if taken:
            self.report.converted["comments with a new ID (their old one was taken)"] += len(taken)

    def _comment(self, c, post, parent, taken, author_wp_id) -> Comment:
        user = self.users_by_wp_id.get(c.user_id) if c.user_id else None
        if c.user_id and c.user_id == author_wp_id and isinstance(post, Post):
            user = post.author
        remapped = c.wp_id in taken
        return Comment(
            pk=self._new_pk() if remapped else c.wp_id,
            legacy_id=c.wp_id if remapped else None,
            **target_fields(post),
            parent=parent,
            author_name=(plain_title(c.author) or "Anonym")[:NAME_MAX],
            author_email=clean_email(c.email),
            author_url=clean_url(c.url),
            body=comment_markdown(c.content),
            status=STATUSES[c.approved],
            comment_type=c.type or Comment.Type.COMMENT,
            created_at=c.date or getattr(post, "published_at", None) or post.updated_at,
            ip_address=clean_ip(c.ip),
            user=user,
            replies_notified=True,
        )

    def _new_pk(self) -> int:
        if self.next_pk is None:
            highest = Comment.objects.aggregate(highest=Max("pk"))["highest"] or 0
            self.next_pk = max(highest, self.max_wp_id) + 1
        self.next_pk += 1
        return self.next_pk - 1

    def finish(self) -> None:
        """Write the comments still waiting, count each post's (wordpress/bulk.py)."""
        self.writer.finish()

    def reset_sequence(self) -> None:
        """Comments got explicit IDs: move PostgreSQL's sequence past them."""
        if not self.used_explicit_pk:
            return
        statements = connection.ops.sequence_reset_sql(no_style(), [Comment])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
