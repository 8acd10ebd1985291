"""The admin's start page (issue #12), as WordPress's dashboard: "Auf einen Blick" (posts,
pages and comments by status), the user's latest drafts, scheduled posts, the latest
comments with "Freigeben" and "Antworten", and a quick draft box; the app list below.

Every figure is what the user may see (blog/roles.py: an author's own posts and the
comments on them, an editor everything; within the comment admin's own queryset) and
costs one grouped query per kind, over indexed columns: a blog with 200,000 comments
counts them with one GROUP BY on the status index instead of a query per status. Lists
are a few rows each, read through the (status, date) indexes.

`BlogAdminSite` (config/admin.py) hands `context(request, site)` to templates/admin/index.html
and routes `urls(site)`.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from blog import roles
from blog.models import Page, Post, SiteSettings
from comments import services
from comments.models import Comment

LATEST = 5


class QuickDraftForm(forms.Form):
    """WordPress's "Schneller Entwurf": a title and a few lines, saved as a draft."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("What’s on your mind?")}),
        required=False,
        max_length=500_000,
    )


def _admin(site, model):
    return site._registry.get(model)


def _post_counts(posts) -> list[dict]:
    """Posts by status, published split into published and scheduled: one query."""
    now = timezone.now()
    published = Q(status=Post.Status.PUBLISHED)
    groups = [
        ("published", _("Published"), published & Q(published_at__lte=now)),
        ("scheduled", _("Scheduled"), published & Q(published_at__gt=now)),
    ]
    groups += [
        (value, label, Q(status=value))
        for value, label in Post.Status.choices
        if value != Post.Status.PUBLISHED
    ]
    counts = posts.aggregate(**{key: Count("pk", filter=q) for key, _label, q in groups})
    changelist = reverse("admin:blog_post_changelist")
    result = []
    for key, label, _q in groups:
        if key == "scheduled":
            url = f"{changelist}?" + urlencode(
                {"status": "published", "published_at__gte": now.isoformat(timespec="seconds")}
            )
        else:
            url = f"{changelist}?status={key}"
        result.append({"key": key, "label": label, "count": counts[key], "url": url})
    return result


def _grouped(queryset, choices, changelist) -> list[dict]:
    """Counts of `queryset` by status (one GROUP BY), in the order of `choices`."""
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        {"key": v, "label": label, "count": counts.get(v, 0), "url": f"{changelist}?status={v}"}
        for v, label in choices
    ]


def _latest_comments(comments) -> list:
    """The newest held and approved comments: one short indexed query per status."""
    rows = []
    for status in (Comment.Status.PENDING, Comment.Status.APPROVED):
        rows += list(
            comments.filter(status=status)
            .select_related("post", "page")
            .order_by("-created_at")[:LATEST]
        )
    rows.sort(key=lambda c: c.created_at, reverse=True)
    return rows[:LATEST]


def context(request, site) -> dict:
    """What the dashboard shows this user (see the module docstring)."""
    user = request.user
    result = {}
    post_admin = _admin(site, Post)
    if post_admin and post_admin.has_view_or_change_permission(request):
        posts = Post.objects.filter(roles.own_posts_q(user))
        result["post_counts"] = _post_counts(posts)
        result["drafts"] = list(
            Post.objects.filter(author=user)
            .exclude(status__in=[Post.Status.PUBLISHED, Post.Status.TRASH])
            .only("title", "updated_at", "status")
            .order_by("-updated_at")[:LATEST]
        )
        result["scheduled"] = list(
            posts.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())
            .select_related("author")
            .only("title", "published_at", "author__username", "author__first_name")
            .order_by("published_at")[:LATEST]
        )
    page_admin = _admin(site, Page)
    if page_admin and page_admin.has_view_or_change_permission(request):
        result["page_counts"] = _grouped(
            Page.objects.all(), Page.Status.choices, reverse("admin:blog_page_changelist")
        )
    comment_admin = _admin(site, Comment)
    if comment_admin and comment_admin.has_view_or_change_permission(request):
        comments = comment_admin.get_queryset(request).filter(roles.comment_post_q(user))
        result["comment_counts"] = _grouped(
            comments, Comment.Status.choices, reverse("admin:comments_comment_changelist")
        )
        result["latest_comments"] = [
            {
                "comment": c,
                "may_moderate": comment_admin.has_change_permission(request, c),
                "reply_url": reverse("admin:comments_comment_reply", args=[c.pk]),
                "change_url": reverse("admin:comments_comment_change", args=[c.pk]),
                "approve_url": reverse("admin:dashboard_approve_comment", args=[c.pk]),
            }
            for c in _latest_comments(comments)
        ]
    if post_admin and post_admin.has_add_permission(request):
        result["quick_draft_form"] = QuickDraftForm()
    return result


def quick_draft(site, request):
    """POST: save the quick draft and go back to the dashboard; with errors the
    dashboard again, the text kept."""
    post_admin = _admin(site, Post)
    if post_admin is None or not post_admin.has_add_permission(request):
        raise PermissionDenied
    form = QuickDraftForm(request.POST)
    if not form.is_valid():
        return site.index(request, extra_context={"quick_draft_form": form})
    post = Post(
        title=form.cleaned_data["title"],
        body=form.cleaned_data["body"],
        status=Post.Status.DRAFT,
        author=request.user,
        comments_open=SiteSettings.load().comments_open_by_default,
    )
    post.save()
    post_admin.log_addition(request, post, [{"added": {}}])
    messages.success(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            gettext("Draft saved."),
            reverse("admin:blog_post_change", args=[post.pk]),
            gettext("Edit draft"),
        ),
    )
    return HttpResponseRedirect(reverse("admin:index"))


def approve_comment(site, request, pk):
    """POST: approve a comment from the dashboard, for users who may moderate it."""
    comment_admin = _admin(site, Comment)
    if comment_admin is None:
        raise PermissionDenied
    comments = comment_admin.get_queryset(request).filter(roles.comment_post_q(request.user))
    comment = get_object_or_404(comments.select_related("post"), pk=pk)
    if not comment_admin.has_change_permission(request, comment):
        raise PermissionDenied
    services.set_status(comment, Comment.Status.APPROVED)
    messages.success(request, gettext("Comment approved."))
    return HttpResponseRedirect(reverse("admin:index"))


def urls(site) -> list:
    """The dashboard's two POST endpoints, behind the admin's login."""
    return [
        path(
            "dashboard/quick-draft/",
            site.admin_view(require_POST(lambda request: quick_draft(site, request))),
            name="dashboard_quick_draft",
        ),
        path(
            "dashboard/comments/<int:pk>/approve/",
            site.admin_view(require_POST(lambda request, pk: approve_comment(site, request, pk))),
            name="dashboard_approve_comment",
        ),
    ]
