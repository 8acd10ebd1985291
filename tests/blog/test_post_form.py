"""The post form (blog/admin_forms.py, issue #12): tags typed and created by typing,
categories as a checkbox tree, the featured image from the library, <!--more--> on the
home page, and not a word of English left in the form."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Post, Tag
from tests.factories import (
    CategoryFactory,
    MediaFactory,
    PostFactory,
    TagFactory,
    UserFactory,
    image_upload,
)
from tests.html import parse, select

pytestmark = pytest.mark.django_db

ADD = "admin:blog_post_add"


@pytest.fixture
def boss(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def form_values(page) -> dict:
    """What the browser would send for the post form as shown (files left out)."""
    data, elements = {}, parse(page)
    for element in elements:
        if not element.within("form") or "name" not in element.attrs:
            continue
        name = element.attrs["name"]
        if element.tag == "input":
            kind = element.attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in element.attrs:
                    data.setdefault(name, []).append(element.attrs.get("value", "on"))
            elif kind not in ("file", "submit", "button"):
                data[name] = element.attrs.get("value", "")
        elif element.tag == "textarea":
            data[name] = element.text.removeprefix("\n")
        elif element.tag == "select":
            options = [o for o in elements if o.tag == "option" and element in o.parents]
            picked = [o for o in options if "selected" in o.attrs] or options[:1]
            data[name] = picked[0].attrs.get("value", "") if picked else ""
    return data


def add_post(client, **fields):
    """Fill in the add form as shown, change `fields`, send it; the response."""
    data = form_values(client.get(reverse(ADD)))
    data.update({"status": Post.Status.PUBLISHED, "visibility": Post.Visibility.PUBLIC})
    data.update(fields)
    return client.post(reverse(ADD), data)


def change_post(client, post, **fields):
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_values(client.get(url))
    data.update(fields)
    return client.post(url, data)


# Tags


def test_typed_tags_find_existing_ones_and_create_the_new(boss):
    """ "laufen, Neues Schlagwort, Laufen": the existing tag (any case) and one new tag."""
    laufen = TagFactory(name="Laufen")
    response = add_post(
        boss, title="Wintertraining", body="Kalt.", tags="laufen, Neues Schlagwort, Laufen"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get(title="Wintertraining")
    assert [t.name for t in post.tags.order_by("pk")] == ["Laufen", "Neues Schlagwort"]
    assert Tag.objects.count() == 2
    assert post.tags.get(name="Laufen") == laufen
    assert {t["name"] for t in post.terms["tags"]} == {"Laufen", "Neues Schlagwort"}


def test_change_form_shows_the_tags_as_a_list_and_keeps_them(boss, superuser):
    """The tags appear as "A, B"; saving the form unchanged keeps exactly these tags."""
    post = PostFactory(
        author=superuser, tags=[TagFactory(name="Ausdauer"), TagFactory(name="Berg")]
    )
    url = reverse("admin:blog_post_change", args=[post.pk])
    page = boss.get(url)
    assert form_values(page)["tags"] == "Ausdauer, Berg"
    assert change_post(boss, post).status_code == 302
    assert sorted(t.name for t in post.tags.all()) == ["Ausdauer", "Berg"]


def test_new_tags_need_the_tag_permission_and_nothing_typed_is_lost():
    """An author without add_tag: a German error naming the new tag, the text still there."""
    TagFactory(name="Laufen")
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="blog",
            codename__in=["view_post", "add_post", "change_post", "view_tag"],
        )
    )
    client = Client()
    client.force_login(user)
    response = add_post(
        client, title="Entwurf", body="Mein langer Text.", tags="Laufen, Neu", status="draft"
    )
    assert response.status_code == 200
    assertContains(response, "Sie dürfen keine neuen Schlagwörter anlegen: Neu.")
    assert form_values(response)["body"] == "Mein langer Text."
    assert form_values(response)["tags"] == "Laufen, Neu"
    assert not Post.objects.exists() and Tag.objects.count() == 1
    # The existing tag alone is fine.
    response = add_post(client, title="Entwurf", body="Text.", tags="laufen", status="draft")
    assert response.status_code == 302
    assert [t.name for t in Post.objects.get().tags.all()] == ["Laufen"]


def test_tag_suggestions_begin_with_the_typed_text_most_used_first(boss):
    """ "lauf": tags beginning with it first (most posts first), then those containing it."""
    berglauf, laufen, laufschuhe = (
        TagFactory(name=n) for n in ("Berglauf", "Laufen", "Laufschuhe")
    )
    TagFactory(name="Radfahren")
    PostFactory(tags=[laufschuhe])
    PostFactory(tags=[laufschuhe, berglauf])
    response = boss.get(reverse("admin:blog_tag_suggest"), {"q": "lauf"})
    assert response.json() == {"results": ["Laufschuhe", "Laufen", "Berglauf"]}


def test_tag_suggestions_are_for_writers_only():
    """Staff without post or tag permissions get a German refusal; visitors the login."""
    TagFactory(name="Laufen")
    user = UserFactory(is_staff=True)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:blog_tag_suggest"), {"q": "lauf"})
    assert response.status_code == 403
    assert response.json() == {"error": "Sie dürfen die Schlagwörter nicht sehen."}
    assert Client().get(reverse("admin:blog_tag_suggest"), {"q": "l"}).status_code == 302


# Categories


def test_categories_are_a_checkbox_tree(boss):
    """Each parent is followed by its children, indented one step per level."""
    sport = CategoryFactory(name="Sport")
    laufen = CategoryFactory(name="Laufen", parent=sport)
    CategoryFactory(name="Trail", parent=laufen)
    CategoryFactory(name="Reisen")
    CategoryFactory(name="Sport-Extra")  # sorts between "sport" and "sport/laufen" as text
    page = boss.get(reverse(ADD))
    rows = [
        (el.classes[0], el.clean_text)
        for el in select(page, "div")
        if el.within("div", "category-tree")
        and el.classes
        and el.classes[0].startswith("category-depth")
    ]
    assert rows == [
        ("category-depth-0", "Reisen"),
        ("category-depth-0", "Sport"),
        ("category-depth-1", "Laufen"),
        ("category-depth-2", "Trail"),
        ("category-depth-0", "Sport-Extra"),
    ]
    response = add_post(boss, title="Im Wald", body="Trail.", categories=[str(laufen.pk)])
    assert response.status_code == 302
    assert [c.name for c in Post.objects.get().categories.all()] == ["Laufen"]


# The featured image from the library


def test_featured_image_chosen_from_the_library_shows_on_the_site(boss, client):
    """The library image becomes the featured image: same file, size and variants, on the
    post's page and in the list."""
    media = MediaFactory(file=image_upload("gipfel.jpg", size=(2000, 1000)), alt="Gipfel")
    response = add_post(boss, title="Bergtour", body="Hoch hinaus.", featured_media=str(media.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get()
    assert post.featured_media == media
    assert post.featured_image.name == media.file.name
    assert (post.featured_image_width, post.featured_image_height) == (2000, 1000)
    assert post.image_variants == media.variants
    assert post.featured_image_alt == "Gipfel"
    page = client.get(post.get_absolute_url())
    assertContains(page, f'src="{media.file.url}"')
    assertContains(page, 'alt="Gipfel"')
    assertContains(page, media.srcset)
    assertContains(client.get(reverse("blog:post_list")), f'src="{media.file.url}"')


def test_an_uploaded_featured_image_still_works_and_is_kept(boss, superuser):
    """A post's own featured image (uploaded, or imported) stays through a save of the form."""
    post = PostFactory(author=superuser)
    post.featured_image = image_upload("eigen.jpg", size=(1000, 600))
    post.save()
    name = post.featured_image.name
    assert change_post(boss, post, title="Neuer Titel").status_code == 302
    post.refresh_from_db()
    assert post.featured_image.name == name and post.featured_media is None
    assert post.image_variants


def test_library_and_upload_at_once_is_refused(boss):
    """Both a library image and a new file: a German error, nothing saved."""
    media = MediaFactory()
    data = form_values(boss.get(reverse(ADD)))
    data.update(
        title="Doppelt",
        body="Text bleibt.",
        featured_media=str(media.pk),
        featured_image=image_upload("neu.jpg"),
    )
    response = boss.post(reverse(ADD), data)
    assert response.status_code == 200
    assertContains(response, "Bitte wählen Sie entweder ein Bild aus der Mediathek")
    assert not Post.objects.exists()


def test_taking_the_library_image_away_removes_the_featured_image(boss, superuser):
    """Choosing "(kein Bild aus der Mediathek)" leaves the post without a featured image,
    and the library keeps its file."""
    media = MediaFactory()
    post = PostFactory(author=superuser)
    post.featured_media = media
    post.save()
    assert post.featured_image.name == media.file.name
    assert change_post(boss, post, featured_media="").status_code == 302
    post.refresh_from_db()
    assert not post.featured_image and post.featured_media is None
    assert media.file.storage.exists(media.file.name)


def test_deleting_the_library_image_keeps_the_posts_featured_image(superuser):
    """The library entry goes, the post keeps showing the file (nothing deletes it)."""
    media = MediaFactory()
    post = PostFactory(author=superuser)
    post.featured_media = media
    post.save()
    name = media.file.name
    media.delete()
    post.refresh_from_db()
    assert post.featured_media is None and post.featured_image.name == name
    post.save()
    assert post.featured_image.name == name


# <!--more-->


def test_more_marker_written_in_the_admin_cuts_the_home_page_summary(boss, client):
    """The home page shows the text before <!--more--> and "Weiterlesen"; the post all."""
    body = "Der **Anfang** des Beitrags.\n\n<!--more-->\n\nDer geheime Rest mit viel Text."
    assert add_post(boss, title="Mit Teaser", body=body).status_code == 302
    post = Post.objects.get()
    assert post.summary == "Der Anfang des Beitrags."
    home = client.get(reverse("blog:post_list"))
    assertContains(home, "Der Anfang des Beitrags.")
    assertNotContains(home, "geheime Rest")
    assertContains(home, "Weiterlesen")
    page = client.get(post.get_absolute_url())
    assertContains(page, "<strong>Anfang</strong>")
    assertContains(page, "Der geheime Rest mit viel Text.")
    assertNotContains(page, "more--")


def test_more_marker_inside_a_code_block_is_text():
    """A marker shown as code in a fenced block cuts nothing; the excerpt wins over both."""
    post = PostFactory(body="```\n<!--more-->\n```\n\nDanach " + "Wort " * 80)
    assert post.summary.startswith("<!--more--> Danach")
    post = PostFactory(body="Vorn.\n\n<!--more-->\n\nHinten.", excerpt="Eigene Kurzfassung.")
    assert post.summary == "Eigene Kurzfassung."


# German throughout


ENGLISH = re.compile(
    r"\b(Choose|Chosen|Available|Remove all|Filter|Add another|Currently|Change|Clear|"
    r"Search|Upload|Insert|image|images|tags|categories|Previous|Next|Page|Cancel|"
    r"featured|from the|media library|Markdown to insert|Separate|Show preview)\b"
)


class _FormText(HTMLParser):
    """The text and the readable attributes inside the post form, one piece at a time."""

    READABLE = ("title", "placeholder", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces, self.in_form, self.skip = [], False, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "post_form":
            self.in_form = True
        if not self.in_form:
            return
        if tag in ("script", "textarea"):
            self.skip += 1
        for name, value in attrs.items():
            readable = name in self.READABLE or (
                name.startswith("data-")
                and "url" not in name
                and "href" not in name
                and value[:1] not in "[{/"
            )
            if value and (
                readable or (name == "value" and attrs.get("type") in ("submit", "button"))
            ):
                self.pieces.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "textarea") and self.in_form:
            self.skip -= 1
        if tag == "form":
            self.in_form = False

    def handle_data(self, data):
        if self.in_form and not self.skip and data.strip():
            self.pieces.append(data.strip())


ENGLISH = re.compile(
    r"\b(Choose|Chosen|Available|Remove|Filter|Add another|Currently|Change|Clear|Today|Now|"
    r"Search|Upload|Insert|image|images|tags?|categor(y|ies)|Previous|Next|Page|Cancel|Save|"
    r"featured|from the|media library|Separate|Show|preview|Left empty|Draft|Published|"
    r"Public|Private|Password|Publishing|Visibility|Taxonomy|Discussion|body|title|"
    r"Versions?|Delete|History|Restore|Autosaved?|Sticky|Comments|Excerpt|slug)\b",
    re.IGNORECASE,
)


TOKEN = re.compile(r"[\w]+[-_][\w-]+")


def test_no_english_in_the_post_form(boss, superuser):
    """Every label, help text, button and widget text of the post form is German."""
    CategoryFactory(name="Sport")
    MediaFactory(alt="Bild")
    post = PostFactory(author=superuser, tags=[TagFactory(name="Laufen")])
    for url in (reverse(ADD), reverse("admin:blog_post_change", args=[post.pk])):
        page = boss.get(url)
        reader = _FormText()
        reader.feed(page.content.decode())
        assert len(reader.pieces) > 40  # the form was read
        # Placeholders ({page}) and technical tokens (an-id, a_name) are no words.
        words = [re.sub(r"\{\w+\}", "", p) for p in reader.pieces if not TOKEN.fullmatch(p)]
        english = [piece for piece in words if ENGLISH.search(piece)]
        assert english == [], english
        assertNotContains(page, "SelectFilter2.js")


def test_pages_are_written_with_the_same_editor(boss):
    """The page form's text area has the picker and the upload address too."""
    page = boss.get(reverse("admin:blog_page_add"))
    editor = [el for el in parse(page) if el.has("div", "markdown-editor")]
    assert len(editor) == 1
    assert editor[0].attrs["data-upload-url"] == reverse("admin:blog_media_upload")
    assert editor[0].attrs["data-search-url"] == reverse("admin:blog_media_picker")
    assertContains(page, "Bild aus der Mediathek einfügen")


def test_a_tag_with_a_comma_survives_the_form(boss, superuser):
    """An imported tag "Rock, Pop" shows in quotes and stays one tag through a save."""
    post = PostFactory(
        author=superuser, tags=[TagFactory(name="Rock, Pop"), TagFactory(name="Jazz")]
    )
    assert form_values(boss.get(reverse("admin:blog_post_change", args=[post.pk])))["tags"] in (
        '"Rock, Pop", Jazz',
        'Jazz, "Rock, Pop"',
    )
    assert change_post(boss, post).status_code == 302
    assert sorted(t.name for t in post.tags.all()) == ["Jazz", "Rock, Pop"]
    assert Tag.objects.count() == 2


def test_posts_written_before_list_the_text_before_more(client):
    """Migration 0014: an admin-written post with <!--more--> and no excerpt gets the text
    before it as its summary; an excerpt, and posts without the marker, stay as they were."""
    from importlib import import_module

    from django.apps import apps

    fill = import_module("blog.migrations.0014_post_featured_media").summaries_before_more
    marked = PostFactory(body="Vorn **fett**.\n\n<!--more-->\n\nHinten.")
    excerpted = PostFactory(body="Vorn.\n\n<!--more-->\n\nHinten.", excerpt="Eigene.")
    plain = PostFactory(body="Nur Text.")
    Post.objects.update(summary="alt")
    Post.objects.filter(pk=excerpted.pk).update(summary="Eigene.")
    fill(apps, None)
    summaries = dict(Post.objects.values_list("pk", "summary"))
    assert summaries == {marked.pk: "Vorn fett.", excerpted.pk: "Eigene.", plain.pk: "alt"}
    assertContains(client.get(reverse("blog:post_list")), "Vorn fett.")


def test_writers_without_the_library_see_none_of_it_in_the_form():
    """No view_media: the featured image list holds only the post's own choice, fixed,
    and no picker; the post keeps its library image through a save."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="blog",
            codename__in=["view_post", "add_post", "change_post", "publish_post"],
        )
    )
    client = Client()
    client.force_login(user)
    chosen, other = MediaFactory(alt="Gewählt"), MediaFactory(alt="Fremdes Bild")
    post = PostFactory(author=user)
    post.featured_media = chosen
    post.save()
    page = client.get(reverse("admin:blog_post_change", args=[post.pk]))
    assertContains(page, "Gewählt")
    assertNotContains(page, "Fremdes Bild")
    assertNotContains(page, "Aus der Mediathek wählen")
    response = change_post(client, post, featured_media=str(other.pk))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.featured_media == chosen and post.featured_image.name == chosen.file.name


def test_an_upload_replaces_the_library_image_the_post_had(boss, superuser):
    """With a library image already chosen, uploading a file of its own replaces it."""
    media = MediaFactory()
    post = PostFactory(author=superuser)
    post.featured_media = media
    post.save()
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_values(boss.get(url))
    assert data["featured_media"] == str(media.pk)
    data["featured_image"] = image_upload("eigenes.jpg", size=(900, 600))
    assert boss.post(url, data).status_code == 302
    post.refresh_from_db()
    assert post.featured_media is None
    assert "eigenes" in post.featured_image.name and post.featured_image_width == 900
    assert media.file.storage.exists(media.file.name)
