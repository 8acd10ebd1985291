from django.utils.functional import SimpleLazyObject

from blog.site import get_site_data
from core.contentversion import versioned

from .models import Comment

RECENT_COMMENTS = 5


def _recent_comments() -> list[dict]:
    def build():
        # On public posts and published pages (issue #13): one query, as every page
        # (a 404 too) may build it.
        return [
            {"name": c.author_name, "post_title": c.target.title, "url": c.get_absolute_url()}
            for c in Comment.objects.visible()
            .on_public_targets()
            .select_related("post", "page")
            .order_by("-created_at", "-id")[:RECENT_COMMENTS]
        ]

    # Comments on a scheduled post join the list when it is due.
    return versioned("comments:recent", build, lambda _items: get_site_data()["_max_age"])


def recent_comments(request):
    """`recent_comments` for the sidebar widget: name, post title and link, cached."""
    return {"recent_comments": SimpleLazyObject(_recent_comments)}
