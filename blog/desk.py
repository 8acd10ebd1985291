"""The author's desk in the post and page admin (issue #12): never lose a word.

`AuthorDeskMixin` gives a ModelAdmin of posts or pages:

- autosave (blog/autosave.py) and the offer to restore it on the change form;
- a revision for every save, a "Versionen" page listing them, comparing two and
  restoring one (blog/revisions.py);
- "Vorschau" of the unsaved form in the site's theme and "Vorschau-Link teilen"
  (blog/preview.py).

The change form's template (templates/admin/blog/desk_change_form.html) shows the
offer, the buttons and the links; static/js/desk.js autosaves, restores, and asks
before leaving unsaved changes.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import autosave, preview, revisions
from .models import Post


class AuthorDeskMixin:
    """Autosave, revisions and previews for the admin of posts or pages (see module)."""

    # -- URLs ---------------------------------------------------------------------

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("autosave/", view(require_POST(self.autosave_view)), name=f"{name}_autosave_new"),
            path(
                "<path:object_id>/autosave/",
                view(require_POST(self.autosave_view)),
                name=f"{name}_autosave",
            ),
            path(
                "theme-preview/",
                view(require_POST(self.theme_preview_view)),
                name=f"{name}_theme_preview_new",
            ),
            path(
                "<path:object_id>/theme-preview/",
                view(require_POST(self.theme_preview_view)),
                name=f"{name}_theme_preview",
            ),
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name=f"{name}_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.revision_compare_view),
                name=f"{name}_revision_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/",
                view(self.revision_restore_view),
                name=f"{name}_revision_restore",
            ),
            path(
                "<path:object_id>/preview-link/",
                view(self.preview_link_view),
                name=f"{name}_preview_link",
            ),
            *super().get_urls(),
        ]

    def _url(self, view: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args)

    def _changeable(self, request, object_id):
        """The object, if this user may change it: 404 if not theirs to see, else 403."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    # -- the change form --------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Saving keeps a revision (and, the first time, the state before)."""
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        if object_id:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_change_permission(request, obj):
                revisions.ensure_baseline(obj, request.user)
        with revisions.revision(request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        """Saves from the list (editable columns, actions that save) keep revisions too."""
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        with revisions.revision(request.user):
            return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        message = self.construct_change_message(request, form, None, add=not change)
        revisions.describe(json.dumps(message))
        autosave.clear(request.user, self.model, obj, request.POST.get("_autosave_key", ""))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if self._restoring(request):
            offer = autosave.offered(request.user, self.model, obj)
            if offer is not None:
                return autosave.restoring_form(form_class, offer)
        return form_class

    @staticmethod
    def _restoring(request) -> bool:
        return request.method == "GET" and request.GET.get("autosave") == "restore"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["desk"] = self._desk_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _desk_context(self, request, obj) -> dict:
        offer = autosave.offered(request.user, self.model, obj)
        restoring = self._restoring(request) and offer is not None
        if obj is not None:
            key = ""
        elif request.method == "POST" and autosave.is_key(request.POST.get("_autosave_key", "")):
            key = request.POST["_autosave_key"]
        elif restoring:
            key = offer.new_key
        else:
            key = autosave.new_key()
        fields = autosave.TEXT_FIELDS[self.model]
        offer_data = None
        if offer is not None and request.method == "GET" and not restoring:
            offer_data = {name: getattr(offer, name) for name in fields}
            offer_data["new_key"] = offer.new_key
        is_post = self.model is Post
        editable = (
            self.has_change_permission(request, obj)
            if obj is not None
            else self.has_add_permission(request)
        )
        return {
            "editable": editable,
            "autosave_url": self._url("autosave", obj.pk) if obj else self._url("autosave_new"),
            "autosave_seconds": settings.BLOG_AUTOSAVE_SECONDS,
            "key": key,
            "offer": offer if offer_data else None,
            "offer_data": offer_data,
            "offer_text": (
                _("There is an autosave of this post that is newer than the version below.")
                if is_post
                else _("There is an autosave of this page that is newer than the version below.")
            ),
            "restored": restoring,
            "theme_preview_url": (
                self._url("theme_preview", obj.pk) if obj else self._url("theme_preview_new")
            ),
            "revisions_url": self._url("revisions", obj.pk) if obj else "",
            "preview_link_url": self._url("preview_link", obj.pk) if obj else "",
        }

    # -- endpoints --------------------------------------------------------------------

    def autosave_view(self, request, object_id=None):
        return autosave.autosave_view(self, request, unquote(object_id) if object_id else None)

    def theme_preview_view(self, request, object_id=None):
        return preview.theme_preview_view(self, request, unquote(object_id) if object_id else None)

    def preview_link_view(self, request, object_id):
        return preview.preview_link_view(self, request, unquote(object_id))

    def _page_context(self, request, obj, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": title,
            "subtitle": str(obj),
            "change_url": self._url("change", obj.pk),
            "revisions_url": self._url("revisions", obj.pk),
            "compare_url": self._url("revision_compare", obj.pk),
        }

    def revisions_view(self, request, object_id):
        """The object's revisions with date, user and what changed; pick two to compare.

        Template: admin/blog/revisions.html.
        """
        obj = self._changeable(request, object_id)
        rows = [
            {
                "version": version,
                "date": version.revision.date_created,
                "user": version.revision.user,
                "comment": _comment(version.revision.comment),
                "restore_url": self._url("revision_restore", obj.pk, version.pk),
            }
            for version in revisions.history(obj)
        ]
        context = self._page_context(request, obj, _("Versions"))
        context["rows"] = rows
        return render(request, "admin/blog/revisions.html", context)

    def _version(self, obj, version_id):
        try:
            return revisions.history(obj).get(pk=int(version_id))
        except (TypeError, ValueError):
            raise Http404 from None
        except revisions.Version.DoesNotExist:
            raise Http404 from None

    def revision_compare_view(self, request, object_id):
        """Two revisions side by side as a word diff (?from=ID&to=ID; "current": now).

        Template: admin/blog/revision_compare.html.
        """
        obj = self._changeable(request, object_id)
        history = list(revisions.history(obj)[:2])
        old_id = request.GET.get("from") or (history[-1].pk if history else None)
        new_id = request.GET.get("to") or "current"
        if old_id is None:
            raise Http404
        old = (
            revisions.current_as_version(obj) if old_id == "current" else self._version(obj, old_id)
        )
        new = (
            revisions.current_as_version(obj) if new_id == "current" else self._version(obj, new_id)
        )
        context = self._page_context(request, obj, _("Compare versions"))
        context.update(
            old_label=revisions.label(old),
            new_label=revisions.label(new),
            fields=revisions.compare(self.model, old, new),
            choices=[(v.pk, revisions.label(v)) for v in revisions.history(obj)],
            old_id=str(old_id),
            new_id=str(new_id),
        )
        return render(request, "admin/blog/revision_compare.html", context)

    def revision_restore_view(self, request, object_id, version_id):
        """GET: what restoring this revision changes; POST: restore it (a new revision).

        Template: admin/blog/revision_compare.html with `restore`.
        """
        obj = self._changeable(request, object_id)
        version = self._version(obj, version_id)
        if request.method == "POST":
            revisions.restore(obj, version, request.user)
            autosave.clear(request.user, self.model, obj)
            messages.success(
                request,
                _("The version of %(date)s was restored. The text before is kept as a version.")
                % {"date": revisions.format_date(version.revision.date_created)},
            )
            return redirect(self._url("change", obj.pk))
        current = revisions.current_as_version(obj)
        context = self._page_context(request, obj, _("Restore a version"))
        context.update(
            old_label=revisions.label(current),
            new_label=revisions.label(version),
            restore=True,
            fields=revisions.compare(self.model, current, version),
        )
        return render(request, "admin/blog/revision_compare.html", context)


def _comment(comment: str) -> str:
    """A revision's comment: the admin's change message (JSON) in words, or as written."""
    return LogEntry(change_message=comment).get_change_message() if comment else ""
