"""The thread of a post in one query, flattened for one pass (the section: section.py).

`build_thread` files each comment under its parent in a single pass over one query
and hands back the comments in reading order, each with its depth and how many lists
open before it and close after it, so that comments/render.py writes the whole
thread in one loop, without an `{% include %}` per comment (see STYLE.md §3, §7).
The rows are plain tuples (`ThreadComment`), not model instances: a thousand of them
cost a few milliseconds instead of tens.

Replies under a comment that readers cannot see (pending, spam, trash) are dropped
with it, as WordPress does: a thread never shows an answer to something invisible.
"""

from collections import namedtuple
from dataclasses import dataclass, field

from django.db.models import Q

from .models import Comment

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


def build_thread(post, *, max_depth: int, include_pending=()) -> Thread:
    """The visible thread of `post`, plus the given held comments; see the module docstring."""
    condition = Q(status=Comment.Status.APPROVED)
    if include_pending:
        condition |= Q(status=Comment.Status.PENDING, pk__in=list(include_pending))
    rows = (
        Comment.objects.for_post(post)
        .filter(condition)
        .order_by("created_at", "id")
        .values_list(*THREAD_FIELDS)
    )
    comments = [ThreadComment._make(row) for row in rows]
    children: dict[int | None, list[ThreadComment]] = {}
    known = {c.id for c in comments}
    for comment in comments:
        parent_id = comment.parent_id if comment.parent_id in known else None
        if comment.parent_id and parent_id is None:
            continue  # its parent is not shown: drop it (and so its replies)
        children.setdefault(parent_id, []).append(comment)

    nodes: list[Node] = []
    stack = [(c, 1) for c in reversed(children.get(None, []))]
    while stack:
        comment, depth = stack.pop()
        kids = children.get(comment.id, [])
        nodes.append(
            Node(
                comment=comment,
                depth=depth,
                has_children=bool(kids),
                can_reply=depth < max_depth and comment.status == Comment.Status.APPROVED,
            )
        )
        stack.extend((kid, depth + 1) for kid in reversed(kids))

    for index, node in enumerate(nodes):
        next_depth = nodes[index + 1].depth if index + 1 < len(nodes) else 1
        node.opens_children = bool(index) and nodes[index - 1].depth < node.depth
        if next_depth <= node.depth:
            node.closes = node.depth - next_depth
    return Thread(nodes)
