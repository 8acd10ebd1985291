"""The sitemap: /sitemap.xml is an index of sections of at most 250 addresses each
(/sitemap-posts.xml?p=2, …), so that no request grows with the blog (issue #14).

Sections: the home page, posts, pages, categories and tags, each address with its last
change. Sections page through querysets (LIMIT/OFFSET in a stable order, along an
index); the index asks each section for its size and, from an index, its latest change.
"""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.urls import reverse

from .models import Category, Page, Post, Tag, public_q
from .site import get_site_data

# Google reads up to 50,000 addresses per section and 50,000 sections: 250 keep a section
# as quick to serve as a post page (issue #14).
SECTION_SIZE = 250


class BlogSitemap(Sitemap):
    limit = SECTION_SIZE

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        """The section's latest change, the first entry of an index on updated_at (Django's
        own way loads every item)."""
        return self.items().order_by("-updated_at").values_list("updated_at", flat=True).first()


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
            .only("slug", "published_at", "permalink_date", "updated_at")
            .order_by("published_at", "id")
        )


class PageSitemap(BlogSitemap):
    """Pages: a few dozen at most, counted together with their latest change."""

    changefreq = "yearly"

    def items(self):
        return Page.objects.published().only("path", "updated_at").order_by("path")

    def _summary(self) -> dict:
        if not hasattr(self, "_summary_row"):
            self._summary_row = self.items().aggregate(count=Count("pk"), last=Max("updated_at"))
        return self._summary_row

    @property
    def paginator(self):
        paginator = Paginator(self._items(), self.limit)
        paginator.count = self._summary()["count"]  # a cached_property: no COUNT query
        return paginator

    def get_latest_lastmod(self):
        return self._summary()["last"]


class CategorySitemap(Sitemap):
    """Categories and tags with a public post; their last change is their latest post's.

    The index names no latest change for these sections (it is optional there): it would
    read every post.
    """

    changefreq = "weekly"
    limit = SECTION_SIZE
    model = Category
    relation = "categories"
    order = "path"

    def items(self):
        # Per term, its public posts newest change first, along the index on updated_at:
        # the first one answers, not all of them.
        newest = (
            Post.objects.filter(public_q(), **{self.relation: OuterRef("pk")})
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return (
            self.model.objects.annotate(last=Subquery(newest))
            .filter(last__isnull=False)
            .order_by(self.order)
        )

    def lastmod(self, item):
        return item.last

    @property
    def paginator(self):
        # Counted with EXISTS, which stops at a term's first public post.
        paginator = Paginator(self._items(), self.limit)
        used = Exists(Post.objects.filter(public_q(), **{self.relation: OuterRef("pk")}))
        paginator.count = self.model.objects.filter(used).count()  # a cached_property
        return paginator

    def get_latest_lastmod(self):
        return None


class TagSitemap(CategorySitemap):
    model = Tag
    relation = "tags"
    order = "slug"


SITEMAPS = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}
