"""Comments, their moderation settings and reply subscriptions (issue #3)."""

import hashlib
import hmac

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Page, Post, indexable_q
from core.models import SingletonModel, single_row

from .markup import render_comment

# Maximum lengths as WordPress (wp_get_comment_fields_max_lengths()).
NAME_MAX = 245
EMAIL_MAX = 100
URL_MAX = 200
BODY_MAX = 65525


def avatar_key(identity: str) -> str:
    """A keyed hash of a commenter's e-mail (or name): names the avatar, reveals nothing.

    Unlike Gravatar's plain MD5 of the address, it cannot be looked up or reversed
    without the site's secret key.
    """
    normalised = identity.strip().casefold().encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), b"avatar:" + normalised, hashlib.sha256)
    return digest.hexdigest()[:24]


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """Comments readers see: approved ones."""
        return self.filter(status=Comment.Status.APPROVED)

    def for_post(self, target):
        """The comments on a post or a page (issue #13)."""
        if isinstance(target, Page):
            return self.filter(page=target)
        return self.filter(post=target)

    for_target = for_post

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def conversation(self):
        """Comments proper, not pingbacks or trackbacks (issue #13): the thread, its
        pages, replies and the comment count (comments/pings.py)."""
        return self.filter(comment_type=Comment.Type.COMMENT)

    def pings(self):
        """Pingbacks and trackbacks, listed apart from the thread (comments/pings.py)."""
        return self.exclude(comment_type=Comment.Type.COMMENT)

    def on_public_posts(self):
        """Comments on posts every reader may read in full (for feeds and the sidebar)."""
        return self.filter(indexable_q("post__"))

    def on_public_targets(self):
        """Comments on public posts and published pages (the comments feed, issue #13)."""
        return self.filter(indexable_q("post__") | Q(page__status=Page.Status.PUBLISHED))


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    class Type(models.TextChoices):
        COMMENT = "comment", _("Comment")
        PINGBACK = "pingback", _("Pingback")
        TRACKBACK = "trackback", _("Trackback")

    class Origin(models.TextChoices):
        LOCAL = "", _("this blog")
        FEDIVERSE = "fediverse", _("fediverse")
        WEBMENTION = "webmention", _("Webmention")

    # What it is a comment on: a post or, as in WordPress, a page (issue #13); exactly
    # one of the two (comment_post_or_page).
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    page = models.ForeignKey(
        Page,
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    author_name = models.CharField(_("name"), max_length=NAME_MAX)
    author_email = models.EmailField(_("e-mail"), max_length=EMAIL_MAX, blank=True)
    author_url = models.URLField(_("website"), max_length=URL_MAX, blank=True)
    body = models.TextField(_("comment"), max_length=BODY_MAX)
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    # When the status last changed, and what it was before spam or trash, so that
    # "restore" brings a comment back as it was and old trash can be emptied (#4).
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    previous_status = models.CharField(max_length=10, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=254, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    # Derived at save time, so that rendering a thread needs no lookups per comment.
    is_author_reply = models.BooleanField(_("by the post's author"), default=False, editable=False)
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    avatar = models.CharField(max_length=24, editable=False, blank=True)
    # Set once subscribers of the parent were told about this reply.
    replies_notified = models.BooleanField(default=False, editable=False)
    # The ID an imported comment had in the old blog when that ID was taken here: the
    # thread gives it the old anchor too, so that links to …/#comment-<old ID> still
    # land on it (comments/render.py).
    legacy_id = models.PositiveBigIntegerField(_("old ID"), null=True, blank=True, editable=False)
    # What kind of response it is, as WordPress's comment_type (issue #13): pingbacks and
    # trackbacks are listed apart from the conversation, moderated like comments.
    comment_type = models.CharField(
        _("type"), max_length=10, choices=Type.choices, default=Type.COMMENT
    )
    # Where it came from (issue #15): typed into this blog's form (or the admin), a reply
    # from the fediverse, or a Webmention. remote_id is the reply's address there (the
    # ActivityPub object id, the Webmention source): Update and Delete find it by it.
    origin = models.CharField(
        _("origin"), max_length=12, choices=Origin.choices, default=Origin.LOCAL, blank=True
    )
    remote_id = models.URLField(_("remote address"), max_length=500, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        # WordPress's capability: every comment and the DSGVO tools (blog/roles.py);
        # without it, only the comments on one's own posts.
        permissions = [("moderate_comments", "Can moderate every comment")]
        indexes = [
            models.Index(fields=["post", "created_at"]),
            models.Index(fields=["page", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            # The admin's list of all comments, newest first, and its deep pages (#14).
            models.Index(fields=["-created_at", "-id"], name="comment_newest"),
            models.Index(fields=["author_email"]),
            models.Index(fields=["ip_address", "created_at"]),
            # The avatar view asks whether a key is used (comments/avatars.py).
            models.Index(fields=["avatar"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "trash"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="comment_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(post__isnull=False, page__isnull=True)
                | Q(post__isnull=True, page__isnull=False),
                name="comment_post_or_page",
            ),
            models.CheckConstraint(
                condition=Q(comment_type__in=["comment", "pingback", "trackback"]),
                name="comment_type_valid",
            ),
            # One comment per remote reply: a redelivered Create or a Webmention sent
            # twice updates it instead of adding a second one.
            models.UniqueConstraint(
                fields=["remote_id"], condition=~Q(remote_id=""), name="comment_remote_id_unique"
            ),
        ]

    def __str__(self):
        return _("%(name)s on “%(post)s”") % {"name": self.author_name, "post": self.target}

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self) -> "Comment":
        """Fill in what is derived from the typed fields, so that showing a thread needs
        no lookups per comment. `save()` calls it; so does whoever writes comments with
        `bulk_create` (the WordPress import)."""
        self.body_html = render_comment(self.body)
        self.depth = self.parent.depth + 1 if self.parent_id else 1
        # The "Autor" badge and bypostauthor: the post's own author, logged in, on the
        # site or replying from the admin; an editor or administrator replying to
        # another author's post is not its author (issue #12).
        # Pages have no author here (issue #13): no badge on a page.
        author_id = self.post.author_id if self.post_id else None
        self.is_author_reply = bool(self.user_id) and self.user_id == author_id
        self.avatar = avatar_key(self.author_email or self.author_name)
        return self

    def get_absolute_url(self):
        """Its post's comment page that shows it, with #comment-N (comments/paging.py)."""
        from .paging import comment_link

        return comment_link(self)

    @property
    def target(self):
        """The post or page it is a comment on."""
        return self.post if self.post_id else self.page

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def avatar_url(self) -> str:
        return reverse("comments:avatar", kwargs={"key": self.avatar})


class DiscussionSettings(SingletonModel):
    """The discussion settings, one row (WordPress's defaults; issue #3, edited in #4)."""

    require_approval = models.BooleanField(_("every comment must be approved"), default=False)
    require_previous_approval = models.BooleanField(
        _("comment author must have a previously approved comment"), default=True
    )
    max_links = models.PositiveSmallIntegerField(
        _("hold a comment with this many links or more"),
        default=2,
        help_text=_("0 turns the rule off."),
    )
    moderation_words = models.TextField(
        _("moderation list"),
        blank=True,
        help_text=_(
            "One word, e-mail, IP address or part of a URL per line. A comment containing "
            "one of them in its text, name, e-mail, website, IP or browser is held."
        ),
    )
    disallowed_words = models.TextField(
        _("disallowed list"),
        blank=True,
        help_text=_("Same form as the moderation list; such a comment is marked as spam."),
    )
    thread_depth = models.PositiveSmallIntegerField(
        _("threaded comments: levels deep"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    # Comment pages, WordPress's "Kommentare in Seiten … aufteilen" (issue #14): off by
    # default; a page holds top-level comments with all their replies (comments/paging.py).
    page_comments = models.BooleanField(_("break comments into pages"), default=False)
    comments_per_page = models.PositiveSmallIntegerField(
        _("top-level comments per page"), default=50, validators=[MinValueValidator(1)]
    )
    default_comments_page = models.CharField(
        _("page shown by default"),
        max_length=6,
        choices=[("newest", _("the last page")), ("oldest", _("the first page"))],
        default="newest",
    )
    comment_order = models.CharField(
        _("comments shown at the top of each page"),
        max_length=4,
        choices=[("asc", _("the older ones")), ("desc", _("the newer ones"))],
        default="asc",
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments on posts older than this many days"),
        default=0,
        help_text=_("0 keeps comments open."),
    )
    notify_author = models.BooleanField(
        _("e-mail the post's author about new comments"), default=True
    )
    flood_seconds = models.PositiveSmallIntegerField(
        _("minimum seconds between two comments from one person"), default=15
    )
    ip_retention_days = models.PositiveIntegerField(
        _("remove IP addresses of comments after this many days"), default=60
    )
    # Refused at the fediverse inbox (issue #15, fediverse/blocklist.py).
    blocked_fediverse = models.TextField(
        _("blocked instances and accounts"),
        blank=True,
        help_text=_(
            "One domain (example.social), account (@name@example.social) or actor "
            "address per line. Their activities are refused."
        ),
    )

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")
        constraints = [
            single_row("discussion_settings_single_row"),
            models.CheckConstraint(
                condition=Q(thread_depth__gte=1) & Q(thread_depth__lte=10),
                name="discussion_thread_depth_range",
            ),
        ]

    def __str__(self):
        return str(_("Discussion settings"))


class Subscription(models.Model):
    """A commenter's wish to hear about replies to one comment (double opt-in)."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    email = models.EmailField(_("e-mail"), max_length=EMAIL_MAX)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reply subscription")
        verbose_name_plural = _("reply subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["comment", "email"], name="subscription_unique")
        ]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Reaction(models.Model):
    """A like, boost/repost or bookmark of a post from the open web (issue #15).

    Counted on the post, never shown as a comment; one row per remote actor (or
    Webmention source) and kind, so that a repeated or undone reaction is found again.
    """

    class Kind(models.TextChoices):
        LIKE = "like", _("like")
        REPOST = "repost", _("repost")
        BOOKMARK = "bookmark", _("bookmark")

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    origin = models.CharField(_("origin"), max_length=12, choices=Comment.Origin.choices)
    # Who reacted (the actor's id, or the Webmention source) and the activity's own id.
    actor = models.URLField(_("from"), max_length=500)
    remote_id = models.URLField(_("remote address"), max_length=500, blank=True)
    author_name = models.CharField(_("name"), max_length=NAME_MAX, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "kind", "actor"], name="reaction_unique"),
        ]
        indexes = [models.Index(fields=["post", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.actor}"
