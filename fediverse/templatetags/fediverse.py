"""The fediverse on the blog's pages (issue #15): the author handles and a post's link to
its ActivityStreams document. Both print nothing while the fediverse is switched off."""

from django import template
from django.db import DatabaseError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from core.contentversion import versioned

from .. import activities, conf, keys

register = template.Library()


@register.simple_tag
def fediverse_alternate(post):
    """`<link rel="alternate" type="application/activity+json">` for a public post."""
    if not conf.is_enabled() or not post.is_indexable:
        return ""
    return format_html(
        '<link rel="alternate" type="{}" href="{}">',
        activities.ACTIVITY_JSON,
        activities.post_id(post),
    )


def _handles():
    return [
        (reverse("blog:author_detail", kwargs={"username": a.get_username()}), keys.handle(a))
        for a in activities.authors().order_by("username")
    ]


@register.simple_tag
def fediverse_handles():
    """The handles (@name@host) of the authors, each linking the author page.

    The footer is on the error pages too, shown when the database cannot be read: then
    without the handles (blog/errors.py).
    """
    try:
        if not conf.is_enabled():
            return ""
        handles = versioned("fediverse:handles", _handles, 3600)
    except DatabaseError:
        return ""
    if not handles:
        return ""
    links = format_html_join(", ", '<a href="{}">{}</a>', handles)
    return format_html(
        '<p class="fediverse-handles">{} {}</p>', _("Follow on the fediverse:"), links
    )
