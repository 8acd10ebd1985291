"""The Webmention endpoint (W3C Recommendation, 3.2): checks the request, answers at once.

A valid POST (source and target http(s) URLs, different, the target a public post or
page of this blog) is stored and answered 202 Accepted with the address of a status
page; the source is fetched later by a job (webmentions/tasks.py), never in the
request. Anything else is 400 with the reason; too many requests from one address,
429. A GET shows a small form for sending one by hand.
"""

from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.http.request import validate_host
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve
from django.utils.encoding import uri_to_iri
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from blog.models import Page, Post
from core import jobs
from core.http import client_ip

from . import conf, microformats
from .models import Webmention
from .tasks import verify_webmention

RATE_WINDOW = 3600


class Invalid(Exception):
    pass


def _is_limited(request) -> bool:
    """Count this request against the client address's hourly allowance."""
    key = f"webmentions:rate:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, RATE_WINDOW):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW)
        return False
    return count > conf.get("WEBMENTIONS_PER_HOUR")


def _is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _our_host(request, parts) -> bool:
    if parts.netloc.lower() == request.get_host().lower():
        return True
    if parts.netloc.lower() == urlsplit(settings.SITE_URL).netloc.lower():
        return True
    return validate_host(parts.netloc.lower(), [h for h in settings.ALLOWED_HOSTS if h != "*"])


def find_target(request, target: str) -> Post | Page:
    """The public post or page at `target` (Invalid if it is none)."""
    parts = urlsplit(target)
    if not _our_host(request, parts):
        raise Invalid(_("The target is not on this site."))
    path = unquote(parts.path)
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    found = None
    if match and match.view_name == "blog:post_detail":
        found = Post.objects.indexable().filter(slug=match.kwargs["slug"]).first()
    elif match and match.view_name == "blog:page_detail":
        found = Page.objects.published().filter(path=match.kwargs["path"]).first()
    if found is None or uri_to_iri(found.get_absolute_url()) != path:
        raise Invalid(_("The target is not a public post or page of this blog."))
    return found


def _check(request) -> tuple[str, str, Post | Page]:
    source = request.POST.get("source", "").strip()
    target = request.POST.get("target", "").strip()
    if not source or not target:
        raise Invalid(_("Both source and target are required."))
    if len(source) > 500 or len(target) > 500:
        raise Invalid(_("The URLs may be at most 500 characters long."))
    if not _is_http_url(source) or not _is_http_url(target):
        raise Invalid(_("Source and target must be http or https URLs."))
    if microformats.normalise(source) == microformats.normalise(target):
        raise Invalid(_("The source must not be the target itself."))
    return source, target, find_target(request, target)


@csrf_exempt
@never_cache
def endpoint(request):
    if not conf.get("WEBMENTIONS_RECEIVE"):
        raise Http404
    if request.method != "POST":
        return render(request, "webmentions/endpoint.html")
    if _is_limited(request):
        message = _("Too many Webmentions from your address. Try again later.")
        return render(request, "webmentions/endpoint.html", {"error": message}, status=429)
    try:
        source, target, found = _check(request)
    except Invalid as error:
        return render(request, "webmentions/endpoint.html", {"error": str(error)}, status=400)
    mention, _created = Webmention.objects.update_or_create(
        source=source,
        target=target,
        defaults={
            "post": found if isinstance(found, Post) else None,
            "page": found if isinstance(found, Page) else None,
            "status": Webmention.Status.QUEUED,
            "ip_address": client_ip(request),
        },
    )
    jobs.enqueue_on_commit(verify_webmention, mention.pk)
    response = render(request, "webmentions/status.html", {"mention": mention}, status=202)
    response["Location"] = request.build_absolute_uri(mention.get_absolute_url())
    return response


@never_cache
def status(request, key):
    """Where a sender sees what became of its Webmention."""
    mention = get_object_or_404(Webmention, key=key)
    return render(request, "webmentions/status.html", {"mention": mention})
