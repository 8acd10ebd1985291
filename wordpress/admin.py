"""The redirect table to edit, and what came from WordPress to look up (issue #5)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ImportedObject, Redirect


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]
    ordering = ["old_path"]


@admin.register(ImportedObject)
class ImportedObjectAdmin(admin.ModelAdmin):
    """Read-only: the import writes these rows, old links and a re-import depend on them."""

    list_display = ["wp_id", "kind", "new_address", "old_path", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["=wp_id", "old_path", "guid"]
    list_select_related = ["user", "category", "tag", "post", "page", "media", "comment__post"]
    ordering = ["kind", "wp_id"]
    list_per_page = 100

    @admin.display(description=_("new address"))
    def new_address(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url) if url else _("(deleted)")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
