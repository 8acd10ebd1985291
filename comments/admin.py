from django.contrib import admin

from .models import Comment, DiscussionSettings, Subscription


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author_name", "author_email", "post", "status", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["author_name", "author_email", "body", "ip_address"]
    raw_id_fields = ["post", "parent", "user"]
    date_hierarchy = "created_at"


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not DiscussionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "comment", "created_at", "confirmed_at"]
    raw_id_fields = ["comment"]
