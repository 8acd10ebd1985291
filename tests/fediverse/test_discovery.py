"""Finding the author from Mastodon (issue #15): WebFinger, the actor, host-meta, NodeInfo,
the outbox, a post's Article by content negotiation (never mixed with the cached HTML
page), the alternate link and the handle on the site; all of it gone while switched off."""

import pytest

from blog.models import Post, SiteSettings
from tests.factories import PostFactory, UserFactory

AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def vary(response) -> list[str]:
    return [name.strip() for name in response.get("Vary", "").split(",")]


@pytest.fixture
def oliver(db):
    user = UserFactory(username="oliver", first_name="Oliver", last_name="Beispiel")
    return user


@pytest.fixture
def post(oliver):
    return PostFactory(author=oliver, title="über brücken", body="Ein *Text*.")


@pytest.fixture
def enabled(db):
    settings = SiteSettings.load()
    settings.fediverse_enabled = True
    settings.save()


def test_webfinger_finds_the_author(client, post, enabled):
    response = client.get("/.well-known/webfinger?resource=acct:oliver@testserver")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jrd+json"
    data = response.json()
    assert data["subject"] == "acct:oliver@testserver"
    assert {"rel": "self", "type": AP, "href": "http://testserver/ap/users/oliver"} in data["links"]
    by_url = client.get("/.well-known/webfinger?resource=http://testserver/ap/users/oliver")
    assert by_url.json()["subject"] == "acct:oliver@testserver"
    for resource in ("acct:oliver@elsewhere.example", "acct:nobody@testserver", ""):
        assert client.get(f"/.well-known/webfinger?resource={resource}").status_code == 404


def test_author_without_published_posts_is_not_found(client, oliver, enabled):
    PostFactory(author=oliver, status=Post.Status.DRAFT)
    assert client.get("/.well-known/webfinger?resource=acct:oliver@testserver").status_code == 404
    assert client.get("/ap/users/oliver").status_code == 404


def test_actor_document(client, post, enabled):
    response = client.get("/ap/users/oliver", headers={"Accept": AP})
    assert response["Content-Type"] == AP
    actor = response.json()
    assert actor["type"] == "Person" and actor["id"] == "http://testserver/ap/users/oliver"
    assert actor["preferredUsername"] == "oliver" and actor["name"] == "Oliver Beispiel"
    assert actor["url"] == "http://testserver/author/oliver/"
    assert actor["inbox"] == "http://testserver/ap/users/oliver/inbox"
    assert actor["endpoints"]["sharedInbox"] == "http://testserver/ap/inbox"
    assert actor["discoverable"] is True
    key = actor["publicKey"]
    assert key["id"] == actor["id"] + "#main-key" and key["owner"] == actor["id"]
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    # The key pair is made once: asked again, the same key.
    again = client.get("/ap/users/oliver").json()
    assert again["publicKey"]["publicKeyPem"] == key["publicKeyPem"]
    followers = client.get(actor["followers"]).json()
    assert followers["type"] == "OrderedCollection" and followers["totalItems"] == 0


def test_host_meta_and_nodeinfo(client, post, enabled):
    PostFactory(author=post.author, visibility=Post.Visibility.PRIVATE)
    xml = client.get("/.well-known/host-meta").content.decode()
    assert 'template="http://testserver/.well-known/webfinger?resource={uri}"' in xml
    links = client.get("/.well-known/nodeinfo").json()["links"]
    assert [link["href"] for link in links] == [
        "http://testserver/nodeinfo/2.0",
        "http://testserver/nodeinfo/2.1",
    ]
    for link in links:
        info = client.get(link["href"]).json()
        assert info["protocols"] == ["activitypub"]
        assert info["usage"] == {"users": {"total": 1}, "localPosts": 1}
        assert info["openRegistrations"] is False
    assert client.get("/nodeinfo/3.0").status_code == 404


def test_outbox_pages_public_posts(client, post, enabled):
    PostFactory(
        author=post.author, title="geheim", visibility=Post.Visibility.PASSWORD, password="x"
    )
    outbox = client.get("/ap/users/oliver/outbox").json()
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 1
    page = client.get(outbox["first"]).json()
    assert page["type"] == "OrderedCollectionPage"
    [create] = page["orderedItems"]
    assert create["type"] == "Create" and create["object"]["name"] == "über brücken"
    assert client.get("/ap/users/oliver/outbox?page=2").status_code == 404


@pytest.mark.parametrize("accept", [AP, LD])
def test_post_address_negotiates_the_article(client, post, enabled, settings, accept):
    settings.BLOG_PAGE_CACHE = True
    url = post.get_absolute_url()
    page = client.get(url)  # stored in the page cache
    assert page["Content-Type"].startswith("text/html")
    assert "Accept" in vary(page)
    assert (
        f'<link rel="alternate" type="{AP}" href="http://testserver/ap/posts/{post.pk}">'
        in page.content.decode()
    )
    response = client.get(url, headers={"Accept": accept})
    assert response["Content-Type"] == AP and response["Vary"] == "Accept"
    article = response.json()
    assert article["type"] == "Article" and article["url"] == "http://testserver" + url
    assert article["id"] == f"http://testserver/ap/posts/{post.pk}"
    assert article["attributedTo"] == "http://testserver/ap/users/oliver"
    assert "<em>Text</em>" in article["content"]
    assert article["contentMap"] == {"de": article["content"]}
    assert article["summary"] == f"<p>{post.summary}</p>"
    # And the HTML page is still what a browser gets, from the cache.
    again = client.get(url, headers={"Accept": "text/html"})
    assert again["Content-Type"].startswith("text/html") and again["X-Page-Cache"] == "hit"


def test_article_of_a_fresh_cache_is_not_stored_as_the_page(client, post, enabled, settings):
    settings.BLOG_PAGE_CACHE = True
    url = post.get_absolute_url()
    assert client.get(url, headers={"Accept": AP})["Content-Type"] == AP
    assert client.get(url)["Content-Type"].startswith("text/html")


def test_protected_post_has_no_article(client, oliver, enabled):
    PostFactory(author=oliver, title="offen")
    protected = PostFactory(author=oliver, visibility=Post.Visibility.PASSWORD, password="geheim")
    response = client.get(protected.get_absolute_url(), headers={"Accept": AP})
    assert response["Content-Type"].startswith("text/html")
    assert "application/activity+json" not in response.content.decode()
    assert client.get(f"/ap/posts/{protected.pk}").status_code == 404


def test_handle_shows_on_the_site(client, post, enabled):
    html = client.get("/").content.decode()
    assert '<a href="/author/oliver/">@oliver@testserver</a>' in html


def test_everything_is_404_while_switched_off(client, post):
    for url in (
        "/.well-known/webfinger?resource=acct:oliver@testserver",
        "/.well-known/host-meta",
        "/.well-known/nodeinfo",
        "/nodeinfo/2.0",
        "/ap/users/oliver",
        "/ap/users/oliver/outbox",
        "/ap/users/oliver/followers",
        f"/ap/posts/{post.pk}",
    ):
        assert client.get(url).status_code == 404, url
    page = client.get(post.get_absolute_url(), headers={"Accept": AP})
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "activity+json" not in html and "@oliver@testserver" not in html
    assert "Accept" not in vary(page)


def test_admin_has_the_switch_and_the_blocklist(admin_client, post, enabled):
    from fediverse.models import Follower, RemoteActor

    page = admin_client.get("/admin/blog/sitesettings/1/change/").content.decode()
    assert 'name="fediverse_enabled"' in page
    page = admin_client.get("/admin/comments/discussionsettings/", follow=True)
    page = page.content.decode()
    assert 'name="blocked_fediverse"' in page
    actor = RemoteActor.objects.create(
        ap_id="https://m.example/users/a",
        inbox="https://m.example/users/a/inbox",
        domain="m.example",
    )
    Follower.objects.create(author=post.author, actor=actor)
    listing = admin_client.get("/admin/fediverse/follower/").content.decode()
    assert "@a@m.example" in listing
