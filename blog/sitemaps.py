"""The sitemap: /sitemap.xml is an index of sections of at most 2,000 addresses each
(/sitemap-posts.xml?p=2, …), so that no request grows with the blog (issue #14).

Sections: the home page, posts, pages, categories and tags, each address with its last
change. Sections page through querysets (LIMIT/OFFSET in a stable order); the index
asks each section for its size and latest change in one query.
"""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.urls import reverse

from .models import Category, Page, Post, Tag, public_q
from .site import get_site_data

# Google reads up to 50,000; smaller sections keep every sitemap request short.
SECTION_SIZE = 2000


class BlogSitemap(Sitemap):
    """A section whose size and latest change come from one query (the index asks both)."""

    limit = SECTION_SIZE

    def lastmod(self, item):
        return item.updated_at

    def summary(self) -> dict:
        """{"count": how many items, "last": their latest change}."""
        return self.items().aggregate(count=Count("pk"), last=Max("updated_at"))

    def _summary(self) -> dict:
        if not hasattr(self, "_summary_row"):
            self._summary_row = self.summary()
        return self._summary_row

    @property
    def paginator(self):
        paginator = Paginator(self._items(), self.limit)
        paginator.count = self._summary()["count"]  # a cached_property: no COUNT query
        return paginator

    def get_latest_lastmod(self):
        """The section's latest change, asked of the database (Django loads every item)."""
        return self._summary()["last"]


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["blog:post_list"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        """The latest change among the posts on the home page."""
        newest = (
            Post.objects.listed_for(None)
            .order_by("-is_sticky", "-published_at", "-id")
            .values_list("updated_at", flat=True)[: get_site_data()["posts_per_page"]]
        )
        return max(newest, default=None)

    def get_latest_lastmod(self):
        return self.lastmod(None)


class PostSitemap(BlogSitemap):
    changefreq = "monthly"

    def items(self):
        return (
            Post.objects.listed_for(None)
            .only("slug", "published_at", "updated_at")
            .order_by("published_at", "id")
        )


class PageSitemap(BlogSitemap):
    changefreq = "yearly"

    def items(self):
        return Page.objects.published().only("path", "updated_at").order_by("path")


class CategorySitemap(BlogSitemap):
    """Categories and tags with a public post; their last change is their latest post's."""

    changefreq = "weekly"
    model = Category
    order = "path"

    def items(self):
        return (
            self.model.objects.annotate(last=Max("posts__updated_at", filter=public_q("posts__")))
            .filter(last__isnull=False)
            .order_by(self.order)
        )

    def lastmod(self, item):
        return item.last

    def summary(self) -> dict:
        return self.model.objects.filter(public_q("posts__")).aggregate(
            count=Count("pk", distinct=True), last=Max("posts__updated_at")
        )


class TagSitemap(CategorySitemap):
    model = Tag
    order = "slug"


SITEMAPS = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}
