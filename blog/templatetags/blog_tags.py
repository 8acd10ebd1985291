"""Template filters of the blog's templates."""

from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def iso_datetime(value) -> str:
    """`{{ post.published_at|iso_datetime }}`: ISO 8601 to the second in the current time
    zone (2026-11-20T18:04:00+01:00); HTML's datetime attribute allows at most three
    fractional digits, and Django's "c" format writes six."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.filter
def long_date(value) -> str:
    """`{{ post.published_at|long_date }}`: the day in the current time zone, as
    `|date:"DATE_FORMAT"` writes it ("20. November 2026"), formatted once per day and
    language: the lists show ten dates, mostly of a few days."""
    if not value:
        return ""
    return _long_date(timezone.localtime(value).date(), get_language())


@lru_cache(maxsize=1024)
def _long_date(day, language) -> str:
    return date_format(day, "DATE_FORMAT")
