"""import_wordpress into the demo blog of `make run`: refused, replaced or kept (issue #10)."""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from blog.models import Category, FooterLink, Page, Post, SiteSettings, Tag
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

# The sample export (tests/wordpress/conftest.py) has a post "hartes-training" too.
SAMPLE_POSTS = {"hartes-training", "ortszeit", "geheim", "nur-fuer-mich"}


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def media_files(settings) -> list[str]:
    return sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_import_into_the_demo_blog_is_refused(demo, export_file):
    """Without a choice the import stops before writing anything, and says what to do."""
    with pytest.raises(CommandError, match="--replace-demo") as refused:
        run("import_wordpress", str(export_file))
    assert "13 posts, 3 pages" in str(refused.value)
    assert "Nothing was imported." in str(refused.value)
    assert Post.objects.count() == 13


def test_replace_demo_leaves_only_the_import(
    demo, export_file, settings, django_capture_on_commit_callbacks
):
    """An untouched demo goes entirely: posts, comments, pages, terms, badges, its author."""
    assert any(name.endswith(".png") for name in media_files(settings))
    with django_capture_on_commit_callbacks(execute=True):
        output = run("import_wordpress", str(export_file), "--replace-demo")
    assert output.startswith(
        "Removed the untouched demo content: 13 posts, 3 pages, 5 categories, 8 tags, "
        "2 footer links, the author “oliver”, the site title and tagline."
    )
    # The export's own "hartes-training" keeps its address: no "-2" from a clash.
    assert set(Post.objects.values_list("slug", flat=True)) >= SAMPLE_POSTS
    assert not Post.objects.filter(slug__in=["novembergrau", "hartes-training-2"]).exists()
    assert not Page.objects.filter(slug__in=["impressum", "datenschutz", "ueber-mich"]).exists()
    assert not Category.objects.filter(slug__in=["alltag", "sport", "technik"]).exists()
    assert not Tag.objects.filter(slug__in=["laufen", "wetter"]).exists()
    assert not FooterLink.objects.exists()
    assert not any(name.endswith(".png") for name in media_files(settings))
    assert not Comment.objects.filter(author_name__in=["Stefan", "Anna"]).exists()
    oliver = get_user_model().objects.get(username="oliver")
    assert oliver.email == "oliver@example.org"  # the export's oliver, not the demo's
    site = SiteSettings.load()
    # The demo's title went back to the default, so the export's is taken (#13).
    assert (site.title, site.tagline) == ("Olivers Blog", "Training und Arbeit")
    assert site.imprint_page is None


def test_replace_demo_keeps_what_the_author_changed_or_made(demo, export_file):
    """Edited posts and pages, posts with readers' comments and the author's own stay."""
    post = Post.objects.get(slug="hartes-training")
    post.body += "\n\nnachtrag: alles wieder gut."
    post.save()
    reader = CommentFactory(post=Post.objects.get(slug="zehn-kilometer"), body="toll!")
    imprint = Page.objects.get(slug="impressum")
    imprint.body = "Erika Mustermann, Musterstraße 1, 12345 Musterstadt"
    imprint.save()
    own = PostFactory(title="mein eigener beitrag", categories=[Category.objects.get(slug="sport")])
    site = SiteSettings.load()
    site.title = "Mein Laufblog"
    site.save()

    run("import_wordpress", str(export_file), "--replace-demo")

    left = set(Post.objects.values_list("slug", flat=True))
    assert {"hartes-training", "zehn-kilometer", own.slug} <= left
    assert not {"novembergrau", "intervalle", "fruehsommer"} & left
    assert "nachtrag" in Post.objects.get(slug="hartes-training").body
    assert Post.objects.filter(slug="hartes-training-2").exists()  # the export's, beside it
    assert Comment.objects.filter(pk=reader.pk).exists()
    assert Comment.objects.filter(post__slug="zehn-kilometer").count() == 7
    assert list(Page.objects.filter(parent=None, slug__in=["impressum", "datenschutz"])) == [
        imprint
    ]
    assert set(Category.objects.filter(slug__in=["arbeit", "kunden", "sport", "alltag"])
               .values_list("slug", flat=True)) == {"arbeit", "kunden", "sport"}  # fmt: skip
    assert get_user_model().objects.filter(username="oliver", email="oliver@example.invalid")
    site.refresh_from_db()
    assert (site.title, site.imprint_page) == ("Mein Laufblog", imprint)


def test_an_edited_demo_comment_keeps_its_post(demo, export_file):
    """A demo comment the author edited (or moderated) keeps the post and its thread."""
    comment = Comment.objects.get(author_name="Stefan")
    comment.body = "Gekürzt."
    comment.save()
    run("import_wordpress", str(export_file), "--replace-demo")
    assert Comment.objects.filter(pk=comment.pk, body="Gekürzt.").exists()
    assert Post.objects.filter(slug="hartes-training").exists()
    assert not Post.objects.filter(slug="zehn-kilometer").exists()


def test_replace_demo_dry_run_removes_nothing(
    demo, export_file, settings, django_capture_on_commit_callbacks
):
    """A dry run reports the removal and the import, and leaves the demo as it was."""
    files = media_files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        output = run("import_wordpress", str(export_file), "--replace-demo", "--dry-run")
    assert output.startswith("Would remove the untouched demo content: 13 posts, 3 pages")
    assert "  posts              8 new" in output.splitlines()
    assert Post.objects.count() == 13 and Page.objects.count() == 3
    assert FooterLink.objects.count() == 2 and media_files(settings) == files
    assert SiteSettings.load().title == "oliver schreibt"


def test_keep_demo_imports_beside_it(demo, export_file):
    """--keep-demo imports next to the demo; clashing addresses get a suffix and a warning."""
    output = run("import_wordpress", str(export_file), "--keep-demo")
    assert "the address “hartes-training” is taken here" in output
    assert Post.objects.filter(slug="novembergrau").exists()
    assert Post.objects.filter(slug="hartes-training-2").exists()


def test_import_into_an_empty_blog_needs_no_choice(db, export_file):
    """A blog without the demo imports as before."""
    output = run("import_wordpress", str(export_file))
    assert "demo" not in output
    assert Post.objects.filter(slug="hartes-training").exists()
