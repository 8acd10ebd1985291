"""Ranked search over posts (/?s=term), the same on SQLite and PostgreSQL.

Matching runs in the database on `Post.search_text` (lower-cased at save time, so
"Übung" finds "übung"); ranking runs in Python over the matching ids and titles,
which stays cheap for the size of a personal blog.
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


def ranked_ids(queryset, query: str) -> list[int]:
    """Ids of posts containing every term, best first: title hits weigh ten times a body hit."""
    words = terms(query)
    if not words:
        return []
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    rows = queryset.values_list("pk", "search_text", "published_at")

    def score(row):
        _pk, text, published_at = row
        title, _, body = text.partition("\n")
        points = sum(10 * title.count(w) + min(body.count(w), 10) for w in words)
        return (points, published_at)

    return [row[0] for row in sorted(rows, key=score, reverse=True)]
