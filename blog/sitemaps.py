"""/sitemap.xml: posts, pages, categories and tags with their last change."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import Category, Page, Post, Tag, public_q


class PostSitemap(Sitemap):
    changefreq = "monthly"

    # Lists, not querysets: the sitemap's paginator then counts without a query.
    def items(self):
        return list(Post.objects.listed_for(None).only("slug", "published_at", "updated_at"))

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return list(Page.objects.published().only("path", "updated_at"))

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Category.objects.annotate(last=Max("posts__updated_at", filter=public_q("posts__")))
            .filter(last__isnull=False)
            .order_by("path")
        )

    def lastmod(self, item):
        return item.last


class TagSitemap(CategorySitemap):
    def items(self):
        return list(
            Tag.objects.annotate(last=Max("posts__updated_at", filter=public_q("posts__")))
            .filter(last__isnull=False)
            .order_by("slug")
        )


SITEMAPS = {
    "posts": PostSitemap,
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}
