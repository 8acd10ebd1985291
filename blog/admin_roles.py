"""The roles in the admin of posts and images (issue #12): blog/roles.py decides, these
mixins ask it. Put them first among a ModelAdmin's bases.

- `PostRolesMixin`: the list holds the posts a user may see (an author's own, every
  post for an editor), with an author filter of only those posts' authors; a post
  opens read-only where it may not be changed (a contributor's once published); the
  status choices leave out "published" for who may not publish, and saving checks it
  again; a new post is its writer's unless an editor names another author.
- `MediaRolesMixin`: every image is listed and can be used; an author changes and
  deletes their own uploads only.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import Post


class AuthorFilter(admin.SimpleListFilter):
    """The authors of the posts this user may see, not every account (the superuser's
    included, as Django's filter of a foreign key lists them); shown when there are
    two or more."""

    title = _("author")
    parameter_name = "author__id__exact"

    def lookups(self, request, model_admin):
        visible = roles.posts_for(request.user, Post.objects.all())
        authors = get_user_model().objects.filter(pk__in=visible.values("author"))
        return [
            (str(user.pk), user.get_full_name() or user.get_username())
            for user in authors.order_by("first_name", "last_name", "username")
        ]

    def has_output(self):
        return len(self.lookup_choices) > 1

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(author_id=value if value.isdigit() else None)


class PostRolesMixin:
    """See the module docstring. For the ModelAdmin of Post."""

    def get_queryset(self, request):
        return roles.posts_for(request.user, super().get_queryset(request))

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return [AuthorFilter if f == "author" else f for f in filters]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and roles.may_see_post(request.user, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and roles.may_change_post(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and roles.may_delete_post(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.may_edit_others_posts(request.user) and "author" not in fields:
            fields.append("author")
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            choices = kwargs.get("choices") or db_field.get_choices(include_blank=False)
            kwargs["choices"] = roles.status_choices(request.user, choices)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """A new post is its writer's, unless an editor chose the author; a status the
        user may not give is refused here too, whatever sent it."""
        if not roles.may_give_status(request.user, obj.status):
            raise PermissionDenied
        if not change and not roles.may_edit_others_posts(request.user):
            obj.author = request.user
        super().save_model(request, obj, form, change)


class MediaRolesMixin:
    """See the module docstring. For the ModelAdmin of Media."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and roles.may_change_media(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and roles.may_change_media(request.user, obj)
