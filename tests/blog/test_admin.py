"""Writing in the admin (blog/admin.py, issue #4): posts by author, comment counts, preview,
the media library, the site settings, and the rate-limited login."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from blog.models import Media, Post, SiteSettings
from tests.comments.helpers import one
from tests.conftest import SUPERUSER_PASSWORD
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    MediaFactory,
    PostFactory,
    UserFactory,
    image_upload,
    png_claiming,
)

pytestmark = pytest.mark.django_db

POSTS = "admin:blog_post_changelist"


def _author(username) -> tuple[Client, object]:
    """A staff author (no superuser) with the post permissions, logged in."""
    user = UserFactory(username=username, first_name=username.capitalize(), is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="blog",
            codename__in=["view_post", "add_post", "change_post", "delete_post"],
        )
    )
    client = Client()
    client.force_login(user)
    return client, user


# Posts


def test_author_sees_only_own_posts(post):
    """An author who is not a superuser lists only their own posts."""
    client, user = _author("berta")
    PostFactory(author=user, title="Bertas Beitrag")
    response = client.get(reverse(POSTS))
    assertContains(response, "Bertas Beitrag")
    assertNotContains(response, "hartes training")


def test_author_cannot_open_someone_elses_post(post):
    """Another author's post is not found for them: no form, no body, nothing saved."""
    client, _user = _author("berta")
    url = reverse("admin:blog_post_change", args=[post.pk])
    response = client.get(url)
    assertRedirects(response, reverse("admin:index"), fetch_redirect_response=False)
    response = client.post(url, {"title": "Übernommen", "body": "weg", "status": "draft"})
    assert response.status_code in (302, 404)
    post.refresh_from_db()
    assert post.title == "hartes training"
    delete = reverse("admin:blog_post_delete", args=[post.pk])
    client.post(delete, {"post": "yes"})
    assert Post.objects.filter(pk=post.pk).exists()


def test_superuser_sees_every_post(admin_client, post):
    """The superuser lists the posts of all authors."""
    PostFactory(title="zweiter beitrag")
    response = admin_client.get(reverse(POSTS))
    assertContains(response, "hartes training")
    assertContains(response, "zweiter beitrag")


def test_new_post_of_an_author_is_theirs(post):
    """A post an author adds is theirs, whatever the form says."""
    client, user = _author("berta")
    response = client.post(
        reverse("admin:blog_post_add"),
        {
            "title": "Mein erster Beitrag",
            "slug": "",
            "body": "Hallo *Welt*",
            "excerpt": "",
            "status": "draft",
            "published_at_0": "27.11.2026",
            "published_at_1": "20:30:00",
            "author": post.author.pk,
            "visibility": "public",
            "password": "",
            "featured_image_alt": "",
            "comments_open": "on",
            "_save": "Sichern",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = Post.objects.get(title="Mein erster Beitrag")
    assert new.author == user
    assert new.body_html == "<p>Hallo <em>Welt</em></p>"


def test_post_list_shows_comment_counts_linking_to_the_comments(admin_client, post):
    """Approved and pending counts, each linking to the comment list filtered by post."""
    CommentFactory.create_batch(3, post=post)
    CommentFactory.create_batch(2, post=post, status="pending")
    CommentFactory(post=post, status="spam")
    CommentFactory(post=PostFactory(title="anderer"), status="pending")
    response = admin_client.get(reverse(POSTS))

    base = reverse("admin:comments_comment_changelist")
    approved = f"{base}?post__id__exact={post.pk}&status=approved"
    pending = f"{base}?post__id__exact={post.pk}&status=pending"
    assert one(response, "a", href=approved).clean_text.startswith("3 ")
    assert one(response, "a", href=pending).clean_text.startswith("2 ")

    comments = admin_client.get(pending)
    assertContains(comments, '<p class="paginator">2 Kommentare</p>', html=True)


def test_post_list_counts_stay_right_with_a_category_filter(admin_client, author):
    """Filtering by category does not multiply the comment counts."""
    first, second = CategoryFactory(), CategoryFactory()
    post = PostFactory(author=author, categories=[first, second])
    CommentFactory.create_batch(2, post=post)
    response = admin_client.get(reverse(POSTS), {"categories__id__exact": first.pk})
    base = reverse("admin:comments_comment_changelist")
    link = one(response, "a", href=f"{base}?post__id__exact={post.pk}&status=approved")
    assert link.clean_text.startswith("2 ")


def test_post_change_page_previews_the_body(admin_client, author):
    """The preview shows the saved body rendered and sanitised."""
    post = PostFactory(author=author, body="**fett** <script>alert(1)</script>")
    response = admin_client.get(reverse("admin:blog_post_change", args=[post.pk]))
    assertContains(
        response,
        '<div class="markdown-preview" aria-live="polite">'
        "<p><strong>fett</strong> alert(1)</p></div>",
        html=True,
    )
    assertNotContains(response, "<script>alert(1)")


def test_preview_renders_unsaved_markdown_sanitised(admin_client):
    """The preview button's endpoint renders the editor's text with the site's sanitiser."""
    response = admin_client.post(
        reverse("admin:blog_post_preview"),
        {"body": "# titel\n\n*schräg* <img src=x onerror=alert(1)> [x](javascript:alert(1))"},
    )
    html = response.json()["html"]
    assert "<em>schräg</em>" in html
    assert "onerror" not in html and "javascript:" not in html


def test_preview_is_for_writers_only(client, db):
    """Anonymous visitors are sent to the login; GET is refused."""
    response = client.post(reverse("admin:blog_post_preview"), {"body": "x"})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_new_post_form_takes_the_discussion_default(admin_client):
    """With comments off by default, a new post's form starts with comments closed."""
    SiteSettings.objects.update_or_create(pk=1, defaults={"comments_open_by_default": False})
    response = admin_client.get(reverse("admin:blog_post_add"))
    assertContains(
        response, '<input type="checkbox" name="comments_open" id="id_comments_open">', html=True
    )


# Media library


def test_media_upload_in_the_admin(admin_client, admin_user):
    """Uploading an image stores it with variants and offers its Markdown."""
    response = admin_client.post(
        reverse("admin:blog_media_add"),
        {"file": image_upload("gipfel.jpg", size=(1000, 800)), "alt": "Gipfel", "caption": ""},
    )
    assert response.status_code == 302
    media = Media.objects.get()
    assert media.uploaded_by == admin_user
    assert (media.width, media.height) == (1000, 800)
    assert sorted(media.variants) == ["480", "960"]
    listing = admin_client.get(reverse("admin:blog_media_changelist"))
    assertContains(
        listing, f'<code class="media-markdown">![Gipfel]({media.file.url})</code>', html=True
    )


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("fake.png", b"Das ist nur Text, kein Bild." * 10, ["Bild", "image"]),
        ("bombe.png", "bomb", ["groß", "large"]),
    ],
    ids=["text-file", "decompression-bomb"],
)
def test_media_admin_refuses_a_bad_file_with_a_form_error(admin_client, name, content, words):
    """A fake image or a bomb is a form error on the add page (no 500), nothing stored."""
    if content == "bomb":
        content = png_claiming(20_000, 20_000)
    response = admin_client.post(
        reverse("admin:blog_media_add"),
        {"file": SimpleUploadedFile(name, content, "image/png"), "alt": "x", "caption": ""},
    )
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors.get("file", []))
    assert any(word in errors for word in words), errors
    assertContains(response, 'class="errornote"')
    assert not Media.objects.exists()


def test_media_admin_refuses_an_oversized_file(admin_client, settings):
    """A file above the upload limit is a form error naming the limit."""
    settings.MAX_IMAGE_UPLOAD_BYTES = 1_048_576
    upload = image_upload("riesig.png", size=(1200, 1200))
    upload.file.write(b"\0" * 1_100_000)
    upload.size = upload.file.tell()
    upload.file.seek(0)
    response = admin_client.post(
        reverse("admin:blog_media_add"), {"file": upload, "alt": "", "caption": ""}
    )
    assert response.status_code == 200
    assertContains(response, 'class="errornote"')
    assert not Media.objects.exists()


def test_media_change_page_shows_the_thumbnail(admin_client):
    """The change page shows the smallest variant as the preview."""
    media = MediaFactory()
    response = admin_client.get(reverse("admin:blog_media_change", args=[media.pk]))
    small = media.file.storage.url(media.variants["480"]["name"])
    assertContains(response, f'<img src="{small}" alt="" class="media-thumbnail">', html=True)


# Site settings


def test_site_settings_list_opens_the_single_row(admin_client):
    """The settings list goes straight to the one form; there is no add or delete."""
    response = admin_client.get(reverse("admin:blog_sitesettings_changelist"))
    assertRedirects(
        response,
        reverse("admin:blog_sitesettings_change", args=[1]),
        fetch_redirect_response=False,
    )
    assert admin_client.get(reverse("admin:blog_sitesettings_add")).status_code == 403
    admin_client.post(reverse("admin:blog_sitesettings_delete", args=[1]), {"post": "yes"})
    assert SiteSettings.objects.filter(pk=1).exists()


def test_site_settings_change_shows_on_the_next_page(admin_client, client, post):
    """A new blog title is on the public pages at once."""
    SiteSettings.load()
    client.get("/")
    response = admin_client.post(
        reverse("admin:blog_sitesettings_change", args=[1]),
        {
            "title": "Laufend bloggen",
            "tagline": "",
            "posts_per_page": 10,
            "footer_text": "",
            "imprint_page": "",
            "privacy_page": "",
            "_save": "Sichern",
        },
    )
    assert response.status_code == 302
    assertContains(client.get("/"), "Laufend bloggen")


# Login rate limit


def _login(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR="198.51.100.20",
    )


def test_login_works(client, superuser):
    """The right password logs in."""
    response = _login(client, "chefin", SUPERUSER_PASSWORD)
    assertRedirects(response, reverse("admin:index"), fetch_redirect_response=False)


def test_login_is_locked_after_five_failures(client, superuser):
    """Five wrong passwords, then even the right one answers 429 with the lockout page."""
    for _attempt in range(4):
        response = _login(client, "chefin", "falsch")
        assert response.status_code == 200
        assertContains(response, 'class="errornote"')
    _login(client, "chefin", "falsch")

    response = _login(client, "chefin", SUPERUSER_PASSWORD)

    assert response.status_code == 429
    assertContains(response, "<h1>", count=1, status_code=429)
    assert "admin/lockout.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_lockout_is_per_user_name_and_address(client, superuser):
    """The lockout of one user name from one address does not block another address."""
    for _attempt in range(5):
        _login(client, "chefin", "falsch")
    other = Client()
    response = other.post(
        reverse("admin:login"),
        {"username": "chefin", "password": SUPERUSER_PASSWORD, "next": reverse("admin:index")},
        REMOTE_ADDR="203.0.113.99",
    )
    assertRedirects(response, reverse("admin:index"), fetch_redirect_response=False)
