"""Imported posts answer at exactly their WordPress address (issue #13)."""

import datetime

import pytest

from blog.models import Post
from tests.wordpress.build import item, write, wxr
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def run(tmp_path, *items):
    return Importer(write(tmp_path, wxr(*items))).run()


@pytest.mark.parametrize(
    ("blog_zone", "local", "gmt", "old_url"),
    [
        # The old blog in New York, late in the evening; this blog in Berlin.
        ("Europe/Berlin", "2025-01-07 23:30:00", "2025-01-08 04:30:00", "/2025/01/07/spaet/"),
        # The old blog in Berlin, just after midnight; this blog on UTC.
        ("UTC", "2025-01-08 00:30:00", "2025-01-07 23:30:00", "/2025/01/08/spaet/"),
        # Both in Berlin, in summer time, half an hour before midnight.
        ("Europe/Berlin", "2025-07-07 23:30:00", "2025-07-07 21:30:00", "/2025/07/07/spaet/"),
    ],
)
def test_old_permalink_answers_200(tmp_path, client, settings, blog_zone, local, gmt, old_url):
    """The post keeps WordPress's day in its address, whatever this blog's time zone."""
    settings.TIME_ZONE = blog_zone
    run(tmp_path, item(1, "Spät", slug="spaet", date=local, date_gmt=gmt))
    post = Post.objects.get(slug="spaet")
    assert post.published_at == datetime.datetime.fromisoformat(gmt).replace(tzinfo=UTC)
    assert post.get_absolute_url() == old_url
    response = client.get(old_url)
    assert response.status_code == 200
    assert f'<link rel="canonical" href="http://testserver{old_url}">' in response.text


def test_draft_date_read_with_the_old_blogs_offset(tmp_path, settings):
    """A draft has no GMT date: its local date is read with the old blog's offset of the
    nearest day the export shows, not in this blog's time zone."""
    settings.TIME_ZONE = "Europe/Berlin"
    run(
        tmp_path,
        item(1, date="2025-01-07 23:30:00", date_gmt="2025-01-08 04:30:00"),
        item(2, date="2025-07-01 12:00:00", date_gmt="2025-07-01 16:00:00"),
        item(3, "Entwurf", slug="entwurf", status="draft", date="2025-02-02 10:00:00",
             date_gmt="0000-00-00 00:00:00"),
    )  # fmt: skip
    draft = Post.objects.get(slug="entwurf")
    assert draft.published_at == datetime.datetime(2025, 2, 2, 15, tzinfo=UTC)


def test_changed_publish_date_moves_the_address(tmp_path, client, settings):
    """An author who changes an imported post's date gets the new day in its address;
    the old one redirects there."""
    settings.TIME_ZONE = "Europe/Berlin"
    run(tmp_path, item(1, slug="spaet", date="2025-01-07 23:30:00", date_gmt="2025-01-08 04:30:00"))
    post = Post.objects.get(slug="spaet")
    post.published_at = datetime.datetime(2025, 3, 1, 9, tzinfo=UTC)
    post.save()
    post = Post.objects.get(slug="spaet")
    assert post.get_absolute_url() == "/2025/03/01/spaet/"
    response = client.get("/2025/01/07/spaet/")
    assert (response.status_code, response["Location"]) == (301, "/2025/03/01/spaet/")


def test_other_saves_keep_the_address(tmp_path, settings):
    """Editing an imported post's text keeps its address."""
    settings.TIME_ZONE = "Europe/Berlin"
    run(tmp_path, item(1, slug="spaet", date="2025-01-07 23:30:00", date_gmt="2025-01-08 04:30:00"))
    post = Post.objects.get(slug="spaet")
    post.body = "Neuer Text."
    post.save()
    assert Post.objects.get(slug="spaet").get_absolute_url() == "/2025/01/07/spaet/"


def test_day_archive_of_the_old_address(tmp_path, client, settings):
    """The post is listed in the day archive its address names (WordPress's day), not in
    the next day's, and an empty day stays a 404."""
    settings.TIME_ZONE = "Europe/Berlin"
    run(tmp_path, item(1, "Spät", slug="spaet", date="2025-01-07 23:30:00",
                       date_gmt="2025-01-08 04:30:00"))  # fmt: skip
    response = client.get("/2025/01/07/")
    assert response.status_code == 200
    assert 'href="/2025/01/07/spaet/"' in response.content.decode()
    assert client.get("/2025/01/08/").status_code == 404
    assert client.get("/2025/01/").status_code == 200


def test_lists_of_links_ask_no_query_per_post(
    tmp_path, client, settings, django_assert_max_num_queries
):
    """The sidebar and the neighbour links load the kept day with the post: a post page
    costs the same queries whether imported or not."""
    settings.TIME_ZONE = "Europe/Berlin"
    settings.BLOG_PAGE_CACHE = False
    run(tmp_path, *(item(n, slug=f"b{n}", date=f"2025-01-0{n} 23:30:00",
                         date_gmt=f"2025-01-0{n + 1} 04:30:00") for n in range(1, 6)))  # fmt: skip
    with django_assert_max_num_queries(20) as queries:
        assert client.get("/2025/01/03/b3/").status_code == 200
    deferred = 'SELECT "blog_post"."id", "blog_post"."permalink_date" FROM'
    assert not [q for q in queries.captured_queries if q["sql"].startswith(deferred)]
