from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Category, FooterLink, Page, Post, SiteSettings, Tag


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "visibility", "published_at", "is_sticky"]
    list_filter = ["status", "visibility", "categories", "author", "published_at"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories", "tags"]
    autocomplete_fields = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "excerpt"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "author", "is_sticky"]}),
        (_("Visibility"), {"fields": ["visibility", "password"]}),
        (_("Taxonomy"), {"fields": ["categories", "tags"]}),
        (_("Featured image"), {"fields": ["featured_image", "featured_image_alt"]}),
        (_("Discussion"), {"fields": ["comments_open"]}),
    ]

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "path", "status", "show_in_navigation", "menu_order"]
    list_editable = ["menu_order", "show_in_navigation"]
    list_filter = ["status", "show_in_navigation"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "path"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FooterLink)
class FooterLinkAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "order", "is_visible"]
    list_editable = ["order", "is_visible"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row: the list goes straight to its form."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = SiteSettings.load()
        return redirect(reverse("admin:blog_sitesettings_change", args=[obj.pk]))
