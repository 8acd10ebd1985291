"""The thread of a post in one query, flattened for one pass (the section: section.py).

`build_thread` files each comment under its parent in a single pass over one query
(`build_page`: one comment page, comments/paging.py) and hands back the comments in
reading order, each with its depth and how many lists open before it and close after
it, so that comments/render.py writes the whole thread in one loop, without an
`{% include %}` per comment (see STYLE.md §3, §7). The rows are plain tuples
(`ThreadComment`), not model instances: a thousand of them cost a few milliseconds
instead of tens.

Replies under a comment that readers cannot see (pending, spam, trash) are dropped
with it, as WordPress does: a thread never shows an answer to something invisible.
"""

from collections import namedtuple
from dataclasses import dataclass, field

from django.db.models import Case, CharField, F, Q, Value, When

from .models import Comment

# Where a reply came from, for its "via Mastodon" marker (issue #15): the software a
# fediverse reply named (fediverse/replies.py keeps it as the comment's user agent), else
# "Fediverse"; a Webmention's source URL; empty for comments written here.
VIA = Case(
    When(origin=Comment.Origin.FEDIVERSE, user_agent="", then=Value("Fediverse")),
    When(origin=Comment.Origin.FEDIVERSE, then=F("user_agent")),
    # A Webmention: its source, for "via <site>" linked to it.
    When(origin=Comment.Origin.WEBMENTION, then=F("remote_id")),
    default=Value(""),
    output_field=CharField(),
)
THREAD_FIELDS = (
    "id",
    "parent_id",
    "author_name",
    "author_url",
    "body_html",
    "status",
    "created_at",
    "is_author_reply",
    "avatar",
    "legacy_id",
    "via",
)


class ThreadComment(namedtuple("ThreadCommentRow", THREAD_FIELDS)):
    """One comment of a thread, as the thread shows it."""

    __slots__ = ()

    @property
    def pk(self) -> int:
        return self.id


@dataclass(slots=True)
class Node:
    comment: ThreadComment
    depth: int
    opens_children: bool = False  # the first reply: a list of replies opens before it
    closes: int = -1  # after it: -1 its replies follow, else its item and this many lists
    has_children: bool = False
    can_reply: bool = True


@dataclass
class Thread:
    nodes: list[Node] = field(default_factory=list)

    def __len__(self):
        return len(self.nodes)


def _shown(post, include_pending):
    """The comments a thread may show, oldest first: approved, and the given held ones."""
    condition = Q(status=Comment.Status.APPROVED)
    if include_pending:
        condition |= Q(status=Comment.Status.PENDING, pk__in=list(include_pending))
    shown = Comment.objects.for_post(post).conversation().filter(condition)
    return shown.order_by("created_at", "id")


def _children(pairs) -> dict[int | None, list[int]]:
    """Comment ids by parent id (None: the top level), oldest first, from (id, parent_id)
    pairs in time order. A reply whose parent is not shown is dropped, and so (never
    reached from the top) are its replies."""
    pairs = list(pairs)
    known = {comment_id for comment_id, _ in pairs}
    children: dict[int | None, list[int]] = {}
    for comment_id, parent_id in pairs:
        if parent_id and parent_id not in known:
            continue
        children.setdefault(parent_id or None, []).append(comment_id)
    return children


def _reading_order(children, roots) -> list[tuple[int, int]]:
    """(id, depth) of `roots` and their replies, each comment followed by its replies."""
    order = []
    stack = [(root, 1) for root in reversed(roots)]
    while stack:
        comment_id, depth = stack.pop()
        order.append((comment_id, depth))
        stack.extend((kid, depth + 1) for kid in reversed(children.get(comment_id, ())))
    return order


def _nodes(order, rows: dict, children, max_depth: int) -> list[Node]:
    nodes = [
        Node(
            comment=rows[comment_id],
            depth=depth,
            has_children=bool(children.get(comment_id)),
            can_reply=depth < max_depth and rows[comment_id].status == Comment.Status.APPROVED,
        )
        for comment_id, depth in order
    ]
    for index, node in enumerate(nodes):
        next_depth = nodes[index + 1].depth if index + 1 < len(nodes) else 1
        node.opens_children = bool(index) and nodes[index - 1].depth < node.depth
        if next_depth <= node.depth:
            node.closes = node.depth - next_depth
    return nodes


def build_thread(post, *, max_depth: int, include_pending=()) -> Thread:
    """The visible thread of `post`, plus the given held comments; see the module docstring."""
    comments = [
        ThreadComment._make(row)
        for row in _shown(post, include_pending).annotate(via=VIA).values_list(*THREAD_FIELDS)
    ]
    rows = {comment.id: comment for comment in comments}
    children = _children((comment.id, comment.parent_id) for comment in comments)
    order = _reading_order(children, children.get(None, []))
    return Thread(_nodes(order, rows, children, max_depth))


# Full rows of a comment page are read in batches of this many ids (old SQLite versions
# bind at most 999 parameters to a query).
BATCH = 900


def build_page(post, *, max_depth: int, paging, page, include_pending=()):
    """Comment page `page` (None: the default one) of `post`'s thread (comments/paging.py):
    (Thread of its comments, its number, the number of pages).

    The thread's shape comes from a light query of ids, the full rows (text and all) only
    for the comments on the page: a page of a 1,000-comment post reads some tens of them.
    """
    shown = _shown(post, include_pending)
    children = _children(shown.values_list("id", "parent_id"))
    roots = children.get(None, [])
    pages = paging.count(len(roots))
    number = min(max(page or paging.default_page(pages), 1), pages)
    roots = roots[(number - 1) * paging.per_page : number * paging.per_page]
    if paging.newest_first:
        roots.reverse()
    order = _reading_order(children, roots)
    ids = [comment_id for comment_id, _ in order]
    rows = {}
    for start in range(0, len(ids), BATCH):
        batch = shown.filter(pk__in=ids[start : start + BATCH]).annotate(via=VIA)
        for row in batch.values_list(*THREAD_FIELDS):
            rows[row[0]] = ThreadComment._make(row)
    if len(rows) < len(ids):
        # Something changed between the two queries: the whole thread in one query.
        from .paging import split

        nodes, number, pages = split(
            build_thread(post, max_depth=max_depth, include_pending=include_pending).nodes,
            paging,
            page,
        )
        return Thread(nodes), number, pages
    return Thread(_nodes(order, rows, children, max_depth)), number, pages
