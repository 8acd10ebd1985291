"""`manage.py load_demo`: the demo blog, written once into an empty blog, serving
"hartes training" as written; `ensure_admin` leaves an existing admin alone."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pytest_django.asserts import assertContains

import blog
from blog.models import Category, FooterLink, Page, Post, SiteSettings, Tag
from tests.html import select

pytestmark = pytest.mark.django_db

HARTES_TRAINING = Path(blog.__file__).parent / "demo" / "hartes-training.md"
PERMALINK = "/2026/11/20/hartes-training/"


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model of the blog and comments apps, and the users."""
    models = [get_user_model()]
    for label in ("blog", "comments"):
        models += list(apps.get_app_config(label).get_models())
    return {m._meta.label: m._default_manager.count() for m in models}


def media_files(settings) -> list[str]:
    return sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_load_demo_twice_changes_nothing(settings):
    """Running load_demo again leaves the same rows and the same media files."""
    load_demo()
    first = row_counts()
    files = media_files(settings)
    load_demo()
    assert row_counts() == first
    assert media_files(settings) == files
    assert first["blog.Post"] == Post.objects.count() == 13
    assert Page.objects.count() == 3
    assert Category.objects.count() == 5
    assert Tag.objects.count() == 8
    assert FooterLink.objects.count() == 2
    assert get_user_model().objects.filter(username="oliver").count() == 1


def test_load_demo_keeps_the_authors_edits_and_deletions():
    """A second run changes nothing the author did: edits stay, a deleted post stays gone."""
    load_demo()
    post = Post.objects.get(slug="hartes-training")
    post.body = "verändert"
    post.save()
    site = SiteSettings.load()
    site.title = "Mein Laufblog"
    site.save()
    imprint = Page.objects.get(slug="impressum")
    imprint.body = "Erika Mustermann, Musterstraße 1, 12345 Musterstadt"
    imprint.save()
    Post.objects.get(slug="novembergrau").delete()
    output = load_demo()
    assert "nothing changed" in output
    assert Post.objects.get(slug="hartes-training").body == "verändert"
    assert SiteSettings.load().title == "Mein Laufblog"
    assert Page.objects.get(slug="impressum").body.startswith("Erika Mustermann")
    assert not Post.objects.filter(slug="novembergrau").exists()
    assert Post.objects.count() == 12


def test_deleting_every_demo_post_does_not_bring_the_demo_back():
    """Once loaded, the demo never comes back, even when the blog is empty again."""
    load_demo()
    Post.objects.all().delete()
    Page.objects.all().delete()
    output = load_demo()
    assert output.startswith("Demo content was loaded on ")
    assert Post.objects.count() == Page.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    ["post", "draft", "page", "category", "tag", "footer link", "media", "site title"],
)
def test_load_demo_leaves_a_blog_with_content_alone(content):
    """Anything the author made, even a draft or only the site title, keeps the demo out."""
    from tests.factories import (
        CategoryFactory,
        MediaFactory,
        PageFactory,
        PostFactory,
        TagFactory,
    )

    make = {
        "post": lambda: PostFactory(title="mein erster beitrag"),
        "draft": lambda: PostFactory(status=Post.Status.DRAFT),
        "page": lambda: PageFactory(),
        "category": lambda: CategoryFactory(),
        "tag": lambda: TagFactory(),
        "footer link": lambda: FooterLink.objects.create(name="x", url="https://example.org/"),
        "media": lambda: MediaFactory(),
        "site title": lambda: SiteSettings.objects.create(title="Mein Laufblog"),
    }
    make[content]()
    SiteSettings.load()  # the row every page view makes
    before = row_counts()
    output = load_demo()
    assert "no demo content loaded, nothing changed" in output
    assert row_counts() == before
    assert not Post.objects.filter(slug="hartes-training").exists()
    assert SiteSettings.load().demo_loaded_at is None


def test_load_demo_fills_an_empty_blog_and_records_it():
    """An empty blog (site settings untouched) gets the demo, and the date it got it."""
    SiteSettings.load()
    assert "Demo content ready: 13 posts, 3 pages." in load_demo()
    assert SiteSettings.load().demo_loaded_at is not None


def test_ensure_admin_never_changes_an_existing_password(monkeypatch):
    """The admin's own password survives a start with DJANGO_SUPERUSER_PASSWORD set."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Start-Passwort-123")
    call_command("ensure_admin", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("Start-Passwort-123")
    admin.set_password("Eigenes-Passwort-456")
    admin.save()
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    admin.refresh_from_db()
    assert admin.check_password("Eigenes-Passwort-456")
    assert "left as it is" in out.getvalue()


def test_demo_content_is_wired_up():
    """Author, nested category, tags, site settings and badges are as the demo says."""
    load_demo()
    post = Post.objects.get(slug="hartes-training")
    assert post.title == "hartes training"
    assert post.author.username == "oliver"
    assert not post.author.has_usable_password()
    assert post.is_published
    assert sorted(c.path for c in post.categories.all()) == ["arbeit", "arbeit/kunden"]
    assert sorted(t.slug for t in post.tags.all()) == ["kunden", "training"]
    site = SiteSettings.load()
    assert site.title == "oliver schreibt"
    assert (site.imprint_page.path, site.privacy_page.path) == ("impressum", "datenschutz")
    sizes = FooterLink.objects.values_list("badge_width", "badge_height")
    assert list(sizes) == [(88, 31), (88, 31)]


def test_hartes_training_is_served_with_the_exact_body(client):
    """The permalink shows the lowercase title and exactly the paragraphs of the source text."""
    load_demo()
    source = HARTES_TRAINING.read_text(encoding="utf-8")
    assert "\u00a0" in source and "–" in source
    expected = [block.strip() for block in source.split("\n\n") if block.strip()]
    assert len(expected) == 2

    response = client.get(PERMALINK)
    assertContains(response, '<h1 class="entry-title">hartes training</h1>', html=True)
    assertContains(response, "<title>hartes training – oliver schreibt</title>", html=True)
    paragraphs = [p.text for p in select(response, "p") if p.within("div", "entry-content")]
    assert paragraphs == expected
    assert "erklärt,\u00a0 bekommt" in paragraphs[0]
    assert paragraphs[1].endswith("zu bekommen …")


def test_hartes_training_is_linked_from_the_home_page(client):
    """The home page lists "hartes training" first, linked to its permalink."""
    load_demo()
    response = client.get("/")
    assertContains(
        response,
        f'<h2 class="entry-title"><a href="{PERMALINK}" rel="bookmark">hartes training</a></h2>',
        html=True,
    )
    assert select(response, "h2", "entry-title")[0].clean_text == "hartes training"


def test_demo_blog_has_a_second_page_and_legal_links(client):
    """Thirteen posts fill two pages; the footer links Impressum and Datenschutz."""
    load_demo()
    response = client.get("/page/2/")
    assert len(select(response, "h2", "entry-title")) == 3
    legal = [a for a in select(response, "a") if a.within("nav", "footer-navigation")]
    assert [a.attrs["href"] for a in legal] == ["/impressum/", "/datenschutz/"]
    badges = [img for img in select(response, "img") if img.within("ul", "footer-badges")]
    assert [(img.attrs["width"], img.attrs["height"]) for img in badges] == [
        ("88", "31"),
        ("88", "31"),
    ]
