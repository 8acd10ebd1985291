"""The post and page forms of the admin (issue #12): writing with pictures, tags by
typing, categories as a tree, the featured image from the library.

The widgets are in blog/admin_widgets.py, the tag list in blog/tag_input.py, the
library's endpoints in blog/media_picker.py.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .admin_widgets import CategoryTreeWidget, FeaturedMediaWidget, MarkdownEditorWidget
from .models import Category, Media, Page, Post
from .tag_input import TagListField, format_tag_names, new_tag_names, resolve_tags


class CategoryTreeIterator(forms.models.ModelChoiceIterator):
    """Categories in tree order: each parent followed by its children."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        categories = sorted(self.queryset, key=lambda c: c.path.split("/"))
        for category in categories:
            yield self.choice(category)


class CategoryTreeField(forms.ModelMultipleChoiceField):
    iterator = CategoryTreeIterator
    widget = CategoryTreeWidget


class PostAdminForm(forms.ModelForm):
    tags = TagListField(
        label=_("tags"),
        help_text=_(
            "Separate tags with commas. A tag that does not exist yet is created when the "
            "post is saved."
        ),
    )
    categories = CategoryTreeField(
        queryset=Category.objects.all(), required=False, label=_("categories")
    )
    featured_media = forms.ModelChoiceField(
        queryset=Media.objects.all(),
        required=False,
        label=_("from the media library"),
        empty_label=_("(no image from the library)"),
        widget=FeaturedMediaWidget,
    )

    class Meta:
        model = Post
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose)
        widgets = {"body": MarkdownEditorWidget}

    user = None  # set by PostFormMixin.get_form: may this user create tags?

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "excerpt" in self.fields:
            # The admin prints help texts unescaped: "<!--more-->" would vanish.
            self.fields["excerpt"].help_text = escape(self.fields["excerpt"].help_text)
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = format_tag_names(t.name for t in self.instance.tags.all())
        media = self.fields.get("featured_media")
        if (
            media is not None
            and self.user is not None
            and not self.user.has_perm("blog.view_media")
        ):
            # Who may not see the library keeps the post's choice and sees no other.
            media.queryset = Media.objects.filter(pk=self.instance.featured_media_id)
            media.disabled = True

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        new = new_tag_names(names)
        if new and self.user is not None and not self.user.has_perm("blog.add_tag"):
            raise ValidationError(
                _("You may not create new tags: %(names)s."),
                code="tag_permission",
                params={"names": ", ".join(new)},
            )
        return names

    def clean(self):
        cleaned = super().clean()
        media = cleaned.get("featured_media")
        upload = cleaned.get("featured_image")
        new_upload = isinstance(upload, UploadedFile)
        chosen_now = media and media.pk != self.instance.featured_media_id
        if new_upload and media and not chosen_now:
            # A file of its own replaces the library image the post had.
            cleaned["featured_media"] = None
        elif new_upload and chosen_now:
            self.add_error(
                "featured_media",
                _("Please either choose an image from the library or upload one, not both."),
            )
        elif upload is False:
            # "Clear" ticked: no featured image, the library's included.
            cleaned["featured_media"] = None
        elif (
            "featured_media" in cleaned
            and not media
            and self.instance.featured_media_id
            and not new_upload
        ):
            # The library image was taken away: so is the featured image it gave.
            cleaned["featured_image"] = False
        return cleaned

    def _save_m2m(self):
        if "tags" in self.cleaned_data:
            self.cleaned_data["tags"] = resolve_tags(self.cleaned_data["tags"])
        super()._save_m2m()


class PageAdminForm(forms.ModelForm):
    class Meta:
        model = Page
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose)
        widgets = {"body": MarkdownEditorWidget}


class PostFormMixin:
    """For PostAdmin: the form above, told who is writing (may they create tags?)."""

    form = PostAdminForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user  # a class made for this request by modelform_factory
        return form
