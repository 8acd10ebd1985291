from django import template
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from comments.models import Reaction

from .. import conf

register = template.Library()


@register.simple_tag
def webmention_link():
    """<link rel="webmention"> for the page head, while Webmentions are received."""
    if not conf.get("WEBMENTIONS_RECEIVE"):
        return ""
    try:
        endpoint = reverse("webmentions:endpoint")
    except NoReverseMatch:  # a URLconf without it (tests of core)
        return ""
    return format_html('<link rel="webmention" href="{}">', endpoint)


@register.inclusion_tag("webmentions/_reactions.html")
def reaction_counts(post):
    """Likes, reposts and bookmarks of a post, counted across origins (Webmentions and
    the fediverse alike): "2 Likes · 1 Repost"."""
    rows = Reaction.objects.filter(post=post).values_list("kind").annotate(n=Count("id"))
    counts = dict(rows)
    labels = {
        Reaction.Kind.LIKE: lambda n: ngettext("%(count)s Like", "%(count)s Likes", n),
        Reaction.Kind.REPOST: lambda n: ngettext("%(count)s Repost", "%(count)s Reposts", n),
        Reaction.Kind.BOOKMARK: lambda n: ngettext("%(count)s Bookmark", "%(count)s Bookmarks", n),
    }
    parts = [
        labels[kind](counts[kind]) % {"count": counts[kind]}
        for kind in (Reaction.Kind.LIKE, Reaction.Kind.REPOST, Reaction.Kind.BOOKMARK)
        if counts.get(kind)
    ]
    return {"parts": parts}
