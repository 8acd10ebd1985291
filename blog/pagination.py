"""Numbered links under a list, as WordPress themes show them (issue #14):
"← Newer posts 1 … 4 5 6 7 8 … 17 Older posts →"."""

from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# WordPress's paginate_links(): one number at each end, two on each side of the current.
ON_EACH_SIDE = 2
ON_ENDS = 1


def page_links(url_name: str, kwargs: dict, page_obj, query: str = "") -> dict:
    """The previous and next pages' URLs and the numbered links (page 1 is the list's own URL).

    `numbers`: {"number", "url", "current"} per page shown, {"number": None} for a gap.
    """

    def url(number):
        if number == 1:
            return reverse(f"blog:{url_name}", kwargs=kwargs) + query
        return reverse(f"blog:{url_name}_page", kwargs={**kwargs, "page": number}) + query

    paginator = page_obj.paginator
    numbers = []
    for number in paginator.get_elided_page_range(
        page_obj.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
    ):
        if number == paginator.ELLIPSIS:
            numbers.append({"number": None, "url": "", "current": False})
        else:
            current = number == page_obj.number
            numbers.append(
                {"number": number, "url": "" if current else url(number), "current": current}
            )
    return {
        "previous_url": url(page_obj.previous_page_number()) if page_obj.has_previous() else "",
        "next_url": url(page_obj.next_page_number()) if page_obj.has_next() else "",
        "numbers": numbers,
    }


class IdsFirstPaginator(Paginator):
    """Pages a queryset in two steps: the ids of the page, then those rows (issue #14).

    With an index that holds the list's order and filters (Post's post_home_order and
    post_list_order), the ids come from the index alone: a deep page (/page/900/) walks
    narrow index entries instead of whole rows, and only ten rows are read. The first
    pages are read in one query.
    """

    # Up to here, one query for whole rows costs less than two.
    DIRECT_ROWS = 200

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not isinstance(self.object_list, QuerySet) or bottom < self.DIRECT_ROWS:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.order_by().in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class BoundedCountPaginator(IdsFirstPaginator):
    """For the admin's lists of a big blog: counts at most COUNT_LIMIT rows (issue #14).

    A list of 200,000 comments is not counted whole for every page shown: the count
    stops at COUNT_LIMIT + 1 (a LIMIT in a subquery), and beyond that the list says
    "more than 5,000" (templates/admin/pagination.html, actions.html, search_form.html
    read `count_bounded`). Pages past the limit stay reachable by their number; a page
    with no rows there is no page.
    """

    COUNT_LIMIT = 5000
    count_bounded = False

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):
            self.count_bounded = False
            return super().count
        # Only the ids in the subquery: no annotation of the list is computed for a count.
        counted = self.object_list.order_by().values("pk")[: self.COUNT_LIMIT + 1].count()
        self.count_bounded = counted > self.COUNT_LIMIT
        return min(counted, self.COUNT_LIMIT)

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if not self.count_bounded or int(number) < 1:
                raise
            return int(number)  # past the limit: page() finds out

    def page(self, number):
        number = self.validate_number(number)
        if not (self.count_bounded and number > self.num_pages):
            return super().page(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        if not ids:
            raise EmptyPage(_("That page contains no results"))
        rows = self.object_list.order_by().in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
