"""Comment pages in Chromium (issue #14): a reader goes to an older comment page, answers
a comment there and lands back on that page, with and without JavaScript."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Post
from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def paged_post(transactional_db):
    """Five top-level comments, two to a page: pages 1 and 2, and page 3 at the post."""
    DiscussionSettings.objects.update_or_create(
        pk=1,
        defaults={
            "page_comments": True,
            "comments_per_page": 2,
            "flood_seconds": 0,
            "require_previous_approval": False,
        },
    )
    post = PostFactory(title="Hartes Training", author=UserFactory(username="oliver"))
    start = timezone.now() - datetime.timedelta(days=1)
    for n in range(1, 6):
        CommentFactory(
            post=post,
            author_name=f"Leser {n}",
            body=f"Kommentar {n}",
            created_at=start + datetime.timedelta(hours=n),
        )
    return post


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_reply_on_an_older_comment_page(browser, live_server, paged_post, javascript):
    context = browser.new_context(
        java_script_enabled=javascript, locale="de-DE", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        post_url = live_server.url + paged_post.get_absolute_url()
        page.goto(post_url)
        expect(page.locator("li.comment")).to_have_count(1)
        navigation = page.get_by_role("navigation", name="Kommentar-Navigation", exact=True)
        navigation.get_by_role("link", name="« Ältere Kommentare").click()
        page.wait_for_url(post_url + "comment-page-2/#comments")
        expect(page.locator("li.comment .comment-content")).to_have_text(
            ["Kommentar 3", "Kommentar 4"]
        )
        expect(page.locator("link[rel=canonical]")).to_have_attribute(
            "href", post_url + "comment-page-2/"
        )

        third = page.locator("li.comment", has_text="Kommentar 3")
        third.get_by_role("link", name="Auf Leser 3 antworten").click()
        if javascript:
            expect(third.locator("#respond")).to_have_count(1)  # the form moved under it
        else:
            page.wait_for_url("**/comment-page-2/?replytocom=*#respond")
        expect(page.locator("#reply-title")).to_contain_text("Schreibe einen Kommentar zu Leser 3")
        page.locator("#id_body").fill("Antwort auf Seite zwei")
        page.locator("#id_author_name").fill("Jürgen")
        page.locator("#id_author_email").fill("juergen@example.net")
        page.locator("#id_captcha").fill("PASSED")
        page.locator("#submit").click()

        reply = Comment.objects.get(author_name="Jürgen")
        assert reply.status == Comment.Status.APPROVED
        page.wait_for_url(f"{post_url}comment-page-2/#comment-{reply.pk}")
        expect(page.locator(f"li#comment-{reply.parent_id} li#comment-{reply.pk}")).to_contain_text(
            "Antwort auf Seite zwei"
        )
        expect(page.locator("li.comment.depth-1 > article .comment-content")).to_have_text(
            ["Kommentar 3", "Kommentar 4"]
        )
        assert Post.objects.get(pk=paged_post.pk).comment_count == 6
    finally:
        context.close()


def test_old_link_to_a_comment_on_another_page_finds_it(browser, live_server, paged_post):
    """A link to …/comment-page-1/#comment-N whose comment is on page 2 now: with
    JavaScript the reader lands on page 2 at the comment; without, page 1 stays."""
    third = Comment.objects.get(body="Kommentar 3")
    old_link = f"{live_server.url}{paged_post.get_absolute_url()}comment-page-1/#comment-{third.pk}"
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript, locale="de-DE")
        page = context.new_page()
        try:
            page.goto(old_link)
            if javascript:
                page.wait_for_url(f"**/comment-page-2/#comment-{third.pk}")
                expect(page.locator(f"li#comment-{third.pk}")).to_be_in_viewport()
            else:
                assert page.url == old_link
                expect(page.locator("li.comment .comment-content")).to_have_text(
                    ["Kommentar 1", "Kommentar 2"]
                )
        finally:
            context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_comment_pages_have_no_serious_accessibility_violations(
    browser, live_server, paged_post, scheme
):
    """axe-core on a middle comment page (both navigations, every link) and its reply form."""
    from tests.browser.test_accessibility import _report, _violations

    context = browser.new_context(bypass_csp=True, locale="de-DE", color_scheme=scheme)
    page = context.new_page()
    third = Comment.objects.get(body="Kommentar 3")
    page_2 = f"{live_server.url}{paged_post.get_absolute_url()}comment-page-2/"
    found = {}
    try:
        for path in (page_2, f"{page_2}?replytocom={third.pk}"):
            page.goto(path)
            expect(page.locator("nav.comments-pagination")).to_have_count(2)
            found[path] = _violations(page)
    finally:
        context.close()
    found = {name: lines for name, lines in found.items() if lines}
    assert not found, "axe-core found serious or critical violations:\n" + _report(found)
