"""Posts, pages, categories, slugs, visibility rules and featured images (blog/models.py)."""

import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone
from PIL import ExifTags, Image

from blog.models import Category, Media, Page, Post
from blog.slugs import german_slugify
from tests.factories import CategoryFactory, PageFactory, PostFactory, UserFactory
from tests.roles import member

pytestmark = pytest.mark.django_db

NOW = timezone.now()


# Slugs


def test_german_slugify_spells_out_umlauts_and_sharp_s():
    """Umlauts and ß become ae/oe/ue/ss instead of being dropped."""
    assert german_slugify("größer übel") == "groesser-uebel"
    assert german_slugify("Ärger über Öl") == "aerger-ueber-oel"


def test_post_slug_is_german_aware_and_title_stays_lowercase():
    """A post titled "größer übel" gets the slug groesser-uebel and keeps its title as written."""
    post = PostFactory(title="größer übel")
    post.refresh_from_db()
    assert post.slug == "groesser-uebel"
    assert post.title == "größer übel"
    assert post.get_absolute_url().endswith("/groesser-uebel/")


def test_duplicate_titles_get_numbered_slugs():
    """The second and third post with the same title get -2 and -3, as in WordPress."""
    first = PostFactory(title="größer übel")
    second = PostFactory(title="größer übel")
    third = PostFactory(title="Größer Übel")
    assert [first.slug, second.slug, third.slug] == [
        "groesser-uebel",
        "groesser-uebel-2",
        "groesser-uebel-3",
    ]


def test_saving_again_keeps_the_slug():
    """Re-saving a post with a changed title does not move its address."""
    post = PostFactory(title="hartes training")
    post.title = "hartes training, zweiter teil"
    post.save()
    post.refresh_from_db()
    assert post.slug == "hartes-training"


def test_title_without_letters_gets_a_fallback_slug():
    """A title that slugifies to nothing still gets a usable slug."""
    post = PostFactory(title="😉 …")
    assert post.slug == "eintrag"


def test_category_and_tag_slugs_are_german_aware(db):
    """Categories get German-aware slugs too, numbered when taken."""
    first = CategoryFactory(name="Übungen")
    second = CategoryFactory(name="übungen")
    assert (first.slug, second.slug) == ("uebungen", "uebungen-2")


def test_page_slugs_are_unique_per_parent_only():
    """Two child pages of different parents may share a slug; siblings get -2."""
    one = PageFactory(title="Eins")
    two = PageFactory(title="Zwei")
    a = PageFactory(title="Kontakt", parent=one)
    b = PageFactory(title="Kontakt", parent=two)
    c = PageFactory(title="Kontakt", parent=one)
    assert (a.slug, b.slug, c.slug) == ("kontakt", "kontakt", "kontakt-2")
    assert (a.path, b.path, c.path) == ("eins/kontakt", "zwei/kontakt", "eins/kontakt-2")


# Publication and visibility


@pytest.mark.parametrize(
    ("status", "offset", "expected"),
    [
        (Post.Status.DRAFT, datetime.timedelta(days=-1), False),
        (Post.Status.DRAFT, datetime.timedelta(days=1), False),
        (Post.Status.PUBLISHED, datetime.timedelta(days=1), False),
        (Post.Status.PUBLISHED, datetime.timedelta(seconds=-1), True),
        (Post.Status.PUBLISHED, datetime.timedelta(days=-400), True),
    ],
)
def test_is_published_agrees_with_published_queryset(status, offset, expected):
    """post.is_published and Post.objects.published() give the same answer."""
    post = PostFactory(status=status, published_at=timezone.now() + offset)
    assert post.is_published is expected
    assert Post.objects.published().filter(pk=post.pk).exists() is expected


@pytest.mark.parametrize("visibility", Post.Visibility.values)
@pytest.mark.parametrize("status", Post.Status.values)
@pytest.mark.parametrize("offset", [datetime.timedelta(days=-1), datetime.timedelta(days=1)])
def test_is_indexable_agrees_with_indexable_queryset(status, visibility, offset):
    """post.is_indexable and Post.objects.indexable() agree: published, due and public."""
    post = PostFactory(
        status=status,
        visibility=visibility,
        password="geheim" if visibility == Post.Visibility.PASSWORD else "",
        published_at=timezone.now() + offset,
    )
    expected = post.is_published and visibility == Post.Visibility.PUBLIC
    assert post.is_indexable is expected
    assert Post.objects.indexable().filter(pk=post.pk).exists() is expected


def test_private_posts_are_listed_for_staff_only():
    """listed_for hides private posts from anonymous readers and shows them to staff."""
    public = PostFactory(title="öffentlich")
    private = PostFactory(title="privat", visibility=Post.Visibility.PRIVATE)
    protected = PostFactory(
        title="geschützt", visibility=Post.Visibility.PASSWORD, password="geheim"
    )
    PostFactory(title="entwurf", status=Post.Status.DRAFT)
    staff = member("redaktion", "Redakteur")
    reader = UserFactory(username="leser")

    assert set(Post.objects.listed_for(AnonymousUser())) == {public, protected}
    assert set(Post.objects.listed_for(None)) == {public, protected}
    assert set(Post.objects.listed_for(reader)) == {public, protected}
    assert set(Post.objects.listed_for(staff)) == {public, protected, private}


def test_staff_can_reach_drafts_and_scheduled_posts():
    """reachable_by opens drafts and scheduled posts to staff, not to readers."""
    draft = PostFactory(status=Post.Status.DRAFT)
    scheduled = PostFactory(published_at=timezone.now() + datetime.timedelta(hours=2))
    staff = member("redaktion", "Redakteur")
    assert not Post.objects.reachable_by(AnonymousUser()).filter(pk__in=[draft.pk, scheduled.pk])
    assert set(Post.objects.reachable_by(staff)) == {draft, scheduled}


def test_password_is_dropped_when_post_is_no_longer_protected():
    """A post switched back to public forgets its old password."""
    post = PostFactory(visibility=Post.Visibility.PASSWORD, password="geheim")
    post.visibility = Post.Visibility.PUBLIC
    post.save()
    post.refresh_from_db()
    assert post.password == ""


def test_protected_post_without_password_is_refused_by_the_database():
    """The database refuses a password-protected post with an empty password."""
    with pytest.raises(IntegrityError):
        PostFactory(visibility=Post.Visibility.PASSWORD, password="")


# Body, excerpt, search text


def test_body_is_rendered_to_html_at_save_time():
    """The Markdown body is stored as sanitised HTML next to the source."""
    post = PostFactory(body="ein *kurzer* text.\n\n<script>alert(1)</script>")
    post.refresh_from_db()
    assert post.body_html.startswith("<p>ein <em>kurzer</em> text.</p>")
    assert "<script" not in post.body_html


def test_explicit_excerpt_is_used_as_summary():
    """An excerpt written by the author is the summary, as written."""
    post = PostFactory(body="der lange text.", excerpt="  kurz gesagt: übung.  ")
    assert post.summary == "kurz gesagt: übung."


def test_summary_is_derived_from_the_body_without_markup():
    """Without an excerpt the summary is the body's plain text."""
    post = PostFactory(body="ein *kurzer* text mit [link](https://example.org) &amp; mehr.")
    assert post.summary == "ein kurzer text mit link & mehr."


def test_derived_summary_is_cut_after_55_words():
    """A long body is cut to 55 words followed by an ellipsis."""
    words = [f"wort{n}" for n in range(100)]
    post = PostFactory(body=" ".join(words))
    assert post.summary == " ".join(words[:55]) + " …"


def test_search_entry_holds_stems_of_title_and_visible_text():
    """The post's search entry: stems of the title and text, the text as written."""
    post = PostFactory(title="Übungen Macht", body="den **MEISTERN**.")
    entry = post.search_entry
    assert (entry.title_terms, entry.body_terms) == ("ubung macht", "den meist")
    assert entry.text == "den MEISTERN."


# Categories and pages


def test_nested_category_path_and_url():
    """A subcategory lives at /category/parent/child/."""
    parent = CategoryFactory(name="Arbeit")
    child = CategoryFactory(name="Kunden", parent=parent)
    grandchild = CategoryFactory(name="Große Kunden", parent=child)
    assert child.path == "arbeit/kunden"
    assert grandchild.path == "arbeit/kunden/grosse-kunden"
    assert grandchild.get_absolute_url() == "/category/arbeit/kunden/grosse-kunden/"
    assert grandchild.get_feed_url() == "/category/arbeit/kunden/grosse-kunden/feed/"
    assert (parent.depth, child.depth, grandchild.depth) == (0, 1, 2)


def test_category_paths_follow_a_renamed_parent_slug():
    """Changing a parent's slug updates the stored paths of all descendants."""
    parent = CategoryFactory(name="Arbeit")
    child = CategoryFactory(name="Kunden", parent=parent)
    grandchild = CategoryFactory(name="Stammkunden", parent=child)
    parent.slug = "job"
    parent.save()
    assert list(Category.objects.values_list("path", flat=True)) == [
        "job",
        "job/kunden",
        "job/kunden/stammkunden",
    ]
    grandchild.refresh_from_db()
    assert grandchild.get_absolute_url() == "/category/job/kunden/stammkunden/"


def test_child_page_path_and_url():
    """A child page lives at /parent/child/ and follows its parent's slug."""
    parent = PageFactory(title="Über mich")
    child = PageFactory(title="Lebenslauf", parent=parent)
    assert child.get_absolute_url() == "/ueber-mich/lebenslauf/"
    parent.slug = "about"
    parent.save()
    child.refresh_from_db()
    assert child.path == "about/lebenslauf"
    assert Page.objects.get(pk=child.pk).get_absolute_url() == "/about/lebenslauf/"


def test_page_navigation_lists_published_pages_in_menu_order():
    """in_navigation lists published pages shown in the menu by their order."""
    later = PageFactory(title="B", menu_order=2)
    first = PageFactory(title="A", menu_order=1)
    PageFactory(title="Versteckt", show_in_navigation=False)
    PageFactory(title="Entwurf", status=Page.Status.DRAFT)
    assert list(Page.objects.in_navigation()) == [first, later]


# Featured images


def _jpeg_with_gps(width=1000, height=600) -> bytes:
    """A JPEG carrying camera EXIF data with a GPS position."""
    image = Image.new("RGB", (width, height), "#c0392b")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamerahersteller"
    exif[ExifTags.Base.Model] = "Modell 1"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png(width, height, mode="RGBA") -> bytes:
    image = Image.new(mode, (width, height), (20, 120, 200, 128) if mode == "RGBA" else "blue")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _open_stored(name) -> Image.Image:
    with default_storage.open(name, "rb") as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    return image


def test_test_jpeg_really_carries_gps_data():
    """The test image used below does contain EXIF GPS data before upload."""
    image = Image.open(io.BytesIO(_jpeg_with_gps()))
    exif = image.getexif()
    assert exif[ExifTags.Base.Make] == "Kamerahersteller"
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"


def test_featured_jpeg_is_stored_without_exif_and_with_variants():
    """An uploaded JPEG loses its EXIF/GPS data and gets 480 and 960 px wide variants."""
    post = PostFactory()
    post.featured_image = SimpleUploadedFile("urlaub.jpg", _jpeg_with_gps(), "image/jpeg")
    post.save()
    assert (post.featured_image_width, post.featured_image_height) == (1000, 600)
    stored_size = Post.objects.values_list("featured_image_width", "featured_image_height")
    assert stored_size.get(pk=post.pk) == (1000, 600)
    post.refresh_from_db()

    assert post.featured_image.name.startswith("featured/")
    assert post.featured_image.name.endswith(".jpg")
    assert (post.featured_image_width, post.featured_image_height) == (1000, 600)
    assert sorted(post.image_variants, key=int) == ["480", "960"]
    assert post.image_variants["480"]["height"] == 288

    names = [post.featured_image.name] + [v["name"] for v in post.image_variants.values()]
    for name in names:
        stored = _open_stored(name)
        assert stored.format == "JPEG"
        assert "exif" not in stored.info
        assert len(stored.getexif()) == 0
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    widths = sorted(_open_stored(v["name"]).size for v in post.image_variants.values())
    assert widths == [(480, 288), (960, 576)]
    assert post.featured_srcset.endswith(f"{post.featured_image.url} 1000w")
    assert "-480w.jpg 480w" in post.featured_srcset


def test_no_file_with_exif_is_left_in_media(settings):
    """Nothing written to the media folder keeps the camera's metadata."""
    post = PostFactory()
    post.featured_image = SimpleUploadedFile("urlaub.jpg", _jpeg_with_gps(), "image/jpeg")
    post.save()
    files = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert len(files) == 3
    for path in files:
        data = path.read_bytes()
        assert b"Exif" not in data
        assert b"Kamerahersteller" not in data


def test_exif_orientation_is_applied_before_it_is_dropped():
    """A photo taken upright (EXIF orientation 6) is stored rotated, without the tag."""
    image = Image.new("RGB", (200, 100), "white")
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    post = PostFactory()
    post.featured_image = SimpleUploadedFile("hoch.jpg", out.getvalue(), "image/jpeg")
    post.save()
    assert (post.featured_image_width, post.featured_image_height) == (100, 200)
    stored_size = Post.objects.values_list("featured_image_width", "featured_image_height")
    assert stored_size.get(pk=post.pk) == (100, 200)
    assert ExifTags.Base.Orientation not in _open_stored(post.featured_image.name).getexif()


def test_featured_png_with_transparency_stays_png():
    """A transparent PNG is kept as PNG, with PNG variants narrower than the original."""
    post = PostFactory()
    post.featured_image = SimpleUploadedFile("grafik.png", _png(600, 300), "image/png")
    post.save()
    post.refresh_from_db()
    assert post.featured_image.name.endswith(".png")
    assert list(post.image_variants) == ["480"]
    variant = _open_stored(post.image_variants["480"]["name"])
    assert (variant.format, variant.size, variant.mode) == ("PNG", (480, 240), "RGBA")


def test_small_image_gets_no_variants():
    """An image narrower than the smallest variant width is stored alone."""
    post = PostFactory()
    post.featured_image = SimpleUploadedFile("klein.png", _png(300, 200, mode="RGB"), "image/png")
    post.save()
    assert post.image_variants == {}
    assert post.featured_image.name.endswith(".jpg")
    assert post.featured_srcset == f"{post.featured_image.url} 300w"


def test_non_image_upload_is_refused():
    """A file that is not an image raises ValidationError and creates no post."""
    post = PostFactory.build(author=UserFactory())
    post.featured_image = SimpleUploadedFile(
        "bild.jpg", b"<?php echo 'kein bild'; ?>", "image/jpeg"
    )
    with pytest.raises(ValidationError) as excinfo:
        post.save()
    assert excinfo.value.code == "image_invalid"
    assert not Post.objects.exists()


def test_unsupported_image_format_is_refused():
    """A real image in a format outside the allow-list (BMP) is refused."""
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "BMP")
    post = PostFactory()
    post.featured_image = SimpleUploadedFile("bild.bmp", out.getvalue(), "image/bmp")
    with pytest.raises(ValidationError) as excinfo:
        post.save()
    assert excinfo.value.code == "image_format"


def test_oversized_upload_is_refused(settings):
    """A file above MAX_IMAGE_UPLOAD_BYTES is refused before Pillow opens it."""
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    post = PostFactory()
    post.featured_image = SimpleUploadedFile("gross.jpg", _jpeg_with_gps(), "image/jpeg")
    with pytest.raises(ValidationError) as excinfo:
        post.save()
    assert excinfo.value.code == "file_size"


def test_media_library_image_records_its_size():
    """A library upload stores its width and height, so srcset names the original too."""
    media = Media(file=SimpleUploadedFile("foto.jpg", _jpeg_with_gps(), "image/jpeg"))
    media.save()
    assert Media.objects.values_list("width", "height").get(pk=media.pk) == (1000, 600)
    assert media.srcset.endswith(f"{media.file.url} 1000w")
    assert b"Kamerahersteller" not in media.file.open("rb").read()
