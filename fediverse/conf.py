"""Whether the fediverse is switched on (the site settings; off by default)."""

from django.conf import settings


def is_enabled() -> bool:
    from blog.models import SiteSettings

    return SiteSettings.load().fediverse_enabled


def delivery_timeout() -> float:
    return float(getattr(settings, "FEDIVERSE_DELIVERY_TIMEOUT", 10))
