"""Receiving Webmentions: the endpoint's checks, the job that verifies the source later,
and what a reply, a mention, a like, a repost or a bookmark becomes (issue #15)."""

import pytest
from django.test import override_settings
from django_tasks import task_backends

from blog.models import Post
from comments.models import Comment, Reaction
from tests.factories import PageFactory, PostFactory
from webmentions import fetch, receive
from webmentions.models import Webmention
from webmentions.tasks import verify_webmention

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def entry(target, *, kind="in-reply-to", text="Schöner Beitrag!", name="Anna Beispiel"):
    """A source page: an h-entry by an h-card that responds to `target`."""
    return f"""<!doctype html><html><head><title>Antwort</title></head><body>
<article class="h-entry">
  <span class="p-author h-card"><a class="u-url p-name" href="https://anna.example/">{name}</a>
    <img class="u-photo" src="https://anna.example/me.jpg" alt=""></span>
  <a class="u-{kind}" href="{target}">Der Beitrag</a>
  <div class="e-content">{text}</div>
  <time class="dt-published" datetime="2026-01-02T10:00:00+01:00">2. Januar</time>
</article></body></html>"""


def target_of(post):
    return "http://testserver" + post.get_absolute_url()


def send(client, source, target):
    return client.post("/webmention/", {"source": source, "target": target})


@pytest.mark.django_db
def test_pages_advertise_the_endpoint_also_from_the_page_cache(client, post, settings):
    settings.BLOG_PAGE_CACHE = True
    for expected_cache in ("miss", "hit"):
        response = client.get(post.get_absolute_url())
        assert response["X-Page-Cache"] == expected_cache
        assert response["Link"] == '<http://testserver/webmention/>; rel="webmention"'
        assert b'<link rel="webmention" href="/webmention/">' in response.content
    page = PageFactory(title="Impressum")
    assert 'rel="webmention"' in client.get(page.get_absolute_url())["Link"]


@pytest.mark.django_db
def test_invalid_requests_get_400_with_the_reason(client, post):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    target = target_of(post)
    draft = PostFactory(status=Post.Status.DRAFT)
    private = PostFactory(visibility=Post.Visibility.PRIVATE)
    cases = [
        ({"target": target}, "Both source and target are required."),
        ({"source": "ftp://a.example/x", "target": target}, "must be http or https"),
        ({"source": "javascript:alert(1)", "target": target}, "must be http or https"),
        ({"source": target, "target": target + "#x"}, "must not be the target itself"),
        (
            {"source": "https://a.example/", "target": "https://elsewhere.example/"},
            "not on this site",
        ),
        (
            {"source": "https://a.example/", "target": "http://testserver/nothing/here/"},
            "not a public post",
        ),
        ({"source": "https://a.example/", "target": target_of(draft)}, "not a public post"),
        ({"source": "https://a.example/", "target": target_of(private)}, "not a public post"),
    ]
    for data, message in cases:
        response = client.post("/webmention/", data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not Webmention.objects.exists()


@pytest.mark.django_db
def test_too_many_requests_from_one_address(client, post, settings):
    settings.WEBMENTIONS_PER_HOUR = 2
    statuses = [send(client, "ftp://x", "y").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


@pytest.mark.django_db
@override_settings(TASKS=DUMMY)
def test_the_request_does_not_fetch_the_source_the_job_does(client, post, remote):
    source = remote.url("/reply")
    remote.page("/reply", entry(target_of(post)))
    response = send(client, source, target_of(post))
    assert response.status_code == 202
    mention = Webmention.objects.get()
    assert response["Location"] == "http://testserver" + mention.get_absolute_url()
    assert mention.status == "queued"
    assert remote.requests == []  # nothing fetched while the sender waited
    queued = list(task_backends["default"].results)
    assert [r.task.func.__name__ for r in queued] == ["verify_webmention"]
    verify_webmention.call(*queued[0].args)
    assert [r[:2] for r in remote.requests] == [("GET", "/reply")]
    assert Comment.objects.get().origin == "webmention"
    assert client.get(mention.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_reply_becomes_a_held_comment(client, post, remote):
    source = remote.url("/reply")
    hostile = 'Toll!<script>alert(1)</script><a href="javascript:alert(2)">klick</a>'
    remote.page("/reply", entry(target_of(post), text=hostile))
    assert send(client, source, target_of(post)).status_code == 202
    comment = Comment.objects.get()
    assert comment.post == post
    assert comment.status == Comment.Status.PENDING
    assert comment.origin == Comment.Origin.WEBMENTION
    assert comment.comment_type == Comment.Type.COMMENT
    assert comment.remote_id == source
    assert (comment.author_name, comment.author_url, comment.author_email) == (
        "Anna Beispiel",
        "https://anna.example/",
        "",
    )
    assert comment.created_at.isoformat() == "2026-01-02T09:00:00+00:00"
    assert "<script" not in comment.body_html and "javascript:" not in comment.body_html
    assert "Toll!" in comment.body_html
    mention = Webmention.objects.get()
    assert (mention.status, mention.kind, mention.comment) == ("accepted", "reply", comment)
    assert mention.author_photo == "https://anna.example/me.jpg"


@pytest.mark.django_db
def test_a_reply_to_one_of_our_comments_is_threaded_under_it(client, post, remote):
    ours = Comment.objects.create(
        post=post, author_name="Leser", body="Erster!", status=Comment.Status.APPROVED
    )
    remote.page("/reply", entry(target_of(post) + f"#comment-{ours.pk}"))
    # The source must link to the target itself too: the entry's in-reply-to does not.
    remote.pages["/reply"] = (
        200,
        [("Content-Type", "text/html")],
        remote.pages["/reply"][2].replace("</body>", f'<a href="{target_of(post)}">x</a></body>'),
    )
    assert send(client, remote.url("/reply"), target_of(post)).status_code == 202
    reply = Comment.objects.get(origin="webmention")
    assert reply.parent == ours
    assert reply.depth == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,property_", [("like", "like-of"), ("repost", "repost-of"), ("bookmark", "bookmark-of")]
)
def test_likes_reposts_and_bookmarks_are_counted_not_comments(
    client, post, remote, kind, property_
):
    source = remote.url("/r")
    remote.page("/r", entry(target_of(post), kind=property_))
    assert send(client, source, target_of(post)).status_code == 202
    reaction = Reaction.objects.get()
    assert (reaction.post, reaction.kind, reaction.origin, reaction.actor) == (
        post,
        kind,
        "webmention",
        source,
    )
    assert reaction.author_name == "Anna Beispiel"
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_mention_is_a_held_comment_with_an_excerpt(client, post, remote, settings):
    settings.WEBMENTIONS_MENTION_CHARS = 40
    long_text = f'Heute las ich <a href="{target_of(post)}">diesen Beitrag</a>. ' + "Lang. " * 100
    remote.page(
        "/m",
        f'<div class="h-entry"><p class="p-name">Notiz</p>'
        f'<div class="e-content">{long_text}</div></div>',
    )
    assert send(client, remote.url("/m"), target_of(post)).status_code == 202
    comment = Comment.objects.get()
    assert Webmention.objects.get().kind == "mention"
    assert len(comment.body) <= 40 and comment.body.startswith("Heute las ich diesen Beitrag.")
    assert comment.author_name == "127.0.0.1"  # no author given: the source's host


@pytest.mark.django_db
def test_a_changed_source_updates_a_deleted_one_removes(client, post, remote):
    source = remote.url("/reply")
    remote.page("/reply", entry(target_of(post), text="Erste Fassung"))
    send(client, source, target_of(post))
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)

    remote.page("/reply", entry(target_of(post), text="Zweite Fassung", name="Anna B."))
    send(client, source, target_of(post))
    comment.refresh_from_db()
    assert "Zweite Fassung" in comment.body and comment.author_name == "Anna B."
    assert comment.status == Comment.Status.APPROVED
    assert Comment.objects.count() == 1

    remote.page("/reply", "gone", status=410, content_type="text/plain")
    send(client, source, target_of(post))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH
    assert Webmention.objects.get().status == "deleted"


@pytest.mark.django_db
def test_a_source_that_no_longer_links_removes_the_reaction(client, post, remote):
    source = remote.url("/like")
    remote.page("/like", entry(target_of(post), kind="like-of"))
    send(client, source, target_of(post))
    assert Reaction.objects.count() == 1
    remote.page("/like", entry("https://other.example/", kind="like-of"))
    send(client, source, target_of(post))
    assert not Reaction.objects.exists()
    assert Webmention.objects.get().status == "rejected"
    remote.page("/like", "", status=404)
    send(client, source, target_of(post))
    assert Webmention.objects.get().status == "deleted"


@pytest.mark.django_db
def test_a_source_without_the_link_is_rejected(client, post, remote):
    remote.page("/spam", "<p>Kaufen Sie <a href='https://spam.example/'>hier</a></p>")
    assert send(client, remote.url("/spam"), target_of(post)).status_code == 202
    mention = Webmention.objects.get()
    assert mention.status == "rejected"
    assert not Comment.objects.exists() and not Reaction.objects.exists()


@pytest.mark.django_db
def test_sources_on_private_addresses_are_never_fetched(client, post, remote, settings):
    remote.page("/reply", entry(target_of(post)))
    settings.WEBMENTIONS_ALLOW_LOOPBACK = False
    mention = Webmention.objects.create(
        source=remote.url("/reply"), target=target_of(post), post=post
    )
    with pytest.raises(fetch.FetchError, match="not a public address"):
        receive.verify(mention.pk)
    assert remote.requests == []
    for url in (
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/",
        "http://[::1]/",
        "file:///etc/passwd",
    ):
        with pytest.raises(fetch.FetchError):
            fetch.request("GET", url)


@pytest.mark.django_db
def test_limits_on_size_and_redirects(remote, settings):
    settings.WEBMENTIONS_MAX_BYTES = 100
    remote.page("/big", "x" * 101)
    with pytest.raises(fetch.FetchError, match="more than 100 bytes"):
        fetch.request("GET", remote.url("/big"))
    remote.page("/loop", "", status=302, headers=[("Location", "/loop")])
    with pytest.raises(fetch.FetchError, match="too many redirects"):
        fetch.request("GET", remote.url("/loop"))


@pytest.mark.django_db
def test_an_approved_webmention_shows_in_the_thread_via_its_site(client, post, remote):
    source = remote.url("/reply?x=1&y=<2>")
    remote.pages["/reply?x=1&y=%3C2%3E"] = (
        200,
        [("Content-Type", "text/html")],
        entry(target_of(post)),
    )
    assert send(client, source, target_of(post)).status_code == 202
    comment = Comment.objects.get()
    from comments.services import set_status

    set_status(comment, Comment.Status.APPROVED)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Schöner Beitrag!" in page
    escaped = remote.url("/reply?x=1&amp;y=&lt;2&gt;")
    assert (
        f'<small class="comment-via">via <a href="{escaped}"'
        ' rel="external nofollow ugc">127.0.0.1</a></small>'
    ) in page


@pytest.mark.django_db
def test_the_post_counts_reactions_across_origins(client, post, settings):
    settings.BLOG_PAGE_CACHE = True
    client.get(post.get_absolute_url())  # cached before the reactions come
    for n, (kind, origin) in enumerate(
        [("like", "webmention"), ("like", "fediverse"), ("repost", "fediverse")]
    ):
        Reaction.objects.create(post=post, kind=kind, origin=origin, actor=f"https://a.example/{n}")
    page = client.get(post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        '<p class="post-reactions"><span class="post-reaction">2 Likes</span> · '
        '<span class="post-reaction">1 Repost</span></p>'
    ) in page


@pytest.mark.django_db
def test_german_messages(client, post):
    response = client.post(
        "/webmention/", {"source": "https://a.example/"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert "Quelle und Ziel werden beide benötigt." in response.content.decode()


@pytest.mark.django_db
def test_the_admin_lists_received_webmentions(admin_client, post):
    Webmention.objects.create(source="https://a.example/x", target=target_of(post), post=post)
    response = admin_client.get("/admin/webmentions/webmention/")
    assert response.status_code == 200
    assert "https://a.example/x" in response.content.decode()


@pytest.mark.django_db
def test_one_source_answering_two_posts_makes_two_comments(client, post, remote):
    other = PostFactory(title="Zweiter Beitrag")
    both = entry(target_of(post)).replace(
        "</body>", f'<a href="{target_of(other)}">noch einer</a></body>'
    )
    remote.page("/both", both)
    send(client, remote.url("/both"), target_of(post))
    send(client, remote.url("/both"), target_of(other))
    assert {c.post for c in Comment.objects.all()} == {post, other}
    # The first stops linking to it: only its comment goes.
    remote.page("/both", both.replace(target_of(post), "https://x.example/"))
    send(client, remote.url("/both"), target_of(post))
    assert {(c.post, c.status) for c in Comment.objects.all()} == {
        (post, "trash"),
        (other, "pending"),
    }


@pytest.mark.django_db
@override_settings(TASKS=DUMMY)
def test_a_private_source_is_given_up_at_once(client, post, settings):
    settings.WEBMENTIONS_ALLOW_LOOPBACK = False
    send(client, "http://127.0.0.1:18899/x", target_of(post))
    mention = Webmention.objects.get()
    # Run as the worker runs a job: no attempt after this one.
    with pytest.raises(Exception, match="not a public address") as raised:
        verify_webmention.func(mention.pk)
    assert type(raised.value).__name__ == "GiveUp"
    mention.refresh_from_db()
    assert mention.status == "failed"


@pytest.mark.django_db
def test_the_comment_admin_links_a_webmention_to_its_source(admin_client, post):
    Comment.objects.create(
        post=post,
        author_name="Anna",
        author_url="https://anna.example/",
        body="Schön!",
        origin=Comment.Origin.WEBMENTION,
        remote_id="https://anna.example/notiz",
    )
    page = admin_client.get("/admin/comments/comment/").content.decode()
    assert '<a href="https://anna.example/notiz" class="comment-origin"' in page
