"""Search and lists never give away the text of a password-protected post (issue #10)."""

import pytest
from django.utils import timezone

from blog.models import Post
from tests.factories import CategoryFactory, CommentFactory, PostFactory, TagFactory
from tests.html import post_titles, select

pytestmark = pytest.mark.django_db

SECRET = "zitronenfalter"
EXCERPT = "nur für freunde: treffpunkt am alten bahnhof"


@pytest.fixture
def protected(author):
    """A protected post whose body, excerpt and comment hold words its title does not."""
    post = PostFactory(
        title="tagebuch",
        author=author,
        body=f"das geheimwort ist {SECRET}.",
        excerpt=EXCERPT,
        visibility=Post.Visibility.PASSWORD,
        password="sesam",
        categories=[CategoryFactory(name="Privates", slug="privates")],
        tags=[TagFactory(name="geheim", slug="geheim")],
    )
    CommentFactory(post=post, body=f"schönes {SECRET}-wort!")
    return post


@pytest.fixture
def staff_client(client, author):
    client.force_login(author)
    return client


@pytest.mark.parametrize("term", [SECRET, "zitr", "geheimwort", "ZITRONENFALTER"])
def test_search_does_not_match_the_body_of_a_protected_post(client, protected, term):
    """A word (or its first letters) only in the protected text finds nothing."""
    response = client.get("/", {"s": term})
    assert response.status_code == 200
    assert post_titles(response) == []
    assert select(response, "p", "no-results")


def test_search_finds_the_same_word_in_a_public_post(client, protected):
    """The public twin of the text is found: only the protected body is left out."""
    PostFactory(title="offen", body=f"das geheimwort ist {SECRET}.")
    assert post_titles(client.get("/", {"s": SECRET})) == ["offen"]


def test_title_word_and_body_word_together_find_nothing(client, protected):
    """A title word does not unlock the body: "tagebuch zitr" matches no post."""
    assert post_titles(client.get("/", {"s": "tagebuch zitr"})) == []


def test_protected_post_is_found_by_title_without_its_excerpt(client, protected):
    """Its title is public: a title search lists it, with the protection note, not the text."""
    response = client.get("/", {"s": "TAGEBUCH"})
    assert post_titles(response) == ["tagebuch"]
    (summary,) = select(response, "div", "entry-summary")
    assert summary.clean_text == "Dieser Beitrag ist passwortgeschützt."
    html = response.content.decode()
    assert EXCERPT not in html and SECRET not in html


def test_staff_search_the_text_of_protected_posts(staff_client, protected):
    """Staff, who read protected posts without the password, find them by their text."""
    assert post_titles(staff_client.get("/", {"s": SECRET})) == ["tagebuch"]


def test_search_does_not_match_the_body_of_a_private_post(client, author):
    """A private post is found neither by title nor by text by readers."""
    PostFactory(title="privat", body=f"{SECRET}.", visibility=Post.Visibility.PRIVATE)
    assert post_titles(client.get("/", {"s": SECRET})) == []
    assert post_titles(client.get("/", {"s": "privat"})) == []


def _listings(post) -> list[str]:
    year = timezone.localtime(post.published_at).year
    return [
        "/",
        f"/{year}/",
        "/category/privates/",
        "/tag/geheim/",
        f"/author/{post.author.username}/",
        "/feed/",
        "/feed/atom/",
        "/category/privates/feed/",
        "/tag/geheim/feed/",
        "/comments/feed/",
        "/sitemap.xml",
        post.get_absolute_url(),
    ]


def test_no_listing_or_feed_shows_the_protected_text(client, protected):
    """Lists, archives, feeds, the sitemap and the locked post itself never show its text."""
    for url in _listings(protected):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET not in body, url
        assert EXCERPT not in body, url
    assert "tagebuch" in client.get("/").content.decode()
