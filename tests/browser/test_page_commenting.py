"""Comments on a page (issue #13), as a reader without JavaScript writes them: a
comment, then a reply through the "Antworten" link, both held and shown to her."""

import pytest
from playwright.sync_api import expect

from blog.models import Page
from comments.models import Comment, DiscussionSettings

pytestmark = pytest.mark.browser


@pytest.fixture
def about(transactional_db, live_server):
    settings = DiscussionSettings.load()
    settings.flood_seconds = 0  # two comments within seconds from one reader
    settings.save()
    page = Page.objects.create(title="Über mich", slug="ueber-mich", comments_open=True)
    Comment.objects.create(
        page=page,
        author_name="Thomas",
        author_email="thomas@example.net",
        body="Schön, dich kennenzulernen.",
        status=Comment.Status.APPROVED,
    )
    Page.objects.filter(pk=page.pk).update(comment_count=1)
    return live_server.url + page.get_absolute_url()


def _send(page, text: str) -> None:
    page.locator("#id_body").fill(text)
    page.locator("#id_author_name").fill("Leserin")
    page.locator("#id_author_email").fill("leserin@example.org")
    page.locator("#id_captcha").fill("PASSED")
    page.locator("#submit").click()
    page.wait_for_load_state("load")


def test_comment_and_reply_on_a_page_without_javascript(browser, about):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(about)
    expect(page.locator(".comments-title")).to_have_text("Ein Kommentar zu „Über mich“")

    _send(page, "Eine Frage zur Seite 😉")
    comment = Comment.objects.get(author_name="Leserin")
    assert comment.page.slug == "ueber-mich" and comment.status == Comment.Status.PENDING
    assert page.url.endswith(f"/ueber-mich/#comment-{comment.pk}")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Eine Frage zur Seite 😉")
    expect(page.locator(f"#comment-{comment.pk} .comment-awaiting-moderation")).to_have_text(
        "Dein Kommentar wartet auf Freischaltung."
    )

    thomas = page.locator("li.comment", has_text="Schön, dich kennenzulernen.").first
    thomas.get_by_role("link", name="Auf Thomas antworten").click()
    page.wait_for_load_state("load")
    assert "replytocom=" in page.url
    expect(page.locator("#reply-title")).to_contain_text("Schreibe einen Kommentar zu Thomas")
    _send(page, "Und eine Antwort.")

    reply = Comment.objects.get(body="Und eine Antwort.")
    assert reply.page_id == comment.page_id and reply.parent.author_name == "Thomas"
    nested = page.locator(f"li#comment-{reply.parent_id} ol.children li#comment-{reply.pk}")
    expect(nested).to_have_count(1)
    expect(nested).to_contain_text("Und eine Antwort.")
    context.close()
