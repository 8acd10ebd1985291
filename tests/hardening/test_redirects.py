"""Open redirects: no parameter or path sends a visitor off-site (issue #7).

Every place that answers with a redirect gets the usual tricks: scheme-relative and
absolute URLs, backslashes (browsers read "\\" as "/"), encoded slashes, whitespace and
control characters in front, user-info tricks. A redirect may only lead to this site.
"""

import itertools
import re
from urllib.parse import quote, unquote_to_bytes, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.comments.helpers import form_data
from tests.conftest import SUPERUSER_PASSWORD
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db

HOST = "testserver"

TARGETS = [
    "//evil.example",
    "//evil.example/",
    "///evil.example",
    "////evil.example",
    "https://evil.example",
    "http://evil.example/pfad",
    "HTTPS://EVIL.EXAMPLE",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    " //evil.example",
    "\t//evil.example",
    "\x0b//evil.example",
    "/\t/evil.example",
    "http:evil.example",
    "https:/\\evil.example",
    "https:evil.example",
    "//evil.example@testserver",
    "//testserver@evil.example",
    "https://testserver@evil.example",
    "https://testserver.evil.example",
    "https://evil.example\\@testserver",
    "https://evil.example#@testserver",
    "javascript:alert(1)",
    "JavaScript://%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//%65vil.example",
    "//evil%E3%80%82example",
    "//evil。example",
]


CONTROL_AND_SPACE = "".join(map(chr, range(33)))


def leaves_the_site(location: str) -> bool:
    """Whether a browser following `location` (relative to http://testserver/) leaves."""
    # Browsers drop leading whitespace and control characters, remove tabs and line
    # breaks anywhere, and treat a backslash like a slash.
    url = re.sub(r"[\t\n\r]", "", location.lstrip(CONTROL_AND_SPACE))
    url = url.replace("\\", "/")
    parts = urlsplit(url)
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return True
    if parts.scheme and not url.lower().startswith(parts.scheme.lower() + "://"):
        return True  # "https:evil.example" and "https:/\evil.example" are read as hosts
    if parts.netloc or url.startswith("//"):
        return parts.hostname != HOST
    return False


def test_the_checker_itself():
    assert leaves_the_site("//evil.example")
    assert leaves_the_site("/\\evil.example")
    assert leaves_the_site(" https://evil.example")
    assert leaves_the_site("https:evil.example")
    assert leaves_the_site("javascript:alert(1)")
    assert not leaves_the_site("/2026/11/27/beitrag/")
    assert not leaves_the_site("http://testserver/admin/")
    assert not leaves_the_site("/%2F%2Fevil.example")
    assert not leaves_the_site("/admin/?next=//evil.example")


def location(response) -> str:
    assert response.status_code in (301, 302, 303, 307, 308), response.status_code
    return response["Location"]


def assert_stays(response):
    if response.status_code in (301, 302, 303, 307, 308):
        assert not leaves_the_site(response["Location"]), response["Location"]
    else:
        assert response.status_code < 500


def test_the_post_password_form_stays_on_the_site(client, site):
    url = reverse("blog:post_password", kwargs={"pk": site.locked.pk})
    # Each from its own address: wrong post passwords are limited per address (issue #16).
    for n, (target, password) in enumerate(itertools.product(TARGETS, ("sesam", "falsch"))):
        response = client.post(
            url + "?next=" + quote(target),
            {"password": password, "next": target, "redirect_to": target},
            HTTP_REFERER=target,
            REMOTE_ADDR=f"192.0.2.{n + 10}",
        )
        assert location(response).startswith(site.locked.get_absolute_url())
        assert not leaves_the_site(location(response))


def test_the_comment_form_stays_on_the_site(client, site):
    for n, target in enumerate(TARGETS):
        response = client.post(
            reverse("comments:comment_create", kwargs={"post_id": site.post.pk})
            + "?next="
            + quote(target),
            form_data(author_email=f"r{n}@example.net", next=target, redirect_to=target),
            REMOTE_ADDR=f"192.0.2.{n + 10}",
        )
        assert location(response).startswith(site.post.get_absolute_url())
        assert not leaves_the_site(location(response))


def test_the_admin_login_stays_on_the_site(site, superuser):
    for target in TARGETS:
        client = Client()
        response = client.post(
            "/admin/login/?next=" + quote(target),
            {"username": "chefin", "password": SUPERUSER_PASSWORD, "next": target},
        )
        assert not leaves_the_site(location(response))
        response = client.get("/admin/login/?next=" + quote(target))  # logged in already
        assert not leaves_the_site(location(response))
        response = client.post("/admin/logout/?next=" + quote(target), {"next": target})
        assert_stays(response)


def test_the_language_switch_stays_on_the_site(client, db):
    for target in TARGETS:
        for data, headers in (
            ({"language": "en", "next": target}, {}),
            ({"language": "en"}, {"HTTP_REFERER": target}),
            ({"language": "de", "next": target}, {"HTTP_REFERER": target}),
        ):
            response = client.post("/i18n/setlang/?next=" + quote(target), data, **headers)
            assert not leaves_the_site(location(response))
        assert_stays(client.get("/i18n/setlang/?next=" + quote(target)))


def test_login_required_redirects_stay_on_the_site(client, db):
    for target in TARGETS:
        response = client.get("/admin/?next=" + quote(target))
        assert not leaves_the_site(location(response))


# WordPress's old addresses (wordpress/middleware.py, wordpress/redirects.py) ---------------


@pytest.fixture
def imported(site):
    """WordPress ids for the post, the page, the category and the author."""
    ImportedObject.objects.create(kind=ImportedObject.Kind.POST, wp_id=7, post=site.post)
    ImportedObject.objects.create(kind=ImportedObject.Kind.PAGE, wp_id=8, page=site.page)
    ImportedObject.objects.create(
        kind=ImportedObject.Kind.CATEGORY, wp_id=9, category=site.category
    )
    return site


@pytest.mark.parametrize(
    "param",
    [
        "p",
        "page_id",
        "attachment_id",
        "cat",
        "tag",
        "category_name",
        "author",
        "name",
        "m",
        "paged",
        "feed",
        "redirect_to",
        "next",
        "url",
    ],
)
def test_wordpress_query_links_stay_on_the_site(client, imported, param):
    for target in TARGETS:
        assert_stays(client.get("/", {param: target}))
        assert_stays(client.get("/index.php", {param: target, "feed": "rss2"}))
        assert_stays(client.get("/", {"p": "7", param: target}))


def test_wordpress_query_links_still_work(client, imported):
    assert location(client.get("/?p=7")) == imported.post.get_absolute_url()
    assert location(client.get("/?p=7&feed=rss2")) == imported.post.get_absolute_url() + "feed/"
    assert location(client.get("/?feed=rss2")) == "/feed/"


@pytest.mark.parametrize(
    "pattern",
    [
        "/index.php/{t}",
        "/index.php{t}",
        "/index.php/{t}/",
        "{t}/feed/rss2/",
        "/{t}/feed/",
        "{t}/feed/",
        "{t}/trackback/",
        "/{t}/amp/",
        "{t}/comment-page-2/",
        "/wp-content/uploads/{t}",
        "/archives/{t}",
        "{t}",
        "{t}/",
    ],
)
def test_wordpress_paths_stay_on_the_site(client, imported, pattern):
    for target in TARGETS:
        path = pattern.format(t=target)
        # PATH_INFO as the server hands it on: percent-decoded bytes, as Latin-1 (the
        # test client would read "//evil.example" in a URL as a host name instead). Also
        # the path with its "%" kept, as a server passes on "%25".
        for raw in {unquote_to_bytes(path.encode()), path.encode()}:
            assert_stays(client.get("/", PATH_INFO=raw.decode("latin-1")))


def test_wordpress_paths_still_redirect(client, imported):
    assert location(client.get("/index.php/feed/")) == "/feed/"
    assert location(client.get("/feed/rss2/")) == "/feed/"
    assert location(client.get("/archives/7")) == imported.post.get_absolute_url()
    slug_url = imported.post.get_absolute_url()
    assert location(client.get(slug_url + "trackback/")) == slug_url
