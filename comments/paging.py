"""Comment pages, as WordPress has them (Settings → Diskussion; issue #14).

Off by default, as in WordPress. When on, a thread is shown N top-level comments to a
page, each with all its replies, and page 1 holds the oldest ones. The post's own
address shows the last page ("newest", WordPress's default) or the first; the others
live at …/slug/comment-page-N/, the address WordPress gives them
(get_comments_pagenum_link: the page shown by default has no suffix, so its suffixed
address redirects to the plain one). Within a page the top-level comments go older or
newer first (that order applies without pages too, as WordPress's comment_order does);
replies always go oldest first.

`comment_link(comment)` is WordPress's get_comment_link: the address of the page that
shows the comment, with #comment-N. Comment.get_absolute_url() uses it, so that feeds,
e-mails, the admin's "view on site" and the redirect after posting find the page.
"""

import math
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Q, Subquery

from core.contentversion import versioned

from .models import Comment, DiscussionSettings
from .targets import is_page, target_key

NEWEST = "newest"
DESC = "desc"
SUFFIX = "comment-page-{}/"


@dataclass(frozen=True, slots=True)
class Paging:
    """How the discussion settings page and order a thread."""

    per_page: int  # top-level comments per page; 0: no pages
    newest_default: bool  # the post's address shows the last page (else the first)
    newest_first: bool  # newer top-level comments at the top of a page

    @classmethod
    def of(cls, settings: DiscussionSettings) -> "Paging":
        return cls(
            per_page=max(1, settings.comments_per_page) if settings.page_comments else 0,
            newest_default=settings.default_comments_page == NEWEST,
            newest_first=settings.comment_order == DESC,
        )

    @property
    def key(self) -> str:
        """A short name of these settings, for cache keys."""
        first = "n" if self.newest_default else "o"
        order = "d" if self.newest_first else "a"
        return f"{self.per_page}{first}{order}"

    def count(self, top_level: int) -> int:
        """How many pages `top_level` comments fill (at least one)."""
        if not self.per_page:
            return 1
        return max(1, math.ceil(top_level / self.per_page))

    def default_page(self, pages: int) -> int:
        return pages if self.newest_default else 1


def current() -> Paging:
    return Paging.of(DiscussionSettings.load())


def page_path(post, page: int, pages: int, paging: Paging) -> str:
    """The address of comment page `page` of `pages` (without #comments)."""
    base = post.get_absolute_url()
    if not paging.per_page or page == paging.default_page(pages):
        return base
    return base + SUFFIX.format(page)


def split(nodes, paging: Paging, page: int | None) -> tuple[list, int, int]:
    """The nodes of comment page `page` (None: the default one), its number and the count.

    `nodes` are a whole thread in reading order (comments/tree.py): each top-level
    comment is followed by its replies and closes every list it opened, so a page is a
    run of such groups, in any order. A page beyond the last gives the last.
    """
    groups: list[list] = []
    for node in nodes:
        if node.depth == 1:
            groups.append([node])
        elif groups:
            groups[-1].append(node)
    pages = paging.count(len(groups))
    number = min(max(page or paging.default_page(pages), 1), pages)
    if paging.per_page:
        groups = groups[(number - 1) * paging.per_page : number * paging.per_page]
    if paging.newest_first:
        groups.reverse()
    return [node for group in groups for node in group], number, pages


def _top_level(on: dict, pending=()):
    """The top-level comments a thread shows (the given held ones included); `on`
    names its post or page ({"post_id": 12} or {"page_id": 3})."""
    condition = Q(status=Comment.Status.APPROVED)
    if pending:
        condition |= Q(status=Comment.Status.PENDING, pk__in=list(pending))
    return Comment.objects.conversation().filter(condition, parent__isnull=True, **on)


def top_level_count(post, pending=()) -> int:
    """How many top-level comments `post`'s thread shows (cached under the content version)."""
    key = None
    if django_settings.BLOG_FRAGMENT_CACHE and not pending:
        key = f"comments:top-level:{target_key(post)}"
    on = {"page_id" if is_page(post) else "post_id": post.pk}
    return versioned(key, _top_level(on, pending).count, 3600)


_ROOT_SQL = """
WITH RECURSIVE chain(id, parent_id, n) AS (
    SELECT id, parent_id, 0 FROM {table} WHERE id = %s
    UNION ALL
    SELECT c.id, c.parent_id, chain.n + 1 FROM {table} c JOIN chain ON c.id = chain.parent_id
    WHERE chain.n < 50
)
SELECT id FROM chain WHERE parent_id IS NULL
"""


def _root_id(comment) -> int:
    """The top-level comment above `comment` (itself at the top level): one query."""
    if not comment.parent_id:
        return comment.pk
    with connection.cursor() as cursor:
        cursor.execute(_ROOT_SQL.format(table=Comment._meta.db_table), [comment.pk])
        row = cursor.fetchone()
    return row[0] if row else comment.pk


def page_of(comment, paging: Paging, pending=()) -> int:
    """The number of the comment page that shows `comment` (WordPress's get_page_of_comment)."""
    if not paging.per_page:
        return 1
    root = _root_id(comment)
    created = Subquery(Comment.objects.filter(pk=root).values("created_at")[:1])
    before = (
        _top_level(
            {"page_id": comment.page_id} if comment.page_id else {"post_id": comment.post_id},
            pending,
        )
        .filter(Q(created_at__lt=created) | Q(created_at=created, id__lt=root))
        .count()
    )
    return before // paging.per_page + 1


def comment_page_number(comment, pending=()) -> int | None:
    """The page showing `comment`, or None when comments are not paged."""
    paging = current()
    return page_of(comment, paging, pending) if paging.per_page else None


def comment_link(comment, *, pending=()) -> str:
    """The address of `comment` on its post: its comment page and #comment-N.

    `pending`: the held comments the reader sees (after posting one).
    """
    post = comment.target
    anchor = f"#comment-{comment.pk}"
    paging = current()
    if not paging.per_page or comment.comment_type != Comment.Type.COMMENT:
        # Pings are listed under the thread on every comment page (comments/pings.py).
        return post.get_absolute_url() + anchor
    pages = paging.count(top_level_count(post, pending))
    page = min(page_of(comment, paging, pending), pages)
    return page_path(post, page, pages, paging) + anchor


def page_numbers(current_page: int, pages: int, end: int = 1, mid: int = 2) -> list[int | None]:
    """The page numbers to link, None for a gap ("…"), as WordPress's paginate_links."""
    numbers: list[int | None] = []
    dots = False
    for n in range(1, pages + 1):
        if (
            n == current_page
            or n <= end
            or current_page - mid <= n <= current_page + mid
            or n > pages - end
        ):
            numbers.append(n)
            dots = True
        elif dots:
            numbers.append(None)
            dots = False
    return numbers


def navigation(post, page: int, pages: int, paging: Paging) -> dict | None:
    """The links above and below a thread of more than one page (templates/comments/_pages.html)."""
    if pages < 2:
        return None

    def url(number: int) -> str:
        return page_path(post, number, pages, paging) + "#comments"

    return {
        "previous": url(page - 1) if page > 1 else "",
        "next": url(page + 1) if page < pages else "",
        "numbers": [
            (n, "" if n is None or n == page else url(n)) for n in page_numbers(page, pages)
        ],
    }
