"""The post list of the admin at the size of a big blog (issue #14).

- The comment counts: approved from the stored `Post.comment_count`, held ones counted
  per listed post by a subquery on the comments' (post, created_at) index. No join of
  the comments into the list's query, so that its count and its date hierarchy read
  the posts alone (a COUNT over the join of 10,000 posts and 200,000 comments took
  seconds).
- `show_full_result_count = False`: a filtered list does not count every post again;
  the list's own count stops at BoundedCountPaginator.COUNT_LIMIT ("more than 5,000").
- The search goes through the full-text index of blog/search.py (titles and texts as
  German stems, drafts included), not a substring scan over every post's body: the
  same words find the same posts as the blog's search.
- The date hierarchy's first level, the years with posts, is found on the index of
  `published_at`: the first post, then the first post of each following year, one
  short index read per year (Django's `datetimes(…, "year")` truncates the date of
  every post, in Python on SQLite: it cost the list several times the post page).
  Its oldest and newest dates likewise, each from one end of the index.
- Each row's checkbox for the actions is written directly, the same markup Django's
  widget renders through the form template engine (a third of the list's time: the
  rows, not the blog's size, made the list cost several times the post page).
"""

import datetime
import functools

from django.contrib.admin import helpers
from django.db import connection
from django.db.models import BooleanField, Count, IntegerField, Max, Min, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import search
from .pagination import BoundedCountPaginator

# Constant SQL; the words searched for are a parameter. On SQLite, a condition on each
# post (the FTS5 hits read once): its planner then walks the posts in the list's order
# and stops at the page, where `id IN (hits)` had it read and sort every hit for each
# query of the list (its page, count and every year of the date hierarchy).
SQLITE_FOUND = (
    'EXISTS (SELECT 1 FROM "blog_searchentry" WHERE "blog_searchentry"."post_id" = '  # noqa: S608
    f'"blog_post"."id" AND "blog_searchentry"."id" IN ({search._SQLite.FOUND}))'
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


def found_posts(term: str):
    """A condition on Post: its search entry holds every word of `term` (None: no word
    to search for)."""
    stems = search.terms(search.normalise_query(term))
    if not stems:
        return None
    if connection.vendor == "postgresql":
        return Q(
            pk__in=RawSQL(  # noqa: S611 (constant SQL, the words are a parameter)
                'SELECT "post_id" FROM "blog_searchentry" WHERE "post_id" IS NOT NULL '
                "AND \"document\" @@ plainto_tsquery('simple'::regconfig, %s)",
                [" ".join(stems)],
            )
        )
    phrases = " AND ".join(f'"{s}"' for s in stems)  # stems are letters and digits only
    return RawSQL(SQLITE_FOUND, [phrases], output_field=BooleanField())  # noqa: S611


def _year_start(year: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, 1, 1))


class DatesByIndexMixin:
    """For the admin's QuerySet of posts: the date hierarchy's years and its first and
    last date read from the index of `published_at` (see the module docstring)."""

    DATE_FIELD = "published_at"

    def _dates(self):
        return (
            self.filter(**{f"{self.DATE_FIELD}__isnull": False})
            .order_by()
            .values_list(self.DATE_FIELD, flat=True)
        )

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if field_name != self.DATE_FIELD or kind != "year" or tzinfo is not None:
            return super().datetimes(field_name, kind, order, tzinfo)
        dates = self._dates().order_by(self.DATE_FIELD)
        years = []
        first = dates.first()
        while first is not None:
            year = timezone.localtime(first).year
            years.append(_year_start(year))
            if year >= datetime.MAXYEAR:
                break
            first = dates.filter(**{f"{self.DATE_FIELD}__gte": _year_start(year + 1)}).first()
        return years if order == "ASC" else years[::-1]

    def aggregate(self, *args, **kwargs):
        """{"first": Min(date), "last": Max(date)}, as the date hierarchy asks, from
        the ends of the index; any other aggregate as Django computes it."""
        wanted = {"first": Min, "last": Max}
        if (
            args
            or set(kwargs) != set(wanted)
            or not all(
                type(kwargs[k]) is wanted[k]
                and kwargs[k].source_expressions[0].name == self.DATE_FIELD
                and not kwargs[k].filter
                for k in wanted
            )
        ):
            return super().aggregate(*args, **kwargs)
        dates = self._dates()
        return {
            "first": dates.order_by(self.DATE_FIELD).first(),
            "last": dates.order_by(f"-{self.DATE_FIELD}").first(),
        }


@functools.cache
def _with_dates_by_index(cls):
    if issubclass(cls, DatesByIndexMixin):
        return cls
    return type(f"DatesByIndex{cls.__name__}", (DatesByIndexMixin, cls), {})


def dates_by_index(queryset):
    """The same queryset, with DatesByIndexMixin's years and ends."""
    cls = _with_dates_by_index(type(queryset))
    return cls(
        model=queryset.model, query=queryset.query, using=queryset._db, hints=queryset._hints
    )


class PostListScaleMixin:
    """For PostAdmin: see the module docstring."""

    show_full_result_count = False
    paginator = BoundedCountPaginator

    def get_queryset(self, request):
        return dates_by_index(super().get_queryset(request))

    def action_checkbox(self, obj):
        """Django's checkbox of a row (ModelAdmin.action_checkbox), without the widget."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        found = found_posts(search_term)
        if found is None:
            return queryset.none(), False
        return queryset.filter(found), False
