"""A realistic blog and every kind of page it serves, fetched from a running server (issue #10).

Shared by the HTML validity test (tests/live/test_validity.py) and the accessibility test
in Chromium (tests/browser/test_accessibility.py): both look at the same pages.
"""

import datetime
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from blog.models import Page, Post, SiteSettings
from comments.models import Comment, DiscussionSettings
from tests.conftest import SUPERUSER_PASSWORD
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    MediaFactory,
    PageFactory,
    PostFactory,
    ReplyFactory,
    TagFactory,
    UserFactory,
    image_upload,
)
from tests.live.server import csrf_token

BODY = """Heute ging es an den Berg: sechs Intervalle, jedes **drei Minuten** lang.

## Der Plan

1. Einlaufen, zwanzig Minuten locker
2. Sechs Mal bergauf, zurück im Trab
3. Auslaufen

> Wer am Berg spart, zahlt im Ziel.

Die Strecke steht auf [meiner Karte](https://example.org/karte) und die Zeiten so:

| Runde | Zeit |
| --- | --- |
| 1 | 3:02 |
| 2 | 2:58 |

Mit `time.sleep(180)` wäre es bequemer gewesen.

![Der Anstieg am Morgen]({image})
"""


@dataclass
class Site:
    """The objects of the blog built by `build_site`."""

    post: Post
    locked: Post
    page: Page
    comment_id: int
    demo_post: Post


def build_site() -> Site:
    """The demo blog plus a post of one's own with everything a post can show.

    Our post has a featured image, an image, a table and a list in its body, a category,
    a tag, and a thread: a visitor's comment with a website, the author's reply under it
    and another reader's reply. A password-protected post and a sub-page sit beside it.
    Two posts per page, so that every list is paginated.
    """
    call_command("load_demo", verbosity=0)
    author = UserFactory(username="oliver")
    UserFactory(
        username="chefin",
        first_name="Chefin",
        is_staff=True,
        is_superuser=True,
        password=SUPERUSER_PASSWORD,
    )
    category = CategoryFactory(name="Laufen")
    tag = TagFactory(name="berglauf")
    media = MediaFactory(alt="Der Anstieg am Morgen")
    body = BODY.format(image=media.file.url)
    post = PostFactory(
        title="Intervalle am Berg",
        author=author,
        body=body,
        categories=[category],
        tags=[tag],
        excerpt="",
        published_at=timezone.now() - datetime.timedelta(hours=30),
    )
    post.featured_image = image_upload("berg.jpg", size=(1600, 900))
    post.featured_image_alt = "Der Berg im Nebel"
    post.save()
    locked = PostFactory(
        title="Trainingsplan für Mitglieder",
        author=author,
        visibility=Post.Visibility.PASSWORD,
        password="sesam",
    )
    parent = PageFactory(title="Über mich", slug="ueber-mich-extra", status="published")
    # Comments on a page (issue #13): a thread and the form, as on a post.
    Page.objects.filter(pk=parent.pk).update(comments_open=True, comment_count=2)
    asked = Comment.objects.create(
        page=parent,
        author_name="Clara",
        body="Läufst du auch **Halbmarathon**?",
        status=Comment.Status.APPROVED,
        author_url="https://clara.example.net/",
    )
    Comment.objects.create(
        page=parent,
        parent=asked,
        author_name="oliver",
        user=author,
        body="Ja, im April.",
        status=Comment.Status.APPROVED,
    )
    page = PageFactory(
        title="Meine Läufe", slug="laeufe", parent=parent, status="published", body=body
    )
    visitor = CommentFactory(
        post=post,
        author_name="Anna",
        author_email="anna@example.net",
        author_url="https://anna.example.net/",
        body="Starke Leistung! Wie war der **Puls** am Ende?",
    )
    ReplyFactory(
        parent=visitor,
        author_name="oliver",
        author_email=author.email,
        user=author,
        body="Danke, Anna! Knapp unter 180.",
    )
    ReplyFactory(parent=visitor, author_name="Bernd", body="Respekt.")
    site_settings = SiteSettings.load()
    site_settings.posts_per_page = 2
    site_settings.save()
    discussion = DiscussionSettings.load()
    discussion.require_previous_approval = False
    discussion.save()
    demo_post = Post.objects.get(slug="hartes-training")
    return Site(post=post, locked=locked, page=page, comment_id=visitor.pk, demo_post=demo_post)


def public_pages(site: Site) -> dict[str, str]:
    """Name → path of each kind of page a reader can open by following a link."""
    published = timezone.localtime(site.post.published_at)
    year, month, day = published.year, published.month, published.day
    post_url = site.post.get_absolute_url()
    return {
        "home": "/",
        "home, page 2": "/page/2/",
        "post with comments and form": post_url,
        "reply form": f"{post_url}?replytocom={site.comment_id}",
        "password-protected post": site.locked.get_absolute_url(),
        "page": site.page.get_absolute_url(),
        "page with comments and form": "/ueber-mich-extra/",
        "year archive": reverse("blog:archive_year", kwargs={"year": year}),
        "month archive": reverse("blog:archive_month", kwargs={"year": year, "month": month}),
        "day archive": reverse(
            "blog:archive_day", kwargs={"year": year, "month": month, "day": day}
        ),
        "category": site.post.categories.get().get_absolute_url(),
        "tag": site.post.tags.get().get_absolute_url(),
        "author": reverse("blog:author_detail", kwargs={"username": "oliver"}),
        "search with hits": "/?s=Intervalle",
        "search without hits": "/?s=Quastenflosser",
        "not found (404)": "/gibt-es-nicht/",
        "demo post": site.demo_post.get_absolute_url(),
    }


def admin_pages(site: Site) -> dict[str, str]:
    """Name → path of the admin pages the author works in (logged in)."""
    return {
        "admin: dashboard": reverse("admin:index"),
        "admin: comment list": reverse("admin:comments_comment_changelist"),
        "admin: comment with reply form": reverse(
            "admin:comments_comment_change", args=[site.comment_id]
        ),
        "admin: privacy tools": reverse("admin:comments_comment_privacy"),
        "admin: new post": reverse("admin:blog_post_add"),
        "admin: post form": reverse("admin:blog_post_change", args=[site.post.pk]),
    }


class Browser:
    """A reader with cookies, over HTTP to pytest-django's live server (urllib, no
    JavaScript); tests.live.server.Session does the same for a server in a subprocess."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310

    def post(self, path: str, data: dict, referer: str = "") -> tuple[int, str]:
        headers = {"Referer": self.base_url + referer} if referer else {}
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base_url + path, body, headers)  # noqa: S310
        return self._open(request)

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()

    def log_in(self, username: str, password: str) -> None:
        """Log in through the admin's login form."""
        status, html = self.get("/admin/login/")
        data = {"csrfmiddlewaretoken": csrf_token(html), "username": username, "password": password}
        status, html = self.post("/admin/login/?next=/admin/", data, referer="/admin/login/")
        assert status == 200 and "logout" in html, f"login failed ({status})"


def comment_with_missing_fields(reader: Browser, site: Site) -> tuple[int, str]:
    """A commenter sends only a comment text: the post again with the errors (400)."""
    path = reverse("comments:comment_create", kwargs={"post_id": site.post.pk})
    post_url = site.post.get_absolute_url()
    return reader.post(path, {"body": "Schöner Lauf!", "parent": ""}, referer=post_url)


def comment_on_locked_post(reader: Browser, site: Site) -> tuple[int, str]:
    """A comment sent to a password-protected post never unlocked: the error page (403)."""
    path = reverse("comments:comment_create", kwargs={"post_id": site.locked.pk})
    data = {"body": "Darf ich mitlaufen?", "author_name": "Carla", "author_email": "c@example.net"}
    return reader.post(path, data, referer=site.locked.get_absolute_url())
