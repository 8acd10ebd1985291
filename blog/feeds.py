"""RSS 2.0 and Atom feeds of the latest posts, per category and per tag (issue #2).

Items carry the full sanitised HTML of the post; password-protected posts only their
title and a note, as WordPress does.
"""

import re

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from .models import Category, Post, Tag
from .site import get_site_data

FEED_SIZE = 10
# What XML 1.0 cannot hold: Django's feed writer refuses control characters with an
# exception (a 500 for the whole feed), and lone surrogates cannot be encoded (#7).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value):
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return [_xml_safe(item) for item in value]
    return value


class _XmlSafe:
    """A feed type that drops what XML cannot hold from every text it is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class SafeRssFeed(_XmlSafe, Rss201rev2Feed):
    pass


class SafeAtomFeed(_XmlSafe, Atom1Feed):
    pass


class LatestPostsFeed(Feed):
    feed_type = SafeRssFeed

    def title(self, obj=None):
        return get_site_data()["title"]

    def description(self, obj=None):
        return get_site_data()["tagline"]

    def link(self, obj=None):
        return reverse("blog:post_list")

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
    feed_type = SafeAtomFeed

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
