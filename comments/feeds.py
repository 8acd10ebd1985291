"""Comment feeds: the blog's latest comments and one post's comments (issue #3).

Only approved comments on public posts; never an e-mail address (the author element
carries the name only).
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from blog.feeds import SafeRssFeed
from blog.models import Post
from blog.site import get_site_data

from .models import Comment

FEED_SIZE = 20


def post_feed_url(post) -> str:
    """The address of a post's comment feed."""
    return reverse("comments:post_feed", kwargs=post.url_kwargs())


class LatestCommentsFeed(Feed):
    feed_type = SafeRssFeed

    def title(self, obj=None):
        return _("Comments for %s") % get_site_data()["title"]

    def link(self, obj=None):
        return reverse("blog:post_list")

    def description(self, obj=None):
        return get_site_data()["tagline"]

    def items(self, obj=None):
        return (
            Comment.objects.visible()
            .on_public_posts()
            .select_related("post", "parent")
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return _("Comment on %(title)s by %(name)s") % {
            "title": item.post.title,
            "name": item.author_name,
        }

    def item_description(self, item):
        if item.parent_id:
            in_reply_to = _("In reply to %s.") % escape(item.parent.author_name)
            return f"<p>{in_reply_to}</p>{item.body_html}"
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.author_name


class PostCommentsFeed(LatestCommentsFeed):
    def get_object(self, request, year, month, day, slug):
        post = Post.objects.listed_for(None).filter(slug=slug).first()
        if post is None or post.is_password_protected:
            raise Http404
        return post

    def title(self, obj=None):
        return _("Comments on: %s") % obj.title

    def link(self, obj=None):
        return obj.get_absolute_url()

    def items(self, obj=None):
        return (
            Comment.objects.visible()
            .for_post(obj)
            .select_related("post", "parent")
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return _("By: %s") % item.author_name
