"""{% edit_link obj %}: "Bearbeiten" on a post or page for a user who may change it (issue #12).

Readers never get it: the link is printed only for a logged-in user whom the object's
admin lets change it, and such a user's pages are never stored in the page cache
(their session cookie makes them personal, core/pagecache.py). The link is outside
every fragment cache of the post and page templates.
"""

from django import template
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.urls import reverse

register = template.Library()


def change_url(request, obj) -> str:
    """The admin address that edits `obj`, if this request's user may change it."""
    user = getattr(request, "user", None)
    if obj is None or obj.pk is None or user is None or not user.is_active or not user.is_staff:
        return ""
    try:
        model_admin = admin.site.get_model_admin(type(obj))
    except NotRegistered:
        return ""
    if not model_admin.has_change_permission(request, obj):
        return ""
    # The admin's own list of what this user may edit (authors: their own posts).
    if not model_admin.get_queryset(request).filter(pk=obj.pk).exists():
        return ""
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@register.inclusion_tag("blog/_edit_link.html", takes_context=True)
def edit_link(context, obj):
    """The "Bearbeiten" link (templates/blog/_edit_link.html), or nothing."""
    request = context.get("request")
    if request is None or context.get("preview"):
        return {"edit_url": ""}
    return {"edit_url": change_url(request, obj), "title": str(obj)}
