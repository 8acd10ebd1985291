"""Ranked search over posts (/?s=term), the same on SQLite and PostgreSQL.

Matching runs in the database on `Post.search_text` (lower-cased at save time, so
"Übung" finds "übung"); ranking runs in Python over the matching ids and titles,
which stays cheap for the size of a personal blog.

A password-protected post matches on its title only, unless the reader may read it
without the password (staff): otherwise a few hundred searches would spell out its
text (issue #10). Private posts are left out by the queryset for readers who may not
see them.
"""

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200


def normalise_query(raw: str) -> str:
    """The search box's text, trimmed, whitespace folded and bounded in length."""
    return " ".join(str(raw).replace("\x00", "").split())[:MAX_QUERY_LENGTH]


def terms(query: str) -> list[str]:
    seen = []
    for word in query.casefold().split():
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def ranked_ids(queryset, query: str, *, protected_bodies: bool = False) -> list[int]:
    """Ids of posts containing every term, best first: title hits weigh ten times a body hit.

    Password-protected posts match on their title alone unless `protected_bodies`.
    """
    words = terms(query)
    if not words:
        return []
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    rows = queryset.values_list("pk", "search_text", "published_at", "visibility")
    found = []
    for pk, text, published_at, visibility in rows:
        # search_text is the title, a newline, then the text (Post.save).
        title, _, body = text.partition("\n")
        if visibility == queryset.model.Visibility.PASSWORD and not protected_bodies:
            if not all(w in title for w in words):
                continue
            body = ""
        points = sum(10 * title.count(w) + min(body.count(w), 10) for w in words)
        found.append((points, published_at, pk))
    found.sort(reverse=True)
    return [pk for _points, _published_at, pk in found]
