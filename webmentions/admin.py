from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import jobs

from .models import SentWebmention, Webmention
from .tasks import verify_webmention


@admin.register(Webmention)
class WebmentionAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "kind", "status", "created_at", "verified_at"]
    list_filter = ["status", "kind"]
    search_fields = ["source", "target"]
    raw_id_fields = ["post", "page", "comment"]
    readonly_fields = ["key", "created_at", "verified_at", "message"]
    actions = ["verify_again"]

    @admin.action(description=_("Check the source again"))
    def verify_again(self, request, queryset):
        for mention in queryset:
            jobs.enqueue_on_commit(verify_webmention, mention.pk)


@admin.register(SentWebmention)
class SentWebmentionAdmin(admin.ModelAdmin):
    list_display = ["post", "target", "endpoint", "response_status", "sent_at"]
    search_fields = ["target", "endpoint"]
    raw_id_fields = ["post"]
