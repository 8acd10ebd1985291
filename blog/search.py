"""German full-text search over posts and pages (/?s=term), the same on SQLite and
PostgreSQL (issue #14).

The index: one `SearchEntry` per post and page, holding the words of its title and text
as German stems, made here in Python with the Snowball stemmer PostgreSQL's "german"
configuration uses too ("Trainings" → "training", "Übungen", "uebungen" → "ubung",
"Grüße", "gruesse" → "gruss"; case and accents folded). Both databases index those stems
as they are: PostgreSQL in stored `to_tsvector('simple', …)` columns with a GIN index,
SQLite in an FTS5 table kept in step with the entries by triggers (migration 0015).
Stemming once, in one place, is what makes a search find the same posts on both;
PostgreSQL's own German dictionary leaves "uebung" and "übung" apart.

Entries follow every save of a post or page (the receivers below); `manage.py
rebuild_search_index` makes them all afresh. Results: what the reader may list
(Post.objects.listed_for, published pages), titles holding every word first, then
titles holding some, then the rest, newest first in each group, as WordPress orders
them. A password-protected post matches on its title only, unless the reader may read
it without the password (staff): otherwise a few hundred searches would spell out its
text (issue #10).

Bounded, as big search engines are: a search ranks, counts and pages the newest
RESULT_LIMIT entries it finds, read newest first through the index of the posts' dates
(or the full-text index, when the words are rare) and stopping there; more than that
is said as "more than 200 results" with the advice to add a word. A word in every
fifth post of a blog of 10,000 would otherwise have 2,000 hits read, ranked and counted
for every page of results (issue #14). The posts and pages whose title holds every word
come first however old they are: the newest RESULT_LIMIT of them are read through an
index of the titles alone (PostgreSQL: GIN on `title_document`, migration 0023; SQLite:
the FTS5 table's title column) and merged with the newest hits.
"""

import functools
import re
import threading
import unicodedata

import snowballstemmer
from django.db import connection, transaction
from django.db.models import BooleanField, IntegerField, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .markup import plain_text
from .models import Page, Post, SearchEntry, public_q, published_q

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
# Longer "words" are no words (encoded data, URLs run together) and would only bloat the index.
MAX_WORD_LENGTH = 60
# PostgreSQL refuses a tsvector over 1 MB: the index keeps the first 100,000 words.
MAX_INDEXED_WORDS = 100_000
SNIPPET_WORDS = 30
# The newest entries found that a search ranks and shows (20 pages of ten).
RESULT_LIMIT = 200
# A snippet is looked for in the first 30,000 characters of the text.
SNIPPET_SCAN = 30_000
FTS_TABLE = "blog_searchentry_fts"

_WORD = re.compile(r"[^\W_]+")
_STEMMER = snowballstemmer.stemmer("german")
_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer object keeps state while it works
_NO_UMLAUTS = str.maketrans("äöü", "aou")


def _strip_accents(word: str) -> str:
    """é → e, ç → c; ä, ö and ü stay for the stemmer, which folds them (and ae, oe, ue)."""
    if word.isascii():
        return word
    return "".join(
        ch
        if ch in "äöü"
        else "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        for ch in unicodedata.normalize("NFC", word)
    )


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A word as the index holds it: "Trainings" → "training", "Übungen" → "ubung"."""
    folded = _strip_accents(word.casefold())
    with _STEMMER_LOCK:
        stemmed = _STEMMER.stemWord(folded)
    return stemmed.translate(_NO_UMLAUTS)


def _words(text: str):
    return (w for w in _WORD.findall(text) if len(w) <= MAX_WORD_LENGTH)


def index_text(text: str) -> str:
    """The stems of a text, space-separated, as both databases index them."""
    stems = []
    for word in _words(text):
        stems.append(stem(word))
        if len(stems) >= MAX_INDEXED_WORDS:
            break
    return " ".join(stems)


def entry_fields(title: str, body_html: str) -> dict:
    """A SearchEntry's columns for a post or page with this title and rendered body."""
    text = plain_text(body_html)
    return {"title_terms": index_text(title), "body_terms": index_text(text), "text": text}


def normalise_query(raw: str) -> str:
    """The search box's text, trimmed, whitespace folded and bounded in length."""
    return " ".join(str(raw).replace("\x00", "").split())[:MAX_QUERY_LENGTH]


def terms(query: str) -> list[str]:
    """The distinct stems of a query, at most MAX_TERMS."""
    seen = []
    for word in _words(query):
        s = stem(word)
        if s not in seen:
            seen.append(s)
    return seen[:MAX_TERMS]


# The index, kept up to date


@receiver(post_save, sender=Post, dispatch_uid="blog-search-post")
@receiver(post_save, sender=Page, dispatch_uid="blog-search-page")
def index_object(sender, instance, raw=False, **kwargs):
    """Bring the entry of a saved post or page up to date (deletion cascades)."""
    if raw:  # loaddata: the entries come with the data or from rebuild_search_index
        return
    fields = entry_fields(instance.title, instance.body_html)
    owner = {"post": instance} if isinstance(instance, Post) else {"page": instance}
    entry = SearchEntry.objects.filter(**owner).first()
    if entry is None:
        SearchEntry.objects.create(**owner, **fields)
    elif any(getattr(entry, name) != value for name, value in fields.items()):
        SearchEntry.objects.filter(pk=entry.pk).update(**fields)


def rebuild(batch_size: int = 500) -> int:
    """Make every entry afresh from the posts and pages; returns how many there are."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        count = 0
        for model, owner in ((Post, "post"), (Page, "page")):
            rows = model.objects.order_by("pk").values_list("pk", "title", "body_html")
            batch = []
            for pk, title, body_html in rows.iterator(chunk_size=batch_size):
                batch.append(SearchEntry(**{f"{owner}_id": pk}, **entry_fields(title, body_html)))
                if len(batch) >= batch_size:
                    count += len(SearchEntry.objects.bulk_create(batch))
                    batch = []
            count += len(SearchEntry.objects.bulk_create(batch))
        if connection.vendor == "sqlite":
            # Whatever state the FTS5 table was in, it now follows the entries again.
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
    return count


# Searching


# The SQL below is constant text; the words searched for are always parameters.


class _PostgreSQL:
    """Stored tsvectors of the stems with a GIN index (migrations 0015 and 0019)."""

    DOCUMENT = '"blog_searchentry"."document"'
    TITLE = '"blog_searchentry"."title_document"'
    ALL = "plainto_tsquery('simple'::regconfig, %s)"

    @classmethod
    def matches(cls, stems):
        return RawSQL(f"{cls.DOCUMENT} @@ {cls.ALL}", [" ".join(stems)], BooleanField())  # noqa: S611

    @classmethod
    def title_matches(cls, stems):
        """Titles holding every word, through their own GIN index (migration 0023)."""
        return RawSQL(f"{cls.TITLE} @@ {cls.ALL}", [" ".join(stems)], BooleanField())  # noqa: S611

    @classmethod
    def title_rank(cls, stems):
        some = " || ".join([cls.ALL] * len(stems))
        return RawSQL(  # noqa: S611
            f"CASE WHEN {cls.TITLE} @@ {cls.ALL} THEN 0 WHEN {cls.TITLE} @@ ({some}) THEN 1 "
            "ELSE 2 END",
            [" ".join(stems), *stems],
            IntegerField(),
        )


class _SQLite:
    """The FTS5 table over the entries' stems (migration 0015), with triggers keeping it."""

    FOUND = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608

    @staticmethod
    def _phrases(stems) -> list[str]:
        # Stems are letters and digits only; quoted, none is read as an FTS5 operator.
        return [f'"{s}"' for s in stems]

    @classmethod
    def matches(cls, stems):
        return Q(pk__in=RawSQL(cls.FOUND, [" AND ".join(cls._phrases(stems))]))  # noqa: S611

    @classmethod
    def title_matches(cls, stems):
        """Titles holding every word: the FTS5 table's title column."""
        phrases = " AND ".join(cls._phrases(stems))
        return Q(pk__in=RawSQL(cls.FOUND, [f"title_terms : ({phrases})"]))  # noqa: S611

    @classmethod
    def title_rank(cls, stems):
        phrases = cls._phrases(stems)
        return RawSQL(  # noqa: S611
            f'CASE WHEN "blog_searchentry"."id" IN ({cls.FOUND}) THEN 0 '
            f'WHEN "blog_searchentry"."id" IN ({cls.FOUND}) THEN 1 ELSE 2 END',
            [
                f"title_terms : ({' AND '.join(phrases)})",
                f"title_terms : ({' OR '.join(phrases)})",
            ],
            IntegerField(),
        )


def _listed(user) -> Q:
    """What Post.objects.listed_for(user) lists, as a join (the index finds the entries
    first, then each one's post is looked up; a subquery would read every post)."""
    return published_q("post__") if user and user.is_staff else public_q("post__")


def _found(stems, user, backend):
    """The entries this reader may find that hold every word (not yet ranked), with
    their `title_rank`: posts, pages."""
    listed = _listed(user)
    entries = SearchEntry.objects.filter(backend.matches(stems)).annotate(
        title_rank=backend.title_rank(stems)
    )
    posts = entries.filter(listed)
    if not (user and user.is_staff):
        # A password-protected post is found by its title, never by its text (issue #10).
        posts = posts.filter(~Q(post__visibility=Post.Visibility.PASSWORD) | Q(title_rank=0))
    posts = posts.order_by("-post__published_at", "-post__id")
    pages = entries.filter(page__status=Page.Status.PUBLISHED).order_by("-page__created_at", "-pk")
    return (
        posts.values_list("post__published_at", "pk", "title_rank"),
        pages.values_list("page__created_at", "pk", "title_rank"),
    )


def _title_found(stems, user, backend):
    """The entries this reader may find whose title holds every word (`title_rank` 0),
    read through the titles' own index: posts, pages, newest first. A password-protected
    post is among them: its title is what finds it."""
    entries = SearchEntry.objects.filter(backend.title_matches(stems))
    posts = entries.filter(_listed(user)).order_by("-post__published_at", "-post__id")
    pages = entries.filter(page__status=Page.Status.PUBLISHED).order_by("-page__created_at", "-pk")
    return (
        posts.values_list("post__published_at", "pk", Value(0)),
        pages.values_list("page__created_at", "pk", Value(0)),
    )


def search(query: str, user) -> tuple[list[int], bool]:
    """(ids, more): the ids of the entries a search finds for this reader, best first,
    at most RESULT_LIMIT; `more` when it found more than those.

    Best first: titles holding every word, then some, then none; newest first in each.
    Shown are the newest RESULT_LIMIT hits and, however old, the newest RESULT_LIMIT
    whose title holds every word (read through the titles' index), the best RESULT_LIMIT
    of them: the post titled "Hartes Training" is found among 2,000 posts mentioning
    training. Load a page of them with entries().
    """
    stems = terms(query)
    if not stems:
        return [], False
    backend = _PostgreSQL if connection.vendor == "postgresql" else _SQLite
    posts, pages = _found(stems, user, backend)
    # The newest RESULT_LIMIT + 1 of each (an index read that stops there), merged.
    newest = sorted([*posts[: RESULT_LIMIT + 1], *pages[: RESULT_LIMIT + 1]], reverse=True)
    title_posts, title_pages = _title_found(stems, user, backend)
    titled = [*title_posts[:RESULT_LIMIT], *title_pages[:RESULT_LIMIT]]
    kept = {pk: (date, pk, rank) for date, pk, rank in newest[:RESULT_LIMIT]}
    kept.update((pk, (date, pk, rank)) for date, pk, rank in titled)
    # Best first: by rank, newest first within each.
    best = sorted(kept.values(), key=lambda found: (found[2], _newest_first(found)))
    more = len(newest) > RESULT_LIMIT or len(best) > RESULT_LIMIT
    return [pk for _date, pk, _rank in best[:RESULT_LIMIT]], more


def _newest_first(found):
    date, pk, _rank = found
    return (-date.timestamp(), -pk)


def entries(ids) -> list:
    """The entries with these ids, in this order, each with its post (and author) or page."""
    rows = (
        SearchEntry.objects.filter(pk__in=list(ids))
        .select_related("post__author", "page")
        .defer("title_terms", "body_terms", "post__body", "post__body_html", "post__excerpt")
        .defer("page__body", "page__body_html")
        .in_bulk()
    )
    return [rows[pk] for pk in ids if pk in rows]


def prepare_hits(found, query: str) -> list:
    """The entries of one result page, each with `item` (its post or page), `is_post`
    and `snippet`: the text around the words found, marked (none for a protected post)."""
    stems = set(terms(query))
    hits = []
    for entry in found:
        entry.is_post = entry.post is not None
        entry.item = entry.post if entry.is_post else entry.page
        hidden = entry.is_post and entry.post.is_password_protected
        entry.snippet = "" if hidden else snippet(entry.text, stems)
        hits.append(entry)
    return hits


def snippet(text: str, stems: set[str], size: int = SNIPPET_WORDS):
    """About `size` words of `text` around the most words found, each in <mark>, escaped.

    Empty when the text holds none of them (the title did).
    """
    tokens = [m for m in _WORD.finditer(text[:SNIPPET_SCAN]) if len(m.group()) <= MAX_WORD_LENGTH]
    found = [i for i, m in enumerate(tokens) if stem(m.group()) in stems]
    if not found:
        return ""
    # The window of `size` words holding the most distinct words searched for, first such.
    best, best_score = found[0], 0
    for start in found:
        score = len({stem(tokens[i].group()) for i in found if start <= i < start + size})
        if score > best_score:
            best, best_score = start, score
    first = max(0, best - 5)
    last = min(len(tokens), first + size) - 1
    marked = set(found)
    parts = ["… "] if first > 0 else []
    position = tokens[first].start()
    for i in range(first, last + 1):
        token = tokens[i]
        parts.append(escape(text[position : token.start()]))
        word = escape(token.group())
        parts.append(f"<mark>{word}</mark>" if i in marked else word)
        position = token.end()
    if last < len(tokens) - 1 or len(text) > SNIPPET_SCAN:
        parts.append(" …")
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)
