"""The reader's side of the blog: lists, archives, posts, pages, search (issue #2)."""

import datetime
import hashlib

from django.contrib.auth import get_user_model
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.encoding import uri_to_iri
from django.utils.formats import date_format
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.contentversion import versioned

from . import postpass_limit, search
from .models import Category, Page, Post, Tag
from .pagination import IdsFirstPaginator, page_links
from .site import get_site_data

POSTPASS_COOKIE = "postpass_{pk}"
POSTPASS_SALT = "blog.postpass"
POSTPASS_MAX_AGE = 10 * 24 * 3600  # WordPress keeps the post password for ten days.


def _paginate(request, items, page: int | None):
    """The requested page of `items`, or 404; page numbers come from /page/N/."""
    per_page = get_site_data()["posts_per_page"]
    paginator = IdsFirstPaginator(items, per_page, allow_empty_first_page=True)
    try:
        # /page/0/ is no page (page 1 is the list's own URL): 404, not a duplicate of page 1.
        return paginator.page(1 if page is None else page)
    except (EmptyPage, PageNotAnInteger):
        raise Http404(_("There is no such page.")) from None


def _render_list(
    request, template, items, *, url_name, url_kwargs, page, query="", empty_404=False, **context
):
    if page == 1:
        # /page/1/ is the list itself, as in WordPress.
        return redirect(reverse(f"blog:{url_name}", kwargs=url_kwargs) + query, permanent=True)
    page_obj = _paginate(request, items, page)
    if empty_404 and not page_obj.paginator.count:
        # A date with nothing published is no page (WordPress: 404), or every year from
        # 1 to 9999 would be an empty page for crawlers to index.
        raise Http404(_("There is no such page."))
    context.update(
        page_obj=page_obj,
        posts=page_obj.object_list,
        pagination=page_links(url_name, url_kwargs, page_obj, query),
    )
    return render(request, template, context)


def post_list(request, page=None):
    """The home page, newest first with sticky posts on top, or search results for ?s=.

    Template: blog/post_list.html (search: blog/search.html).
    """
    if "s" in request.GET:
        return search_results(request, page)
    posts = (
        Post.objects.listed_for(request.user)
        .for_listing()
        .order_by("-is_sticky", "-published_at", "-id")
    )
    return _render_list(
        request,
        "blog/post_list.html",
        posts,
        url_name="post_list",
        url_kwargs={},
        page=page,
        is_home=True,
    )


def search_results(request, page=None):
    """Full-text search over posts and pages (blog/search.py). Template: blog/search.html,
    with `hits`: search entries with `item` (the post or page) and a marked `snippet`,
    `result_count` and `more_results` (more found than the newest `result_count` shown)."""
    term = search.normalise_query(request.GET.get("s", ""))
    found, more = search.search(term, request.user) if term else ([], False)
    page_obj = _paginate(request, found, page)
    page_obj.object_list = search.prepare_hits(search.entries(page_obj.object_list), term)
    query = "?" + request.GET.urlencode() if term else ""
    return render(
        request,
        "blog/search.html",
        {
            "search_term": term,
            "page_obj": page_obj,
            "hits": page_obj.object_list,
            "result_count": page_obj.paginator.count,
            # More found than a search shows (search.RESULT_LIMIT, the newest).
            "more_results": more,
            "pagination": page_links("post_list", {}, page_obj, query),
        },
    )


def archive(request, year, month=None, day=None, page=None):
    """Posts of a year, month or day: /2026/, /2026/11/, /2026/11/27/.

    Template: blog/archive.html, as for all post lists but the home page and search:
    `heading`, `posts`, `page_obj`, `pagination`, optional `description` and `feed_url`.
    """
    try:
        # Month or day 0 (/2026/00/) is no date: None means "not given", 0 is invalid.
        start = datetime.date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        raise Http404(_("There is no such date.")) from None
    kwargs = {"year": year}
    if month is not None:
        kwargs["month"] = month
    if day is not None:
        kwargs["day"] = day
    if day:
        granularity, heading = "day", _("Day: %s") % date_format(start, "DATE_FORMAT")
    elif month:
        granularity, heading = "month", _("Month: %s") % date_format(start, "YEAR_MONTH_FORMAT")
    else:
        granularity, heading = "year", _("Year: %s") % year
    # The date in the posts' addresses: an imported post keeps WordPress's day (#13).
    posts = Post.objects.listed_for(request.user).for_listing().dated(year, month, day)
    return _render_list(
        request,
        "blog/archive.html",
        posts,
        url_name=f"archive_{granularity}",
        url_kwargs=kwargs,
        page=page,
        heading=heading,
        empty_404=True,
    )


def category_detail(request, path, page=None):
    """Posts in a category and its subcategories. Template: blog/archive.html."""
    category = get_object_or_404(Category, path=path)
    # The category itself or a descendant, never a sibling sharing a prefix; a subquery,
    # not a join, so that no DISTINCT over whole rows is needed (issue #14).
    in_tree = Post.categories.through.objects.filter(
        Q(category__path=category.path) | Q(category__path__startswith=category.path + "/")
    ).values("post_id")
    posts = Post.objects.listed_for(request.user).for_listing().filter(pk__in=in_tree)
    return _render_list(
        request,
        "blog/archive.html",
        posts,
        url_name="category_detail",
        url_kwargs={"path": path},
        page=page,
        heading=_("Category: %s") % category.name,
        description=category.description,
        feed_url=category.get_feed_url(),
    )


def tag_detail(request, slug, page=None):
    """Posts with a tag. Template: blog/archive.html."""
    tag = get_object_or_404(Tag, slug=slug)
    posts = Post.objects.listed_for(request.user).for_listing().filter(tags=tag)
    return _render_list(
        request,
        "blog/archive.html",
        posts,
        url_name="tag_detail",
        url_kwargs={"slug": slug},
        page=page,
        heading=_("Tag: %s") % tag.name,
        feed_url=tag.get_feed_url(),
    )


def author_detail(request, username, page=None):
    """Posts by one author. Template: blog/archive.html."""
    author = get_object_or_404(get_user_model(), username=username, is_active=True)
    posts = Post.objects.listed_for(request.user).for_listing().filter(author=author)
    if not posts.exists():
        raise Http404(_("This author has not published anything yet."))
    return _render_list(
        request,
        "blog/archive.html",
        posts,
        url_name="author_detail",
        url_kwargs={"username": username},
        page=page,
        heading=_("Author: %s") % (author.get_full_name() or author.get_username()),
    )


def _password_token(post) -> str:
    return hashlib.sha256(f"{post.pk}:{post.password}".encode()).hexdigest()[:32]


def password_unlocked(request, post) -> bool:
    """Whether the reader entered this post's current password (signed cookie)."""
    if not post.is_password_protected:
        return True
    if request.user.is_staff:
        return True
    value = request.get_signed_cookie(
        POSTPASS_COOKIE.format(pk=post.pk), default=None, salt=POSTPASS_SALT
    )
    return value == _password_token(post)


def post_detail(request, year, month, day, slug):
    """One post at /YYYY/MM/DD/slug/. Template: blog/post_detail.html.

    Drafts, scheduled and private posts are 404 for readers and visible to staff.
    A password-protected post shows its title and a password form until unlocked.
    """
    post = get_object_or_404(
        Post.objects.reachable_by(request.user).select_related("author"), slug=slug
    )
    # request.path is decoded, reverse() percent-encodes: compare them decoded, or a
    # non-ASCII slug imported from WordPress ("größer-uebel") would redirect to itself.
    if uri_to_iri(post.get_absolute_url()) != request.path:
        # Same slug, other date: the canonical address wins.
        return redirect(post.get_absolute_url(), permanent=True)
    return render_post(request, post)


def _neighbours(request, post) -> dict:
    """The previous and next post, cached under the content version (staff: fresh)."""

    def find():
        listed = Post.objects.listed_for(request.user).only(
            "title", "slug", "published_at", "permalink_date"
        )
        return {
            "previous_post": listed.filter(published_at__lt=post.published_at)
            .order_by("-published_at")
            .first(),
            "next_post": listed.filter(published_at__gt=post.published_at)
            .order_by("published_at")
            .first(),
        }

    key = None if request.user.is_staff else f"blog:neighbours:{post.pk}"
    return versioned(key, find, lambda _found: get_site_data()["_max_age"])


def render_post(request, post, *, extra_context=None, status=200):
    """Render a post page; a view showing it again (with a form's errors) adds context.

    Template: blog/post_detail.html. Context: `post` (categories and tags in
    `post.terms`), `unlocked`, `previous_post`, `next_post`, and `extra_context`.
    What else the page shows below the post, the template asks for itself.
    """
    unlocked = password_unlocked(request, post)
    context = {
        "post": post,
        "unlocked": unlocked,
        "wrong_password": not unlocked and "wrong-password" in request.GET,
        **_neighbours(request, post),
        **(extra_context or {}),
    }
    response = render(request, "blog/post_detail.html", context, status=status)
    if status == 200:
        # The post and, once it shows in full, the last change of its comments date the
        # page (conditional GET, #6).
        last = post.updated_at
        if unlocked and post.comments_changed_at:
            last = max(last, post.comments_changed_at)
        response["Last-Modified"] = http_date(last.timestamp())
    return response


@require_POST
def post_password(request, pk):
    """Check a post password and remember it for ten days in a signed cookie.

    Too many wrong ones from one address: the post page again with 429 (issue #16).
    """
    post = get_object_or_404(Post.objects.listed_for(request.user), pk=pk)
    if postpass_limit.is_limited(request, post):
        return render_post(request, post, extra_context={"password_limited": True}, status=429)
    target = post.get_absolute_url()
    response = HttpResponseRedirect(target)
    if request.POST.get("password", "") == post.password and post.is_password_protected:
        response.set_signed_cookie(
            POSTPASS_COOKIE.format(pk=post.pk),
            _password_token(post),
            salt=POSTPASS_SALT,
            max_age=POSTPASS_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        postpass_limit.count_failure(request, post)
        response["Location"] = target + "?wrong-password=1"
    return response


def page_detail(request, path):
    """A static page at /slug/ or /parent/child/. Template: blog/page_detail.html."""
    page = get_object_or_404(Page.objects.reachable_by(request.user), path=path)
    return render_page(request, page)


def render_page(request, page, *, extra_context=None, status=200):
    """Render a page; a view showing it again (a comment form's errors, a comment page)
    adds context. The page and the last change of its comments date it (issue #13)."""
    context = {"page": page, **(extra_context or {})}
    response = render(request, "blog/page_detail.html", context, status=status)
    if status == 200:
        last = max(filter(None, (page.updated_at, page.comments_changed_at)))
        response["Last-Modified"] = http_date(last.timestamp())
    return response


def robots_txt(request):
    """robots.txt naming the sitemap index; the admin stays out of search engines."""
    lines = [
        "User-agent: *",
        "Disallow: " + reverse("admin:index"),
        "",
        "Sitemap: " + request.build_absolute_uri(reverse("sitemap_index")),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def server_error(request):
    """The themed 500 page; falls back to a frame without data if even that fails."""
    template = loader.get_template("500.html")
    try:
        site = get_site_data()
    except Exception:  # the database may be what failed
        site = {}
    return HttpResponse(
        # Rendered without context processors (they may be what failed): no fragment cache.
        template.render({"site": site, "request": request, "fragment_timeout": 0}),
        status=500,
    )
