"""The author's desk's pages are valid HTML by the Nu HTML Checker (issue #12): the change
form with its autosave offer, the versions, compare and restore pages, the preview-link
page, the theme preview, the shared preview, and posts and pages with "Bearbeiten"."""

import re
import shutil

import pytest
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from blog.models import Post
from tests.factories import PageFactory, PostFactory, UserFactory
from tests.live.test_validity import _check

pytestmark = pytest.mark.slow


def test_desk_pages_are_valid_html(db, tmp_path):
    """Every page of the desk: 0 errors from vnu."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    chefin = UserFactory(username="chefin", is_staff=True, is_superuser=True)
    post = PostFactory(author=chefin, title="Ein „Entwurf“", status=Post.Status.DRAFT)
    page = PageFactory(title="Über mich", body="Hallo")
    client = Client()
    client.force_login(chefin)
    change = f"/admin/blog/post/{post.pk}/change/"
    now = timezone.localtime(post.published_at)
    form = {
        "title": "Zweite Fassung",
        "slug": post.slug,
        "body": "Neuer *Text* mit <b>Markup</b>.",
        "excerpt": "",
        "status": "draft",
        "published_at_0": now.strftime("%d.%m.%Y"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "visibility": "public",
        "tags": "laufen",
        "author": chefin.pk,
        "comments_open": "on",
        "_save": "Sichern",
    }
    assert client.post(change, form).status_code == 302
    client.post(f"/admin/blog/post/{post.pk}/autosave/", {"title": "Gesichert", "body": "B"})
    client.post(f"/admin/blog/post/{post.pk}/preview-link/", {"action": "create"})
    version = Version.objects.get_for_object(post).last()
    pages = {
        "change form with autosave offer": client.get(change),
        "change form restored": client.get(change + "?autosave=restore"),
        "versions": client.get(f"/admin/blog/post/{post.pk}/revisions/"),
        "compare": client.get(f"/admin/blog/post/{post.pk}/revisions/compare/"),
        "restore": client.get(f"/admin/blog/post/{post.pk}/revisions/{version.pk}/"),
        "preview link": client.get(f"/admin/blog/post/{post.pk}/preview-link/"),
        "page form": client.get(f"/admin/blog/page/{page.pk}/change/"),
        "theme preview": client.post(f"/admin/blog/post/{post.pk}/theme-preview/", form),
        "page preview": client.post(
            f"/admin/blog/page/{page.pk}/theme-preview/",
            {"title": "Über uns", "slug": "ueber-mich", "body": "Neu", "status": "published"},
        ),
        "page with Bearbeiten": client.get(page.get_absolute_url()),
    }
    link = re.search(
        r'value="http://testserver(/preview/[^"]+)"', pages["preview link"].content.decode()
    )
    pages["shared preview"] = Client().get(link.group(1))
    Post.objects.filter(pk=post.pk).update(status="published")
    pages["post with Bearbeiten"] = client.get(post.get_absolute_url())
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 200)
    assert "post-edit-link" in pages["post with Bearbeiten"].content.decode()
    assert "autosave-offer" in pages["change form with autosave offer"].content.decode()
    errors = {
        name: found
        for name, found in _check(
            {name: r.content.decode() for name, r in pages.items()}, tmp_path
        ).items()
        if found
    }
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in errors.items())
    assert not errors, f"The Nu HTML Checker found errors:\n{report}"
