"""Image uploads for the media library (blog/images.py, blog/models.py Media, issue #4):
only real images, no bombs or oversized files, no EXIF, resized variants and srcset."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

from blog import images
from blog.models import Media
from tests.conftest import SUPERUSER_PASSWORD
from tests.factories import (
    MediaFactory,
    PostFactory,
    gps_exif,
    image_bytes,
    image_upload,
    png_claiming,
)
from tests.live import LiveServer, Session, csrf_token

pytestmark = pytest.mark.django_db


def _stored(name: str) -> tuple[bytes, Image.Image]:
    with default_storage.open(name, "rb") as fh:
        raw = fh.read()
    image = Image.open(io.BytesIO(raw))
    image.load()
    return raw, image


def _refusal(data: bytes, name="bild.png") -> ValidationError:
    with pytest.raises(ValidationError) as info:
        images.clean_image(SimpleUploadedFile(name, data))
    return info.value


# What is refused


def test_text_file_named_png_is_refused():
    """A text file renamed to .png is not an image."""
    error = _refusal(b"Das ist kein Bild, nur Text.\n" * 20)
    assert error.code == "image_invalid"


def test_truncated_image_is_refused():
    """Half a JPEG is refused, not stored broken."""
    error = _refusal(image_bytes(size=(400, 300))[:300], name="halb.jpg")
    assert error.code == "image_invalid"


def test_svg_is_refused():
    """SVG (which can carry scripts) is no accepted image format."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert _refusal(svg, name="logo.svg").code == "image_invalid"


@pytest.mark.parametrize(
    "size",
    [(20_000, 20_000), (10_000, 10_000), (8_000, 6_000)],
    ids=["far-beyond-pillow-limit", "beyond-pillow-warning", "beyond-our-limit"],
)
def test_decompression_bomb_is_refused_with_a_clear_message(size):
    """A small file claiming a huge image is refused by its size, before decoding."""
    data = png_claiming(*size)
    assert len(data) < 200
    error = _refusal(data)
    assert error.code in ("image_bomb", "image_pixels")
    message = " ".join(error.messages)
    assert "too large" in message or "zu groß" in message


def test_a_large_but_allowed_image_passes():
    """An image below the pixel limit is accepted and keeps its size."""
    clean = images.clean_image(SimpleUploadedFile("breit.jpg", image_bytes(size=(3000, 2000))))
    assert (clean.width, clean.height, clean.extension) == (3000, 2000, ".jpg")


def test_oversized_file_is_refused(settings):
    """A file above MAX_IMAGE_UPLOAD_BYTES is refused with the limit in the message."""
    settings.MAX_IMAGE_UPLOAD_BYTES = 2 * 1_048_576
    data = image_bytes(size=(200, 200))
    upload = SimpleUploadedFile("gross.jpg", data + b"\0" * (3 * 1_048_576))
    with pytest.raises(ValidationError) as info:
        images.clean_image(upload)
    assert info.value.code == "file_size"
    assert "2" in " ".join(info.value.messages)


def test_oversized_file_without_a_size_is_refused(settings):
    """A file object that does not report its size is read only up to the limit."""
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    data = image_bytes(size=(300, 300))
    assert len(data) > 1000
    with pytest.raises(ValidationError) as info:
        images.clean_image(io.BytesIO(data))
    assert info.value.code == "file_size"


def test_media_with_a_bad_file_is_not_saved():
    """The model validation of the library refuses a fake image: nothing is stored."""
    media = Media(file=SimpleUploadedFile("fake.png", b"kein bild"), alt="Fake")
    with pytest.raises(ValidationError) as info:
        media.full_clean()
    assert "file" in info.value.message_dict
    assert not Media.objects.exists()


# What is stored


def test_gps_exif_is_gone_from_the_stored_image_and_every_variant():
    """A camera photo with GPS data: neither the original nor a variant keeps any EXIF."""
    upload = image_upload("urlaub.jpg", size=(2000, 1500), exif=gps_exif())
    assert ExifTags.Base.GPSInfo in Image.open(io.BytesIO(upload.read())).getexif()
    upload.seek(0)

    media = Media.objects.create(file=upload, alt="Strand")

    names = [media.file.name] + [v["name"] for v in media.variants.values()]
    assert len(names) == 4
    for name in names:
        raw, image = _stored(name)
        assert not image.getexif(), name
        assert "exif" not in image.info, name
        assert b"Exif" not in raw, name
        assert b"Urlaubskamera" not in raw, name


def test_variants_are_smaller_copies():
    """Variants of 480, 960 and 1600 px width, with the aspect ratio kept."""
    media = Media.objects.create(file=image_upload("foto.jpg", size=(2000, 1500)))
    assert (media.width, media.height) == (2000, 1500)
    assert sorted(int(w) for w in media.variants) == [480, 960, 1600]
    for width, variant in media.variants.items():
        _raw, image = _stored(variant["name"])
        assert image.size == (int(width), int(width) * 3 // 4)
        assert (variant["width"], variant["height"]) == image.size
        assert image.format == "JPEG"


def test_small_image_gets_only_smaller_variants():
    """A 700 px wide image gets just the 480 px variant, never an enlarged one."""
    media = Media.objects.create(file=image_upload("klein.png", size=(700, 350)))
    assert list(media.variants) == ["480"]
    _raw, image = _stored(media.variants["480"]["name"])
    assert image.format == "PNG"
    assert image.size == (480, 240)


def test_stored_name_has_the_real_extension():
    """A PNG uploaded under a .jpg name is stored under its own extension."""
    data = image_bytes(size=(600, 400), fmt="PNG")
    media = Media.objects.create(file=SimpleUploadedFile("falsch.jpg", data))
    assert media.file.name.endswith(".png")
    assert media.file.name.startswith("library/")


def test_post_with_a_library_image_gets_srcset():
    """The Markdown the library offers gives the post's image srcset, sizes and dimensions."""
    media = MediaFactory(file=image_upload("berg.jpg", size=(2000, 1000)), alt="Der Berg")
    assert media.markdown == f"![Der Berg]({media.file.url})"

    post = PostFactory(body=f"Oben angekommen:\n\n{media.markdown}")

    widths = [f"{media.file.storage.url(v['name'])} {v['width']}w" for v in media.variants.values()]
    assert f'src="{media.file.url}"' in post.body_html
    assert 'srcset="' in post.body_html
    for entry in [*widths, f"{media.file.url} 2000w"]:
        assert entry in post.body_html
    assert 'width="2000" height="1000"' in post.body_html
    assert 'loading="lazy"' in post.body_html
    assert 'alt="Der Berg"' in post.body_html


def test_post_with_a_foreign_image_gets_no_srcset():
    """An image from elsewhere is left as it is."""
    post = PostFactory(body="![Fremd](https://example.com/bild.jpg)")
    assert "srcset" not in post.body_html
    assert 'src="https://example.com/bild.jpg"' in post.body_html


def test_srcset_lists_the_variants_by_width():
    """srcset names each variant with its width, smallest first, then the original."""
    media = Media.objects.create(file=image_upload("reihe.jpg", size=(1000, 500)))
    entries = [part.rsplit(" ", 1)[1] for part in media.srcset.split(", ")]
    assert entries == ["480w", "960w", "1000w"]


def test_library_image_in_raw_html_gets_one_set_of_dimensions():
    """An <img> written as HTML, src first and with its own width, gets ours, once."""
    media = Media.objects.create(file=image_upload("see.jpg", size=(1200, 600)))
    post = PostFactory(body=f'<img src="{media.file.url}" width="50" alt="Der See">')
    assert post.body_html.count("width=") == 1
    assert post.body_html.count("src=") == 1
    assert 'width="1200" height="600"' in post.body_html
    assert 'alt="Der See"' in post.body_html
    assert f"{media.file.url} 1200w" in post.body_html


# Comments and text chunks (issue #10) ------------------------------------------------------

SECRET = "Notiz: Schlüssel unter der Fußmatte"


def _with_comment(fmt: str) -> bytes:
    """A 2000 × 1500 image carrying SECRET where its format keeps comments."""
    out = io.BytesIO()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", SECRET)  # tEXt (Latin-1)
        info.add_text("Description", SECRET, zip=True)  # zTXt
        info.add_itxt("Author", SECRET)  # iTXt
        Image.new("RGB", (2000, 1500), "#2e86c1").save(out, "PNG", pnginfo=info)
    elif fmt == "GIF":  # a comment extension
        Image.new("P", (2000, 1500), 3).save(out, "GIF", comment=SECRET.encode())
    else:  # a COM segment
        Image.new("RGB", (2000, 1500), "#2e86c1").save(out, "JPEG", comment=SECRET.encode())
    data = out.getvalue()
    found = Image.open(io.BytesIO(data))
    assert SECRET in str(found.info.get("comment", b"").decode() or found.info), fmt
    return data


def _assert_no_comment(raw: bytes, image: Image.Image, name: str) -> None:
    for encoding in ("utf-8", "latin-1", "utf-16-be"):
        assert "Fußmatte".encode(encoding) not in raw, name
    assert b"Fu\xdfmatte" not in raw and b"Fussmatte" not in raw, name
    assert not {"comment", "Comment", "Description", "Author"} & set(image.info), name


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "PNG"])
def test_comments_are_gone_from_the_stored_image_and_every_variant(fmt):
    """A JPEG COM segment, a GIF comment and PNG text chunks are stripped like EXIF."""
    upload = SimpleUploadedFile(f"notiz.{fmt.lower()}", _with_comment(fmt))
    media = Media.objects.create(file=upload, alt="Notiz")
    names = [media.file.name] + [v["name"] for v in media.variants.values()]
    assert len(names) == 4
    for name in names:
        raw, image = _stored(name)
        _assert_no_comment(raw, image, name)


class _Here:
    """pytest-django's live server, spoken to like a tests.live.LiveServer."""

    request = LiveServer.request

    def __init__(self, live_server):
        self.port = int(live_server.url.rsplit(":", 1)[1])
        self.host = f"127.0.0.1:{self.port}"  # as the Host header http.client sends


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "PNG"])
def test_an_upload_in_the_admin_serves_no_comment(transactional_db, live_server, superuser, fmt):
    """Uploaded through the admin's form over HTTP: the image and its variants the server
    then sends carry no trace of the comment."""
    admin = Session(_Here(live_server))
    admin.login("chefin", SUPERUSER_PASSWORD)
    form = admin.get("/admin/blog/media/add/")
    response = admin.post(
        "/admin/blog/media/add/",
        {"csrfmiddlewaretoken": csrf_token(form.text), "alt": "Notiz", "caption": ""},
        files={"file": (f"notiz.{fmt.lower()}", _with_comment(fmt), f"image/{fmt.lower()}")},
    )
    assert response.status == 302, response.text[:2000]
    media = Media.objects.get()
    urls = [media.file.url] + [default_storage.url(v["name"]) for v in media.variants.values()]
    assert len(urls) == 4
    for url in urls:
        served = admin.get(url)
        assert served.status == 200, url
        image = Image.open(io.BytesIO(served.body))
        image.load()
        _assert_no_comment(served.body, image, url)
