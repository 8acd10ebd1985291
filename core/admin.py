"""The admin of a SingletonModel (core/models.py): one row, nothing to add or delete."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse


class SingletonAdmin(admin.ModelAdmin):
    """The list goes straight to the form of the one row."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj, _created = self.model.objects.get_or_create(pk=1)
        opts = self.model._meta
        url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
        )
        return HttpResponseRedirect(url)
