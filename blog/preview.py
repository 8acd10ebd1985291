"""Previews in the site's theme (issue #12): the unsaved form, and links to share a draft.

"Vorschau" in the change form posts the form's fields here (formtarget="_blank"): the
post or page is built from them, rendered with the site's own templates and nothing is
written (the request runs in a transaction that is rolled back, whatever a form field
does on cleaning). "Vorschau-Link teilen" makes a signed link with an expiry that shows
a draft or scheduled post or page to someone without an account; making a new link or
revoking it ends the old one, and once the post is published the link leads to its
public address. Previews are never cached, say `noindex` and show no comment form.
"""

import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .markup import render_markdown
from .models import Page, Post, PreviewLink, Tag
from .slugs import unique_slug

SALT = "blog.preview-link"


def _render(request, obj, *, shared: bool):
    """The post or page page for `obj` as readers see it, marked as a preview."""
    if isinstance(obj, Post):
        template, context = "blog/post_detail.html", {"post": obj, "unlocked": True}
    else:
        template, context = "blog/page_detail.html", {"page": obj}
    context.update(preview=True, shared_preview=shared)
    response = render(request, template, context)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _unsaved(model_admin, request, obj):
    """The object as the posted form describes it, not saved."""
    form_class = model_admin.get_form(request, obj, change=obj is not None)
    form = form_class(request.POST, instance=obj)
    form.is_valid()  # fills form.instance with every field that is valid
    item = form.instance
    if isinstance(item, Post):
        if item.author_id is None:
            item.author = request.user
        if not item.slug:
            item.slug = unique_slug(Post, item.title, exclude_pk=item.pk)
        item.render_text()
        if getattr(item, "featured_media_id", None):
            item.use_featured_media()  # the library image chosen in the form, not saved
        data = getattr(form, "cleaned_data", {})
        categories = data.get("categories") if "categories" in data else None
        tags = data.get("tags") if "tags" in data else None
        if item.pk:
            categories = item.categories.all() if categories is None else categories
            tags = item.tags.all() if tags is None else tags
        item.terms = {
            "categories": [
                {"name": c.name, "url": c.get_absolute_url()}
                for c in sorted(categories or [], key=lambda c: c.path)
            ],
            "tags": [
                {"name": t.name, "url": t.get_absolute_url()}
                for t in sorted(map(_tag, tags or []), key=lambda t: t.name)
            ],
        }
    else:
        item.body_html = render_markdown(item.body)
    return item


def _tag(value):
    """A tag of the form: a Tag, or a typed name (a new one is shown, not made)."""
    if isinstance(value, Tag):
        return value
    name = str(value)
    return Tag.objects.filter(name=name).first() or Tag(name=name, slug=unique_slug(Tag, name))


def theme_preview_view(model_admin, request, object_id=None):
    """POST: the post or page with the form's unsaved fields, in the site's theme.

    Template: blog/post_detail.html or blog/page_detail.html with `preview`. For users
    who may change the object (or add one); nothing is written to the database.
    """
    if object_id is None:
        obj = None
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
    else:
        obj = model_admin.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not model_admin.has_change_permission(request, obj):
            raise PermissionDenied
    with transaction.atomic():
        response = _render(request, _unsaved(model_admin, request, obj), shared=False)
        transaction.set_rollback(True)
    return response


def _owner_field(obj) -> str:
    return "post" if isinstance(obj, Post) else "page"


def current_link(obj) -> PreviewLink | None:
    """The object's shared preview link while it works."""
    return (
        PreviewLink.objects.filter(**{_owner_field(obj): obj}, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


def make_link(obj, user) -> PreviewLink:
    """A new link for `obj`, valid BLOG_PREVIEW_LINK_DAYS; earlier links stop working."""
    with transaction.atomic():
        revoke(obj)
        return PreviewLink.objects.create(
            **{_owner_field(obj): obj},
            key=secrets.token_urlsafe(24),
            created_by=user,
            expires_at=timezone.now() + timedelta(days=settings.BLOG_PREVIEW_LINK_DAYS),
        )


def revoke(obj) -> None:
    """End every shared preview link of `obj`."""
    PreviewLink.objects.filter(**{_owner_field(obj): obj}).delete()


def link_url(link: PreviewLink) -> str:
    """The link's address: its key and expiry, signed."""
    token = signing.Signer(salt=SALT).sign_object(
        {"k": link.key, "e": int(link.expires_at.timestamp())}
    )
    return reverse("blog:shared_preview", kwargs={"token": token})


def is_public(obj) -> bool:
    """Whether readers can open the object at its own address now."""
    if isinstance(obj, Post):
        return obj.is_published and not obj.is_private
    return obj.status == Page.Status.PUBLISHED


@never_cache
def shared_preview(request, token):
    """A draft or scheduled post or page shown through a shared link, without login.

    Forged, expired or revoked links are 404; once the object is public the link leads
    to its address. Template: blog/post_detail.html or blog/page_detail.html.
    """
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        raise Http404(_("This preview link does not exist or has expired.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("e"), int) or data["e"] <= time.time():
        raise Http404(_("This preview link does not exist or has expired."))
    link = (
        PreviewLink.objects.select_related("post__author", "page")
        .filter(key=str(data.get("k", "")), expires_at__gt=timezone.now())
        .first()
    )
    obj = link and (link.post or link.page)
    if obj is None or obj.status == type(obj).Status.TRASH:
        raise Http404(_("This preview link does not exist or has expired."))
    if is_public(obj):
        return redirect(obj.get_absolute_url())
    if isinstance(obj, Post) and obj.is_published:
        # Published but private: not for readers without an account.
        raise Http404(_("This preview link does not exist or has expired."))
    return _render(request, obj, shared=True)


def preview_link_view(model_admin, request, object_id):
    """The shared preview link of a post or page: shown, made anew (POST "create") or
    ended (POST "revoke"). Template: admin/blog/preview_link.html."""
    obj = model_admin.get_object(request, object_id)
    if obj is None:
        raise Http404
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            revoke(obj)
            messages.success(request, _("The preview link no longer works."))
        elif not is_public(obj):
            make_link(obj, request.user)
            messages.success(
                request, _("A new preview link was made; earlier ones no longer work.")
            )
        return redirect(request.path)
    link = current_link(obj)
    opts = model_admin.opts
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "original": obj,
        "title": _("Share preview link"),
        "subtitle": str(obj),
        "is_public": is_public(obj),
        "link": link,
        "link_url": request.build_absolute_uri(link_url(link)) if link else "",
        "days": settings.BLOG_PREVIEW_LINK_DAYS,
        "change_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
    }
    return render(request, "admin/blog/preview_link.html", context)
