"""POST endpoints of the comment form, avatars, captcha image and subscriptions (issue #3).

CSRF: post pages are the same HTML for every anonymous reader, so that they can be
cached (issue #6); a per-visitor CSRF token cannot be part of them. The comment
endpoint therefore checks Django's CSRF token for logged-in users only, whose pages
carry it, and for everybody else refuses a POST whose Origin (or Referer) names
another site: that is what a forged cross-site request looks like. An anonymous
comment forged from elsewhere would gain an attacker nothing a direct POST would not,
and the captcha still applies.
"""

import ipaddress
import json
import logging
import re
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import InternalError, OperationalError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.encoding import uri_to_iri
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from blog.errors import render_without_database
from blog.models import Page, Post
from blog.views import password_unlocked, render_page, render_post
from core.http import client_ip

from . import challenge, notifications, speech
from .avatars import avatar_png
from .charset import KEPT_FIELDS, undecodable_fields
from .forms import CommentForm
from .models import Comment
from .paging import comment_link, comment_page_number, current, page_path, top_level_count
from .section import (
    AUTHOR_COOKIE,
    AUTHOR_SALT,
    PENDING_COOKIE,
    PENDING_MAX_AGE,
    PENDING_SALT,
    comment_section,
    pending_ids,
)
from .services import CommentRejected, check_post_accepts_comments, submit_comment
from .targets import is_page

# The largest comment form a browser sends: the longest comment, every character
# percent-encoded to 12 bytes, and the other fields. Anything bigger is refused before
# its body is read (issue #7).
MAX_FORM_BYTES = 1024 * 1024
AVATAR_KEY = re.compile(r"[0-9a-f]{1,64}")
logger = logging.getLogger(__name__)
CAPTCHA_COOKIE = "comment_captcha"
CAPTCHA_SALT = "comments.captcha"
AUTHOR_COOKIE_AGE = 365 * 24 * 3600
# A database that takes no writes now (issue #10): a read-only file, file system or
# PostgreSQL standby ("attempt to write a readonly database", "cannot execute INSERT in
# a read-only transaction"), a full disk ("database or disk is full"), a lock held too
# long, a lost connection. Errors that mean a bug (IntegrityError, DataError,
# ProgrammingError) stay 500s.
DATABASE_UNAVAILABLE = (OperationalError, InternalError)
RETRY_AFTER = 120
UNSAVED = gettext_noop("Your comment could not be saved")
NOT_UTF8 = gettext_noop(
    "Your browser sent the form in another character encoding than UTF-8, so some letters "
    "may have arrived wrongly. Please check your text below and send it again."
)


def _foreign_origin(request) -> bool:
    """Whether the browser says this POST comes from a page of another site."""
    source = request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER")
    if not source or source == "null":
        return bool(source)
    origin = urlsplit(source)
    trusted = {request.get_host(), *[urlsplit(o).netloc for o in settings.CSRF_TRUSTED_ORIGINS]}
    return origin.netloc not in trusted


def _error_page(request, message, status: int, post=None, body: str = "", *, heading=None):
    """A clear error page that keeps what the commenter wrote.

    Headed "Your comment could not be saved" unless `heading` says otherwise.
    """
    return render(
        request,
        "comments/error.html",
        {"heading": heading or _(UNSAVED), "message": message, "post": post, "body": body},
        status=status,
    )


def _kept_text_page(request, on: dict, fields: dict, *, message, status: int, heading=None):
    """The error page with the comment form again, filled in with `fields` (issue #10).

    The commenter can copy the text or send it again (a new captcha is asked). Without
    a post that takes comments, the text alone; and if not even reading works, the page
    without the database (blog/errors.py).
    """
    context = {"heading": heading or _(UNSAVED), "message": message, "body": fields["body"]}
    try:
        return render(
            request,
            "comments/error.html",
            {**context, **_form_again(request, on, fields)},
            status=status,
        )
    except DATABASE_UNAVAILABLE:
        return render_without_database(request, "comments/error.html", context, status=status)


def _form_again(request, on: dict, fields: dict) -> dict:
    """The post (or page) and its comment form filled in with `fields`, if it takes
    comments. `on`: the view's keyword, {"post_id": N} or {"page_id": N}."""
    if "page_id" in on:
        post = Page.objects.reachable_by(request.user).filter(pk=on["page_id"]).first()
    else:
        post = Post.objects.reachable_by(request.user).filter(pk=on["post_id"]).first()
    if post is None or not is_page(post) and not password_unlocked(request, post):
        return {"post": post}
    try:
        check_post_accepts_comments(post, request.user)
    except CommentRejected:
        return {"post": post}
    form = CommentForm(post=post, user=request.user, initial=fields)
    return {"post": post, **comment_section(request, post, form=form)}


def _keeps_the_text_when_the_database_fails(view):
    """Answer a comment the database cannot store now with 503, the form filled in again
    and Retry-After, instead of a 500 that loses the text (issue #10)."""

    @wraps(view)
    def wrapper(request, **on):
        try:
            return view(request, **on)
        except DATABASE_UNAVAILABLE:
            logger.exception("A comment could not be stored")
        fields = {name: request.POST.get(name, "") for name in KEPT_FIELDS}
        response = _kept_text_page(
            request,
            on,
            fields,
            heading=_("Your comment could not be saved right now"),
            message=_(
                "The blog cannot store anything at the moment. Please try again in a few "
                "minutes. Your text is below, so that nothing is lost."
            ),
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER)
        return response

    return wrapper


def _rerender(request, post, form, message, status: int):
    """The post page again, its comment section showing `form` and `message`: the
    comment page of the comment replied to, if any."""
    context = {"comment_form": form, "comment_error": message}
    parent = form.parent_comment if form is not None else None
    if parent is not None:
        context["comment_page"] = comment_page_number(parent, pending_ids(request))
    if is_page(post):
        return render_page(request, post, extra_context=context, status=status)
    return render_post(request, post, extra_context=context, status=status)


@require_safe
def comment_page(request, year, month, day, slug, page):
    """Page `page` of a post's comments at …/slug/comment-page-N/ (comments/paging.py).

    With comment pages off, and for the page the post's own address shows, the address
    redirects there (WordPress links those pages without the suffix); so does a page
    past the last one. The page's canonical address is its own, as in WordPress.
    """
    post = get_object_or_404(
        Post.objects.reachable_by(request.user).select_related("author"), slug=slug
    )
    return _comment_page(request, post, page)


@require_safe
def page_comment_page(request, path, page):
    """Page `page` of a page's comments at /<page-path>/comment-page-N/ (issue #13), as
    comment_page on a post."""
    target = get_object_or_404(Page.objects.reachable_by(request.user), path=path)
    return _comment_page(request, target, page)


def _comment_page(request, post, page: int):
    query = request.META.get("QUERY_STRING", "")
    query = f"?{query}" if query else ""
    base = post.get_absolute_url()
    paging = current()
    if not paging.per_page:
        return redirect(base + query, permanent=True)
    pages = paging.count(top_level_count(post, pending_ids(request)))
    if not 1 <= page <= pages:
        return redirect(base + query)
    path = page_path(post, page, pages, paging)
    if uri_to_iri(path) != request.path:
        # Another date, or the default page (the first one for good, the last one until
        # the next page begins).
        return redirect(path + query, permanent=path != base or not paging.newest_default)
    context = {"comment_page": page, "canonical_path": path}
    if is_page(post):
        return render_page(request, post, extra_context=context)
    return render_post(request, post, extra_context=context)


@require_safe
def comment_finder(request, post_id, number):
    """Where comment `number` of a post is now: a redirect to its comment page.

    static/js/comment-page.js asks when a #comment-N link reaches a comment page without
    that comment (an old WordPress link to its comment-page-N, a page that moved on).
    `number` is the comment's ID, or the ID it had in WordPress (Comment.legacy_id).
    Unknown or invisible comments lead to the post.
    """
    post = get_object_or_404(Post.objects.reachable_by(request.user), pk=post_id)
    if not password_unlocked(request, post):
        return redirect(post.get_absolute_url())
    return _find_comment(request, post, number)


@require_safe
def page_comment_finder(request, page_id, number):
    """Where comment `number` of a page is now (issue #13), as comment_finder."""
    page = get_object_or_404(Page.objects.reachable_by(request.user), pk=page_id)
    return _find_comment(request, page, number)


def _find_comment(request, post, number: int):
    pending = pending_ids(request)
    shown = Comment.objects.for_post(post).filter(
        Q(status=Comment.Status.APPROVED) | Q(status=Comment.Status.PENDING, pk__in=pending)
    )
    comment = shown.filter(pk=number).first() or shown.filter(legacy_id=number).first()
    if comment is None:
        return redirect(post.get_absolute_url() + "#comments")
    if is_page(post):
        comment.page = post
    else:
        comment.post = post
    return redirect(comment_link(comment, pending=pending))


@csrf_exempt  # see the module docstring: CSRF is checked below, as fits the visitor
@require_POST
@_keeps_the_text_when_the_database_fails
def comment_create(request, post_id):
    """Take a comment from the form on a post page.

    Valid: redirect to the post's comment page with #comment-N (held ones are shown to
    their author only).
    Invalid: the post page again with the errors and the text kept (400); refused as a
    whole: 403 (closed post, reply to a held comment), 409 (duplicate), 429 (flood);
    too big to read: 413; sent in another charset than UTF-8: 400 with the text shown
    again; the database cannot store it now: 503 with the text (issue #10).
    """
    refused = _refused_before_reading(request, {"post_id": post_id})
    if refused is not None:
        return refused
    body = request.POST.get("body", "")
    post = (
        Post.objects.reachable_by(request.user).select_related("author").filter(pk=post_id).first()
    )
    if post is None:
        return _error_page(request, _("This post does not exist."), 400, body=body)
    if not password_unlocked(request, post):
        return _error_page(request, _("This post is password protected."), 403, post, body)
    return _take_comment(request, post)


@csrf_exempt  # as comment_create
@require_POST
@_keeps_the_text_when_the_database_fails
def page_comment_create(request, page_id):
    """Take a comment from the form on a page (issue #13), as comment_create on a post."""
    refused = _refused_before_reading(request, {"page_id": page_id})
    if refused is not None:
        return refused
    page = Page.objects.reachable_by(request.user).filter(pk=page_id).first()
    if page is None:
        body = request.POST.get("body", "")
        return _error_page(request, _("This page does not exist."), 400, body=body)
    return _take_comment(request, page)


def _refused_before_reading(request, on: dict):
    """The answer to a form refused before its post or page is read, or None."""
    if _too_big(request):
        return _error_page(request, _("Your comment is too long."), 413)
    if not request.user.is_authenticated and _foreign_origin(request):
        return _error_page(request, _("This form may only be sent from this site."), 403)
    fields = undecodable_fields(request)
    if fields is not None:
        return _kept_text_page(request, on, fields, message=_(NOT_UTF8), status=400)
    if request.user.is_authenticated:
        failure = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if failure is not None:
            return failure
    return None


def _take_comment(request, post):
    """Check, decide and store a comment on `post` (a post or a page), and answer."""
    try:
        # WordPress's order: the post's state before the fields (issue #3).
        check_post_accepts_comments(post, request.user)
    except CommentRejected as exc:
        return _rerender(request, post, None, exc.message, exc.status)
    form = CommentForm(
        request.POST, post=post, user=request.user, captcha_key=_captcha_key(request)
    )
    if not form.is_valid():
        status = 403 if form.parent_error_code() == "parent_unapproved" else 400
        message = _("Error: Please fill the required fields.") if form.misses_required else None
        return _rerender(request, post, form, message, status)
    data = form.cleaned_data
    author = form.author(
        ip_address=_checked_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )
    try:
        comment = submit_comment(
            post=post,
            parent=form.parent_comment,
            author=author,
            body=data["body"],
            honeypot=form.is_honeypot_filled,
            subscribe=data.get("notify", False),
        )
    except CommentRejected as exc:
        return _rerender(request, post, form, exc.message, exc.status)
    if form.is_anonymous:
        form.consume_captcha()
    pending = comment.status == Comment.Status.PENDING
    ids = [*pending_ids(request), comment.pk][-20:] if pending else pending_ids(request)
    # The comment page that shows it (its author sees it while held).
    response = redirect(comment_link(comment, pending=ids))
    if pending:
        response.set_signed_cookie(
            PENDING_COOKIE,
            ",".join(map(str, ids)),
            salt=PENDING_SALT,
            max_age=PENDING_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    elif comment.status == Comment.Status.SPAM:
        response = redirect(f"{post.get_absolute_url()}#comments")
    if form.is_anonymous:
        _remember_author(request, response, data)
    return response


def _too_big(request) -> bool:
    """Whether the form is larger than any real one: by the length the request
    announces, before any of it is read, or by its number of fields.

    Django refuses a body above DATA_UPLOAD_MAX_MEMORY_SIZE too, but only when
    request.POST is read, and with a bare 400 page.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    if length > MAX_FORM_BYTES:
        return True
    try:
        request.POST  # noqa: B018  (parsed here, so that the limits are checked here)
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        return True
    except BadRequest:  # a form in another charset than UTF-8: see comments/charset.py
        return False
    return False


def _checked_ip(request) -> str | None:
    """client_ip(), unless a forged forwarding header made it no address (the model's
    field would refuse it with a 500); then the address the connection came from."""
    ip = client_ip(request)
    try:
        ipaddress.ip_address(ip or "")
    except ValueError:
        return request.META.get("REMOTE_ADDR") or None
    return ip


def _remember_author(request, response, data) -> None:
    """Name, e-mail and website in a cookie only when the commenter ticked the box."""
    if data.get("remember"):
        response.set_signed_cookie(
            AUTHOR_COOKIE,
            json.dumps([data["author_name"], data["author_email"], data.get("author_url", "")]),
            salt=AUTHOR_SALT,
            max_age=AUTHOR_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    elif AUTHOR_COOKIE in request.COOKIES:
        response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")


@require_GET
def avatar(request, key):
    """A commenter's identicon (see comments/avatars.py), cached for a long time.

    Keys are what models.avatar_key makes (hex digits), and only those a comment uses
    get a picture: any other key would only fill the cache with pictures nobody links to.
    """
    png = avatar_png(key) if AVATAR_KEY.fullmatch(key) else None
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, public=True, max_age=30 * 24 * 3600, immutable=True)
    return response


@require_GET
def captcha_image(request):
    """The captcha picture of this browser's challenge; its key goes into a signed cookie,
    not into the page.

    That keeps the post page the same for every reader (cacheable), while each
    browser gets its own challenge: the same one again on reloads, a new one once it
    was answered wrongly, used or expired (comments/challenge.py).
    """
    from captcha.views import captcha_image as render_captcha

    store = challenge.current_or_new(_captcha_key(request))
    response = render_captcha(request, store.hashkey)
    _set_captcha_cookie(request, response, store.hashkey)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _captcha_key(request) -> str:
    """The key of the challenge this browser was given (picture or audio), or ""."""
    return request.get_signed_cookie(
        CAPTCHA_COOKIE, default="", salt=CAPTCHA_SALT, max_age=_captcha_cookie_age()
    )


def _captcha_cookie_age() -> int:
    """Twice the challenge's time: an answer sent too late names its key, and hears
    that the code expired rather than that it was wrong."""
    return 2 * int(challenge.lifetime().total_seconds())


def _set_captcha_cookie(request, response, key: str) -> None:
    response.set_signed_cookie(
        CAPTCHA_COOKIE,
        key,
        salt=CAPTCHA_SALT,
        max_age=_captcha_cookie_age(),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


@require_GET
def captcha_audio(request):
    """The challenge of the picture this browser holds, read aloud (comments/speech.py).

    The key comes from the captcha cookie; a browser that has not loaded the picture yet
    gets a new challenge, whose key goes into the cookie as for the picture. 404 when no
    speaker is installed (the form then offers no audio).
    """
    if not speech.available():
        raise Http404
    key = _captcha_key(request)
    store = challenge.current_or_new(key)
    try:
        audio = speech.speak(store.challenge, get_language())
    except speech.SpeechUnavailable:
        logger.exception("The captcha could not be spoken")
        return _error_page(request, _("The security code cannot be read aloud right now."), 503)
    response = HttpResponse(audio, content_type="audio/wav")
    if store.hashkey != key:
        _set_captcha_cookie(request, response, store.hashkey)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _invalid_confirmation(request):
    days = notifications.CONFIRM_MAX_AGE // (24 * 3600)
    return _error_page(
        request,
        ngettext(
            "Reply notifications were not switched on. A confirmation link works for "
            "%(days)s day after the comment.",
            "Reply notifications were not switched on. A confirmation link works for "
            "%(days)s days after the comment.",
            days,
        )
        % {"days": days},
        400,
        heading=_("This confirmation link is invalid or has expired"),
    )


@never_cache  # a page of one reader's link
@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token):
    """Confirm reply notices: GET shows a button, POST confirms (mail scanners only GET).

    A forged, expired or dead link says so at once, under its own heading (issue #10).
    """
    if request.method == "GET" and notifications.subscription_from_confirm_token(token) is None:
        return _invalid_confirmation(request)
    if request.method == "POST":
        subscription = notifications.confirm_subscription(token)
        if subscription is None:
            return _invalid_confirmation(request)
        return render(
            request,
            "comments/subscription.html",
            {"done": True, "confirmed": True, "subscription": subscription},
        )
    return render(request, "comments/subscription.html", {"confirm": True, "token": token})


@never_cache  # a page of one reader's link
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Stop reply notices without logging in: GET shows a button, POST unsubscribes."""
    subscription = notifications.subscription_from_unsubscribe_token(token)
    if subscription is None and request.method == "POST":
        return render(request, "comments/subscription.html", {"done": True})
    if subscription is None:
        return _error_page(
            request,
            _("Nothing was changed."),
            400,
            heading=_("This unsubscribe link is invalid"),
        )
    if request.method == "POST":
        subscription.delete()
        return render(request, "comments/subscription.html", {"done": True})
    return render(
        request, "comments/subscription.html", {"unsubscribe": True, "subscription": subscription}
    )
