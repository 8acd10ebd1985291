"""The Content-Security-Policy header (issue #7).

Django 5.2 sets X-Content-Type-Options, Referrer-Policy, X-Frame-Options and HSTS
(config/settings.py) but has no Content-Security-Policy. The policy allows scripts,
styles, fonts and frames from the site itself only: no inline scripts, no event-handler
attributes, no `javascript:` URLs, no inline styles, no plugins, and no framing by
other sites. The public templates and the admin (Django's own and ours) need nothing
more; tests/security/test_headers.py loads them in Chromium and fails on any report of
a refused resource.

Images may also be `data:` URLs, which cannot run script, and come from the media
storage's host when uploads live elsewhere (DJANGO_MEDIA_STORAGE, e.g. S3).

The middleware stands right after the page cache, so that a cached page is stored, and
served, with the header.
"""

from urllib.parse import urlsplit

from django.core.files.storage import storages

HEADER = "Content-Security-Policy"

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def media_origin() -> str:
    """The scheme and host uploads are served from, if that is not this site ("" if it is)."""
    try:
        url = storages["default"].url("csp-probe.png")
    except Exception:  # a storage that cannot name a URL without a file
        return ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return ""


def build_policy() -> str:
    """The header value: POLICY, plus the media host for images when uploads live elsewhere."""
    policy = {name: list(sources) for name, sources in POLICY.items()}
    origin = media_origin()
    if origin:
        policy["img-src"].append(origin)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Add the Content-Security-Policy header to every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = self.policy
        return response
