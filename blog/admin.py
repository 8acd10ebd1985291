"""Writing in the admin: posts with preview and comment counts, pages, taxonomy, media (#2, #4)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.admin import SingletonAdmin

from .admin_forms import PageAdminForm, PostFormMixin
from .admin_roles import MediaRolesMixin, PostRolesMixin
from .admin_scale import PostListScaleMixin, pending_counts
from .desk import AuthorDeskMixin
from .images import ImageUploadField
from .markup import render_markdown
from .media_picker import MediaLibraryMixin
from .models import Category, FooterLink, Media, Page, Post, SiteSettings, Tag
from .tag_input import TagSuggestMixin
from .trash_admin import TrashAdminMixin


class MarkdownPreviewMixin:
    """A "preview" field: the body as readers will see it, rendered by the server.

    It shows the saved version; the button renders what is in the editor now through
    the same Markdown renderer and sanitiser (POST to `preview_view`, see
    static/js/admin-preview.js), without saving.
    """

    @admin.display(description=_("preview"))
    def preview(self, obj):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_preview")
        # body_html is produced by our Markdown renderer and sanitised with bleach.
        saved = mark_safe(obj.body_html) if obj and obj.pk else ""  # noqa: S308
        return format_html(
            '<button type="button" class="button markdown-preview-button" data-url="{}">{}'
            '</button><div class="markdown-preview" aria-live="polite">{}</div>',
            url,
            _("Show preview of the current text"),
            saved,
        )

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_preview"
        view = self.admin_site.admin_view(require_POST(self.preview_view))
        return [path("preview/", view, name=name), *super().get_urls()]

    def preview_view(self, request):
        """The sanitised HTML of the posted Markdown, for users who may write here."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        body = request.POST.get("body", "")[:500_000]
        return JsonResponse({"html": render_markdown(body)})


@admin.register(Post)
class PostAdmin(
    PostListScaleMixin,
    PostRolesMixin,
    AuthorDeskMixin,
    TrashAdminMixin,
    PostFormMixin,
    MarkdownPreviewMixin,
    admin.ModelAdmin,
):
    formfield_overrides = {models.ImageField: {"form_class": ImageUploadField}}
    list_display = [
        "title",
        "author",
        "status",
        "visibility",
        "published_at",
        "is_sticky",
        "comment_counts",
    ]
    list_filter = ["status", "visibility", "categories", "author", "published_at", "is_sticky"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "preview", "excerpt"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "author", "is_sticky"]}),
        (_("Visibility"), {"fields": ["visibility", "password"]}),
        (_("Taxonomy"), {"fields": ["categories", "tags"]}),
        (
            _("Featured image"),
            {"fields": ["featured_media", "featured_image", "featured_image_alt"]},
        ),
        (_("Discussion"), {"fields": ["comments_open"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-preview.js"]

    def get_queryset(self, request):
        """With the held comments counted (the approved ones are Post.comment_count); which
        posts a user sees is the roles' (PostRolesMixin). No join (blog/admin_scale.py)."""
        qs = super().get_queryset(request).select_related("author")
        return qs.annotate(pending_count=pending_counts())

    def get_changeform_initial_data(self, request):
        return {
            "author": request.user.pk,
            "comments_open": SiteSettings.load().comments_open_by_default,
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description=_("comments"))
    def comment_counts(self, obj):
        """Approved and pending comments, each linking to the filtered comment list."""
        base = reverse("admin:comments_comment_changelist")
        parts = [
            (f"{base}?post__id__exact={obj.pk}&status=approved", _("approved"), obj.comment_count),
        ]
        if obj.pending_count:
            parts.append(
                (f"{base}?post__id__exact={obj.pk}&status=pending", _("pending"), obj.pending_count)
            )
        return format_html_join(
            " · ", '<a href="{}">{} {}</a>', [(u, n, label) for u, label, n in parts]
        )


@admin.register(Page)
class PageAdmin(AuthorDeskMixin, TrashAdminMixin, MarkdownPreviewMixin, admin.ModelAdmin):
    form = PageAdminForm

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-preview.js"]

    list_display = [
        "title",
        "path",
        "status",
        "show_in_navigation",
        "menu_order",
        "comment_count",
    ]
    list_editable = ["menu_order", "show_in_navigation"]
    list_filter = ["status", "show_in_navigation"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview"]
    fields = [
        "title",
        "slug",
        "parent",
        "body",
        "preview",
        "status",
        "show_in_navigation",
        "menu_order",
        # Comments on pages (issue #13): off for new pages, as in WordPress.
        "comments_open",
    ]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "path", "parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(TagSuggestMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FooterLink)
class FooterLinkAdmin(admin.ModelAdmin):
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.ImageField: {"form_class": ImageUploadField},
    }
    list_display = ["name", "url", "order", "is_visible"]
    list_editable = ["order", "is_visible"]


@admin.register(Media)
class MediaAdmin(MediaRolesMixin, MediaLibraryMixin, admin.ModelAdmin):
    """The image library: upload, describe, copy the Markdown into a post."""

    formfield_overrides = {models.ImageField: {"form_class": ImageUploadField}}

    list_display = ["thumbnail", "__str__", "width", "height", "uploaded_at", "markdown_snippet"]
    search_fields = ["alt", "caption", "file"]
    readonly_fields = ["thumbnail", "markdown_snippet", "width", "height", "uploaded_by"]
    fields = ["file", "alt", "caption", "thumbnail", "markdown_snippet", "width", "height"]

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description=_("preview"))
    def thumbnail(self, obj):
        if not obj.pk:
            return ""
        small = min(obj.variants.values(), key=lambda v: v["width"], default=None)
        url = obj.file.storage.url(small["name"]) if small else obj.file.url
        # Sized in css/admin.css: the Content-Security-Policy allows no style attributes.
        return format_html('<img src="{}" alt="" class="media-thumbnail">', url)

    @admin.display(description=_("Markdown to insert"))
    def markdown_snippet(self, obj):
        if not obj.pk:
            return ""
        return format_html('<code class="media-markdown">{}</code>', obj.markdown)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonAdmin):
    """One row: the list goes straight to its form."""

    # Edited with the discussion settings, where WordPress shows it (comments/admin.py).
    exclude = ["comments_open_by_default"]
