"""Images while writing (issue #12): the media library searched, uploaded to and chosen
from inside the post form, and several images uploaded at once.

The views hang under the library's admin (`MediaLibraryMixin.get_urls`):

- `admin:blog_media_picker` (GET, JSON): library images whose file name, alternative
  text or caption contains `q`, a page of thumbnails at a time (the picker dialog and
  the featured image's "Aus der Mediathek wählen", static/js/admin-media.js).
- `admin:blog_media_upload` (POST, JSON): one image, dropped or pasted into the text,
  through the library's own pipeline (blog/images.py: real images only, no EXIF,
  variants); answers the Markdown to insert, or the German reason for refusing it.
- `admin:blog_media_upload_multiple`: a form for several images at once.

Staff only (the admin's own login check), then the library's permissions: viewing it
to search, adding to it to upload.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from .images import ImageUploadField
from .models import Media

PICKER_PAGE_SIZE = 12
# More files than this in one multi-upload are refused before any is read.
MAX_FILES_AT_ONCE = 50


class MediaUploadForm(forms.ModelForm):
    """One image for the library, checked as the library's own form checks it."""

    class Meta:
        model = Media
        fields = ["file", "alt"]
        field_classes = {"file": ImageUploadField}


def thumbnail_url(media: Media) -> str:
    """The smallest stored version of a library image."""
    small = min(media.variants.values(), key=lambda v: v["width"], default=None)
    return media.file.storage.url(small["name"]) if small else media.file.url


def media_json(media: Media) -> dict:
    """What the picker and the editor need of a library image."""
    return {
        "id": media.pk,
        "title": str(media),
        "name": media.file.name.rsplit("/", 1)[-1],
        "alt": media.alt,
        "url": media.file.url,
        "thumbnail": thumbnail_url(media),
        "width": media.width,
        "height": media.height,
        "markdown": media.markdown,
    }


def search_media(query: str):
    """Library images whose file name, alternative text or caption contain `query`."""
    images = Media.objects.all()
    for word in query.split():
        images = images.filter(
            Q(file__icontains=word) | Q(alt__icontains=word) | Q(caption__icontains=word)
        )
    return images


def save_upload(file, user, alt: str = "") -> tuple[Media | None, str]:
    """Store one uploaded file in the library; (media, "") or (None, the German reason)."""
    form = MediaUploadForm(data={"alt": alt}, files={"file": file})
    if not form.is_valid():
        errors = form.errors.get("file") or next(iter(form.errors.values()))
        return None, errors[0]
    media = form.save(commit=False)
    media.uploaded_by = user
    media.save()
    return media, ""


def _refused(message: str, status: int = 403) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


class MediaLibraryMixin:
    """For the library's ModelAdmin: the picker, the editor's upload, the multi-upload."""

    def get_urls(self):
        def wrap(view, *decorators):
            for decorator in decorators:
                view = decorator(view)
            return self.admin_site.admin_view(view)

        return [
            path("picker/", wrap(self.picker_view, require_GET), name="blog_media_picker"),
            path("upload/", wrap(self.upload_view, require_POST), name="blog_media_upload"),
            path(
                "upload-multiple/",
                wrap(self.upload_multiple_view),
                name="blog_media_upload_multiple",
            ),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        """JSON: a page of library images matching `q`, newest first."""
        if not self.has_view_permission(request):
            return _refused(_("You may not see the media library."))
        query = request.GET.get("q", "")[:200]
        paginator = Paginator(search_media(query), PICKER_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        return JsonResponse(
            {
                "results": [media_json(m) for m in page],
                "page": page.number,
                "pages": paginator.num_pages,
                "count": paginator.count,
            }
        )

    def upload_view(self, request):
        """JSON: one image (field `file`) into the library, or why it was refused."""
        if not self.has_add_permission(request):
            return _refused(_("You may not upload images."))
        file = request.FILES.get("file")
        if file is None:
            return _refused(_("No file was sent."), status=400)
        media, error = save_upload(file, request.user, request.POST.get("alt", "")[:300])
        if media is None:
            return _refused(_("%(name)s: %(error)s") % {"name": file.name, "error": error}, 400)
        return JsonResponse(media_json(media), status=201)

    def upload_multiple_view(self, request):
        """Several images at once ("Mehrere Bilder hochladen"), each through the library's
        checks; the good ones are kept, each refused one is named with its reason.

        Template admin/blog/media/upload_multiple.html; context: errors, the admin's.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        errors = []
        if request.method == "POST":
            files = request.FILES.getlist("files")
            if not files:
                errors.append(_("Please choose one or more images."))
            elif len(files) > MAX_FILES_AT_ONCE:
                errors.append(
                    _("Please upload at most %(limit)s images at once.")
                    % {"limit": MAX_FILES_AT_ONCE}
                )
                files = []
            saved = 0
            for file in files:
                media, error = save_upload(file, request.user)
                if media is None:
                    errors.append(_("%(name)s: %(error)s") % {"name": file.name, "error": error})
                else:
                    saved += 1
            if saved:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d image was uploaded.", "%(count)d images were uploaded.", saved
                    )
                    % {"count": saved},
                )
            if saved and not errors:
                return HttpResponseRedirect(reverse("admin:blog_media_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Upload several images"),
            "errors": errors,
            "max_files": MAX_FILES_AT_ONCE,
        }
        return TemplateResponse(request, "admin/blog/media/upload_multiple.html", context)
