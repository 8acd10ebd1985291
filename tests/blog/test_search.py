"""German full-text search as readers type it, the same on SQLite and PostgreSQL (issue #14).

Run on both: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pytest tests/blog/test_search.py
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from blog import search
from blog.models import Page, Post, SearchEntry
from tests.factories import PageFactory, PostFactory, UserFactory
from tests.html import post_titles, select

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


def found(client, term: str) -> list[str]:
    return post_titles(client.get("/", {"s": term}))


@pytest.mark.parametrize(
    ("words", "stem"),
    [
        (["Trainings", "training", "TRAINING"], "training"),
        (["kunden", "Kunde", "Kunden"], "kund"),
        (["Übungen", "übung", "uebung", "Uebungen", "ÜBUNG"], "ubung"),
        (["Grüße", "grüsse", "gruesse", "GRÜSSE"], "gruss"),
        (["Café", "cafe", "CAFÉ"], "caf"),
    ],
)
def test_words_as_readers_type_them_share_one_stem(words, stem):
    """Inflections, case, umlauts typed as ae/oe/ue/ss and accents all come to one stem."""
    assert {search.stem(w) for w in words} == {stem}


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Trainings", "Heute stand ein hartes training an."),
        ("kunden", "Ein Kunde rief an."),
        ("Übungen", "Die erste Übung war leicht."),
        ("uebung", "Die erste Übung war leicht."),
        ("grüsse", "Viele Grüße aus Berlin."),
        ("gruesse", "Viele Grüße aus Berlin."),
        ("café", "Wir saßen im Cafe am Markt."),
        ("STRASSE", "Die Straße war nass."),
    ],
)
def test_search_finds_german_words_as_readers_type_them(client, typed, written):
    """Stemming, umlauts as ae/oe/ue/ss, case and accents: the post is found."""
    PostFactory(title="ein tag", body=written)
    PostFactory(title="anderer tag", body="Nichts davon steht hier.")
    assert found(client, typed) == ["ein tag"]


def test_every_word_must_be_found(client):
    """Two words find the posts holding both, in any form."""
    PostFactory(title="beide", body="Kunden und Trainings.")
    PostFactory(title="nur eins", body="Ein Kunde.")
    assert found(client, "kunde training") == ["beide"]


def test_title_matches_come_first_then_newest(client):
    """Titles holding every word, then titles holding some, then the text; newest first."""
    PostFactory(title="text neu", body="Training mit Kunden.", published_at=days_ago(1))
    PostFactory(title="text alt", body="Training mit Kunden.", published_at=days_ago(9))
    PostFactory(title="Kunden", body="Ein Training.", published_at=days_ago(5))
    PostFactory(title="Kundentraining? Nein: Training für Kunden", published_at=days_ago(20))
    PostFactory(title="Trainings", body="für kunden", published_at=days_ago(30))
    assert found(client, "training kunde") == [
        "Kundentraining? Nein: Training für Kunden",
        "Kunden",
        "Trainings",
        "text neu",
        "text alt",
    ]


def test_pages_are_found_too(client):
    """A published page is a hit, linked at its address; draft and trashed pages are not."""
    page = PageFactory(title="Über mich", body="Ich schreibe über Trainings.")
    PageFactory(title="Entwurf", body="Training.", status=Page.Status.DRAFT)
    PageFactory(title="Weg", body="Training.", status=Page.Status.TRASH)
    PostFactory(title="ein beitrag", body="Training.", published_at=days_ago(3))
    response = client.get("/", {"s": "training"})
    assert post_titles(response) == ["Über mich", "ein beitrag"]  # the page is newer
    (link,) = [a for a in select(response, "a", rel="bookmark") if a.clean_text == "Über mich"]
    assert link.attrs["href"] == page.get_absolute_url()
    assert select(response, "article", "page-summary", id_=f"page-{page.pk}")


def test_hidden_posts_are_never_found(client, author):
    """Drafts, private, scheduled and trashed posts are no hits for readers."""
    PostFactory(title="entwurf", body="Training.", status=Post.Status.DRAFT)
    PostFactory(title="privat", body="Training.", visibility=Post.Visibility.PRIVATE)
    PostFactory(
        title="später", body="Training.", published_at=timezone.now() + datetime.timedelta(days=1)
    )
    PostFactory(title="papierkorb", body="Training.", status=Post.Status.TRASH)
    PostFactory(title="offen", body="Training.")
    assert found(client, "training") == ["offen"]


def test_staff_find_private_posts(client, author):
    """Staff, who see private posts in lists, find them too; drafts stay out."""
    PostFactory(title="privat", body="Training.", visibility=Post.Visibility.PRIVATE)
    PostFactory(title="entwurf", body="Training.", status=Post.Status.DRAFT)
    client.force_login(author)
    assert found(client, "training") == ["privat"]


def test_protected_post_matches_on_its_title_only(client):
    """Its title's words (in any form) find it; its text's words do not, and no snippet."""
    PostFactory(
        title="Trainingstagebücher",
        body="Die Kunden kamen.",
        visibility=Post.Visibility.PASSWORD,
        password="sesam",
    )
    assert found(client, "kunden") == []
    assert found(client, "trainingstagebuch kunden") == []
    response = client.get("/", {"s": "TRAININGSTAGEBUCH"})
    assert post_titles(response) == ["Trainingstagebücher"]
    (summary,) = select(response, "div", "entry-summary")
    assert summary.clean_text == "Dieser Beitrag ist passwortgeschützt."
    assert "Kunden" not in response.content.decode()


def test_each_hit_shows_the_words_found_marked(client):
    """The snippet is the text around the words found, each in <mark>, the rest escaped."""
    PostFactory(
        title="ein tag",
        body="Anfang. "
        + "Füllwort " * 40
        + "Dann kamen die Kunden (3 < 4) & ihre Übungen zum Training.",
    )
    response = client.get("/", {"s": "kunde uebung"})
    (summary,) = select(response, "div", "entry-summary")
    assert [m.clean_text for m in select(response, "mark")] == ["Kunden", "Übungen"]
    html = response.content.decode()
    assert "die <mark>Kunden</mark> (3 &lt; 4) &amp; ihre <mark>Übungen</mark> zum Training" in html
    assert summary.clean_text.startswith("… Füllwort")
    assert "Anfang" not in summary.clean_text


def test_a_title_only_hit_shows_its_summary(client):
    """When only the title holds the word, the hit shows the post's summary unmarked."""
    PostFactory(title="Training", body="Heute war es kalt.")
    response = client.get("/", {"s": "training"})
    (summary,) = select(response, "div", "entry-summary")
    assert summary.clean_text == "Heute war es kalt."
    assert not select(response, "mark")


def test_the_result_count_counts_posts_and_pages(client):
    """ "2 Ergebnisse gefunden." for a post and a page."""
    PostFactory(title="eins", body="Training.")
    PageFactory(title="zwei", body="Training.")
    (count,) = select(client.get("/", {"s": "training"}), "p", "result-count")
    assert count.clean_text == "2 Ergebnisse gefunden."


def test_the_index_follows_edits_and_deletions(client):
    """Saving a post re-indexes it at once; a deleted post or page leaves the index."""
    post = PostFactory(title="ein tag", body="Laufen im Regen.")
    page = PageFactory(title="Seite", body="Regen.")
    assert found(client, "regen") == ["Seite", "ein tag"]
    post.body = "Schwimmen im See."
    post.save()
    page.delete()
    assert found(client, "regen") == []
    assert found(client, "schwimmen") == ["ein tag"]
    post.delete()
    assert found(client, "schwimmen") == []
    assert not SearchEntry.objects.exists()


def test_rebuild_search_index_command_restores_the_index(client):
    """With the index emptied, the command fills it again from every post and page."""
    PostFactory(title="ein tag", body="Kunden.")
    PageFactory(title="Seite", body="Kunden.")
    SearchEntry.objects.all().delete()
    assert found(client, "kunde") == []
    out = _call("rebuild_search_index")
    assert "2" in out
    assert found(client, "kunde") == ["Seite", "ein tag"]
    assert SearchEntry.objects.count() == 2


def test_rebuild_after_an_update_around_django(client):
    """A text changed with a bare UPDATE is found after the rebuild, the old one no more."""
    post = PostFactory(title="ein tag", body="Kunden.")
    Post.objects.filter(pk=post.pk).update(body_html="<p>Training.</p>", title="neu")
    assert found(client, "training") == []
    _call("rebuild_search_index")
    assert found(client, "training") == ["neu"]
    assert found(client, "kunde") == []


def _call(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_search_runs_on_the_full_text_index():
    """The database's own full-text index answers: FTS5 on SQLite (titles in a column of
    their own), GIN indexes on PostgreSQL (title and text, the titles alone)."""
    PostFactory(title="ein tag", body="Kunden.")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH 'kund'"  # noqa: S608
            )
            assert len(cursor.fetchall()) == 1
            cursor.execute(
                f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH %s",  # noqa: S608
                ["title_terms : tag"],
            )
            assert len(cursor.fetchall()) == 1
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'blog_searchentry'"
                " AND indexdef LIKE '%gin%' ORDER BY indexname"
            )
            (text, text_def), (title, title_def) = cursor.fetchall()
            assert (text, title) == ("blog_searchentry_fts", "blog_searchentry_title_fts")
            assert text_def.endswith("USING gin (document)")
            assert title_def.endswith("USING gin (title_document)")


def test_staff_user_fixture_is_not_needed_for_readers(client):
    """Anonymous readers and logged-in non-staff users get the same hits."""
    PostFactory(title="privat", body="Training.", visibility=Post.Visibility.PRIVATE)
    PostFactory(title="offen", body="Training.")
    client.force_login(UserFactory(username="leser"))
    assert found(client, "training") == ["offen"]


def test_a_search_shows_the_newest_it_found_up_to_its_limit(client, monkeypatch):
    """More hits than RESULT_LIMIT: that many, an older post whose title holds the word
    first, then the newest; said as "more than" (issue #14)."""
    monkeypatch.setattr(search, "RESULT_LIMIT", 3)
    PostFactory(title="Training alt", body="Nichts.", published_at=days_ago(30))
    for n in range(1, 5):
        PostFactory(title=f"text {n}", body="Ein Training.", published_at=days_ago(n))
    PageFactory(title="Seite", body="Training.")  # created now: the newest hit
    PostFactory(title="Training geheim", body="Training.", visibility=Post.Visibility.PRIVATE)
    response = client.get("/", {"s": "trainings"})
    assert post_titles(response) == ["Training alt", "Seite", "text 1"]
    (count,) = select(response, "p", "result-count")
    assert count.clean_text == (
        "Mehr als 3 Ergebnisse gefunden: zuerst die mit allen Wörtern im Titel, dann die "
        "neuesten. Ein weiteres Wort grenzt die Suche ein."
    )
    monkeypatch.setattr(search, "RESULT_LIMIT", 6)
    response = client.get("/", {"s": "trainings"})
    assert post_titles(response) == [
        "Training alt",
        "Seite",
        "text 1",
        "text 2",
        "text 3",
        "text 4",
    ]
    (count,) = select(response, "p", "result-count")
    assert count.clean_text == "6 Ergebnisse gefunden."


def test_the_limit_counts_only_what_the_reader_may_find(client, monkeypatch):
    """Protected posts found by their text and private posts do not fill the limit."""
    monkeypatch.setattr(search, "RESULT_LIMIT", 2)
    PostFactory(title="alt", body="Kunden.", published_at=days_ago(9))
    PostFactory(title="älter", body="Kunden.", published_at=days_ago(10))
    for n in range(3):
        PostFactory(
            title=f"geschützt {n}",
            body="Kunden.",
            visibility=Post.Visibility.PASSWORD,
            password="sesam",
            published_at=days_ago(n),
        )
        PostFactory(title=f"privat {n}", body="Kunden.", visibility=Post.Visibility.PRIVATE)
    response = client.get("/", {"s": "kunde"})
    assert post_titles(response) == ["alt", "älter"]
    (count,) = select(response, "p", "result-count")
    assert count.clean_text == "2 Ergebnisse gefunden."


def test_result_pages_end_at_the_limit(client, monkeypatch):
    """Pages of results go as far as the limit: the next page is no page."""
    monkeypatch.setattr(search, "RESULT_LIMIT", 12)
    for n in range(15):
        PostFactory(title=f"text {n}", body="Regen.", published_at=days_ago(n + 1))
    second = client.get("/page/2/", {"s": "regen"})
    assert post_titles(second) == ["text 10", "text 11"]
    assert client.get("/page/3/", {"s": "regen"}).status_code == 404


def test_an_old_post_titled_with_every_word_is_found_among_many_newer_hits(client, monkeypatch):
    """A reader searching "hartes training" finds the old post titled so first, though
    more than RESULT_LIMIT newer posts hold both words in their text; so does an old page
    and a password-protected post titled so; a draft, a private post (for readers) and a
    post whose title holds one word only do not come along from the past (issue #14)."""
    monkeypatch.setattr(search, "RESULT_LIMIT", 4)
    PostFactory(title="Hartes Training", body="Es war kalt.", published_at=days_ago(400))
    PostFactory(title="Training", body="Ein hartes Training.", published_at=days_ago(380))
    PostFactory(
        title="Harte Trainings",
        body="Kunden.",
        visibility=Post.Visibility.PASSWORD,
        password="sesam",
        published_at=days_ago(390),
    )
    PostFactory(
        title="Hartes Training privat",
        visibility=Post.Visibility.PRIVATE,
        published_at=days_ago(370),
    )
    PostFactory(title="Hartes Training Entwurf", status=Post.Status.DRAFT)
    page = PageFactory(title="Über hartes Training", body="Seite.")
    PageFactory(title="Hartes Training Seitenentwurf", status=Page.Status.DRAFT)
    PageFactory(title="Hartes Training weg", status=Page.Status.TRASH)
    PostFactory.create_batch(6, title="text", body="Heute: hartes Training.")
    Page.objects.filter(pk=page.pk).update(created_at=days_ago(500))
    response = client.get("/", {"s": "hartes training"})
    assert post_titles(response) == [
        "Harte Trainings",
        "Hartes Training",
        "Über hartes Training",
        "text",
    ]
    (count,) = select(response, "p", "result-count")
    assert count.clean_text.startswith("Mehr als 4 Ergebnisse gefunden")
    # Staff find the private post by its title too, still no draft.
    client.force_login(UserFactory(username="redaktion", is_staff=True))
    assert found(client, "hartes training")[:4] == [
        "Hartes Training privat",
        "Harte Trainings",
        "Hartes Training",
        "Über hartes Training",
    ]


def test_title_matches_alone_are_bounded_by_the_limit(client, monkeypatch):
    """More titles holding every word than RESULT_LIMIT: the newest of them, "more than"."""
    monkeypatch.setattr(search, "RESULT_LIMIT", 2)
    for n in range(3):
        PostFactory(title=f"Regen {n}", body="Nass.", published_at=days_ago(n + 1))
    response = client.get("/", {"s": "regen"})
    assert post_titles(response) == ["Regen 0", "Regen 1"]
    (count,) = select(response, "p", "result-count")
    assert count.clean_text.startswith("Mehr als 2 Ergebnisse gefunden")
