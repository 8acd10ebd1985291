"""The trash and bulk actions of the post and page lists in the admin (issue #12).

`TrashAdminMixin` goes in front of a ModelAdmin of Post or Page:

- "Löschen" (the change form's link, the bulk action) moves to the trash, after one
  confirmation; in the trash the same link and the bulk action "Endgültig löschen"
  delete for good, with Django's confirmation listing what goes along (the comments).
- The status filter counts each status, "Alle" leaves the trash out, and "Papierkorb"
  shows it with the actions that fit there: "Wiederherstellen" and "Endgültig löschen".
- Bulk actions publish, set to draft, move to the trash, restore and (posts) set
  categories, each checked object by object against `has_change_permission(request,
  obj)` (`has_delete_permission` for the trash and restoring, and for publishing a
  post the right to publish, blog/roles.py), so that what narrows those (the roles)
  narrows the actions too.
- A trashed object opens read-only with a link to restore it; its status cannot be
  picked in the form (only the trash sets it, with the status to restore).

The work itself is in blog/trash.py: one UPDATE and one content-version bump per action.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import roles, trash
from .models import Category, Page, Post

TRASH = "trash"
NORMAL_ACTIONS = ["publish_selected", "draft_selected", "trash_selected"]
POST_ACTIONS = ["set_categories"]
TRASH_ACTIONS = ["restore_selected", "delete_selected"]


class TrashStatusFilter(admin.SimpleListFilter):
    """Status with counts, as WordPress's "Alle (12) | Entwürfe (2) | Papierkorb (1)";
    without a choice the trash is left out."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        counts = model_admin.status_counts(request)
        return [
            (value, f"{label} ({counts.get(value, 0)})")
            for value, label in model_admin.model.Status.choices
            if value != TRASH or counts.get(value)
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset.exclude(status=TRASH)


class CategoryChoiceForm(forms.Form):
    """The intermediate page of "Kategorien festlegen"."""

    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mode = forms.ChoiceField(
        label=_("What to do"),
        choices=[
            ("add", _("Add to the categories the posts have")),
            ("replace", _("Replace the categories of the posts")),
        ],
        initial="add",
        widget=forms.RadioSelect,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == "add" and not cleaned.get("categories"):
            raise ValidationError(_("Choose at least one category to add."))
        return cleaned


class TrashAdminMixin:
    """See the module docstring. For ModelAdmins of Post and Page."""

    def is_trash_view(self, request) -> bool:
        return request.GET.get(TrashStatusFilter.parameter_name) == TRASH

    def status_counts(self, request) -> dict:
        """How many objects this user may list have each status: one grouped query over
        the (status, …) index, not over the list's queryset with its comment counts."""
        objects = self.model.objects.all()
        if self.model is Post:
            objects = roles.posts_for(request.user, objects)
        return dict(objects.order_by().values_list("status").annotate(n=Count("pk")))

    # The list

    def get_list_filter(self, request):
        return [TrashStatusFilter if f == "status" else f for f in super().get_list_filter(request)]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if self.is_trash_view(request):
            columns.append("trash_info")
        return columns

    @admin.display(description=_("in the trash"), ordering="trashed_at")
    def trash_info(self, obj):
        if not obj.trashed_at:
            return ""
        deleted_on = obj.trashed_at + datetime.timedelta(days=trash.TRASH_DAYS)
        return gettext("since %(since)s, deleted on %(on)s") % {
            "since": date_format(timezone.localtime(obj.trashed_at), "DATE_FORMAT"),
            "on": date_format(timezone.localtime(deleted_on), "DATE_FORMAT"),
        }

    def changelist_view(self, request, extra_context=None):
        if self.is_trash_view(request) and request.method == "GET":
            self.message_user(
                request,
                ngettext(
                    "Items in the trash are deleted for good after %(days)d day.",
                    "Items in the trash are deleted for good after %(days)d days.",
                    trash.TRASH_DAYS,
                )
                % {"days": trash.TRASH_DAYS},
                messages.INFO,
            )
        return super().changelist_view(request, extra_context)

    def get_actions(self, request):
        """Outside the trash: publish, draft, trash (and categories); in it: restore and
        delete for good. Django's plain "delete" is replaced by these."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if self.is_trash_view(request):
            names = TRASH_ACTIONS
        else:
            names = NORMAL_ACTIONS + (POST_ACTIONS if self.model is Post else [])
        ours = [self.get_action(name) for name in names]
        for func, name, description in self._filter_actions_by_permissions(request, ours):
            actions[name] = (func, name, description)
        return actions

    # Permissions, object by object

    def _may_publish(self, request, obj) -> bool:
        """Change the object, and for a post the right to publish (blog/roles.py)."""
        if self.model is Post and not roles.may_publish(request.user):
            return False
        return self.has_change_permission(request, obj)

    def _permitted(self, request, queryset, check):
        """The objects of `queryset` that `check(request, obj)` allows, and how many not."""
        allowed, refused = [], 0
        for obj in self.model.objects.filter(pk__in=queryset.order_by().values("pk")):
            if check(request, obj):
                allowed.append(obj.pk)
            else:
                refused += 1
        return self.model.objects.filter(pk__in=allowed), refused

    def _report(self, request, done: str, refused: int) -> None:
        self.message_user(request, done, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d item was left as it was: you may not change it.",
                    "%(count)d items were left as they were: you may not change them.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )

    def has_change_permission(self, request, obj=None):
        """A trashed object is read-only: restore it first (as in WordPress)."""
        if obj is not None and obj.is_trashed:
            return False
        return super().has_change_permission(request, obj)

    # Bulk actions

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish_selected(self, request, queryset):
        allowed, refused = self._permitted(request, queryset, self._may_publish)
        count = trash.set_status(allowed, self.model.Status.PUBLISHED)
        self._report(
            request,
            ngettext("%(count)d item published.", "%(count)d items published.", count)
            % {"count": count},
            refused,
        )

    @admin.action(description=_("Set to draft"), permissions=["change"])
    def draft_selected(self, request, queryset):
        allowed, refused = self._permitted(request, queryset, self.has_change_permission)
        count = trash.set_status(allowed, self.model.Status.DRAFT)
        self._report(
            request,
            ngettext("%(count)d item set to draft.", "%(count)d items set to draft.", count)
            % {"count": count},
            refused,
        )

    @admin.action(description=_("Move to trash"), permissions=["delete"])
    def trash_selected(self, request, queryset):
        allowed, refused = self._permitted(request, queryset, self.has_delete_permission)
        count = trash.move_to_trash(allowed)
        self._report(
            request,
            ngettext(
                "%(count)d item moved to the trash.", "%(count)d items moved to the trash.", count
            )
            % {"count": count},
            refused,
        )

    @admin.action(description=_("Restore"), permissions=["delete"])
    def restore_selected(self, request, queryset):
        allowed, refused = self._permitted(request, queryset, self.has_delete_permission)
        count = trash.restore(allowed)
        self._report(
            request,
            ngettext("%(count)d item restored.", "%(count)d items restored.", count)
            % {"count": count},
            refused,
        )

    @admin.action(description=_("Delete permanently"), permissions=["delete"])
    def delete_selected(self, request, queryset):
        """Django's confirmation and deletion, for trashed objects the user may delete."""
        trashed = queryset.filter(status=TRASH)
        allowed, refused = self._permitted(request, trashed, self.has_delete_permission)
        if not allowed.exists():
            self.message_user(
                request,
                _("Only items in the trash can be deleted permanently."),
                messages.WARNING,
            )
            return None
        return django_delete_selected(self, request, allowed)

    @admin.action(description=_("Set categories"), permissions=["change"])
    def set_categories(self, request, queryset):
        """An intermediate page: pick categories, add them or replace the posts' own."""
        allowed, refused = self._permitted(request, queryset, self.has_change_permission)
        form = CategoryChoiceForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = trash.set_categories(
                allowed,
                form.cleaned_data["categories"],
                replace=form.cleaned_data["mode"] == "replace",
            )
            self._report(
                request,
                ngettext(
                    "Categories of %(count)d post set.", "Categories of %(count)d posts set.", count
                )
                % {"count": count},
                refused,
            )
            return None
        return TemplateResponse(
            request,
            "admin/blog/set_categories.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Set categories"),
                "form": form,
                "posts": allowed.only("title"),
                "refused": refused,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "media": self.media + form.media,
            },
        )

    # One object: delete means trash, the trash deletes for good

    def get_deleted_objects(self, objs, request):
        """What goes along is part of the object (its comments, its revisions): the
        user's delete permission for the object is what counts, checked by the views."""
        deleted, model_count, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), protected

    def delete_model(self, request, obj):
        if obj.is_trashed:
            super().delete_model(request, obj)
        else:
            trash.move_to_trash(self.model.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        trash.move_to_trash(queryset.exclude(status=TRASH))
        super().delete_queryset(request, queryset.filter(status=TRASH))

    def delete_view(self, request, object_id, extra_context=None):
        """Outside the trash: "move to the trash?" (POST moves it); in it: Django's own."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or obj.is_trashed:
            return super().delete_view(request, object_id, extra_context)
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST":
            trash.move_to_trash(self.model.objects.filter(pk=obj.pk))
            self.log_change(request, obj, gettext("Moved to the trash."))
            self.message_user(
                request,
                gettext("“%(title)s” was moved to the trash.") % {"title": obj},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._changelist_url())
        return self._confirm(request, obj, "trash")

    def restore_view(self, request, object_id):
        """Restore one object from the trash: a confirmation, then POST."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not obj.is_trashed:
            return HttpResponseRedirect(self._changelist_url())
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST":
            trash.restore(self.model.objects.filter(pk=obj.pk))
            self.log_change(request, obj, gettext("Restored from the trash."))
            self.message_user(
                request,
                gettext("“%(title)s” was restored.") % {"title": obj},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._change_url(obj))
        return self._confirm(request, obj, "restore")

    def _confirm(self, request, obj, action):
        if action == "trash":
            title, button = _("Move to the trash?"), _("Move to trash")
            explanation = ngettext(
                "“%(title)s” disappears from the blog. In the trash it can be restored "
                "for %(days)d day, then it is deleted for good with its comments.",
                "“%(title)s” disappears from the blog. In the trash it can be restored "
                "for %(days)d days, then it is deleted for good with its comments.",
                trash.TRASH_DAYS,
            )
        else:
            title, button = _("Restore from the trash?"), _("Restore")
            explanation = gettext(
                "“%(title)s” comes back with the status it had, at its old address."
            )
        return TemplateResponse(
            request,
            "admin/blog/trash_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "explanation": explanation % {"title": obj, "days": trash.TRASH_DAYS},
                "button": button,
                "object": obj,
                "cancel_url": self._change_url(obj),
                "opts": self.model._meta,
            },
        )

    def _changelist_url(self) -> str:
        opts = self.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")

    def _change_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
        )

    def _restore_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_restore", args=[obj.pk]
        )

    def get_urls(self):
        opts = self.model._meta
        restore = path(
            "<path:object_id>/restore/",
            self.admin_site.admin_view(self.restore_view),
            name=f"{opts.app_label}_{opts.model_name}_restore",
        )
        return [restore, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and obj.is_trashed and request.method == "GET":
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("This item is in the trash and cannot be edited."),
                    self._restore_url(obj),
                    gettext("Restore"),
                ),
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # The form: no "trash" to pick, no address of a trashed object to take

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            choices = kwargs.get("choices") or db_field.get_choices(include_blank=False)
            kwargs["choices"] = [(v, label) for v, label in choices if v != TRASH]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (AddressCheckFormMixin, form), {})


class AddressCheckFormMixin:
    """Refuses an address another post or page has, saying so when that one is in the
    trash (it keeps its address to come back to it)."""

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("slug")
        if not slug or "slug" not in self.fields:
            return cleaned
        model = self._meta.model
        others = model.objects.exclude(pk=self.instance.pk) if self.instance.pk else None
        if others is None:
            others = model.objects.all()
        if model is Page:
            parent = cleaned.get("parent")
            clash = others.filter(path=f"{parent.path}/{slug}" if parent else slug).first()
        else:
            clash = others.filter(slug=slug).first()
        if clash is None:
            return cleaned
        if clash.is_trashed:
            message = _(
                "“%(title)s” in the trash has this address. Restore it, delete it "
                "permanently or choose another address."
            )
        else:
            message = _("“%(title)s” already has this address. Choose another one.")
        self.add_error("slug", ValidationError(message, params={"title": clash.title}))
        return cleaned
