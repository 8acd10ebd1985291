"""Where WordPress's old addresses lead now (issue #5, #13).

Two kinds of old address reach us. Query strings on the home page (?p=123, ?cat=4,
?feed=rss2 …) would otherwise show the home page, so they are answered before any
view runs; an ID that leads to nothing a reader may see (a draft, a scheduled,
private or trashed post, an unknown ID) is a 404, as in WordPress. Everything else
(/feed/rss2/, /wp-content/uploads/…, /2020/01/slug/, /slug/ of a post or a sub-page,
/category/child/, attachment pages, /wp-sitemap.xml, custom permalinks recorded at
import, the admin's redirect table) is looked up only when the request would be a
404, so that no existing page is shadowed.
"""

import re
from urllib.parse import unquote

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from blog.models import Category, Page, Post, Tag
from comments.feeds import post_feed_url
from core.http import parse_id

from .models import ImportedObject, Redirect

Kind = ImportedObject.Kind
HOME_PATHS = ("/", "/index.php")
FEEDS = {
    "rss2": "blog:feed",
    "rss": "blog:feed",
    "rdf": "blog:feed",
    "atom": "blog:feed_atom",
    "comments-rss2": "comments:feed",
    "comments-atom": "comments:feed",
}
OLD_FEED_FILES = {
    "/wp-rss2.php": "blog:feed",
    "/wp-rss.php": "blog:feed",
    "/wp-rdf.php": "blog:feed",
    "/wp-atom.php": "blog:feed_atom",
    "/wp-commentsrss2.php": "comments:feed",
}
FEED_NAMES = {"blog:feed", "blog:feed_atom", "blog:category_feed", "blog:tag_feed"}
FEED_NAMES |= {"comments:feed", "comments:post_feed"}
_FEED_SUFFIX = re.compile(r"^(?P<base>/(?:.*/)?)feed/(?:rss2|rss|rdf|atom)/?$")
_POST_SUFFIX = re.compile(r"^(?P<base>/.+/)(?:comment-page-\d+|trackback|amp)/?$")
# A page of a post split with <!--nextpage-->: /2024/07/14/slug/2/ (the post shows whole).
_POST_PAGE = re.compile(r"^(?P<base>/.+/)\d+/?$")
_MONTH_AND_NAME = re.compile(r"^/(\d{4})/(\d{2})/([^/]+)/$")
_POST_NAME = re.compile(r"^/([^/]+)/$")
_NUMERIC = re.compile(r"^/archives/(\d+)/?$")
_UPLOAD_SIZE = re.compile(r"-(\d+)x\d+(?=\.\w+$)")
_DATE = re.compile(r"^(\d{4})(\d{2})?(\d{2})?$")
# WordPress's own sitemaps (5.5 and later): /wp-sitemap.xml, /wp-sitemap-posts-post-1.xml …
_WP_SITEMAP = re.compile(r"^/wp-sitemap(?:-[\w-]+)?\.xml$")
_CATEGORY = re.compile(r"^/category/(?P<path>.+?)/(?P<rest>feed/|page/\d+/)?$")
_LAST_SEGMENT = re.compile(r"^(?P<base>/(?:.+/)?)(?P<slug>[^/]+)/$")


def _imported(kinds, wp_id: str) -> ImportedObject | None:
    wp_id = parse_id(wp_id)
    if wp_id is None:
        return None
    return ImportedObject.objects.of_kind(*kinds).filter(wp_id=wp_id).first()


def _visible_url(request, row: ImportedObject | None) -> str:
    """Where an imported object is now, if the reader may open it: a draft's address is
    not given away."""
    if row is None:
        return ""
    if row.kind == Kind.POST:
        visible = Post.objects.reachable_by(request.user).filter(pk=row.post_id).exists()
    elif row.kind == Kind.PAGE:
        visible = row.page is not None and (row.page.is_published or request.user.is_staff)
    else:
        visible = True
    return row.get_absolute_url() if visible else ""


def _content_url(request, wp_id: str, feed: bool = False) -> str:
    """A post, page or attachment by its WordPress ID (they share one ID space)."""
    row = _imported([Kind.POST, Kind.PAGE, Kind.ATTACHMENT], wp_id)
    if row is not None and row.kind == Kind.ATTACHMENT:
        return _attachment_url(request, row)
    url = _visible_url(request, row)
    if url and feed and row.kind == Kind.POST:
        return post_feed_url(row.post)
    return url


def _attachment_url(request, row: ImportedObject) -> str:
    """An attachment page leads to the file (as WordPress 6.4 does), else to the post or
    page it was attached to, if the reader may see that."""
    url = row.get_absolute_url()
    if url:
        return url
    parent = parse_id(str(row.data.get("parent") or ""))
    return _content_url(request, str(parent)) if parent else ""


def _imported_at(path: str) -> list[ImportedObject]:
    """In one query, what the import recorded for this path: an object's old address,
    an attachment page's, or attachments with the path's last segment as slug."""
    candidates = Q(old_path=path) | Q(kind=Kind.ATTACHMENT, data__page=path)
    match = _LAST_SEGMENT.match(path)
    if match:
        candidates |= Q(kind=Kind.ATTACHMENT, data__slug=match.group("slug"))
    return list(ImportedObject.objects.filter(candidates))


def _attachment_page(request, path: str, rows: list[ImportedObject]) -> str:
    """/…/post-slug/attachment-slug/ (or /attachment-slug/) of an imported attachment."""
    rows = [r for r in rows if r.kind == Kind.ATTACHMENT]
    row = next((r for r in rows if r.data.get("page") == path), None)
    match = _LAST_SEGMENT.match(path)
    if row is None and match:
        # Under the post or page it was attached to, or unattached at /slug/.
        base, slug = match.group("base"), match.group("slug")
        row = next(
            (r for r in rows if r.data.get("slug") == slug and _attached_under(r, base)), None
        )
    return _attachment_url(request, row) if row is not None else ""


def _attached_under(row: ImportedObject, base: str) -> bool:
    """Whether `base` is where WordPress showed the attachment's page below: the site's
    root (unattached), the parent's old address, or the parent's address here."""
    page = row.data.get("page", "")
    if base == "/" or (page and page.rstrip("/").rsplit("/", 1)[0] + "/" == base):
        return True
    parent = parse_id(str(row.data.get("parent") or ""))
    if not parent:
        return False
    parent_row = ImportedObject.objects.of_kind(Kind.POST, Kind.PAGE).filter(wp_id=parent).first()
    return parent_row is not None and unquote(parent_row.get_absolute_url()) == base


def _archive_url(value: str) -> str:
    """?m=2020, ?m=202001, ?m=20200115 → the year, month or day archive."""
    match = _DATE.match(value)
    if not match:
        return ""
    year, month, day = match.groups()
    kwargs = {"year": int(year)}
    name = "blog:archive_year"
    if month:
        kwargs["month"], name = int(month), "blog:archive_month"
    if day:
        kwargs["day"], name = int(day), "blog:archive_day"
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def query_target(request) -> str:
    """The new address for WordPress's query-string links on the home page, or ""."""
    params = request.GET
    if request.path not in HOME_PATHS or not params or "s" in params:
        return ""
    feed = params.get("feed", "")
    if params.get("p") or params.get("page_id") or params.get("attachment_id"):
        wp_id = params.get("p") or params.get("page_id") or params.get("attachment_id")
        url = _content_url(request, wp_id, feed=bool(feed))
        if not url and parse_id(wp_id) is not None:
            # WordPress answers an ID of nothing public with a 404, not the home page
            # (what is no number at all, it reads as no ID: the home page).
            raise Http404("No such post.")
        return url
    if params.get("cat"):
        row = _imported([Kind.CATEGORY], params["cat"].split(",")[0])
        if row is None or row.category is None:
            return ""
        category = row.category
        return category.get_feed_url() if feed else category.get_absolute_url()
    if params.get("tag") or params.get("category_name"):
        model = Tag if params.get("tag") else Category
        slug = re.split(r"[,+ ]", params.get("tag") or params["category_name"])[0]
        obj = model.objects.filter(slug=slug.rstrip("/").rsplit("/", 1)[-1]).first()
        if obj is None:
            return ""
        return obj.get_feed_url() if feed else obj.get_absolute_url()
    if params.get("author"):
        row = _imported([Kind.AUTHOR], params["author"])
        return row.get_absolute_url() if row else ""
    if params.get("name"):
        post = Post.objects.listed_for(request.user).filter(slug=params["name"]).first()
        return post.get_absolute_url() if post else ""
    if params.get("m"):
        return _archive_url(params["m"])
    paged = parse_id(params.get("paged", ""))
    if paged is not None and paged > 1:
        return reverse("blog:post_list_page", kwargs={"page": paged})
    if feed in FEEDS:
        return reverse(FEEDS[feed])
    return ""


def _is_local_path(target: str) -> bool:
    """Whether `target` is a path on this site, not "//evil.example" or "/\\evil.example",
    which browsers read as another host (issue #7); they skip tabs and line breaks."""
    bare = re.sub(r"[\t\n\r]", "", target)
    return (
        bare.startswith("/")
        and not bare.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    )


def _resolves_to(path: str, names: set[str] | None = None) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name != "blog:page_detail" if names is None else match.view_name in names


def _upload_target(path: str) -> str:
    """An upload by its old path; WordPress's resized copies (-300x200) find the image."""
    row = ImportedObject.objects.of_kind(Kind.ATTACHMENT).filter(old_path=path).first()
    width = None
    if row is None:
        size = _UPLOAD_SIZE.search(path)
        if size is None and "-scaled." not in path:
            return ""
        width = int(size.group(1)) if size else None
        original = _UPLOAD_SIZE.sub("", path)
        scaled = re.sub(r"(\.\w+)$", r"-scaled\1", original)
        candidates = [original, scaled, original.replace("-scaled.", ".")]
        rows = ImportedObject.objects.of_kind(Kind.ATTACHMENT).filter(old_path__in=candidates)
        row = rows.select_related("media").first()
    if row is None:
        return ""
    media = row.media
    if media is not None and width:
        fitting = [v for v in media.variants.values() if v["width"] >= width]
        if fitting:
            return default_storage.url(min(fitting, key=lambda v: v["width"])["name"])
    return row.get_absolute_url()


def _post_by_slug(request, slug: str) -> str:
    post = Post.objects.reachable_by(request.user).filter(slug=slug).first()
    return post.get_absolute_url() if post else ""


def _page_by_slug(request, slug: str) -> str:
    """A sub-page by its own slug, as WordPress finds /child/ for /parent/child/."""
    pages = Page.objects.all() if request.user.is_staff else Page.objects.published()
    page = pages.filter(slug=slug).exclude(parent=None).order_by("path").first()
    return page.get_absolute_url() if page else ""


def _category_by_slug(path: str) -> str:
    """/category/child/ (WordPress resolves a child category by its own slug) and any
    other path ending in a category's slug, with its feed/ or page/N/."""
    match = _CATEGORY.match(path)
    if not match:
        return ""
    slug = match.group("path").rsplit("/", 1)[-1]
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        return ""
    return category.get_absolute_url() + (match.group("rest") or "")


def not_found_target(request) -> str:
    """The new address for a path that would be a 404 here, or ""; see the module docstring."""
    path = request.path
    redirect = Redirect.objects.filter(old_path__in=[request.get_full_path(), path]).first()
    if redirect is not None:
        return redirect.new_path
    imported = _imported_at(path)
    row = next((r for r in imported if r.old_path == path), None)
    if row is not None:
        return _visible_url(request, row)
    if "/wp-content/uploads/" in path or path.startswith("/files/"):
        return _upload_target(path)
    if path in OLD_FEED_FILES:
        return reverse(OLD_FEED_FILES[path])
    if _WP_SITEMAP.match(path):
        return reverse("sitemap_index")
    target = _category_by_slug(path) if path.startswith("/category/") else ""
    if target:
        return target
    if path.startswith("/index.php/"):
        target = path.removeprefix("/index.php")
        return target if _is_local_path(target) else ""
    for pattern, names in (
        (_FEED_SUFFIX, FEED_NAMES),
        (_POST_SUFFIX, None),
        (_POST_PAGE, {"blog:post_detail"}),
    ):
        match = pattern.match(path)
        if match:
            base = match.group("base")
            target = base + "feed/" if pattern is _FEED_SUFFIX else base
            if pattern is _FEED_SUFFIX and base == "/" and path.rstrip("/").endswith("atom"):
                target = reverse("blog:feed_atom")  # /feed/atom without its slash
            if _resolves_to(target, names):
                return target
            if pattern is not _POST_PAGE:
                return ""
    match = _NUMERIC.match(path)
    if match:
        return _content_url(request, match.group(1))
    match = _MONTH_AND_NAME.match(path) or _POST_NAME.match(path)
    if match:
        slug = match.groups()[-1]
        target = _post_by_slug(request, slug)
        if target or match.re is _MONTH_AND_NAME:
            return target
        target = _page_by_slug(request, slug)
        if target:
            return target
    return _attachment_page(request, path, imported)
