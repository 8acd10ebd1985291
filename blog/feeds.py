"""RSS 2.0 and Atom feeds of the latest posts, per category and per tag (issue #2).

Items carry the full sanitised HTML of the post; password-protected posts only their
title and a note, as WordPress does.
"""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Category, Post, Tag
from .site import get_site_data

FEED_SIZE = 10


class LatestPostsFeed(Feed):
    def title(self, obj=None):
        return get_site_data()["title"]

    def description(self, obj=None):
        return get_site_data()["tagline"]

    def link(self, obj=None):
        return "/"

    def posts(self, obj):
        return Post.objects.listed_for(None).for_feed()

    def items(self, obj=None):
        return self.posts(obj)[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        if item.is_password_protected:
            return _("This post is password protected.")
        return item.body_html

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.get_full_name() or item.author.get_username()

    def item_categories(self, item):
        terms = item.terms or {}
        return [t["name"] for t in terms.get("categories", []) + terms.get("tags", [])]

    def item_guid(self, item):
        return None  # the link, as a permalink


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)


class CategoryFeed(LatestPostsFeed):
    def get_object(self, request, path):
        return get_object_or_404(Category, path=path)

    def title(self, obj=None):
        return f"{get_site_data()['title']} » {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def posts(self, obj):
        # As on the category page: the category and its subcategories, never a sibling.
        return (
            super()
            .posts(obj)
            .filter(Q(categories__path=obj.path) | Q(categories__path__startswith=obj.path + "/"))
            .distinct()
        )


class TagFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj=None):
        return f"{get_site_data()['title']} » {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def posts(self, obj):
        return super().posts(obj).filter(tags=obj)
