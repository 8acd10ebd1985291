"""The Webmention settings and their defaults (override any in config/settings.py)."""

import os

from django.conf import settings

DEFAULTS = {
    # Send Webmentions for the links of published posts (README "Webmentions").
    "WEBMENTIONS_SEND": False,
    # A post created already this many days old (an imported archive) sends nothing.
    "WEBMENTIONS_ARCHIVE_DAYS": 2,
    # Accept Webmentions at the endpoint (advertised on every page while on).
    "WEBMENTIONS_RECEIVE": True,
    # Fetch from loopback addresses too (tests; two instances on one machine).
    "WEBMENTIONS_ALLOW_LOOPBACK": os.environ.get("BLOG_WEBMENTIONS_ALLOW_LOOPBACK") == "1",
    "WEBMENTIONS_TIMEOUT": 10,
    "WEBMENTIONS_MAX_BYTES": 1024 * 1024,
    "WEBMENTIONS_MAX_REDIRECTS": 5,
    # Requests to the endpoint per client address and hour.
    "WEBMENTIONS_PER_HOUR": 60,
    # How much of a source's text a comment keeps: a reply's own words, a mention's excerpt.
    "WEBMENTIONS_REPLY_CHARS": 2000,
    "WEBMENTIONS_MENTION_CHARS": 300,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
