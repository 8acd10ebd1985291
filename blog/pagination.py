"""Numbered links under a list, as WordPress themes show them (issue #14):
"← Newer posts 1 … 4 5 6 7 8 … 17 Older posts →"."""

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
