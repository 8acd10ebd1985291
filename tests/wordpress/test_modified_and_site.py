"""The import keeps WordPress's last changes and takes the site's title (issue #13)."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from blog.models import Page, Post, SiteSettings
from tests.wordpress.build import item, write, wxr
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def sitemap_lastmods(client) -> dict[str, str]:
    """Every <url>'s path and <lastmod> of the sitemap, following a sitemap index."""
    found, queue = {}, ["/sitemap.xml"]
    while queue:
        text = client.get(queue.pop()).content.decode()
        if "<sitemapindex" in text:
            queue += [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", text)]
            continue
        for entry in re.findall(r"<url>(.*?)</url>", text, re.S):
            loc = re.search(r"<loc>([^<]+)</loc>", entry).group(1)
            lastmod = re.search(r"<lastmod>([^<]+)</lastmod>", entry)
            found[urlsplit(loc).path] = lastmod.group(1) if lastmod else ""
    return found


def test_last_change_is_wordpress_s(tmp_path, client, settings):
    """post_modified_gmt is the post's last change: on the page ("Aktualisiert"), in the
    Atom feed's <updated> and the sitemap's <lastmod>, not the day of the import."""
    settings.TIME_ZONE = "Europe/Berlin"
    text = wxr(
        item(1, "Geändert", slug="geaendert", date="2024-03-01 10:00:00",
             modified="2024-05-02 12:30:00", modified_gmt="2024-05-02 10:30:00"),
        item(2, "Seite", slug="seite", post_type="page", date="2023-01-01 10:00:00",
             modified="2023-06-01 10:00:00"),
    )  # fmt: skip
    Importer(write(tmp_path, text)).run()
    post = Post.objects.get(slug="geaendert")
    assert post.updated_at == datetime.datetime(2024, 5, 2, 10, 30, tzinfo=UTC)
    assert Page.objects.get(slug="seite").updated_at == datetime.datetime(
        2023, 6, 1, 10, tzinfo=UTC
    )
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'Aktualisiert: <time datetime="2024-05-02T12:30:00+0200">2. Mai 2024</time>' in page
    atom = client.get("/feed/atom/").content.decode()
    assert "<updated>2024-05-02T10:30:00+00:00</updated>" in atom
    lastmods = sitemap_lastmods(client)
    assert lastmods[post.get_absolute_url()] == "2024-05-02"
    assert lastmods["/seite/"] == "2023-06-01"


def test_without_a_last_change_the_publish_date(tmp_path, client):
    """An export without post_modified (older WordPress): updated is the publish date,
    and the page says nothing of an update."""
    Importer(write(tmp_path, wxr(item(1, slug="alt", date="2020-02-02 10:00:00")))).run()
    post = Post.objects.get(slug="alt")
    assert post.updated_at == post.published_at
    assert "Aktualisiert" not in client.get(post.get_absolute_url()).content.decode()


def test_site_title_and_tagline_taken_while_defaults(tmp_path, capsys):
    """A blog with the default title and no tagline takes the channel's; the summary says so."""
    call_command("import_wordpress", str(write(tmp_path, wxr(item(1)))))
    site = SiteSettings.objects.get()
    assert (site.title, site.tagline) == ("Olivers Blog", "Training und Arbeit")
    out = capsys.readouterr().out
    assert "title taken from the export: “Olivers Blog”" in out
    assert "tagline taken from the export: “Training und Arbeit”" in out


def test_own_site_title_is_kept(tmp_path, capsys):
    """A title the author set stays; the summary names both."""
    SiteSettings.objects.create(pk=1, title="Mein neuer Blog")
    call_command("import_wordpress", str(write(tmp_path, wxr(item(1)))))
    site = SiteSettings.objects.get()
    assert (site.title, site.tagline) == ("Mein neuer Blog", "Training und Arbeit")
    out = capsys.readouterr().out
    assert "title kept: “Mein neuer Blog” (the export has “Olivers Blog”)" in out


def test_wordpress_default_tagline_is_not_taken(tmp_path):
    """WordPress's own "Eine weitere WordPress-Website" is no tagline of the old blog."""
    text = wxr(item(1)).replace(
        "<description>Training und Arbeit</description>",
        "<description>Eine weitere WordPress-Website</description>",
    )
    report = Importer(write(tmp_path, text)).run()
    assert SiteSettings.objects.get().tagline == ""
    assert any("WordPress's default" in line for line in report.site)
