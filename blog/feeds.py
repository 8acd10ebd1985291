"""RSS 2.0 and Atom feeds of the latest posts, per category, tag and author (issue #2).

As WordPress's (issue #13): the summary as description, the full sanitised HTML as
`content:encoded` (Atom: <content>), with absolute image and link addresses so that
feed readers can show them; each post's `guid` as RSS guid and Atom id, which an
imported post brings from WordPress, so that subscribers' apps recognise it, and which
never changes on edits. Password-protected posts carry only their title and a note.
Apps above the blog add item elements with `register_item_extras` (the comment links
and count, from the wordpress app: blog knows nothing of comments).
"""

import copy
import re
from collections.abc import Callable
from urllib.parse import urljoin

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import Category, Post, Tag
from .site import get_site_data

FEED_SIZE = 10
# Functions (post, absolute) → dict of item elements: "comments" (an address),
# "comment_feed" (wfw:commentRss), "comment_count" (slash:comments). `absolute` makes
# a path absolute for the request.
ITEM_EXTRAS: list[Callable] = []


def register_item_extras(function: Callable) -> None:
    """Let an app add item elements to the post feeds (see ITEM_EXTRAS)."""
    if function not in ITEM_EXTRAS:
        ITEM_EXTRAS.append(function)


_URL_ATTRIBUTE = re.compile(r'(\s(?:src|href|poster|cite)=")([^"]*)(")')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')


def absolute_html(html: str, base: str) -> str:
    """`html` with every src, href and srcset address made absolute against `base` (the
    post's own address): a feed reader shows the entry away from the blog."""

    def srcset(match):
        candidates = []
        for candidate in match.group(2).split(","):
            url, _space, width = candidate.strip().partition(" ")
            candidates.append(f"{urljoin(base, url)} {width}".strip())
        return f"{match.group(1)}{', '.join(candidates)}{match.group(3)}"

    html = _URL_ATTRIBUTE.sub(
        lambda m: f"{m.group(1)}{urljoin(base, m.group(2))}{m.group(3)}", html
    )
    return _SRCSET.sub(srcset, html)


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


class PostsRssFeed(SafeRssFeed):
    """RSS 2.0 with the elements of WordPress's feed that readers use."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:wfw": "http://wellformedweb.org/CommentAPI/",
            "xmlns:slash": "http://purl.org/rss/1.0/modules/slash/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_encoded"):
            handler.addQuickElement("content:encoded", item["content_encoded"])
        if item.get("comment_feed"):
            handler.addQuickElement("wfw:commentRss", item["comment_feed"])
        if item.get("comment_count") is not None:
            handler.addQuickElement("slash:comments", str(item["comment_count"]))


class PostsAtomFeed(SafeAtomFeed):
    """Atom 1.0 with the full text as <content> beside the <summary>."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_encoded"):
            handler.addQuickElement("content", item["content_encoded"], {"type": "html"})


class LatestPostsFeed(Feed):
    feed_type = PostsRssFeed
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request (urls.py): a copy holds this one's.
        feed = copy.copy(self)
        feed.request = request
        feed.extras = {}
        return Feed.__call__(feed, request, *args, **kwargs)

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

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
        return escape(item.summary)

    def item_guid(self, item):
        return item.guid or None  # None: the link

    def item_comments(self, item):
        return self.item_extras(item).get("comments")

    def item_extras(self, item) -> dict:
        if item.pk not in self.extras:
            found = {}
            for function in ITEM_EXTRAS:
                found.update(function(item, self.absolute))
            self.extras[item.pk] = found
        return self.extras[item.pk]

    def item_extra_kwargs(self, item):
        extras = self.item_extras(item)
        content = ""
        if not item.is_password_protected:
            content = absolute_html(item.body_html, self.absolute(item.get_absolute_url()))
        return {
            "content_encoded": content,
            "comment_feed": extras.get("comment_feed"),
            "comment_count": extras.get("comment_count"),
        }

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.get_full_name() or item.author.get_username()

    def item_categories(self, item):
        terms = item.terms or {}
        return [t["name"] for t in terms.get("categories", []) + terms.get("tags", [])]


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = PostsAtomFeed

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


class AuthorFeed(LatestPostsFeed):
    """/author/<name>/feed/, as WordPress has it."""

    def get_object(self, request, username):
        return get_object_or_404(get_user_model(), username=username, is_active=True)

    def title(self, obj=None):
        return f"{get_site_data()['title']} » {obj.get_full_name() or obj.get_username()}"

    def link(self, obj=None):
        return reverse("blog:author_detail", kwargs={"username": obj.get_username()})

    def posts(self, obj):
        return super().posts(obj).filter(author=obj)
