"""German-aware slugs: "größer übel" becomes "groesser-uebel", not "groer-ubel"."""

from django.utils.text import slugify

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "Ss"}
)


def german_slugify(value: str) -> str:
    """Slugify after spelling out umlauts and ß the German way."""
    return slugify(str(value).translate(_GERMAN))


def unique_slug(
    model, value: str, *, field: str = "slug", exclude_pk=None, max_length: int = 200, **scope
) -> str:
    """A slug for `value` unused in `model` (within `scope`), numbered -2, -3 … like WordPress."""
    base = (german_slugify(value) or "eintrag")[: max_length - 4].strip("-")
    existing = model._default_manager.filter(**scope, **{f"{field}__startswith": base})
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    taken = set(existing.values_list(field, flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug
