"""The fediverse's endpoints (issue #15): WebFinger, host-meta, NodeInfo, actors, inboxes.

Every one of them is 404 while the site settings' switch is off. Documents are JSON as
Mastodon reads them; the inbox verifies the HTTP signature before anything else and
answers 202 for what it took (or ignored), 401/400/403/413 for what it refused.
"""

import functools
import json
import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from blog.models import Post

from . import activities, blocklist, conf, keys, registry
from .models import Follower
from .signatures import SignatureError, claimed_key_id, verify_request

logger = logging.getLogger("fediverse.inbox")

JRD = "application/jrd+json"
OUTBOX_PAGE = 20


def enabled(view):
    """404 unless the fediverse is switched on."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not conf.is_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def ap_response(data: dict, status: int = 200, content_type=activities.ACTIVITY_JSON):
    response = JsonResponse(data, status=status, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _author(username: str):
    return get_object_or_404(activities.authors(), username=username)


def _authors():
    return activities.authors()


@require_GET
@enabled
@cache_control(max_age=300, public=True)
def webfinger(request):
    """`acct:name@host` (or the actor's address) → links to the actor and the author page."""
    resource = request.GET.get("resource", "")
    username = None
    if resource.startswith("acct:"):
        name, _, host = resource[5:].lstrip("@").rpartition("@")
        if host.lower() == keys.domain().lower():
            username = name
    elif resource.startswith(keys.absolute("/")):
        author = _author_by_url(resource)
        username = author.get_username() if author else None
    if not username:
        raise Http404
    author = _authors().filter(username=username).first()
    if author is None:
        raise Http404
    actor = keys.actor_url(author)
    data = {
        "subject": f"acct:{author.get_username()}@{keys.domain()}",
        "aliases": [actor, keys.absolute(_author_page(author))],
        "links": [
            {"rel": "self", "type": activities.ACTIVITY_JSON, "href": actor},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": keys.absolute(_author_page(author)),
            },
        ],
    }
    return ap_response(data, content_type=JRD)


def _author_page(author) -> str:
    return reverse("blog:author_detail", kwargs={"username": author.get_username()})


def _author_by_url(url: str):
    for author in _authors():
        if url in (keys.actor_url(author), keys.absolute(_author_page(author))):
            return author
    return None


@require_GET
@enabled
def host_meta(request):
    template = keys.absolute(reverse("fediverse:webfinger")) + "?resource={uri}"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/xrd+xml" template="{escape(template)}"/>\n'
        "</XRD>\n"
    )
    return HttpResponse(xml, content_type="application/xrd+xml; charset=utf-8")


NODEINFO_SCHEMAS = {
    "2.0": "http://nodeinfo.diaspora.software/ns/schema/2.0",
    "2.1": "http://nodeinfo.diaspora.software/ns/schema/2.1",
}


@require_GET
@enabled
def nodeinfo_links(request):
    links = [
        {"rel": schema, "href": keys.absolute(reverse("fediverse:nodeinfo", args=[version]))}
        for version, schema in NODEINFO_SCHEMAS.items()
    ]
    return JsonResponse({"links": links})


@require_GET
@enabled
@cache_control(max_age=1800, public=True)
def nodeinfo(request, version):
    """NodeInfo 2.0/2.1: software, protocols, counts (no comments' or readers' data)."""
    if version not in NODEINFO_SCHEMAS:
        raise Http404
    from blog.models import SiteSettings

    software = {"name": "django-blog", "version": "1.0"}
    if version == "2.1":
        software["homepage"] = settings.SITE_URL
    data = {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": False,
        "usage": {
            "users": {"total": _authors().count()},
            "localPosts": Post.objects.indexable().count(),
        },
        "metadata": {"nodeName": SiteSettings.load().title},
    }
    profile = f'application/json; profile="{NODEINFO_SCHEMAS[version]}#"'
    return JsonResponse(data, content_type=profile)


@require_GET
@enabled
def actor(request, username):
    return ap_response(activities.actor_document(_author(username)))


@require_safe
@enabled
def post_object(request, pk):
    post = get_object_or_404(Post.objects.indexable().select_related("author"), pk=pk)
    return ap_response({"@context": activities.CONTEXT, **activities.article(post)})


def _collection(request, url: str, count: int, items_for_page):
    """An OrderedCollection of `count` items, its pages at ?page=N (OUTBOX_PAGE each)."""
    page = request.GET.get("page")
    if page is None:
        data = {"@context": activities.AS_CONTEXT, "id": url, "type": "OrderedCollection"}
        data["totalItems"] = count
        if count:
            data["first"] = f"{url}?page=1"
            data["last"] = f"{url}?page={(count - 1) // OUTBOX_PAGE + 1}"
        return ap_response(data)
    if not page.isdigit() or int(page) < 1:
        raise Http404
    number = int(page)
    items, has_next = items_for_page(number)
    data = {
        "@context": activities.AS_CONTEXT,
        "id": f"{url}?page={number}",
        "type": "OrderedCollectionPage",
        "partOf": url,
        "totalItems": count,
        "orderedItems": items,
    }
    if has_next:
        data["next"] = f"{url}?page={number + 1}"
    if number > 1:
        data["prev"] = f"{url}?page={number - 1}"
    return ap_response(data)


@require_GET
@enabled
def outbox(request, username):
    """The author's public posts as Create activities, newest first."""
    author = _author(username)
    posts = Post.objects.indexable().filter(author=author).select_related("author")
    paginator = Paginator(posts.order_by("-published_at", "-id"), OUTBOX_PAGE)

    def items(number):
        if number > paginator.num_pages:
            raise Http404
        page = paginator.page(number)
        return [activities.create(post) for post in page], page.has_next()

    url = keys.absolute(reverse("fediverse:outbox", args=[username]))
    return _collection(request, url, paginator.count, items)


@require_GET
@enabled
def followers(request, username):
    """How many follow the author; who they are is not shown (as Mastodon lets one hide)."""
    author = _author(username)
    url = keys.absolute(reverse("fediverse:followers", args=[username]))
    count = Follower.objects.filter(author=author).count()
    return ap_response(
        {
            "@context": activities.AS_CONTEXT,
            "id": url,
            "type": "OrderedCollection",
            "totalItems": count,
        }
    )


@require_GET
@enabled
def following(request, username):
    _author(username)
    url = keys.absolute(reverse("fediverse:following", args=[username]))
    data = {"@context": activities.AS_CONTEXT, "id": url, "type": "OrderedCollection"}
    return ap_response({**data, "totalItems": 0, "orderedItems": []})


def _refuse(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
@enabled
def inbox(request, username=None):
    """A signed activity from another server: verified, checked, handed to its handler."""
    if username is not None:
        _author(username)
    # A blocked server's key is not even fetched.
    if blocklist.is_blocked(claimed_key_id(request).split("#", 1)[0]):
        logger.warning("Refused %s: key of a blocked server or account", request.path)
        return _refuse(403, "Blocked")
    try:
        actor = verify_request(request)
    except SignatureError as exc:
        return _refuse(exc.status, str(exc))
    if blocklist.is_blocked(actor.ap_id, actor.handle):
        logger.warning("Refused %s from %s: blocked", request.path, actor.ap_id)
        return _refuse(403, "Blocked")
    try:
        activity = json.loads(request.body)
    except ValueError:
        activity = None
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        return _refuse(400, "Not an activity")
    try:
        registry.dispatch(activity, actor)
    except registry.Refused as exc:
        logger.warning("Refused %s from %s: %s", activity.get("type"), actor.ap_id, exc)
        return _refuse(400, str(exc))
    return HttpResponse(status=202)
