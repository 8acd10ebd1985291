"""What a reader sees at every URL of blog/urls.py: lists, archives, posts, pages, search."""

import datetime
import io
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from blog.models import FooterLink, Page, Post, SiteSettings
from tests.factories import CategoryFactory, PageFactory, PostFactory, TagFactory, UserFactory
from tests.html import post_titles, select
from tests.roles import member

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def at(year, month, day, hour=12, minute=0) -> datetime.datetime:
    """A moment in the blog's time zone."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def staff_client(client):
    """An editor ("Redakteur"), who reads every author's hidden posts (blog/roles.py)."""
    client.force_login(member("redaktion", "Redakteur"))
    return client


def assert_themed_404(response):
    """A 404 in the blog's theme: its header, sidebar and footer, not Django's bare page."""
    assert response.status_code == 404
    assertContains(response, '<footer class="site-footer">', status_code=404)
    assertContains(
        response,
        '<p class="site-title"><a href="/" rel="home">Mein Blog</a></p>',
        status_code=404,
        html=True,
    )
    assert select(response, "section", "error-404")


# The home page and its pagination


def test_home_lists_posts_newest_first(client):
    """The home page lists published posts, the newest first, linked to their permalinks."""
    old = PostFactory(title="alt", published_at=at(2025, 1, 1))
    PostFactory(title="neu", published_at=at(2025, 3, 1))
    PostFactory(title="mittel", published_at=at(2025, 2, 1))
    response = client.get("/")
    assert response.status_code == 200
    assert post_titles(response) == ["neu", "mittel", "alt"]
    assertContains(
        response,
        '<h2 class="entry-title"><a href="/2025/01/01/alt/" rel="bookmark">alt</a></h2>',
        html=True,
    )
    assert old.get_absolute_url() == "/2025/01/01/alt/"


def test_sticky_posts_come_first_on_the_home_page_only(client):
    """A sticky post tops the home page, marked as such; archives keep date order."""
    PostFactory(title="neu", published_at=at(2025, 3, 1))
    sticky = PostFactory(title="wichtig", published_at=at(2025, 1, 1), is_sticky=True)
    response = client.get("/")
    assert post_titles(response) == ["wichtig", "neu"]
    assert "sticky" in select(response, "article", id=f"post-{sticky.pk}")[0].classes
    assert post_titles(client.get("/2025/")) == ["neu", "wichtig"]


def test_home_hides_drafts_scheduled_and_private_posts(client):
    """Readers see only published, public or password-protected posts in the list."""
    PostFactory(title="öffentlich")
    PostFactory(title="entwurf", status=Post.Status.DRAFT)
    PostFactory(title="geplant", published_at=timezone.now() + datetime.timedelta(days=1))
    PostFactory(title="privat", visibility=Post.Visibility.PRIVATE)
    PostFactory(
        title="geschützt",
        body="das geheime rezept",
        visibility=Post.Visibility.PASSWORD,
        password="geheim",
    )
    response = client.get("/")
    assert sorted(post_titles(response)) == ["geschützt", "öffentlich"]
    assertNotContains(response, "das geheime rezept")


def test_staff_see_private_posts_in_the_list(staff_client):
    """Staff see private posts listed, but not drafts or scheduled posts."""
    PostFactory(title="öffentlich")
    PostFactory(title="privat", visibility=Post.Visibility.PRIVATE)
    PostFactory(title="entwurf", status=Post.Status.DRAFT)
    assert sorted(post_titles(staff_client.get("/"))) == ["privat", "öffentlich"]


def test_home_shows_ten_posts_per_page(client):
    """Twelve posts: ten on the home page, two on /page/2/, linked both ways."""
    posts = [
        PostFactory(title=f"beitrag {n:02d}", published_at=at(2025, 1, n + 1)) for n in range(12)
    ]
    titles_newest_first = [p.title for p in reversed(posts)]

    first = client.get("/")
    assert post_titles(first) == titles_newest_first[:10]
    assert [a.attrs["href"] for a in select(first, "a", rel="next")] == ["/page/2/"]
    assert not select(first, "a", rel="prev")

    second = client.get("/page/2/")
    assert second.status_code == 200
    assert post_titles(second) == titles_newest_first[10:]
    assert [a.attrs["href"] for a in select(second, "a", rel="prev")] == ["/"]
    assert not select(second, "a", rel="next")


def test_posts_per_page_is_a_site_setting(client):
    """The posts-per-page setting decides the page size."""
    site = SiteSettings.load()
    site.posts_per_page = 3
    site.save()
    for n in range(4):
        PostFactory(published_at=at(2025, 1, n + 1))
    assert len(post_titles(client.get("/"))) == 3
    assert len(post_titles(client.get("/page/2/"))) == 1


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/page/1/", "/"),
        ("/2025/page/1/", "/2025/"),
        ("/2025/01/page/1/", "/2025/01/"),
        ("/2025/01/01/page/1/", "/2025/01/01/"),
        ("/category/sport/page/1/", "/category/sport/"),
        ("/tag/laufen/page/1/", "/tag/laufen/"),
        ("/author/oliver/page/1/", "/author/oliver/"),
    ],
)
def test_page_one_redirects_permanently_to_the_list(client, author, url, target):
    """/page/1/ of any list is a 301 to the list itself."""
    PostFactory(
        author=author,
        published_at=at(2025, 1, 1),
        categories=[CategoryFactory(name="Sport")],
        tags=[TagFactory(name="laufen")],
    )
    assertRedirects(client.get(url), target, status_code=301)


@pytest.mark.parametrize(
    "list_url",
    ["/category/arbeit/", "/category/arbeit/kunden/", "/tag/training/", "/author/oliver/"],
)
def test_category_tag_and_author_lists_have_further_pages(client, author, list_url):
    """Eleven posts: the eleventh, oldest one is on the list's /page/2/, linking back."""
    kunden = CategoryFactory(name="Kunden", parent=CategoryFactory(name="Arbeit"))
    training = TagFactory(name="training")
    for n in range(11):
        PostFactory(
            title=f"beitrag {n + 1}",
            author=author,
            published_at=at(2025, 1, n + 1),
            categories=[kunden],
            tags=[training],
        )
    first = client.get(list_url)
    assert len(post_titles(first)) == 10
    (nxt,) = select(first, "a", rel="next")
    assert nxt.attrs["href"] == f"{list_url}page/2/"
    second = client.get(nxt.attrs["href"])
    assert second.status_code == 200
    assert post_titles(second) == ["beitrag 1"]
    assert select(second, "a", rel="prev")[0].attrs["href"] == list_url
    assert_themed_404(client.get(f"{list_url}page/3/"))


@pytest.mark.parametrize("url", ["/page/999/", "/page/2/", "/page/0/", "/2025/page/2/"])
def test_page_beyond_the_last_is_a_themed_404(client, url):
    """A page number past the end (or zero) is 404, not an empty list."""
    PostFactory(published_at=at(2025, 1, 1))
    assert_themed_404(client.get(url))


def test_empty_blog_home_page_says_nothing_found(client):
    """A blog without posts still has a home page with a "nothing found" note."""
    response = client.get("/")
    assert response.status_code == 200
    assert post_titles(response) == []
    assert select(response, "p", "no-results")


# The post page


def test_post_page_shows_lowercase_title_and_body(client, post):
    """The permalink shows the title as written in <h1> and <title>, and the body HTML."""
    url = post.get_absolute_url()
    local = timezone.localtime(post.published_at)
    assert url == f"/{local:%Y/%m/%d}/hartes-training/"
    response = client.get(url)
    assertContains(response, '<h1 class="entry-title">hartes training</h1>', html=True)
    assertContains(response, "<title>hartes training – Mein Blog</title>", html=True)
    assertContains(
        response, '<div class="entry-content"><p>ein <em>kurzer</em> text.</p></div>', html=True
    )
    assertContains(
        response,
        '<a class="author" href="/author/oliver/">oliver</a>',
        html=True,
    )


def test_featured_image_is_shown_with_variants(client, post):
    """A post's featured image appears on the post and in the list, with its srcset."""
    image = io.BytesIO()
    Image.new("RGB", (1000, 500), "teal").save(image, "JPEG")
    post.featured_image = SimpleUploadedFile("bild.jpg", image.getvalue(), "image/jpeg")
    post.featured_image_alt = "ein blaugrünes bild"
    post.save()
    variant_url = f"/media/{post.image_variants['480']['name']}"

    response = client.get(post.get_absolute_url())
    (img,) = [i for i in select(response, "img") if i.within("figure", "post-thumbnail")]
    assert img.attrs["src"] == post.featured_image.url
    assert img.attrs["alt"] == "ein blaugrünes bild"
    assert (img.attrs["width"], img.attrs["height"]) == ("1000", "500")
    assert f"{variant_url} 480w" in img.attrs["srcset"]
    assert f"{post.featured_image.url} 1000w" in img.attrs["srcset"]

    (thumb,) = [i for i in select(client.get("/"), "img") if i.within("a", "post-thumbnail")]
    assert thumb.attrs["src"] == post.featured_image.url
    assert f"{variant_url} 480w" in thumb.attrs["srcset"]


def test_post_page_links_its_categories_and_tags(client, author):
    """The post footer links the post's categories and tags."""
    kunden = CategoryFactory(name="Kunden", parent=CategoryFactory(name="Arbeit"))
    post = PostFactory(author=author, categories=[kunden], tags=[TagFactory(name="training")])
    response = client.get(post.get_absolute_url())
    assertContains(
        response, '<a href="/category/arbeit/kunden/" rel="category tag">Kunden</a>', html=True
    )
    assertContains(response, '<a href="/tag/training/" rel="tag">training</a>', html=True)


def test_post_permalink_uses_the_local_date(client):
    """Just after midnight in Berlin (still the day before in UTC) the Berlin date counts."""
    post = PostFactory(title="neujahr", published_at=at(2026, 1, 1, 0, 30))
    assert post.published_at.astimezone(datetime.UTC).day == 31
    assert post.get_absolute_url() == "/2026/01/01/neujahr/"
    assert client.get("/2026/01/01/neujahr/").status_code == 200
    assert post_titles(client.get("/2026/01/01/")) == ["neujahr"]
    assert post_titles(client.get("/2026/")) == ["neujahr"]
    # In UTC it was still 31 December 2025, but that day has nothing in Berlin: 404.
    assert_themed_404(client.get("/2025/12/31/"))


def test_wrong_date_redirects_to_the_canonical_permalink(client, post):
    """The right slug under a wrong date is a 301 to the post's real address."""
    response = client.get("/2020/01/01/hartes-training/")
    assertRedirects(response, post.get_absolute_url(), status_code=301)


def test_unknown_slug_is_a_themed_404(client, post):
    """A permalink whose slug does not exist is a themed 404."""
    assert_themed_404(client.get("/2025/01/01/gibt-es-nicht/"))


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Post.Status.DRAFT},
        {"published_at": timezone.now() + datetime.timedelta(days=2)},
        {"visibility": Post.Visibility.PRIVATE},
    ],
    ids=["draft", "scheduled", "private"],
)
def test_hidden_posts_are_404_for_readers_and_visible_to_staff(client, hidden):
    """Drafts, scheduled and private posts: 404 for readers, the full post for an editor
    (an author sees only their own: tests/blog/test_roles.py)."""
    post = PostFactory(title="noch geheim", body="nur für die redaktion", **hidden)
    url = post.get_absolute_url()

    assert_themed_404(client.get(url))
    client.force_login(UserFactory(username="leser"))
    assert_themed_404(client.get(url))

    client.force_login(member("redaktion", "Redakteur"))
    response = client.get(url)
    assertContains(response, '<h1 class="entry-title">noch geheim</h1>', html=True)
    assertContains(response, "<p>nur für die redaktion</p>", html=True)


@pytest.fixture
def protected(author):
    return PostFactory(
        title="nur mit passwort",
        body="das geheime rezept",
        author=author,
        visibility=Post.Visibility.PASSWORD,
        password="sesam",
    )


def test_password_protected_post_shows_title_but_not_body(client, protected):
    """Without the password a reader sees the title and a password form, not the body."""
    response = client.get(protected.get_absolute_url())
    assertContains(response, '<h1 class="entry-title">nur mit passwort</h1>', html=True)
    assertNotContains(response, "das geheime rezept")
    form = select(response, "form", action=f"/postpass/{protected.pk}/")
    assert form and form[0].attrs["method"] == "post"
    assert select(response, "input", type="password", name="password")
    assert not select(response, "div", "entry-content")


def test_correct_password_unlocks_the_post(client, protected):
    """Posting the right password sets a signed cookie; the post then shows its body."""
    url = protected.get_absolute_url()
    response = client.post(f"/postpass/{protected.pk}/", {"password": "sesam"})
    assertRedirects(response, url, fetch_redirect_response=False)
    cookie = response.cookies[f"postpass_{protected.pk}"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 10 * 24 * 3600

    response = client.get(url)
    assertContains(
        response, '<div class="entry-content"><p>das geheime rezept</p></div>', html=True
    )
    assert not select(response, "form", action=f"/postpass/{protected.pk}/")


def test_wrong_password_keeps_the_post_locked(client, protected):
    """A wrong password sets no cookie and shows the form again with an error."""
    url = protected.get_absolute_url()
    response = client.post(f"/postpass/{protected.pk}/", {"password": "falsch"})
    assertRedirects(response, url + "?wrong-password=1", fetch_redirect_response=False)
    assert f"postpass_{protected.pk}" not in response.cookies

    response = client.get(url + "?wrong-password=1")
    assertNotContains(response, "das geheime rezept")
    assert select(response, "p", "error", role="alert")
    assert select(response, "form", action=f"/postpass/{protected.pk}/")


def test_changed_password_locks_the_post_again(client, protected):
    """A cookie for the old password no longer opens the post once the password changes."""
    client.post(f"/postpass/{protected.pk}/", {"password": "sesam"})
    protected.password = "neues-passwort"
    protected.save()
    assertNotContains(client.get(protected.get_absolute_url()), "das geheime rezept")


def test_forged_password_cookie_is_ignored(client, protected):
    """An unsigned cookie value does not unlock the post."""
    client.cookies[f"postpass_{protected.pk}"] = "irgendwas"
    assertNotContains(client.get(protected.get_absolute_url()), "das geheime rezept")


def test_staff_read_protected_posts_without_the_password(staff_client, protected):
    """Staff see the body of a password-protected post directly."""
    assertContains(
        staff_client.get(protected.get_absolute_url()), "<p>das geheime rezept</p>", html=True
    )


def test_password_form_only_accepts_post_for_visible_posts(client, protected):
    """GET on the password URL is refused; posts hidden from the reader are 404 there."""
    assert client.get(f"/postpass/{protected.pk}/").status_code == 405
    private = PostFactory(visibility=Post.Visibility.PRIVATE)
    assert client.post(f"/postpass/{private.pk}/", {"password": ""}).status_code == 404


def test_previous_and_next_post_links(client):
    """A post links its older and newer neighbours, skipping posts the reader cannot see."""
    oldest = PostFactory(title="erster", published_at=at(2025, 1, 1))
    PostFactory(title="privat", published_at=at(2025, 1, 2), visibility=Post.Visibility.PRIVATE)
    middle = PostFactory(title="zweiter", published_at=at(2025, 1, 3))
    PostFactory(title="entwurf", published_at=at(2025, 1, 4), status=Post.Status.DRAFT)
    newest = PostFactory(title="dritter", published_at=at(2025, 1, 5))

    response = client.get(middle.get_absolute_url())
    (prev,) = select(response, "a", rel="prev")
    (nxt,) = select(response, "a", rel="next")
    assert prev.attrs["href"] == oldest.get_absolute_url()
    assert prev.clean_text.endswith("erster")
    assert nxt.attrs["href"] == newest.get_absolute_url()
    assert nxt.clean_text.endswith("dritter")

    first = client.get(oldest.get_absolute_url())
    assert not select(first, "a", rel="prev")
    assert select(first, "a", rel="next")[0].attrs["href"] == middle.get_absolute_url()
    assert not select(client.get(newest.get_absolute_url()), "a", rel="next")


# Archives


@pytest.fixture
def archive_posts():
    return {
        "pi": PostFactory(title="pi-tag", published_at=at(2025, 3, 14, 9)),
        "pi-abend": PostFactory(title="pi-abend", published_at=at(2025, 3, 14, 23, 30)),
        "maerz": PostFactory(title="ende märz", published_at=at(2025, 3, 31)),
        "april": PostFactory(title="april", published_at=at(2025, 4, 1)),
        "vorjahr": PostFactory(title="vorjahr", published_at=at(2024, 3, 14)),
        "entwurf": PostFactory(
            title="entwurf", published_at=at(2025, 3, 14), status=Post.Status.DRAFT
        ),
        "privat": PostFactory(
            title="privat", published_at=at(2025, 3, 14), visibility=Post.Visibility.PRIVATE
        ),
    }


@pytest.mark.parametrize(
    ("url", "titles", "heading"),
    [
        ("/2025/", ["april", "ende märz", "pi-abend", "pi-tag"], "2025"),
        ("/2025/03/", ["ende märz", "pi-abend", "pi-tag"], "März 2025"),
        ("/2025/03/14/", ["pi-abend", "pi-tag"], "14. März 2025"),
        ("/2024/", ["vorjahr"], "2024"),
    ],
)
def test_date_archives_list_the_posts_of_that_period(client, archive_posts, url, titles, heading):
    """Year, month and day archives list exactly the visible posts of that local period."""
    response = client.get(url)
    assert response.status_code == 200
    assert post_titles(response) == titles
    (h1,) = select(response, "h1")
    assert heading in h1.clean_text


@pytest.mark.parametrize("url", ["/2023/", "/2025/02/", "/2025/03/15/", "/1/", "/9999/12/31/"])
def test_date_archives_without_visible_posts_are_404(client, archive_posts, url):
    """As in WordPress: a period with nothing published (for this reader) is no page."""
    assert_themed_404(client.get(url))


def test_date_archive_of_only_private_posts_is_404_for_readers_not_staff(client):
    PostFactory(title="geheim", published_at=at(2022, 6, 1), visibility=Post.Visibility.PRIVATE)
    assert_themed_404(client.get("/2022/"))
    client.force_login(member("redaktion", "Redakteur"))
    response = client.get("/2022/")
    assert response.status_code == 200
    assert post_titles(response) == ["geheim"]


def test_archive_paginates(client):
    """A month with twelve posts has a second page at /YYYY/MM/page/2/."""
    for n in range(12):
        PostFactory(title=f"tag {n + 1}", published_at=at(2025, 5, n + 1))
    first = client.get("/2025/05/")
    assert len(post_titles(first)) == 10
    assert select(first, "a", rel="next")[0].attrs["href"] == "/2025/05/page/2/"
    second = client.get("/2025/05/page/2/")
    assert post_titles(second) == ["tag 2", "tag 1"]
    assert select(second, "a", rel="prev")[0].attrs["href"] == "/2025/05/"


@pytest.mark.parametrize(
    "url",
    ["/2026/02/30/", "/2025/02/29/", "/2026/13/", "/2026/00/", "/2026/01/00/", "/2026/04/31/"],
)
def test_impossible_dates_are_404(client, url):
    """An archive for a date that does not exist is a themed 404."""
    PostFactory(published_at=at(2026, 1, 1))
    assert_themed_404(client.get(url))


def test_leap_day_archive_exists(client):
    """29 February of a leap year is a valid day archive."""
    PostFactory(title="schalttag", published_at=at(2024, 2, 29))
    assert post_titles(client.get("/2024/02/29/")) == ["schalttag"]


# Categories, tags, authors


def test_category_lists_its_own_and_subcategory_posts(client):
    """A category page lists posts of the category and its subcategories, not of siblings."""
    arbeit = CategoryFactory(name="Arbeit")
    kunden = CategoryFactory(name="Kunden", parent=arbeit)
    arbeitszeit = CategoryFactory(name="Arbeitszeit")
    sport = CategoryFactory(name="Sport")
    PostFactory(title="im büro", categories=[arbeit], published_at=at(2025, 1, 3))
    PostFactory(title="beim kunden", categories=[kunden], published_at=at(2025, 1, 2))
    PostFactory(title="beides", categories=[arbeit, kunden], published_at=at(2025, 1, 1))
    PostFactory(title="überstunden", categories=[arbeitszeit])
    PostFactory(title="laufen", categories=[sport])

    response = client.get("/category/arbeit/")
    assert post_titles(response) == ["im büro", "beim kunden", "beides"]
    (h1,) = select(response, "h1")
    assert "Arbeit" in h1.clean_text

    assert post_titles(client.get("/category/arbeit/kunden/")) == ["beim kunden", "beides"]
    assert post_titles(client.get("/category/arbeitszeit/")) == ["überstunden"]


def test_category_page_shows_description_and_feed_link(client):
    """A category page shows its description and links its feed in the head."""
    sport = CategoryFactory(name="Sport", description="laufen und so.")
    PostFactory(categories=[sport])
    response = client.get("/category/sport/")
    assertContains(
        response, '<div class="archive-description"><p>laufen und so.</p></div>', html=True
    )
    feeds = select(response, "link", rel="alternate", href="/category/sport/feed/")
    assert feeds and feeds[0].attrs["type"] == "application/rss+xml"


@pytest.mark.parametrize("url", ["/category/gibt-es-nicht/", "/category/arbeit/gibt-es-nicht/"])
def test_unknown_category_paths_are_404(client, url):
    """A child category lives under its parent; unknown ones are 404."""
    CategoryFactory(name="Kunden", parent=CategoryFactory(name="Arbeit"))
    assert_themed_404(client.get(url))


def test_child_category_by_its_own_slug_redirects(client):
    """/category/child/ leads to the full path, as WordPress finds a child by its slug (#13)."""
    CategoryFactory(name="Kunden", parent=CategoryFactory(name="Arbeit"))
    response = client.get("/category/kunden/")
    assert (response.status_code, response["Location"]) == (301, "/category/arbeit/kunden/")


def test_category_hides_posts_readers_cannot_see(client):
    """Drafts and private posts do not appear on a category page."""
    sport = CategoryFactory(name="Sport")
    PostFactory(title="sichtbar", categories=[sport])
    PostFactory(title="entwurf", categories=[sport], status=Post.Status.DRAFT)
    PostFactory(title="privat", categories=[sport], visibility=Post.Visibility.PRIVATE)
    assert post_titles(client.get("/category/sport/")) == ["sichtbar"]


def test_tag_page_lists_tagged_posts(client):
    """/tag/slug/ lists the posts with that tag and links the tag feed."""
    training = TagFactory(name="training")
    PostFactory(title="intervalle", tags=[training], published_at=at(2025, 2, 1))
    PostFactory(
        title="zehn kilometer",
        tags=[training, TagFactory(name="laufen")],
        published_at=at(2025, 1, 1),
    )
    PostFactory(title="backup", tags=[TagFactory(name="server")])
    response = client.get("/tag/training/")
    assert post_titles(response) == ["intervalle", "zehn kilometer"]
    (h1,) = select(response, "h1")
    assert "training" in h1.clean_text
    assert select(response, "link", rel="alternate", href="/tag/training/feed/")
    assert_themed_404(client.get("/tag/gibt-es-nicht/"))


def test_author_page_lists_the_authors_posts(client, author):
    """/author/username/ lists that author's posts under their name."""
    PostFactory(title="von oliver", author=author)
    PostFactory(title="von jemand anderem", author=UserFactory(username="anna"))
    response = client.get("/author/oliver/")
    assert post_titles(response) == ["von oliver"]
    (h1,) = select(response, "h1")
    assert "oliver" in h1.clean_text


@pytest.mark.parametrize("username", ["niemand", "entwurfsautor", "ehemalig"])
def test_author_without_visible_posts_is_404(client, username):
    """Unknown, inactive authors and authors with only drafts have no author page."""
    PostFactory(author=UserFactory(username="entwurfsautor"), status=Post.Status.DRAFT)
    PostFactory(author=UserFactory(username="ehemalig", is_active=False))
    assert_themed_404(client.get(f"/author/{username}/"))


# Search


def test_search_finds_posts_by_title_and_body(client):
    """?s= finds posts with the term in the title or the text, title matches first."""
    PostFactory(title="laufen im regen", body="nass.", published_at=at(2025, 1, 1))
    PostFactory(title="montag", body="heute war ich laufen.", published_at=at(2025, 3, 1))
    PostFactory(title="dienstag", body="nichts passiert.")
    response = client.get("/", {"s": "laufen"})
    assert response.status_code == 200
    assert post_titles(response) == ["laufen im regen", "montag"]
    assertContains(response, '<meta name="robots" content="noindex, follow">', html=True)


def test_search_ignores_case_and_umlaut_case(client):
    """ "ÜBUNG" finds "übung" and "uebung" (issue #14), and the term stays in the box as typed."""
    PostFactory(title="zehn kilometer", body="*übung* macht den meister.")
    PostFactory(title="anderes", body="uebung ist etwas anderes.")
    PostFactory(title="drittes", body="nichts davon.")
    response = client.get("/", {"s": "ÜBUNG"})
    assert sorted(post_titles(response)) == ["anderes", "zehn kilometer"]
    (box,) = select(response, "input", id="search-main")
    assert box.attrs["name"] == "s" and box.attrs["value"] == "ÜBUNG"
    (h1,) = select(response, "h1")
    assert "ÜBUNG" in h1.clean_text


def test_search_needs_every_word(client):
    """Several words find only posts containing all of them."""
    PostFactory(title="kaffee", body="kaffee am morgen.")
    PostFactory(title="tee", body="tee am morgen.")
    assert post_titles(client.get("/", {"s": "morgen  kaffee"})) == ["kaffee"]


def test_search_hides_posts_readers_cannot_see(client):
    """Search finds neither drafts nor private posts for readers."""
    PostFactory(title="geheim entwurf", status=Post.Status.DRAFT)
    PostFactory(title="geheim privat", visibility=Post.Visibility.PRIVATE)
    response = client.get("/", {"s": "geheim"})
    assert post_titles(response) == []
    assert select(response, "p", "no-results")


def test_search_without_results_says_so(client):
    """A search without results shows the "nothing matched" note and keeps the term."""
    PostFactory(title="kaffee")
    response = client.get("/", {"s": "xylophon"})
    assert response.status_code == 200
    assert post_titles(response) == []
    assert select(response, "p", "no-results")
    assert select(response, "input", id="search-main")[0].attrs["value"] == "xylophon"


def test_empty_search_shows_the_search_form(client):
    """?s= with nothing in it shows the search page without a result list."""
    PostFactory(title="kaffee")
    response = client.get("/", {"s": "   "})
    assert response.status_code == 200
    assert post_titles(response) == []
    assert select(response, "input", id="search-main")[0].attrs["value"] == ""


def test_search_paginates_and_keeps_the_query(client):
    """Twelve hits: ten on the first page, the rest on /page/2/?s=term."""
    for n in range(12):
        PostFactory(title=f"lauf {n + 1}", body="training", published_at=at(2025, 1, n + 1))
    first = client.get("/", {"s": "training"})
    assert len(post_titles(first)) == 10
    (nxt,) = select(first, "a", rel="next")
    assert nxt.attrs["href"] == "/page/2/?s=training"
    second = client.get(nxt.attrs["href"])
    assert post_titles(second) == ["lauf 2", "lauf 1"]
    assert select(second, "a", rel="prev")[0].attrs["href"] == "/?s=training"
    assert_themed_404(client.get("/page/3/", {"s": "training"}))


def test_search_term_is_escaped(client):
    """Markup in the search term is shown as text, never as markup."""
    response = client.get("/", {"s": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    assertNotContains(response, "<script>alert(1)</script>")
    assert not select(response, "script")
    assert (
        select(response, "input", id="search-main")[0].attrs["value"]
        == '"><script>alert(1)</script>'
    )


# Pages


def test_page_is_served_at_its_slug(client):
    """/impressum/ shows the page's title and body."""
    PageFactory(title="Impressum", body="## Angaben gemäß § 5 DDG\n\nMax Muster")
    response = client.get("/impressum/")
    assertContains(response, '<h1 class="entry-title">Impressum</h1>', html=True)
    assertContains(response, "<h2>Angaben gemäß § 5 DDG</h2>", html=True)
    assertContains(response, "<title>Impressum – Mein Blog</title>", html=True)


def test_child_page_is_served_under_its_parent(client):
    """A child page lives at /parent/child/; its short address /child/ leads there (#13)."""
    parent = PageFactory(title="Über mich")
    PageFactory(title="Lebenslauf", parent=parent, body="geboren, gelaufen.")
    response = client.get("/ueber-mich/lebenslauf/")
    assertContains(response, '<h1 class="entry-title">Lebenslauf</h1>', html=True)
    assertContains(response, "<p>geboren, gelaufen.</p>", html=True)
    response = client.get("/lebenslauf/")
    assert (response.status_code, response["Location"]) == (301, "/ueber-mich/lebenslauf/")


def test_draft_page_is_404_for_readers_and_visible_to_staff(client):
    """An unpublished page is hidden from readers and shown to staff."""
    PageFactory(title="Baustelle", status=Page.Status.DRAFT)
    assert_themed_404(client.get("/baustelle/"))
    client.force_login(UserFactory(username="redaktion", is_staff=True))
    assertContains(client.get("/baustelle/"), '<h1 class="entry-title">Baustelle</h1>', html=True)


def test_navigation_lists_pages_in_menu_order(client):
    """The header navigation lists the published menu pages in their order."""
    PageFactory(title="Kontakt", menu_order=2)
    PageFactory(title="Über mich", menu_order=1)
    PageFactory(title="Impressum", show_in_navigation=False)
    response = client.get("/ueber-mich/")
    nav = [a for a in select(response, "a") if a.within("nav", "main-navigation")]
    assert [(a.clean_text, a.attrs["href"]) for a in nav] == [
        ("Über mich", "/ueber-mich/"),
        ("Kontakt", "/kontakt/"),
    ]
    assert nav[0].attrs.get("aria-current") == "page"


def test_unknown_url_is_a_themed_404(client):
    """Any unknown address is a 404 in the blog's theme, with footer and site title."""
    assert_themed_404(client.get("/gibt-es-nicht/"))
    assert_themed_404(client.get("/gibt/es/nicht/"))
    response = client.get("/gibt-es-nicht")
    assertRedirects(response, "/gibt-es-nicht/", status_code=301, target_status_code=404)


# The page frame: one h1, canonical link, feeds, sidebar, footer


@pytest.fixture
def blog(author):
    """A small blog with one of everything, and the URLs of each page type."""
    impressum = PageFactory(title="Impressum")
    parent = PageFactory(title="Über mich")
    PageFactory(title="Lebenslauf", parent=parent)
    kunden = CategoryFactory(name="Kunden", parent=CategoryFactory(name="Arbeit"))
    training = TagFactory(name="training")
    posts = [
        PostFactory(
            title=f"beitrag {n}",
            author=author,
            published_at=at(2025, 3, n + 1),
            categories=[kunden],
            tags=[training],
        )
        for n in range(12)
    ]
    protected = PostFactory(
        title="geschützt",
        author=author,
        visibility=Post.Visibility.PASSWORD,
        password="sesam",
        published_at=at(2025, 2, 1),
    )
    return {
        "home": "/",
        "home page 2": "/page/2/",
        "post": posts[5].get_absolute_url(),
        "protected post": protected.get_absolute_url(),
        "year": "/2025/",
        "month": "/2025/03/",
        "day": "/2025/03/02/",
        "category": "/category/arbeit/",
        "subcategory": "/category/arbeit/kunden/",
        "tag": "/tag/training/",
        "author": "/author/oliver/",
        "search": "/?s=beitrag",
        "empty search": "/?s=nichts",
        "page": impressum.get_absolute_url(),
        "child page": "/ueber-mich/lebenslauf/",
        "404": "/gibt-es-nicht/",
    }


PAGE_TYPES = [
    "home",
    "home page 2",
    "post",
    "protected post",
    "year",
    "month",
    "day",
    "category",
    "subcategory",
    "tag",
    "author",
    "search",
    "empty search",
    "page",
    "child page",
    "404",
]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_has_exactly_one_h1(client, blog, page_type):
    """Screen readers find exactly one <h1> on each kind of page."""
    response = client.get(blog[page_type])
    assert response.status_code == (404 if page_type == "404" else 200)
    assert len(select(response, "h1")) == 1


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_has_an_absolute_canonical_link(client, blog, page_type):
    """Each page names its canonical, absolute address."""
    response = client.get(blog[page_type])
    (canonical,) = select(response, "link", rel="canonical")
    path = blog[page_type].split("?")[0]
    assert canonical.attrs["href"] == f"http://testserver{path}"


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_links_the_feeds_and_the_legal_pages(client, blog, page_type):
    """The head links RSS and Atom; the footer links Impressum and Datenschutz."""
    site = SiteSettings.load()
    site.imprint_page = Page.objects.get(slug="impressum")
    site.privacy_page = PageFactory(title="Datenschutzerklärung", slug="datenschutz")
    site.save()
    response = client.get(blog[page_type])
    assert select(response, "link", rel="alternate", type="application/rss+xml", href="/feed/")
    assert select(
        response, "link", rel="alternate", type="application/atom+xml", href="/feed/atom/"
    )
    legal = [a for a in select(response, "a") if a.within("nav", "footer-navigation")]
    assert [(a.clean_text, a.attrs["href"]) for a in legal] == [
        ("Impressum", "/impressum/"),
        ("Datenschutzerklärung", "/datenschutz/"),
    ]


def test_canonical_link_of_a_post_ignores_the_query_string(client, post):
    """The canonical link of a post is its permalink, whatever the query string."""
    response = client.get(post.get_absolute_url(), {"utm_source": "feed"})
    (canonical,) = select(response, "link", rel="canonical")
    assert canonical.attrs["href"] == f"http://testserver{post.get_absolute_url()}"


def test_sidebar_shows_archives_with_counts(client):
    """The sidebar lists months newest first with the number of visible posts."""
    PostFactory(published_at=at(2025, 3, 1))
    PostFactory(published_at=at(2025, 3, 31, 23, 30))
    PostFactory(published_at=at(2025, 1, 15))
    PostFactory(published_at=at(2025, 1, 16), status=Post.Status.DRAFT)
    PostFactory(published_at=at(2025, 1, 17), visibility=Post.Visibility.PRIVATE)
    response = client.get("/")
    items = [li for li in select(response, "li") if li.within("section", "widget-archives")]
    assert [li.clean_text for li in items] == ["März 2025\u00a0(2)", "Januar 2025\u00a0(1)"]
    assertContains(response, '<li><a href="/2025/03/">März 2025</a>&nbsp;(2)</li>', html=True)


def test_sidebar_shows_categories_with_counts_and_depth(client):
    """The sidebar lists categories with visible posts, nested ones marked by depth."""
    arbeit = CategoryFactory(name="Arbeit")
    kunden = CategoryFactory(name="Kunden", parent=arbeit)
    leer = CategoryFactory(name="Leer")
    PostFactory(categories=[arbeit])
    PostFactory(categories=[arbeit, kunden])
    PostFactory(categories=[leer], status=Post.Status.DRAFT)
    response = client.get("/")
    assertContains(
        response,
        '<li class="depth-0"><a href="/category/arbeit/">Arbeit</a>&nbsp;(2)</li>',
        html=True,
    )
    assertContains(
        response,
        '<li class="depth-1"><a href="/category/arbeit/kunden/">Kunden</a>&nbsp;(1)</li>',
        html=True,
    )
    assertNotContains(response, "/category/leer/")


def test_sidebar_tag_cloud_weighs_tags_by_use(client):
    """The tag cloud lists used tags alphabetically, the most used one heaviest."""
    training, laufen, wetter = (TagFactory(name=n) for n in ("training", "laufen", "Wetter"))
    TagFactory(name="unbenutzt")
    PostFactory(tags=[training, laufen, wetter])
    PostFactory(tags=[training, laufen])
    PostFactory(tags=[training])
    response = client.get("/")
    cloud = [a for a in select(response, "a") if a.within("ul", "tag-cloud")]
    assert [(a.attrs["href"], a.attrs["class"]) for a in cloud] == [
        ("/tag/laufen/", "tag-weight-3"),
        ("/tag/training/", "tag-weight-5"),
        ("/tag/wetter/", "tag-weight-1"),
    ]


def test_sidebar_lists_recent_posts(client):
    """The sidebar links the five newest visible posts."""
    posts = [PostFactory(title=f"beitrag {n}", published_at=at(2025, 1, n + 1)) for n in range(7)]
    response = client.get(posts[0].get_absolute_url())
    recent = [a for a in select(response, "a") if a.within("section", "widget-recent-posts")]
    assert [a.attrs["href"] for a in recent] == [p.get_absolute_url() for p in posts[:1:-1]]


def test_sidebar_follows_content_changes(client):
    """A new post shows up in the cached sidebar on the next request."""
    PostFactory(title="erster", published_at=at(2025, 1, 1))
    client.get("/")
    PostFactory(title="zweiter", published_at=at(2025, 2, 1))
    response = client.get("/")
    recent = [
        a.clean_text for a in select(response, "a") if a.within("section", "widget-recent-posts")
    ]
    assert recent == ["zweiter", "erster"]


def _badge_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (88, 31), (200, 100, 0, 255)).save(out, "PNG")
    return out.getvalue()


def test_footer_shows_badge_links(client):
    """Visible footer links appear as badge images (or names) linking out."""
    FooterLink.objects.create(
        name="Blogverzeichnis - Bloggerei.de",
        url="https://www.bloggerei.de/",
        badge=SimpleUploadedFile("bloggerei.png", _badge_png(), "image/png"),
        order=1,
    )
    FooterLink.objects.create(name="blogwolke", url="https://www.blogwolke.de/", order=2)
    FooterLink.objects.create(name="versteckt", url="https://example.org/", is_visible=False)
    link = FooterLink.objects.get(order=1)
    assert (link.badge_width, link.badge_height) == (88, 31)

    response = client.get("/")
    badges = [a for a in select(response, "a") if a.within("ul", "footer-badges")]
    assert [a.attrs["href"] for a in badges] == [
        "https://www.bloggerei.de/",
        "https://www.blogwolke.de/",
    ]
    assertContains(
        response,
        f'<a href="https://www.bloggerei.de/"><img src="{link.badge.url}"'
        ' alt="Blogverzeichnis - Bloggerei.de" width="88" height="31" loading="lazy"></a>',
        html=True,
    )
    assertContains(response, '<a href="https://www.blogwolke.de/">blogwolke</a>', html=True)
    assertNotContains(response, "https://example.org/")


def test_footer_appears_on_404_pages(client):
    """Impressum and privacy links are in the footer of error pages too."""
    site = SiteSettings.load()
    site.title = "oliver schreibt"
    site.imprint_page = PageFactory(title="Impressum")
    site.save()
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assertContains(response, '<a href="/impressum/">Impressum</a>', status_code=404, html=True)
    assertContains(response, "oliver schreibt", status_code=404)


def test_draft_legal_page_is_not_linked(client):
    """An unpublished imprint page is not linked from the footer."""
    site = SiteSettings.load()
    site.imprint_page = PageFactory(title="Impressum", status=Page.Status.DRAFT)
    site.save()
    assertNotContains(client.get("/"), 'href="/impressum/"')


# Query counts


def _queries(client, url) -> int:
    # Warm up: the first request may create settings rows, which bumps the content
    # version once; the cached page frame is in place from the second request on.
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_posts(count, author, categories, tags):
    for _n in range(count):
        PostFactory(author=author, categories=categories, tags=tags)


def test_home_page_queries_do_not_grow_with_posts(client, author, django_assert_max_num_queries):
    """The home page costs the same few queries for 3 posts as for 10 with taxonomy."""
    categories = [CategoryFactory(), CategoryFactory()]
    tags = [TagFactory(), TagFactory()]
    _add_posts(3, author, categories, tags)
    few = _queries(client, "/")
    _add_posts(20, author, categories, tags)
    many = _queries(client, "/")
    assert few == many
    with django_assert_max_num_queries(5):
        client.get("/")


def test_post_page_queries_do_not_grow_with_posts(client, author, django_assert_max_num_queries):
    """A post page costs a bounded number of queries however big the blog is."""
    categories = [CategoryFactory(), CategoryFactory()]
    tags = [TagFactory(), TagFactory()]
    post = PostFactory(author=author, categories=categories, tags=tags, published_at=at(2025, 6, 1))
    _add_posts(3, author, categories, tags)
    few = _queries(client, post.get_absolute_url())
    _add_posts(20, author, categories, tags)
    many = _queries(client, post.get_absolute_url())
    assert few == many
    with django_assert_max_num_queries(10):
        client.get(post.get_absolute_url())


def test_server_error_page_is_themed(rf, db):
    """The 500 page renders in the theme, with the blog's frame, even with caches on."""
    from blog.views import server_error

    response = server_error(rf.get("/kaputt/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<main" in html and 'class="site-footer"' in html


def test_server_error_page_survives_a_failing_database(rf, monkeypatch):
    """If the site data cannot be read (the database is down), the 500 page still renders."""
    from blog import views

    def broken():
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(views, "get_site_data", broken)
    response = views.server_error(rf.get("/kaputt/"))
    assert response.status_code == 500
    assert "<main" in response.content.decode()
