"""factory_boy factories for the tests."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from blog.models import Category, Page, Post, Tag


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("secret-password-123")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Kategorie {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"schlagwort{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"beitrag {n}")
    author = factory.SubFactory(UserFactory)
    body = "ein *kurzer* text."
    status = Post.Status.PUBLISHED
    published_at = factory.Sequence(
        lambda n: timezone.now() - datetime.timedelta(days=1, minutes=n)
    )

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Seite {n}")
    body = "Inhalt."


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved top-level comment from an anonymous reader, an hour old (no flood)."""

    class Meta:
        model = "comments.Comment"
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    author_name = factory.Sequence(lambda n: f"Leser {n}")
    author_email = factory.Sequence(lambda n: f"leser{n}@example.net")
    body = "ein *guter* beitrag."
    status = "approved"
    created_at = factory.Sequence(
        lambda n: timezone.now() - datetime.timedelta(hours=1) + datetime.timedelta(seconds=n)
    )
    ip_address = "192.0.2.1"

    @factory.post_generation
    def recount(self, create, extracted, **kwargs):
        """Keep the post's stored comment count right, as the comment services do."""
        if create:
            from comments.services import recount

            recount(self.post)


class ReplyFactory(CommentFactory):
    """A reply: a comment with a parent on the same post, written a minute after it."""

    parent = factory.SubFactory(CommentFactory)
    post = factory.SelfAttribute("parent.post")
    created_at = factory.LazyAttribute(
        lambda c: c.parent.created_at + datetime.timedelta(minutes=1)
    )


# Images for the upload tests (issue #4): real files made with Pillow, small on disk.


def image_bytes(size=(1200, 800), fmt="JPEG", color="#2e86c1", exif=None) -> bytes:
    """A real image file of the given size and format, optionally with an EXIF block."""
    import io

    from PIL import Image

    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    params = {"exif": exif} if exif is not None else {}
    Image.new(mode, size, color).save(out, fmt, **params)
    return out.getvalue()


def gps_exif():
    """An EXIF block with a camera model and GPS coordinates (tag 0x8825, GPSInfo)."""
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamerahersteller"
    exif[ExifTags.Base.Model] = "Urlaubskamera 3000"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 31.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (13.0, 24.0, 36.0),
    }
    return exif


def image_upload(name="bild.jpg", **kwargs):
    """An uploaded image file, as the admin's form receives it (see `image_bytes`)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    fmt = kwargs.setdefault("fmt", "PNG" if name.endswith(".png") else "JPEG")
    return SimpleUploadedFile(name, image_bytes(**kwargs), f"image/{fmt.lower()}")


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels: a decompression bomb.

    The data is that of a 1 × 1 image; Pillow reads the size from the header and must
    refuse the file before decoding anything (no gigabytes of pixels in the test).
    """
    import struct
    import zlib

    data = bytearray(image_bytes(size=(1, 1), fmt="PNG"))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


class MediaFactory(factory.django.DjangoModelFactory):
    """An image in the media library, 1200 × 800 px, uploaded as a JPEG."""

    class Meta:
        model = "blog.Media"

    file = factory.LazyFunction(lambda: image_upload("bild.jpg"))
    alt = factory.Sequence(lambda n: f"Bild {n}")
