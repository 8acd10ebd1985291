"""The comment list of the admin at the size of a big blog (issue #14).

- Pages are read ids first (blog.pagination.BoundedCountPaginator): a deep page walks
  the index on (created_at, id) instead of whole rows, and the list's count stops at
  5,000 ("more than 5,000 comments") instead of counting every comment for each page.
- `show_full_result_count = False`: a filtered list does not count every comment again.
- The search: a whole IP address or e-mail address finds every comment with it (by
  their indexes); any other term is looked for in the names, e-mail addresses and
  texts of the newest SEARCH_WINDOW comments of the list as filtered (of one post,
  when a post is chosen), not by a scan of every comment's text.
"""

import ipaddress

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blog.pagination import BoundedCountPaginator

SEARCH_WINDOW = 5000


def _ip(term: str):
    try:
        return str(ipaddress.ip_address(term))
    except ValueError:
        return None


class CommentListScaleMixin:
    """For CommentAdmin: see the module docstring."""

    show_full_result_count = False
    paginator = BoundedCountPaginator
    search_help_text = _(
        "Finds names, e-mail addresses and texts among the newest 5,000 comments (of the "
        "chosen post, if one is chosen); a whole e-mail or IP address finds every comment "
        "with it."
    )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        ip = _ip(term)
        if ip:
            return queryset.filter(ip_address=ip), False
        if "@" in term and " " not in term:
            exact = queryset.filter(Q(author_email=term) | Q(author_email=term.lower()))
            return exact, False
        newest = queryset.order_by("-created_at", "-id").values_list("created_at", flat=True)
        cutoff = list(newest[SEARCH_WINDOW - 1 : SEARCH_WINDOW])
        if cutoff:
            queryset = queryset.filter(created_at__gte=cutoff[0])
        found = queryset.filter(
            Q(author_name__icontains=term)
            | Q(author_email__icontains=term)
            | Q(body__icontains=term)
        )
        return found, False
