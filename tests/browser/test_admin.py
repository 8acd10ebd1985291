"""The author moderates in the admin: a new visitor's held comment is counted, approved with
the bulk action and answered from its page; the post then shows both (issue #4)."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import SUPERUSER_PASSWORD
from tests.factories import PostFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def blog(transactional_db, live_server, superuser):
    """A post by the superuser on a live server; returns (base URL, post)."""
    post = PostFactory(author=superuser, title="hartes training", body="ein *kurzer* text.")
    return live_server.url, post


def _visitor_comments(browser, url: str) -> Comment:
    """A first-time visitor sends a comment through the public form; it is held."""
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(url)
    page.locator("#id_body").fill("Toller Beitrag, ich laufe auch jeden Morgen!")
    page.locator("#id_author_name").fill("Neue Leserin")
    page.locator("#id_author_email").fill("neu@example.net")
    page.locator("#id_captcha").fill("PASSED")
    page.locator("#submit").click()
    expect(page.locator(".comment-awaiting-moderation")).to_have_count(1)
    context.close()
    comment = Comment.objects.get(author_name="Neue Leserin")
    assert comment.status == Comment.Status.PENDING
    return comment


def test_author_approves_and_replies_from_the_admin(page, browser, blog):
    """Login → "Kommentare (1)" → approve with the bulk action → reply → both on the post."""
    base_url, post = blog
    post_url = base_url + post.get_absolute_url()
    held = _visitor_comments(browser, post_url)

    # The author logs in and sees one comment waiting.
    page.goto(base_url + "/admin/")
    page.locator("#id_username").fill("chefin")
    page.locator("#id_password").fill(SUPERUSER_PASSWORD)
    page.locator("input[type=submit]").click()
    pending_link = page.locator("#content-main a", has_text="Kommentare (1)")
    expect(pending_link).to_be_visible()
    pending_link.click()

    # Approve it with the bulk action.
    row = page.locator("#result_list tbody tr", has_text="Neue Leserin")
    expect(row.locator(".comment-status")).to_have_text("Ausstehend")
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()
    expect(page.locator("ul.messagelist li.success")).to_have_count(1)
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED

    # Reply from the comment's page.
    page.goto(base_url + f"/admin/comments/comment/{held.pk}/change/")
    page.locator("#id_reply_body").fill("Danke! Dann sehen wir uns an der Strecke.")
    page.locator(".reply-box input[type=submit]").click()
    expect(page.locator("ul.messagelist li.success")).to_have_count(1)
    reply = Comment.objects.get(parent=held)
    assert reply.is_author_reply and reply.status == Comment.Status.APPROVED

    # The public post shows the comment and, nested under it, the author's reply.
    page.goto(post_url)
    comment_item = page.locator(f"li#comment-{held.pk}")
    expect(comment_item).to_contain_text("Toller Beitrag, ich laufe auch jeden Morgen!")
    expect(comment_item.locator(".comment-awaiting-moderation")).to_have_count(0)
    nested = page.locator(f"li#comment-{held.pk} > ol.children > li#comment-{reply.pk}")
    expect(nested).to_have_count(1)
    expect(nested).to_have_class(re.compile(r"\bbypostauthor\b"))
    expect(nested).to_contain_text("Danke! Dann sehen wir uns an der Strecke.")
    expect(page.locator(".comments-title")).to_contain_text("2")
