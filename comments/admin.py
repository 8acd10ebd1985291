"""The author's comment screen: moderation at a glance, bulk actions, replying (issue #4).

Scoped by role (issue #12, blog/roles.py): an author sees and moderates only the
comments on their own posts, with their commenters' e-mail and IP; editors and
administrators see every comment and use the DSGVO tools.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog import roles
from blog.models import Post, SiteSettings
from core.admin import SingletonAdmin

from . import privacy, services
from .admin_scale import CommentListScaleMixin
from .forms import ReplyForm
from .models import Comment, DiscussionSettings, Subscription

# As WordPress's EMPTY_TRASH_DAYS.
TRASH_DAYS = 30


class TargetFilter(admin.SimpleListFilter):
    """Comments on posts or on pages (issue #13)."""

    title = _("comments on")
    parameter_name = "on"

    def lookups(self, request, model_admin):
        return [("posts", _("Posts")), ("pages", _("Pages"))]

    def queryset(self, request, queryset):
        if self.value() == "posts":
            return queryset.filter(page__isnull=True)
        if self.value() == "pages":
            return queryset.filter(post__isnull=True)
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """Status with counts, as WordPress shows them: "Ausstehend (4)"."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        """Counted over the comments this user may see (an author: on their own posts),
        one status at a time: each count reads the index on status alone, where a
        GROUP BY read every comment (issue #14)."""
        visible = model_admin.get_queryset(request).order_by()
        counts = {value: visible.filter(status=value).count() for value in Comment.Status.values}
        return [
            (value, f"{label} ({counts.get(value, 0)})") for value, label in Comment.Status.choices
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


class PostAutocomplete(AutocompleteSelect):
    """Django's autocomplete widget, asking CommentAdmin.post_autocomplete_view."""

    url_name = "%s:comments_comment_post_autocomplete"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = _("Search by title")
        attrs["data-width"] = "100%"
        return attrs

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        """The empty choice (select2's placeholder) gets a label: an empty <option> is
        invalid HTML."""
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in ("", None):
            option["attrs"]["label"] = _("All")
        return option


class PostFilter(admin.SimpleListFilter):
    """The post whose comments are listed, found by typing its title (issue #12).

    Not a list of every post, as Django's filter of a foreign key is: a blog has ten
    thousand of them, and the list showed other authors' draft and private titles. The
    autocomplete finds only posts whose comments the user may see (blog/roles.py). The
    parameter stays `post__id__exact`, which the post list's comment counts link to.
    """

    title = _("post")
    parameter_name = "post__id__exact"
    template = "admin/comments/comment/post_filter.html"

    def lookups(self, request, model_admin):
        self.posts = Post.objects.filter(roles.comment_post_q(request.user, prefix=""))
        value = self.value()
        if value and value.isdigit():
            return list(self.posts.filter(pk=value).values_list("pk", "title"))
        return []

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(post_id=value if value.isdigit() else None)

    def choices(self, changelist):
        """One "choice" for the template: the search field, the other parameters of the
        list (kept when a post is chosen) and the link that shows all posts again."""
        field = forms.ModelChoiceField(
            queryset=self.posts,
            required=False,
            widget=PostAutocomplete(
                Comment._meta.get_field("post"), changelist.model_admin.admin_site
            ),
        )
        field.widget.choices = field.choices
        selected = self.lookup_choices[0][0] if self.lookup_choices else None
        yield {
            "selected": selected is not None,
            "widget": field.widget.render(
                self.parameter_name, selected, attrs={"id": "post-filter"}
            ),
            "hidden": [
                (name, value)
                for name, values in changelist.filter_params.items()
                if name != self.parameter_name
                for value in values
            ],
            "clear_url": changelist.get_query_string(remove=[self.parameter_name, "p"]),
        }


class PrivacyForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the commenter"))
    remove_text = forms.BooleanField(
        label=_("Also remove the comment texts (otherwise only the personal data)"),
        required=False,
    )


def _confirmed_for(request, email: str) -> bool:
    """Whether the erasure of exactly this address was confirmed on the previous page.

    The confirmation carries the address it was shown for, so that changing the
    address on the confirmation page asks again instead of erasing another person.
    """
    return request.POST.get("confirm", "").strip().casefold() == email.casefold()


@admin.register(Comment)
class CommentAdmin(CommentListScaleMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Readable at 1,366 px beside the admin's menu and the filters (issue #12): the
    # comment is the widest column, its status and date above the text; e-mail and IP
    # stand under the name (css/admin-comments.css).
    list_display = ["author_column", "comment_column", "post_link"]
    # The name links to the comment itself (author_column): a cell-wide link would
    # wrap the e-mail's link.
    list_display_links = None
    list_filter = [StatusFilter, "comment_type", TargetFilter, "created_at", PostFilter]
    search_fields = ["author_name", "author_email", "ip_address", "body"]
    list_select_related = ["post", "page"]
    # No date hierarchy: its years are a scan of every comment (issue #14); the date
    # filter's ranges read the index on created_at. Search and pages: admin_scale.py.
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    raw_id_fields = ["post", "page", "parent", "user"]
    readonly_fields = [
        "post",
        "page",
        "parent",
        "status",
        "created_at",
        "ip_address",
        "user_agent",
        "user",
        "preview",
    ]
    fields = [
        "post",
        "page",
        "parent",
        "status",
        "author_name",
        "author_email",
        "author_url",
        "body",
        "preview",
        "created_at",
        "ip_address",
        "user_agent",
        "user",
    ]
    actions = [
        "approve",
        "unapprove",
        "mark_spam",
        "move_to_trash",
        "restore",
        "delete_permanently",
    ]
    change_form_template = "admin/comments/comment/change_form.html"

    @property
    def media(self):
        post_search = PostAutocomplete(Comment._meta.get_field("post"), self.admin_site)
        return (
            super().media
            + post_search.media
            + forms.Media(
                css={"all": ["css/admin.css", "css/admin-comments.css"]},
                # After Django's jQuery and autocomplete, whose select it listens to.
                js=[
                    "admin/js/jquery.init.js",
                    "admin/js/autocomplete.js",
                    "js/admin-comment-filter.js",
                ],
            )
        )

    def get_queryset(self, request):
        """The comments this user may see: an author's are those on their own posts."""
        queryset = super().get_queryset(request).select_related("post", "page")
        return queryset.filter(roles.comment_post_q(request.user))

    def get_object(self, request, object_id, from_field=None):
        """Another author's comment is refused (403) rather than reported missing."""
        obj = super().get_object(request, object_id, from_field)
        other = obj is None and str(object_id).isdigit()
        if other and Comment.objects.filter(pk=int(object_id)).exists():
            raise PermissionDenied
        return obj

    def _comment_or_404(self, request, pk) -> Comment:
        comment = self.get_object(request, str(pk))
        if comment is None:
            raise Http404
        return comment

    def _may_moderate(self, request, obj) -> bool:
        if obj is not None and obj.page_id:
            # Pages have no author here: their comments are the editors' (issue #13).
            return roles.may_moderate_all_comments(request.user)
        return obj is None or roles.may_moderate_comments_of(request.user, obj.post)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may_moderate(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_moderate(request, obj)

    def _may_use_privacy_tools(self, request) -> bool:
        return self.has_delete_permission(request) and roles.may_use_privacy_tools(request.user)

    def changelist_view(self, request, extra_context=None):
        """The list; the links to the DSGVO tools and emptying the trash, which reach
        every comment, only for editors and administrators."""
        return super().changelist_view(
            request,
            {
                "may_use_privacy_tools": self._may_use_privacy_tools(request),
                **(extra_context or {}),
            },
        )

    @admin.display(description=_("comment"), ordering="created_at")
    def comment_column(self, obj):
        """Status and date, then the text (its beginning): WordPress's "Kommentar"."""
        return format_html(
            '<div class="comment-meta">{}<span class="comment-status status-{}">{}</span> '
            '<time datetime="{}">{}</time></div><div class="comment-text">{}</div>',
            # Pingbacks and trackbacks say so, as in WordPress's list (issue #13).
            format_html('<span class="comment-type">{}</span> ', obj.get_comment_type_display())
            if obj.comment_type != Comment.Type.COMMENT
            else "",
            obj.status,
            obj.get_status_display(),
            timezone.localtime(obj.created_at).isoformat(timespec="seconds"),
            date_format(timezone.localtime(obj.created_at), "DATETIME_FORMAT"),
            Truncator(obj.body).chars(300),
        )

    @admin.display(description=_("author"), ordering="author_name")
    def author_column(self, obj):
        """The name, linking to the comment; under it e-mail and IP (a link to the
        commenter's other comments by that address), as WordPress shows them."""
        name = format_html(
            '<a href="{}" class="comment-author">{}</a>',
            reverse("admin:comments_comment_change", args=[obj.pk]),
            obj.author_name,
        )
        email = (
            format_html('<a href="mailto:{0}" class="comment-email">{0}</a>', obj.author_email)
            if obj.author_email
            else ""
        )
        ip = (
            format_html(
                '<a href="?q={0}" class="comment-ip" title="{1}">{0}</a>',
                obj.ip_address,
                _("Comments from this IP address"),
            )
            if obj.ip_address
            else ""
        )
        return format_html("{}{}{}{}", name, email, ip, self._origin(obj))

    @staticmethod
    def _origin(obj):
        """Where a reply from the open web came from, its profile linked (issue #15)."""
        if not obj.origin:
            return ""
        fediverse = obj.origin == Comment.Origin.FEDIVERSE
        source = (obj.user_agent or "Fediverse") if fediverse else obj.get_origin_display()
        label = _("via %(software)s") % {"software": source}
        # A Webmention links its source (what the moderator reads), a reply its profile.
        link = obj.remote_id if obj.origin == Comment.Origin.WEBMENTION else obj.author_url
        if link.startswith(("https://", "http://")):
            return format_html(
                '<a href="{}" class="comment-origin" rel="noopener noreferrer">{}</a>',
                link,
                label,
            )
        return format_html('<span class="comment-origin">{}</span>', label)

    @admin.display(description=_("In response to"), ordering="post__title")
    def post_link(self, obj):
        """The post or page (issue #13) the comment is on, and its address on the site."""
        if obj.page_id:
            change = reverse("admin:blog_page_change", args=[obj.page_id])
        else:
            change = reverse("admin:blog_post_change", args=[obj.post_id])
        return format_html(
            '<a href="{}">{}</a> <a href="{}" class="viewsitelink" title="{}">↗</a>',
            change,
            obj.target.title,
            obj.get_absolute_url(),
            _("View on site"),
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        # body_html was sanitised when the comment was saved (comments/markup.py).
        return format_html('<div class="comment-preview">{}</div>', mark_safe(obj.body_html))  # noqa: S308

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        """Comments come from readers or the reply box; the add form (post and parent
        read-only) could not be saved."""
        return False

    def has_delete_permission(self, request, obj=None):
        """Only spam and trash can be deleted for good."""
        if obj is not None and obj.status not in (Comment.Status.SPAM, Comment.Status.TRASH):
            return False
        return super().has_delete_permission(request, obj) and self._may_moderate(request, obj)

    def _set_status(self, request, queryset, status, done_message):
        count = 0
        for comment in queryset.select_related("post", "page"):
            if comment.status != status:
                services.set_status(comment, status)
                count += 1
        self.message_user(request, done_message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request, queryset):
        self._set_status(
            request, queryset, Comment.Status.APPROVED, _("%(count)s comment(s) approved.")
        )

    @admin.action(description=_("Unapprove"), permissions=["change"])
    def unapprove(self, request, queryset):
        self._set_status(
            request, queryset, Comment.Status.PENDING, _("%(count)s comment(s) unapproved.")
        )

    @admin.action(description=_("Mark as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(
            request, queryset, Comment.Status.SPAM, _("%(count)s comment(s) marked as spam.")
        )

    @admin.action(description=_("Move to trash"), permissions=["change"])
    def move_to_trash(self, request, queryset):
        self._set_status(
            request, queryset, Comment.Status.TRASH, _("%(count)s comment(s) moved to the trash.")
        )

    @admin.action(description=_("Restore"), permissions=["change"])
    def restore(self, request, queryset):
        count = 0
        for comment in queryset.filter(
            status__in=[Comment.Status.SPAM, Comment.Status.TRASH]
        ).select_related("post", "page"):
            services.restore_comment(comment)
            count += 1
        self.message_user(request, _("%(count)s comment(s) restored.") % {"count": count})

    def _report_deleted(self, request, count: int) -> None:
        self.message_user(
            request,
            ngettext(
                "%(count)s comment deleted permanently.",
                "%(count)s comments deleted permanently.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Delete permanently"), permissions=["delete"])
    def delete_permanently(self, request, queryset):
        """Delete spam and trash for good, after a confirmation page."""
        deletable = queryset.filter(status__in=[Comment.Status.SPAM, Comment.Status.TRASH])
        skipped = queryset.count() - deletable.count()
        if request.POST.get("confirm") == "yes":
            count = services.delete_comments(list(deletable.select_related("post", "page")))
            self._report_deleted(request, count)
            return None
        if not deletable.exists():
            self.message_user(
                request,
                _("Only comments in spam or the trash can be deleted permanently."),
                messages.WARNING,
            )
            return None
        return TemplateResponse(
            request,
            "admin/comments/comment/delete_permanently.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Delete comments permanently?"),
                "comments": deletable.select_related("post", "page"),
                "skipped": skipped,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="comments_comment_reply",
            ),
            path(
                "empty-trash/",
                self.admin_site.admin_view(self.empty_trash_view),
                name="comments_comment_empty_trash",
            ),
            path(
                "privacy/",
                self.admin_site.admin_view(self.privacy_view),
                name="comments_comment_privacy",
            ),
            path(
                "<int:pk>/moderate/<str:action>/",
                self.admin_site.admin_view(self.moderate_view),
                name="comments_comment_moderate",
            ),
            path(
                "post-autocomplete/",
                self.admin_site.admin_view(self.post_autocomplete_view),
                name="comments_comment_post_autocomplete",
            ),
        ]
        return urls + super().get_urls()

    def reply_view(self, request, pk):
        """Reply as the logged-in author; POST only acts (the form is on the change page)."""
        parent = self._comment_or_404(request, pk)
        if not self.has_change_permission(request, parent):
            raise PermissionDenied
        form = ReplyForm(request.POST or None, parent=parent)
        if request.method == "POST" and form.is_valid():
            reply = services.reply_as_author(
                parent=parent, user=request.user, body=form.cleaned_data["body"]
            )
            self.message_user(request, _("Your reply was published."), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:comments_comment_change", args=[reply.pk]))
        if form.non_field_errors():  # past the thread depth: said once, the text kept
            for error in form.non_field_errors():
                self.message_user(request, error, messages.ERROR)
            form = ReplyForm(initial={"body": request.POST.get("body", "")}, parent=parent)
        return TemplateResponse(
            request,
            "admin/comments/comment/reply.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reply to %s") % parent.author_name,
                "comment": parent,
                "form": form,
                "opts": self.model._meta,
            },
        )

    MODERATION_ACTIONS = {
        "approve": (Comment.Status.APPROVED, _("Approve this comment?")),
        "spam": (Comment.Status.SPAM, _("Mark this comment as spam?")),
        "trash": (Comment.Status.TRASH, _("Move this comment to the trash?")),
    }

    def moderate_view(self, request, pk, action):
        """The target of the links in notification e-mails: confirm, then act on POST."""
        if action not in self.MODERATION_ACTIONS:
            raise PermissionDenied
        comment = self._comment_or_404(request, pk)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        status, question = self.MODERATION_ACTIONS[action]
        if request.method == "POST":
            services.set_status(comment, status)
            self.message_user(
                request,
                _("The comment is now: %s") % comment.get_status_display(),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        return TemplateResponse(
            request,
            "admin/comments/comment/moderate.html",
            {
                **self.admin_site.each_context(request),
                "title": question,
                "comment": comment,
                "action": action,
                "opts": self.model._meta,
            },
        )

    def empty_trash_view(self, request):
        """Delete spam and trash older than 30 days, after a confirmation (as the command):
        every author's, so for editors and administrators."""
        if not self._may_use_privacy_tools(request):
            raise PermissionDenied
        cutoff = timezone.now() - datetime.timedelta(days=TRASH_DAYS)
        old = Comment.objects.filter(
            status__in=[Comment.Status.SPAM, Comment.Status.TRASH], status_changed_at__lt=cutoff
        )
        if request.method == "POST":
            count = services.empty_trash(days=TRASH_DAYS)
            self._report_deleted(request, count)
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        return TemplateResponse(
            request,
            "admin/comments/comment/empty_trash.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Empty spam and trash"),
                "count": old.count(),
                "days": TRASH_DAYS,
                "opts": self.model._meta,
            },
        )

    def privacy_view(self, request):
        """Export or erase a commenter's data (DSGVO): every comment under an address, on
        every author's posts, so for editors and administrators (blog/roles.py)."""
        if not self._may_use_privacy_tools(request):
            raise PermissionDenied
        form = PrivacyForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Personal data of commenters"),
            "form": form,
            "opts": self.model._meta,
        }
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            action = request.POST.get("action")
            if action == "export_json":
                data = privacy.export_personal_data(email)
                response = JsonResponse(
                    data, json_dumps_params={"ensure_ascii": False, "indent": 2}
                )
                response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
                return response
            if action == "export":
                context["export"] = privacy.export_personal_data(email)
            elif action == "erase" and _confirmed_for(request, email):
                count = privacy.erase_personal_data(
                    email, remove_text=form.cleaned_data["remove_text"]
                )
                self.message_user(
                    request,
                    _("%(count)s comment(s) of %(email)s anonymised.")
                    % {"count": count, "email": email},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:comments_comment_privacy"))
            elif action == "erase":
                context["confirm_erase"] = True
                context["matching"] = Comment.objects.filter(author_email__iexact=email).count()
        return TemplateResponse(request, "admin/comments/comment/privacy.html", context)

    def post_autocomplete_view(self, request):
        """The posts whose title contains `term`, for the post filter (select2's JSON):
        only those whose comments this user may see, 20 a page, newest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        posts = Post.objects.filter(roles.comment_post_q(request.user, prefix=""))
        term = request.GET.get("term", "").strip()
        if term:
            posts = posts.filter(title__icontains=term)
        page = Paginator(posts.order_by("-published_at", "-id").only("pk", "title"), 20)
        found = page.get_page(request.GET.get("page"))
        return JsonResponse(
            {
                "results": [{"id": str(p.pk), "text": p.title} for p in found],
                "pagination": {"more": found.has_next()},
            }
        )

    def save_model(self, request, obj, form, change):
        """Editing keeps the thread position; the HTML is rebuilt by Comment.save()."""
        super().save_model(request, obj, form, change)
        services.recount(obj.target)


class DiscussionSettingsForm(forms.ModelForm):
    """The discussion settings, and beside them the blog's default for new posts.

    That default is the blog's (SiteSettings.comments_open_by_default, read by the post
    form), shown here as WordPress shows it under "Discussion".
    """

    comments_open_by_default = forms.BooleanField(
        label=SiteSettings._meta.get_field("comments_open_by_default").verbose_name,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = SiteSettings.load().comments_open_by_default
        self.fields["comments_open_by_default"].initial = default

    def save(self, commit=True):
        site = SiteSettings.objects.get_or_create(pk=1)[0]
        wanted = self.cleaned_data["comments_open_by_default"]
        if site.comments_open_by_default != wanted:
            site.comments_open_by_default = wanted
            site.save(update_fields=["comments_open_by_default"])
        return super().save(commit)

    class Meta:
        model = DiscussionSettings
        fields = [
            "require_approval",
            "require_previous_approval",
            "max_links",
            "moderation_words",
            "disallowed_words",
            "flood_seconds",
            "thread_depth",
            "close_after_days",
            "page_comments",
            "comments_per_page",
            "default_comments_page",
            "comment_order",
            "notify_author",
            "ip_retention_days",
        ]
        widgets = {
            "moderation_words": forms.Textarea(attrs={"rows": 6, "cols": 50}),
            "disallowed_words": forms.Textarea(attrs={"rows": 6, "cols": 50}),
        }


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(SingletonAdmin):
    """One row, "Diskussion": the list goes straight to its form."""

    form = DiscussionSettingsForm
    fieldsets = [
        (_("Default post settings"), {"fields": ["comments_open_by_default"]}),
        (
            _("Before a comment appears"),
            {"fields": ["require_approval", "require_previous_approval"]},
        ),
        (
            _("Comment moderation"),
            {"fields": ["max_links", "moderation_words", "disallowed_words", "flood_seconds"]},
        ),
        (
            _("Other comment settings"),
            {
                "fields": [
                    "thread_depth",
                    "close_after_days",
                    "page_comments",
                    "comments_per_page",
                    "default_comments_page",
                    "comment_order",
                ]
            },
        ),
        (_("Email me whenever"), {"fields": ["notify_author"]}),
        (_("Privacy"), {"fields": ["ip_retention_days"]}),
        (_("Fediverse"), {"fields": ["blocked_fediverse"]}),
    ]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "comment", "created_at", "confirmed_at"]
    search_fields = ["email"]
    raw_id_fields = ["comment"]
