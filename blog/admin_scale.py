"""The post list of the admin at the size of a big blog (issue #14).

- The comment counts: approved from the stored `Post.comment_count`, held ones counted
  per listed post by a subquery on the comments' (post, created_at) index. No join of
  the comments into the list's query, so that its count and its date hierarchy read
  the posts alone (a COUNT over the join of 10,000 posts and 200,000 comments took
  seconds).
- `show_full_result_count = False`: a filtered list does not count every post again.
- The search goes through the full-text index of blog/search.py (titles and texts as
  German stems, drafts included), not a substring scan over every post's body: the
  same words find the same posts as the blog's search.
"""

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from . import search

# Constant SQL; the words searched for are a parameter.
SQLITE_FOUND = (
    'SELECT "post_id" FROM "blog_searchentry" WHERE "post_id" IS NOT NULL AND "id" IN '  # noqa: S608
    f"({search._SQLite.FOUND})"
)


def pending_counts():
    """An annotation: the held comments of each post (a subquery per listed row)."""
    from comments.models import Comment

    held = (
        Comment.objects.filter(post=OuterRef("pk"), status=Comment.Status.PENDING)
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(held, output_field=IntegerField()), 0)


def found_post_ids(term: str):
    """The ids of the posts whose search entry holds every word of `term`, as SQL for
    `pk__in` (None: no word to search for)."""
    stems = search.terms(search.normalise_query(term))
    if not stems:
        return None
    if connection.vendor == "postgresql":
        return RawSQL(  # noqa: S611 (constant SQL, the words are a parameter)
            'SELECT "post_id" FROM "blog_searchentry" WHERE "post_id" IS NOT NULL '
            "AND \"document\" @@ plainto_tsquery('simple'::regconfig, %s)",
            [" ".join(stems)],
        )
    phrases = " AND ".join(f'"{s}"' for s in stems)  # stems are letters and digits only
    return RawSQL(SQLITE_FOUND, [phrases])  # noqa: S611


class PostListScaleMixin:
    """For PostAdmin: see the module docstring."""

    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        found = found_post_ids(search_term)
        if found is None:
            return queryset.none(), False
        return queryset.filter(pk__in=found), False
