"""Pingbacks and trackbacks (issue #13, comments/pings.py): apart from the thread, in a
compact list of their own, not counted as comments, moderated like comments, in the
comment feeds as WordPress's, exported with their type."""

import datetime
import shutil

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from blog.models import Post
from comments.models import Comment
from comments.services import set_status
from tests.comments.helpers import comment_items, german, one, select, send_comment
from tests.factories import CommentFactory, PageFactory
from tests.live.test_validity import _check

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


def ping(post, kind="pingback", **fields):
    """A ping as the WordPress import keeps it: the source's title and address."""
    fields = {
        "author_name": "Laufblog – Ein Artikel über Intervalle",
        "author_url": "https://laufblog.example/intervalle/",
        "author_email": "",
        "body": "[…] wie Oliver schreibt […]",
        "comment_type": kind,
        **fields,
    }
    return CommentFactory(post=post, **fields)


@pytest.fixture
def discussed(post):
    """A post with two comments (one a reply), an approved pingback and trackback, a
    pending pingback and a spam trackback."""
    first = CommentFactory(post=post, body="Erster Kommentar.")
    CommentFactory(post=post, parent=first, body="Eine Antwort.")
    pings = {
        "pingback": ping(post),
        "trackback": ping(
            post,
            "trackback",
            author_name="Büro-Notizen",
            author_url="https://notizen.example/",
        ),
        "pending": ping(post, author_name="Wartet noch", status="pending"),
        "spam": ping(post, "trackback", author_name="Billige Uhren", status="spam"),
    }
    return post, first, pings


def _page(client, post) -> str:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_pings_are_listed_apart_from_the_thread(client, discussed):
    """The thread holds the two comments; the approved pings follow it in their own list,
    each the source's title linked (nofollow ugc) with its date and no reply link."""
    post, first, pings = discussed
    html = _page(client, post)
    thread = [e.attrs["id"] for e in comment_items(html) if e.within("ol", "comment-list")]
    listed = [e.attrs["id"] for e in select(html, "li") if e.within("section", "pings-area")]
    assert f"comment-{pings['pingback'].pk}" not in thread
    assert listed == [f"comment-{pings['pingback'].pk}", f"comment-{pings['trackback'].pk}"]
    assert thread[0] == f"comment-{first.pk}" and len(thread) == 2
    link = one(html, "a", "url", href="https://laufblog.example/intervalle/")
    assert link.within("section", "pings-area")
    assert set(link.attrs["rel"].split()) >= {"nofollow", "ugc"}
    assert link.clean_text == "Laufblog – Ein Artikel über Intervalle"
    item = one(html, "li", "trackback")
    assert item.within("section", "pings-area")
    assert not [
        e for e in select(html, "a", "comment-reply-link") if e.within("section", "pings-area")
    ]
    assert "Wartet noch" not in html and "Billige Uhren" not in html
    assert "[…] wie Oliver schreibt […]" not in html  # compact: no text
    pings_section = html.index('id="pings"')
    assert html.index('class="comment-list"') < pings_section < html.index('id="respond"')
    # Without approved pings, no list.
    for held in Comment.objects.pings().visible():
        set_status(held, Comment.Status.PENDING)
    assert 'id="pings"' not in _page(client, post)


def test_the_heading_and_count_are_comments_only(client, discussed):
    """ "2 Kommentare": the pings are not counted, the list has its German heading."""
    post, _first, _pings = discussed
    assert Post.objects.get(pk=post.pk).comment_count == 2
    with translation.override("de"):
        html = _page(Client(headers={"accept-language": "de"}), post)
    assert one(html, "h2", "comments-title").clean_text.startswith("2 ")
    assert one(html, "h3", "pings-title").clean_text == german("Trackbacks and Pingbacks")
    assert german("Trackbacks and Pingbacks") == "Trackbacks und Pingbacks"


def test_a_ping_cannot_be_replied_to(client, discussed):
    """The form refuses a reply to a ping (as to a comment not in the thread)."""
    post, _first, pings = discussed
    response = send_comment(client, post, parent=str(pings["pingback"].pk))
    assert response.status_code != 302
    assert not Comment.objects.filter(parent=pings["pingback"]).exists()


def test_moderated_like_comments(admin_client, client, discussed):
    """Approving the held ping in the admin lists it; marking one as spam removes it;
    neither changes the comment count."""
    post, _first, pings = discussed
    admin_client.post(
        reverse(CHANGELIST),
        {"action": "approve", "_selected_action": [pings["pending"].pk]},
    )
    admin_client.post(
        reverse(CHANGELIST),
        {"action": "mark_spam", "_selected_action": [pings["trackback"].pk]},
    )
    html = _page(client, post)
    listed = [e.attrs["id"] for e in select(html, "li") if e.within("section", "pings-area")]
    assert listed == [f"comment-{pings['pingback'].pk}", f"comment-{pings['pending'].pk}"]
    assert Post.objects.get(pk=post.pk).comment_count == 2


def test_admin_list_filters_by_type_and_shows_it(admin_client, discussed):
    """?comment_type=pingback lists pingbacks only; a ping's row says what it is."""
    _post, first, pings = discussed
    url = reverse(CHANGELIST)
    response = admin_client.get(url, {"comment_type": "pingback"})
    shown = set(response.context["cl"].result_list.values_list("pk", flat=True))
    assert shown == {pings["pingback"].pk, pings["pending"].pk}
    html = admin_client.get(url).content.decode()
    labels = [e.clean_text for e in select(html, "span", "comment-type")]
    assert sorted(labels) == ["Pingback", "Pingback", "Trackback", "Trackback"]
    filters = admin_client.get(url).context["cl"].filter_specs
    assert any(getattr(spec, "field_path", "") == "comment_type" for spec in filters)
    assert first.comment_type == "comment"


def test_comment_feeds_include_pings(client, discussed):
    """As WordPress's comment feeds (their query has no type): approved pings included,
    and the post's item counts its comments only (slash:comments)."""
    post, _first, pings = discussed
    assert "<slash:comments>2</slash:comments>" in client.get(reverse("blog:feed")).content.decode()
    for url in (reverse("comments:feed"), post.get_absolute_url() + "feed/"):
        body = client.get(url).content.decode()
        assert f"#comment-{pings['pingback'].pk}" in body, url
        assert "Wartet noch" not in body and "Billige Uhren" not in body


def test_a_ping_links_to_its_place_in_the_list(settings, discussed):
    """A ping's address is the post + its anchor, also with comment pages on."""
    post, _first, pings = discussed
    from comments.models import DiscussionSettings

    discussion = DiscussionSettings.load()
    discussion.page_comments = True
    discussion.comments_per_page = 1
    discussion.save()
    assert pings["pingback"].get_absolute_url() == (
        post.get_absolute_url() + f"#comment-{pings['pingback'].pk}"
    )


def test_exported_with_its_type(discussed):
    """The WordPress export writes each ping's wp:comment_type."""
    import io

    from wordpress.exporter import export_wxr

    out = io.StringIO()
    export_wxr(out, base_url="https://example.org")
    text = out.getvalue()
    for kind in ("pingback", "trackback", "comment"):
        assert f"<wp:comment_type><![CDATA[{kind}]]></wp:comment_type>" in text


@pytest.mark.slow
def test_post_page_with_pings_is_valid_html(discussed, tmp_path):
    """The post page with its pings list: 0 errors from vnu."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    post, _first, _pings = discussed
    Comment.objects.filter(comment_type="pingback").update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    html = Client().get(post.get_absolute_url()).content.decode()
    assert 'id="pings"' in html
    errors = _check({"post with pings": html}, tmp_path)
    assert errors == {"post with pings": []}


def test_a_closed_page_without_comments_lists_its_pings(client):
    """As WordPress (a page shows its comments while get_comments_number(), pings
    included, is not 0): no comment section, but the approved pings."""
    page = PageFactory(title="Über uns", comments_open=False)
    made = {}
    for name, status in (("Vereinsseite", "approved"), ("Wartet noch", "pending")):
        made[name] = Comment.objects.create(
            page=page,
            comment_type="pingback",
            author_name=name,
            author_url="https://verein.example/",
            body="[…]",
            status=status,
        )
    source = made["Vereinsseite"]
    html = client.get(page.get_absolute_url()).content.decode()
    listed = [e.attrs["id"] for e in select(html, "li") if e.within("section", "pings-area")]
    assert listed == [f"comment-{source.pk}"]
    assert 'id="comments"' not in html and "Wartet noch" not in html
