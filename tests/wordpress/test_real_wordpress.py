"""Against a real WordPress (issue #13): `make test-wordpress`.

bench/wordpress/scenario.php creates content through WordPress's own PHP API in the
benchmark's WordPress (Debian's, `make bench-wordpress`), in a site time zone that is
not this blog's, exports it with WordPress's own exporter and writes down what
WordPress's database and URL functions say. Each test imports that export (and the same
with https namespaces, as WordPress.com writes them) and compares item by item: posts
and pages by type and status, dates, GUIDs, terms, the author, every comment's parent,
status and type, and every public address of WordPress, asked of WordPress itself over
HTTP and of this blog: 200 at the same address, or 301 to the same content (the same
title, the same posts listed, the same feed ids, an image for an image).
It runs only with WP_SCENARIO=1 (make test-wordpress), and then fails when WordPress is
not set up: the scenario empties that WordPress, so the suite's parallel workers must
not run it side by side.
"""

import collections
import datetime
import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from defusedxml import ElementTree as ET
from django.contrib.auth import get_user_model
from django.utils.encoding import uri_to_iri

from blog.models import Category, Page, Post, Tag
from comments.models import Comment
from tests.html import select
from wordpress.importer import Importer
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "bench" / "wordpress" / "scenario.php"
WORDPRESS = Path("/usr/share/wordpress/wp-load.php")
CONFIG = Path("/etc/wordpress/config-wpbench.php")
STATUSES = {"1": "approved", "0": "pending", "spam": "spam"}
# What WordPress's Twenty Twenty-One puts before the title of a protected or private post.
TITLE_PREFIXES = ("Geschützt: ", "Privat: ")


def ask_wordpress(url: str) -> dict:
    """WordPress's answer for `url` (redirects followed): status, final address, type, body."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
            body = response.read()
            return {
                "status": response.status,
                "url": response.url,
                "type": response.headers.get("content-type", ""),
                "body": body,
            }
    except urllib.error.HTTPError as error:
        return {"status": error.code, "url": url, "type": "", "body": b""}


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory):
    """The scenario's export and facts, and WordPress's answers for its public addresses,
    made once per run by the real WordPress."""
    if os.environ.get("WP_SCENARIO") != "1":
        pytest.skip("against the real WordPress: make test-wordpress")
    if not (WORDPRESS.exists() and CONFIG.exists() and shutil.which("php")):
        pytest.fail("WordPress is not set up: bash bench/wordpress/setup.sh (root)")
    out = tmp_path_factory.mktemp("wordpress")
    export, facts = out / "export.xml", out / "facts.json"
    subprocess.run(["php", str(SCENARIO), str(export), str(facts)], check=True, capture_output=True)
    https = out / "export-https.xml"
    https.write_text(
        export.read_text(encoding="utf-8").replace(
            "http://wordpress.org/export/", "https://wordpress.org/export/"
        ),
        encoding="utf-8",
    )
    facts = json.loads(facts.read_text(encoding="utf-8"))
    answers = {entry["url"]: ask_wordpress(entry["url"]) for entry in facts["urls"]}
    return {"http": export, "https": https, "facts": facts, "answers": answers}


@pytest.fixture(params=["http", "https"])
def imported(request, wordpress, settings, tmp_path):
    """The export imported into this blog (Europe/Berlin), with WordPress's uploads."""
    settings.TIME_ZONE = "Europe/Berlin"
    settings.MEDIA_ROOT = tmp_path / "media"
    media_dir = wordpress["facts"]["upload_dir"]
    report = Importer(wordpress[request.param], media_dir=media_dir).run()
    return wordpress["facts"], report


def mapped(kind, wp_id):
    return ImportedObject.objects.get(kind=kind, wp_id=wp_id)


def utc(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)


def by_id(facts) -> dict:
    return {c["id"]: c for c in facts["comments"]}


def expected_parent(comment, comments: dict) -> int | None:
    """Where a comment's reply sits after the import: under its parent, or, when the
    parent stays behind, under the nearest ancestor that came along (a trashed parent,
    as here when a comment is deleted), or at the top when the parent is spam (which
    WordPress's exporter leaves out, so nothing above it is known) or a ping."""
    parent = comments.get(comment["parent"])
    while parent is not None and parent["approved"] == "trash":
        parent = comments.get(parent["parent"])
    if parent is None or parent["approved"] == "spam" or parent["type"] != "comment":
        return None
    return parent["id"]


def test_every_post_and_page_by_type_and_status(imported):
    """Every post and page is here under its WordPress ID, in the status WordPress's
    maps to; the trash stays behind; the counts by type and status agree."""
    facts, report = imported
    ours = collections.Counter()
    for post in facts["posts"]:
        kind, status = post["type"], post["status"]
        if kind not in ("post", "page"):
            continue
        rows = ImportedObject.objects.filter(kind=kind, wp_id=post["id"])
        if status in ("trash", "auto-draft"):
            assert not rows.exists(), post
            continue
        row = rows.get()
        if kind == "page":
            page = row.page
            assert page.status == ("published" if status == "publish" else "draft"), post
            assert page.title == post["title"], post
            assert page.comments_open == (post["comment_status"] == "open"), post
            ours[(kind, status)] += 1
            continue
        mine = row.post
        expected = {
            "publish": ("published", "public"),
            "future": ("published", "public"),
            "private": ("published", "private"),
            "draft": ("draft", "public"),
            "pending": ("pending", "public"),
        }[status]
        if expected[1] == "public" and post["password"]:
            expected = (expected[0], "password")
            assert mine.password == post["password"]
        assert (mine.status, mine.visibility) == expected, post
        assert (mine.title, mine.is_sticky) == (post["title"], post["sticky"]), post
        assert mine.comments_open == (post["comment_status"] == "open"), post
        ours[(kind, status)] += 1
    theirs = collections.Counter(
        (p["type"], p["status"])
        for p in facts["posts"]
        if p["type"] in ("post", "page") and p["status"] != "trash"
    )
    assert ours == theirs
    assert Post.objects.count() == sum(n for (kind, _s), n in theirs.items() if kind == "post")
    assert Page.objects.count() == sum(n for (kind, _s), n in theirs.items() if kind == "page")
    assert report.skipped["posts in the trash"] == 1
    assert report.converted["private pages imported as drafts"] == 1


def test_dates_addresses_and_guids(imported):
    """Dates (UTC), the last change, the permalink exactly as WordPress gave it (the
    late-evening posts of New York too), the GUID, the author with her display name."""
    facts, _report = imported
    anna = get_user_model().objects.get(username=facts["author"]["login"])
    assert anna.get_full_name() == facts["author"]["display_name"]
    for post in facts["posts"]:
        if post["type"] != "post" or post["status"] in ("trash", "draft", "pending"):
            continue
        ours = mapped("post", post["id"]).post
        assert ours.published_at == utc(post["date_gmt"]), post
        assert ours.updated_at == utc(post["modified_gmt"]), post
        assert ours.guid == post["guid"], post
        assert ours.author.username == post["author_login"], post
        if post["status"] == "publish":
            assert uri_to_iri(ours.get_absolute_url()) == urlsplit(post["permalink"]).path
    assert Post.objects.filter(author=anna).count() == facts["author"]["posts"]


def test_every_comment_with_its_parent_status_and_type(wordpress, imported):
    """Every comment WordPress exported (all but spam, which its exporter leaves out),
    on posts and pages: its status, type, date, author and parent (see
    expected_parent); trash stays behind; the counts by type and status agree, and so
    does each post's and page's comment count."""
    facts, report = imported
    exported = wordpress["http"].read_text(encoding="utf-8").count("<wp:comment>")
    assert exported == facts["exported_comments"] < len(facts["comments"])
    comments = by_id(facts)
    targets = {p["id"]: p for p in facts["posts"]}
    theirs = collections.Counter()
    for comment in facts["comments"]:
        ours = Comment.objects.filter(pk=comment["id"]).first()
        if comment["approved"] in ("trash", "spam"):
            assert ours is None, comment
            continue
        theirs[(comment["type"], STATUSES[comment["approved"]])] += 1
        assert ours is not None, comment
        assert ours.status == STATUSES[comment["approved"]], comment
        assert ours.comment_type == comment["type"], comment
        assert ours.created_at == utc(comment["date_gmt"]), comment
        assert (ours.author_name, ours.author_url) == (comment["author"], comment["url"])
        assert ours.parent_id == expected_parent(comment, comments), comment
        target = targets[comment["post"]]
        if target["type"] == "page":
            assert ours.page == mapped("page", target["id"]).page, comment
        else:
            assert ours.post == mapped("post", target["id"]).post, comment
    counted = collections.Counter(Comment.objects.values_list("comment_type", "status"))
    assert counted == theirs
    assert (
        sum(theirs.values()) == facts["exported_comments"] - report.skipped["comments in the trash"]
    )
    for target in targets.values():
        if target["type"] not in ("post", "page") or target["status"] == "trash":
            continue
        # WordPress counts its approved pings among the comments; here they are apart.
        pings = sum(
            1
            for c in facts["comments"]
            if c["post"] == target["id"] and c["approved"] == "1" and c["type"] != "comment"
        )
        row = mapped(target["type"], target["id"])
        ours = row.post if target["type"] == "post" else row.page
        assert ours.comment_count == target["comment_count"] - pings, target


def test_terms(imported):
    """Categories with their parents, tags with their umlauts: names and slugs as in
    WordPress, each holding the same posts."""
    facts, _report = imported
    for term in facts["terms"]:
        model = Category if term["taxonomy"] == "category" else Tag
        ours = model.objects.get(slug=term["slug"])
        assert ours.name == term["name"], term
        if model is Category:
            assert (ours.parent.slug if ours.parent else "") == term["parent"], term
        # WordPress counts the published posts (not private or scheduled ones).
        listed = ours.posts.published().exclude(visibility=Post.Visibility.PRIVATE)
        assert listed.count() == term["count"], term


def entry_titles(html: str) -> list[str]:
    """The titles of the entries a page shows, as both themes mark them up."""
    titles = re.findall(
        r'<h[12] class="entry-title[^"]*">(?:<a [^>]*>)?(.*?)</', html, flags=re.DOTALL
    )
    out = []
    for title in titles:
        title = unescape(title).strip()
        for prefix in TITLE_PREFIXES:
            title = title.removeprefix(prefix)
        out.append(title)
    return out


def comment_items(body: bytes) -> set[int]:
    """The comments and pings a page shows (li id="comment-N")."""
    return {int(n) for n in re.findall(rb'<li id="comment-(\d+)"', body)}


def feed_ids(body: bytes) -> list[str]:
    """The ids of a feed's entries: RSS guid or Atom id."""
    root = ET.fromstring(body)
    ids = [e.text for e in root.iter("guid")]
    return ids or [e.text for e in root.iter("{http://www.w3.org/2005/Atom}id")][1:]


def comment_numbers(body: bytes) -> list[str]:
    """The comment ids a comment feed links to (#comment-N), newest first."""
    root = ET.fromstring(body)
    return [
        link.text.rsplit("#comment-", 1)[1]
        for link in root.iter("link")
        if link.text and "#comment-" in link.text
    ]


def sitemap_paths(client, body: bytes, seen=None) -> set[str]:
    """Every <loc> of a sitemap or sitemap index (sections followed), as paths."""
    seen = set() if seen is None else seen
    paths = set()
    for loc in ET.fromstring(body).iter():
        if not loc.tag.endswith("}loc") or not loc.text:
            continue
        path = urlsplit(loc.text.strip()).path
        if path.endswith(".xml") and path not in seen:
            seen.add(path)
            paths |= sitemap_paths(client, follow(client, path).content, seen)
        else:
            paths.add(uri_to_iri(path))
    return paths


def follow(client, path):
    """Our answer for `path`, up to three 301s followed; only 301s."""
    response = client.get(path)
    for _hop in range(3):
        if response.status_code != 301:
            break
        response = client.get(response["Location"])
    return response


def test_every_public_url_answers_with_the_same_content(client, wordpress, imported):
    """Each public address WordPress answers (asked of WordPress itself) answers 200 here
    at the same address or after 301s, with the same content: the same title for a post
    or page (the protected post's without WordPress's "Geschützt: "), the same posts on
    an archive, the same ids in a feed, the same newest comments in a comment feed
    (pings among them, as WordPress's), an image for an image, the same posts and pages
    in the sitemap; an attachment page leads to its image or its post."""
    facts, _report = imported
    titles = {p["id"]: p["title"] for p in facts["posts"]}
    comments = by_id(facts)
    moved_up = {
        c["id"]
        for c in facts["comments"]
        if c["approved"] == "1"
        and comments.get(c["parent"], {}).get("approved") in ("trash", "spam")
    }
    seen = set()
    checked = collections.Counter()
    for entry in facts["urls"]:
        url, kind = entry["url"], entry["kind"]
        theirs = wordpress["answers"][url]
        assert theirs["status"] == 200, (url, theirs["status"])
        parts = urlsplit(url)
        ours = follow(client, parts.path + (f"?{parts.query}" if parts.query else ""))
        assert ours.status_code == 200, (url, ours.status_code)
        body = ours.content if not ours.streaming else b"".join(ours.streaming_content)
        if kind in ("single", "archive"):
            expected = entry_titles(theirs["body"].decode())
            shown = entry_titles(body.decode())
            if kind == "single":
                assert shown[:1] == expected[:1], url
                # The same comments and pings, on posts and on pages; and the replies
                # to comments that stay behind (trash, spam): WordPress hides them until
                # its trash is emptied (wp_delete_comment moves them up), here they are
                # moved up at once.
                shown_here, shown_there = comment_items(body), comment_items(theirs["body"])
                assert shown_there <= shown_here, url
                assert shown_here - shown_there <= moved_up, url
                seen |= shown_here
            else:
                assert sorted(shown) == sorted(expected), url
        elif kind == "feed":
            assert feed_ids(body) == feed_ids(theirs["body"]), url
        elif kind == "comment-feed":
            wp_ids, our_ids = comment_numbers(theirs["body"]), comment_numbers(body)
            shared = min(len(wp_ids), len(our_ids))
            assert our_ids[:shared] == wp_ids[:shared], (url, wp_ids, our_ids)
            assert bool(our_ids) == bool(wp_ids), (url, wp_ids, our_ids)
        elif kind == "file":
            assert ours["Content-Type"].startswith("image/"), url
        elif kind == "attachment":
            is_image = ours["Content-Type"].startswith("image/")
            late = titles[facts["late"]]
            assert is_image or entry_titles(body.decode())[:1] == [late], url
        elif kind == "sitemap":
            wp_paths = sitemap_paths_of_wordpress(theirs["body"])
            assert wp_paths <= sitemap_paths(client, body), url
        checked[kind] += 1
    assert sum(checked.values()) == len(facts["urls"])
    assert moved_up <= seen and len(moved_up) == 3


def sitemap_paths_of_wordpress(body: bytes) -> set[str]:
    """The posts and pages a sitemap of WordPress lists (its index: none)."""
    paths = set()
    for loc in ET.fromstring(body).iter():
        if loc.tag.endswith("}loc") and loc.text and not loc.text.strip().endswith(".xml"):
            path = uri_to_iri(urlsplit(loc.text.strip()).path)
            if not path.startswith(("/category/", "/tag/", "/author/")) and path != "/":
                paths.add(path)
    return paths


def test_the_pings_are_listed_apart(client, imported):
    """The approved pings of the late-evening post follow its thread in their own list,
    each linking to its source; held and spam ones are not shown."""
    facts, _report = imported
    late = mapped("post", facts["late"]).post
    html = client.get(late.get_absolute_url()).content.decode()
    listed = {
        e.attrs["href"] for e in select(html, "a", "url") if e.within("section", "pings-area")
    }
    expected = {
        c["url"]
        for c in facts["comments"]
        if c["post"] == facts["late"] and c["type"] != "comment" and c["approved"] == "1"
    }
    assert listed == expected and len(expected) == 2
    thread = {e.attrs.get("id") for e in select(html, "li") if e.within("ol", "comment-list")}
    assert not any(f"comment-{c}" in thread for c in pings_of(facts, "0"))


def pings_of(facts, approved: str) -> list[int]:
    return [
        c["id"] for c in facts["comments"] if c["type"] != "comment" and c["approved"] == approved
    ]


def test_what_readers_may_not_see_is_404(client, imported):
    """?p= of a draft, pending, private, scheduled or trashed post and ?page_id= of a
    draft or private page are 404, and so is a password-protected post's comment feed
    (WordPress gives one with the text withheld)."""
    facts, _report = imported
    for wp_id in facts["hidden"]:
        assert client.get(f"/?p={wp_id}").status_code == 404, wp_id
    for wp_id in facts["hidden_pages"]:
        assert client.get(f"/?page_id={wp_id}").status_code == 404, wp_id
    assert client.get(urlsplit(facts["protected_feed"]).path).status_code == 404


def test_pages_in_their_hierarchy(imported):
    """Each page sits below its parent, at WordPress's address."""
    facts, _report = imported
    for post in facts["posts"]:
        if post["type"] != "page" or post["status"] == "trash":
            continue
        page = mapped("page", post["id"]).page
        parent = mapped("page", post["parent"]).page if post["parent"] else None
        assert page.parent == parent, post
        if post["status"] == "publish":
            assert uri_to_iri(page.get_absolute_url()) == urlsplit(post["permalink"]).path
    assert Page.objects.filter(parent__isnull=False).count() == 2


def test_more_nextpage_and_shortcodes_as_wordpress_shows_them(client, wordpress, imported):
    """<!--more--> ends the text on the home page, [caption] becomes the image with its
    caption, [gallery] the image, an unknown shortcode stays as text and is reported:
    what WordPress shows, here too. <!--nextpage--> is converted: WordPress splits the
    post at …/2/, here it is one page (and …/2/ leads to it), as the import reports."""
    facts, report = imported
    answers = wordpress["answers"]
    posts = {p["title"]: p for p in facts["posts"] if p["type"] == "post"}
    late = posts["Spät am Abend"]["permalink"]
    summer = posts["Sommerzeit kurz vor Mitternacht"]["permalink"]
    home = next(e["url"] for e in facts["urls"] if urlsplit(e["url"])[2:4] == ("/", ""))
    # Address: {text: (shown by WordPress, shown here)}.
    expectations = {
        home: {"Zweiter Absatz.": (True, True), "Nach dem Weiterlesen.": (False, False)},
        late: {"Nach dem Weiterlesen.": (True, True), "Auf der Bahn": (True, True)},
        summer: {"Seite eins.": (True, True), "Seite zwei.": (False, True)},
        summer + "2/": {"Seite eins.": (False, True), "Seite zwei.": (True, True)},
    }
    for url, shown in expectations.items():
        theirs = answers[url]["body"].decode()
        ours = follow(client, urlsplit(url).path).content.decode()
        for text, expected in shown.items():
            assert (text in theirs, text in ours) == expected, (url, text)
    for url in (summer, summer + "2/"):
        ours = follow(client, urlsplit(url).path).content.decode()
        assert "[unbekannt x=" in ours and "laufbahn" in ours, url  # the gallery's image
    assert client.get(urlsplit(summer + "2/").path).status_code == 301
    assert report.shortcodes["unbekannt"] == 1
    assert any("<!--nextpage-->" in note for note in report_notes(report))
    late_html = follow(client, urlsplit(late).path).content.decode()
    assert [e.clean_text for e in select(late_html, "figcaption")] == ["Auf der Bahn"]


def report_notes(report) -> list[str]:
    return [*report.warnings, *report.converted, *getattr(report, "notes", [])]
