"""The post form's widgets (issue #12): the Markdown editor with images, the featured
image from the library, tags typed with suggestions, categories as a checkbox tree.

Each works without JavaScript (a text area, a list to choose from, a comma-separated
list, checkboxes); static/js/admin-media.js and admin-tags.js add the picker, drag and
drop, paste and the suggestions. Every text they show is rendered here, translated, so
the scripts carry no words of their own.
"""

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from .media_picker import thumbnail_url
from .models import Media

EDITOR_MEDIA = forms.Media(css={"all": ["css/admin-editor.css"]}, js=["js/admin-media.js"])


class ProjectTemplateMixin:
    """Render with the project's templates (templates/admin/blog/widgets/): Django's form
    renderer looks only in the apps' folders, and ours live in templates/."""

    def _render(self, template_name, context, renderer=None):
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 (a template)


class MarkdownEditorWidget(ProjectTemplateMixin, forms.Textarea):
    """The body's text area with "insert an image from the library", drop and paste."""

    template_name = "admin/blog/widgets/markdown_editor.html"
    media = EDITOR_MEDIA

    def __init__(self, attrs=None):
        super().__init__({"class": "vLargeTextField markdown-editor-text", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["picker"] = picker_urls()
        return context


class FeaturedMediaWidget(ProjectTemplateMixin, forms.Select):
    """A list of the library's images with a thumbnail and "Aus der Mediathek wählen"."""

    template_name = "admin/blog/widgets/featured_media.html"
    media = EDITOR_MEDIA

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["picker"] = picker_urls()
        chosen = None
        if value not in (None, ""):
            chosen = Media.objects.filter(pk=getattr(value, "value", value)).first()
        context["chosen"] = chosen
        if chosen is not None:
            context["chosen_thumbnail"] = thumbnail_url(chosen)
        return context


def picker_urls() -> dict:
    return {
        "search": reverse("admin:blog_media_picker"),
        "upload": reverse("admin:blog_media_upload"),
    }


class TagListWidget(ProjectTemplateMixin, forms.TextInput):
    """Tags as a comma-separated list, with suggestions from the blog's tags."""

    template_name = "admin/blog/widgets/tag_list.html"
    media = forms.Media(js=["js/admin-tags.js"])

    def __init__(self, attrs=None):
        super().__init__({"class": "vTextField tag-list", "autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["suggest_url"] = reverse("admin:blog_tag_suggest")
        return context


class CategoryTreeWidget(ProjectTemplateMixin, forms.CheckboxSelectMultiple):
    """Checkboxes, each category indented under its parent."""

    template_name = "admin/blog/widgets/category_tree.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        category = getattr(value, "instance", None)
        option["depth"] = min(category.depth, 6) if category is not None else 0
        return option
