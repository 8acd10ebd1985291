"""Numbered links under a list, as WordPress themes show them (issue #14):
"← Newer posts 1 … 4 5 6 7 8 … 17 Older posts →"."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.urls import reverse

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
