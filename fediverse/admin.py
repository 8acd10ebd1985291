"""The fediverse in the admin (issue #15): who follows whom, the remote accounts we know.

Followers come and go by Follow and Undo from their servers; the admin lists them and
may remove one (it is then no longer delivered to). Nothing here is typed in by hand.
"""

from django.contrib import admin

from .models import Follower, RemoteActor


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Follower)
class FollowerAdmin(ReadOnlyAdmin):
    list_display = ["actor", "author", "accepted_at"]
    list_filter = ["author"]
    list_select_related = ["actor", "author"]
    search_fields = ["actor__preferred_username", "actor__domain", "actor__ap_id"]


@admin.register(RemoteActor)
class RemoteActorAdmin(ReadOnlyAdmin):
    list_display = ["handle", "name", "domain", "fetched_at"]
    search_fields = ["preferred_username", "domain", "ap_id"]
    readonly_fields = ["ap_id", "url", "inbox", "shared_inbox", "key_id", "fetched_at"]
    fields = readonly_fields
