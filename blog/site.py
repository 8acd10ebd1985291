"""What every page shows around its content: settings, navigation, sidebar, footer.

Built from a handful of queries once, then kept in the cache under the current content
version, so that a page view normally costs no query for it at all. Any change to
something shown here bumps the version (see blog/signals.py); a scheduled post coming
due does not, so everything cached from this data lives no longer than until then.
"""

import time

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from core.contentversion import content_version, versioned

from .models import Category, FooterLink, Page, Post, SiteSettings, Tag, public_q

MAX_AGE = 300
TAG_CLOUD_SIZE = 40
RECENT_POSTS = 5


def _tag_cloud(tags):
    if not tags:
        return []
    counts = [t["count"] for t in tags]
    low, high = min(counts), max(counts)
    spread = max(high - low, 1)
    for tag in tags:
        tag["weight"] = 1 + round(4 * (tag["count"] - low) / spread)
    return sorted(tags, key=lambda t: t["name"].casefold())


def build_site_data() -> dict:
    """Collect the data of the page frame; see the module docstring."""
    now = timezone.now()
    settings_row = SiteSettings.load()
    listed = Post.objects.listed_for(None)
    listed_filter = public_q("posts__")
    recent = [
        {"title": p.title, "url": p.get_absolute_url()}
        for p in listed.only("title", "slug", "published_at", "permalink_date")[:RECENT_POSTS]
    ]
    months = [
        {
            "month": row["month"],
            "count": row["count"],
            "url": reverse(
                "blog:archive_month",
                kwargs={"year": row["month"].year, "month": row["month"].month},
            ),
        }
        for row in listed.annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
    ]
    categories = [
        {"name": c.name, "url": c.get_absolute_url(), "count": c.count, "depth": c.depth}
        for c in Category.objects.annotate(count=Count("posts", filter=listed_filter))
    ]
    tags = _tag_cloud(
        [
            {"name": t.name, "url": t.get_absolute_url(), "count": t.count}
            for t in Tag.objects.annotate(count=Count("posts", filter=listed_filter))
            .filter(count__gt=0)
            .order_by("-count")[:TAG_CLOUD_SIZE]
        ]
    )
    nav = [
        {"title": p.title, "url": p.get_absolute_url(), "path": p.path}
        for p in Page.objects.in_navigation().filter(parent=None)
    ]
    links = [
        {
            "name": link.name,
            "url": link.url,
            "badge_url": link.badge.url if link.badge else "",
            "badge_width": link.badge_width,
            "badge_height": link.badge_height,
        }
        for link in FooterLink.objects.filter(is_visible=True)
    ]
    legal = []
    for page_id in (settings_row.imprint_page_id, settings_row.privacy_page_id):
        page = Page.objects.published().filter(pk=page_id).first() if page_id else None
        if page:
            legal.append({"title": page.title, "url": page.get_absolute_url()})
    next_scheduled = (
        Post.objects.filter(status=Post.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return {
        "title": settings_row.title,
        "tagline": settings_row.tagline,
        "posts_per_page": settings_row.posts_per_page,
        "footer_text": settings_row.footer_text,
        "recent_posts": recent,
        "archive_months": months,
        "categories": [c for c in categories if c["count"]],
        "tag_cloud": tags,
        "navigation": nav,
        "footer_links": links,
        "legal_links": legal,
        "_next_scheduled": next_scheduled,
    }


def max_age(next_scheduled, now=None) -> int:
    """How long an entry that shows published posts may be kept, from now: no longer
    than until the next scheduled post is due (whole seconds, rounded down)."""
    if next_scheduled is None:
        return MAX_AGE
    now = now or timezone.now()
    return max(0, min(MAX_AGE, int((next_scheduled - now).total_seconds())))


def get_site_data() -> dict:
    """The page-frame data for the current content version, from the cache if possible.

    `_max_age` is the lifetime for entries built from it (the page cache, the
    neighbours), counted from now. Data kept from before a scheduled post was due is
    built afresh, under a new `version` (which keys the sidebar fragment).
    """
    now = timezone.now()

    def build():
        data = build_site_data()
        data["version"] = f"{content_version()}-{time.time_ns()}"
        return data

    def due(data) -> bool:
        return bool(data["_next_scheduled"] and data["_next_scheduled"] <= now)

    def lifetime(data) -> int:
        return max_age(data["_next_scheduled"], now)

    data = versioned("blog:site-data", build, lifetime, stale=due)
    data["_max_age"] = lifetime(data)
    return data


def page_lifetime() -> int:
    """How long a page stored now may be kept (core/pagecache.py): until the next
    scheduled post is due, at most MAX_AGE."""
    return get_site_data()["_max_age"]
