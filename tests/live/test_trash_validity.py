"""The pages of the trash, the bulk actions and the dashboard are valid HTML by the Nu
HTML Checker (issue #12), as the author gets them in each state."""

import shutil

import pytest
from django.urls import reverse

from blog import trash
from blog.models import Page, Post
from tests.factories import CategoryFactory, CommentFactory, PageFactory, PostFactory
from tests.live.test_validity import _check


@pytest.fixture
def author_pages(admin_client, admin_user) -> dict[str, str]:
    """Name → HTML of the admin pages of this issue, with content in every state."""
    CategoryFactory(name="Laufen")
    kept = PostFactory(author=admin_user, title="bleibt")
    trashed = PostFactory(author=admin_user, title="im Papierkorb")
    PostFactory(author=admin_user, title="entwurf", status=Post.Status.DRAFT)
    CommentFactory(post=kept, status="pending", body="Bitte <freigeben> & so")
    CommentFactory(post=kept, status="approved")
    page = PageFactory(title="Impressum")
    trash.move_to_trash(Post.objects.filter(pk=trashed.pk))
    trash.move_to_trash(Page.objects.filter(pk=PageFactory(title="alt").pk))
    posts = reverse("admin:blog_post_changelist")
    pages = {
        "dashboard": admin_client.get(reverse("admin:index")),
        "dashboard, quick draft with errors": admin_client.post(
            reverse("admin:dashboard_quick_draft"), {"title": "", "body": "Text & <mehr>"}
        ),
        "post list": admin_client.get(posts),
        "post trash": admin_client.get(posts + "?status=trash"),
        "page trash": admin_client.get(reverse("admin:blog_page_changelist") + "?status=trash"),
        "move to trash?": admin_client.get(reverse("admin:blog_post_delete", args=[kept.pk])),
        "page to trash?": admin_client.get(reverse("admin:blog_page_delete", args=[page.pk])),
        "restore?": admin_client.get(reverse("admin:blog_post_restore", args=[trashed.pk])),
        "trashed post, read-only": admin_client.get(
            reverse("admin:blog_post_change", args=[trashed.pk])
        ),
        "delete for good?": admin_client.get(reverse("admin:blog_post_delete", args=[trashed.pk])),
        "set categories": admin_client.post(
            posts, {"action": "set_categories", "_selected_action": [kept.pk], "index": 0}
        ),
        "set categories with errors": admin_client.post(
            posts,
            {
                "action": "set_categories",
                "_selected_action": [kept.pk],
                "index": 0,
                "apply": "1",
                "mode": "add",
            },
        ),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
    return {name: response.content.decode() for name, response in pages.items()}


def test_trash_and_dashboard_pages_are_valid_html(author_pages, tmp_path):
    """Dashboard, lists with the trash, confirmations and the category page: 0 vnu errors."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    assert "Auf einen Blick" in author_pages["dashboard"]
    assert "Kategorien festlegen" in author_pages["set categories"]
    errors = {name: found for name, found in _check(author_pages, tmp_path).items() if found}
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in errors.items())
    assert not errors, f"The Nu HTML Checker found errors:\n{report}"
