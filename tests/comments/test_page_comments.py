"""Comments on pages (issue #13): the section, posting, threads, comment pages, feeds,
counts and closed pages, as on posts."""

import feedparser
import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from blog.models import Page
from comments.models import Comment, DiscussionSettings
from comments.services import set_status
from tests.comments.helpers import comment_ids, form_data, german, one, parse, textarea_value
from tests.factories import CategoryFactory, CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

TEXT = "Schöne Seite, danke! Größe 😉"


@pytest.fixture
def about():
    return Page.objects.create(title="Über mich", slug="ueber-mich", comments_open=True)


def page_comment(page, **fields) -> Comment:
    """An approved comment on `page` (the factory writes comments on posts)."""
    fields = {
        "author_name": "Thomas",
        "author_email": "thomas@example.net",
        "body": "Ein Kommentar.",
        "status": Comment.Status.APPROVED,
    } | fields
    comment = Comment.objects.create(page=page, **fields)
    page.comment_count = Comment.objects.visible().for_target(page).count()
    Page.objects.filter(pk=page.pk).update(comment_count=page.comment_count)
    return comment


def send(client, page, **fields):
    return client.post(
        reverse("comments:page_comment_create", kwargs={"page_id": page.pk}),
        form_data(**fields),
        REMOTE_ADDR="198.51.100.1",
    )


def test_new_page_takes_no_comments_by_default(client):
    """As WordPress (get_default_comment_status('page') is "closed"): no section at all
    on a page without comments."""
    page = Page.objects.create(title="Impressum", slug="impressum")
    assert page.comments_open is False
    response = client.get(page.get_absolute_url())
    assert 'id="comments"' not in response.text
    assert send(client, page).status_code == 403
    assert not Comment.objects.exists()


def test_page_shows_heading_thread_and_form(client, about):
    page = about
    first = page_comment(page)
    page_comment(page, author_name="Lisa", parent=first, body="Eine Antwort.")
    response = client.get(page.get_absolute_url())
    elements = parse(response)
    assert one(elements, "h2", "comments-title").text == "2 Kommentare zu „Über mich“"
    assert comment_ids(response) == [first.pk, first.pk + 1]
    form = one(elements, "form", "comment-form")
    assert form.attrs["action"] == f"/comments/page/{page.pk}/"
    assert 'href="/ueber-mich/feed/"' in response.text


def test_posting_on_a_page_redirects_to_the_comment(client, about):
    page = about
    response = send(client, page, body=TEXT)
    comment = Comment.objects.get()
    assert comment.page == page and comment.post is None
    assert comment.status == Comment.Status.PENDING  # first comment of this address
    assertRedirects(response, f"/ueber-mich/#comment-{comment.pk}", fetch_redirect_response=False)
    # Its author sees it while held (the cookie), with the awaiting note.
    shown = client.get(response["Location"])
    assert comment.pk in comment_ids(shown)
    assert german("Your comment is awaiting moderation.") in shown.text


def test_approved_comment_counts_and_a_reply_threads(client, about):
    page = about
    CommentFactory(
        post=PostFactory(),
        author_name="Anna",
        author_email="anna@example.net",
        status="approved",
    )  # approved before: Anna's next comment is approved at once
    settings = DiscussionSettings.load()
    settings.flood_seconds = 0
    settings.save()
    send(client, page, body="Erster.")
    first = Comment.objects.get(page=page)
    assert first.status == Comment.Status.APPROVED
    page.refresh_from_db()
    assert page.comment_count == 1 and page.comments_changed_at is not None
    response = send(client, page, body="Antwort.", parent=str(first.pk))
    reply = Comment.objects.get(parent=first)
    assert reply.page == page and reply.depth == 2
    assert response["Location"] == f"/ueber-mich/#comment-{reply.pk}"
    page.refresh_from_db()
    assert page.comment_count == 2
    set_status(reply, Comment.Status.TRASH)
    page.refresh_from_db()
    assert page.comment_count == 1


def test_reply_to_a_comment_of_another_page_or_post_is_refused(client, about):
    page = about
    other = CommentFactory(post=PostFactory(), status="approved")
    response = send(client, page, parent=str(other.pk), body=TEXT)
    assert response.status_code == 400
    assert textarea_value(response) == TEXT
    assert not Comment.objects.filter(page=page).exists()


def test_errors_keep_the_text_on_the_page(client, about):
    page = about
    response = send(client, page, body=TEXT, author_name="")
    assert response.status_code == 400
    assert textarea_value(response) == TEXT
    assert one(parse(response), "h1", "entry-title").text == "Über mich"
    assert '<link rel="canonical" href="http://testserver/ueber-mich/">' in response.text


def test_closed_page_refuses_and_keeps_its_comments(client, about):
    page = about
    page_comment(page, body="Von früher.")
    Page.objects.filter(pk=page.pk).update(comments_open=False)
    response = client.get(page.get_absolute_url())
    assert "Von früher." in response.text
    assert german("Sorry, comments are closed for this item.") in response.text
    assert 'id="commentform"' not in response.text
    refused = send(client, page, body=TEXT)
    assert refused.status_code == 403
    assert Comment.objects.count() == 1


def test_draft_page_refuses_comments(client, about):
    page = about
    Page.objects.filter(pk=page.pk).update(status=Page.Status.DRAFT)
    assert send(client, page).status_code == 400  # not reachable: as a missing post
    assert not Comment.objects.exists()


def test_pages_are_not_closed_by_age(client, about):
    """WordPress closes old posts only (close_comments_for_post_types is ['post'])."""
    page = about
    settings = DiscussionSettings.load()
    settings.close_after_days = 1
    settings.save()
    Page.objects.filter(pk=page.pk).update(created_at="2001-01-01T00:00:00Z")
    response = client.get(page.get_absolute_url())
    assert 'id="commentform"' in response.text


def test_comment_pages_of_a_page(client, about):
    page = about
    settings = DiscussionSettings.load()
    settings.page_comments = True
    settings.comments_per_page = 2
    settings.default_comments_page = "oldest"
    settings.save()
    comments = [page_comment(page, body=f"Nummer {n}.") for n in range(5)]
    first = client.get("/ueber-mich/")
    assert comment_ids(first) == [comments[0].pk, comments[1].pk]
    third = client.get("/ueber-mich/comment-page-3/")
    assert third.status_code == 200
    assert comment_ids(third) == [comments[4].pk]
    assert comments[4].get_absolute_url() == f"/ueber-mich/comment-page-3/#comment-{comments[4].pk}"
    # The finder of old links leads there too.
    finder = reverse(
        "comments:page_comment_finder", kwargs={"page_id": page.pk, "number": comments[4].pk}
    )
    assert client.get(finder)["Location"] == comments[4].get_absolute_url()
    assert client.get("/ueber-mich/comment-page-9/").status_code == 302
    # Only pages have comment pages at such an address.
    assert client.get("/nirgends/comment-page-2/").status_code == 404


def test_feeds_include_page_comments(client, about):
    page = about
    on_page = page_comment(page, body="Auf der Seite.")
    on_post = CommentFactory(post=PostFactory(), status="approved", body="Am Beitrag.")
    site = feedparser.parse(client.get(reverse("comments:feed")).content)
    links = [e.link for e in site.entries]
    assert f"http://testserver/ueber-mich/#comment-{on_page.pk}" in links
    assert any(link.endswith(f"#comment-{on_post.pk}") for link in links)
    titles = [e.title for e in site.entries]
    assert "Kommentar zu Über mich von Thomas" in titles
    own = client.get("/ueber-mich/feed/")
    assert own.status_code == 200
    feed = feedparser.parse(own.content)
    assert feed.feed.title == "Kommentare zu: Über mich"
    assert [e.link for e in feed.entries] == [f"http://testserver/ueber-mich/#comment-{on_page.pk}"]


def test_feeds_leave_out_drafts_and_held_comments(client, about):
    page = about
    page_comment(page, body="Wartet.", status=Comment.Status.PENDING)
    draft = Page.objects.create(title="Entwurf", slug="entwurf", status=Page.Status.DRAFT)
    page_comment(draft, body="Auf dem Entwurf.")
    site = client.get(reverse("comments:feed")).text
    assert "Wartet." not in site and "Auf dem Entwurf." not in site
    assert client.get("/entwurf/feed/").status_code == 404
    assert "Wartet." not in client.get("/ueber-mich/feed/").text


def test_a_child_page_called_feed_still_answers(client, about):
    page = about
    child = Page.objects.create(title="Feed", slug="feed", parent=page)
    assert client.get(child.get_absolute_url()).status_code == 200
    assert child.get_absolute_url() == "/ueber-mich/feed/"


def test_category_feed_is_not_taken_for_a_page(client):
    """The page path converter leaves the blog's other feeds alone."""
    category = CategoryFactory(name="Sport")
    response = client.get(f"/category/{category.path}/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")


def test_a_comment_is_on_a_post_or_a_page_never_both_nor_none(about):
    from django.db import IntegrityError, transaction

    post = PostFactory()
    for fields in ({}, {"post": post, "page": about}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Comment.objects.create(author_name="X", body="x", **fields)
    comment = Comment.objects.create(author_name="X", body="x", page=about)
    assert comment.target == about
    assert str(comment) == "X zu „Über mich“"


def test_page_answers_with_its_comments_last_change(client, about):
    """Conditional requests see a new comment on the page (Last-Modified, as posts)."""
    import datetime

    from django.utils.http import parse_http_date

    old = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    Page.objects.filter(pk=about.pk).update(updated_at=old)
    before = parse_http_date(client.get(about.get_absolute_url())["Last-Modified"])
    assert before == int(old.timestamp())
    set_status(page_comment(about, status=Comment.Status.PENDING), Comment.Status.APPROVED)
    about.refresh_from_db()
    after = parse_http_date(client.get(about.get_absolute_url())["Last-Modified"])
    assert after == int(about.comments_changed_at.timestamp())


def test_sidebar_lists_comments_on_published_pages(client, about):
    shown = page_comment(about, author_name="Seitenleserin")
    draft = Page.objects.create(title="Entwurf", slug="entwurf", status=Page.Status.DRAFT)
    hidden = page_comment(draft, author_name="Heimlich")
    elements = parse(client.get(reverse("blog:post_list")))
    sidebar = one(elements, "aside", "sidebar")
    links = [e.attrs.get("href") for e in elements if e.tag == "a" and sidebar in e.parents]
    assert shown.get_absolute_url() in links
    assert hidden.get_absolute_url() not in links
    assert "Über mich" in sidebar.text
