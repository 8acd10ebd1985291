"""Image handling for uploads: only real images, no EXIF, resized variants (issue #2).

An uploaded file is opened with Pillow (which refuses anything that is not an image
and raises on decompression bombs), re-encoded without its metadata (EXIF, XMP,
comments, PNG text chunks), so that camera GPS data or a note to oneself is never
published, and resized to the widths the theme uses in `srcset`.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Widths of the variants; the list shows the small ones, the post the large ones.
VARIANT_WIDTHS = (480, 960, 1600)
# Refuse images with more pixels than this (about 40 megapixels) before decoding.
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


@dataclass(frozen=True)
class CleanImage:
    """An image re-encoded without metadata, ready to be stored."""

    content: bytes
    extension: str
    width: int
    height: int


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow warns below its own bomb limit; we apply a stricter one ourselves.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Unsupported image format. Please upload a JPEG, PNG, GIF or WebP image."),
                    code="image_format",
                )
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    _("This image is too large (%(pixels)s megapixels); the limit is %(limit)s."),
                    code="image_pixels",
                    params={
                        "pixels": image.width * image.height // 1_000_000,
                        "limit": MAX_PIXELS // 1_000_000,
                    },
                )
            image.load()
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise ValidationError(
                _("The file is not a valid image."), code="image_invalid"
            ) from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(
                _("This image is too large to process."), code="image_bomb"
            ) from exc
    return image


def clean_image(uploaded) -> CleanImage:
    """Validate an uploaded file and return it re-encoded without EXIF or other metadata."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="file_size",
            params={
                "size": round(size / 1_048_576, 1),
                "limit": settings.MAX_IMAGE_UPLOAD_BYTES // 1_048_576,
            },
        )
    uploaded.seek(0)
    data = uploaded.read(settings.MAX_IMAGE_UPLOAD_BYTES + 1)
    if len(data) > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(_("The file is too large."), code="file_size")
    image = _open(data)
    # Apply the EXIF orientation to the pixels before the EXIF block is dropped.
    image = ImageOps.exif_transpose(image)
    return _encode(image)


def _encode(image: Image.Image, fmt: str | None = None) -> CleanImage:
    has_alpha = image.mode in ("RGBA", "LA", "P") and (
        image.mode != "P" or "transparency" in image.info
    )
    if fmt is None:
        fmt = "PNG" if has_alpha else "JPEG"
    out = io.BytesIO()
    pixels = image.convert("RGB" if fmt == "JPEG" or not has_alpha else "RGBA")
    # Pillow writes what `info` holds back into the file: a JPEG or GIF comment would
    # become the JPEG's COM segment. Only the pixels go on (issue #10).
    pixels.info = {}
    if fmt == "JPEG":
        pixels.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    else:
        pixels.save(out, "PNG", optimize=True)
    return CleanImage(
        out.getvalue(), ".jpg" if fmt == "JPEG" else ".png", image.width, image.height
    )


def make_variants(stored_name: str) -> dict[str, dict]:
    """Store resized copies of a stored image; return {width: {"name", "width", "height"}}."""
    with default_storage.open(stored_name, "rb") as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    path = PurePosixPath(stored_name)
    variants = {}
    for width in VARIANT_WIDTHS:
        if width >= image.width:
            continue
        height = round(image.height * width / image.width)
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        encoded = _encode(resized, "PNG" if path.suffix == ".png" else "JPEG")
        name = default_storage.save(
            str(path.with_name(f"{path.stem}-{width}w{encoded.extension}")),
            ContentFile(encoded.content),
        )
        variants[str(width)] = {"name": name, "width": width, "height": height}
    return variants


def srcset(variants: dict, original_url: str, original_width: int) -> str:
    """The srcset attribute value for an image and its variants."""
    parts = [
        f"{default_storage.url(v['name'])} {v['width']}w"
        for v in sorted(variants.values(), key=lambda v: v["width"])
    ]
    if original_width:
        parts.append(f"{original_url} {original_width}w")
    return ", ".join(parts)


def validate_upload(uploaded) -> None:
    """Field validator: refuse what `clean_image` would refuse, with its message.

    Runs in the admin's form validation, so that a bad file is a form error, not a
    failure when the model is saved.
    """
    file = getattr(uploaded, "file", uploaded)
    if getattr(uploaded, "_committed", False):
        return  # already stored (and so already checked)
    clean_image(file)


class ImageUploadField(forms.ImageField):
    """The admin's image field: our checks run first, so that a decompression bomb or an
    oversized file is refused with its own message, not Django's "not a valid image"."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            clean_image(data)
            data.seek(0)
        return super().to_python(data)
