"""What came from WordPress and the redirects that keep its links working (issue #5).

`ImportedObject` remembers, for every author, term, post, page, attachment and comment
taken over from a WordPress export, its WordPress ID and what it became here. That
makes a second import idempotent and lets the old addresses (?p=123, ?cat=4,
/wp-content/uploads/…, custom permalinks) find their new ones. `Redirect` is the table
the author edits in the admin for anything else.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportedObjectQuerySet(models.QuerySet):
    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)


class ImportedObject(models.Model):
    """One object imported from WordPress: its WordPress ID and what it became here.

    The link to the new object is kept even after the author deletes that object
    (it becomes empty): a later import of a newer export then leaves it deleted.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", _("author")
        CATEGORY = "category", _("category")
        TAG = "tag", _("tag")
        POST = "post", _("post")
        PAGE = "page", _("page")
        ATTACHMENT = "attachment", _("attachment")
        COMMENT = "comment", _("comment")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    wp_id = models.PositiveBigIntegerField(_("WordPress ID"))
    guid = models.CharField(_("GUID"), max_length=500, blank=True)
    # The decoded path the object had on WordPress when it differs from its path
    # here (other permalink structures, /wp-content/uploads/… for attachments).
    old_path = models.CharField(_("old address"), max_length=500, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        "blog.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tag = models.ForeignKey(
        "blog.Tag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        "blog.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    page = models.ForeignKey(
        "blog.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    media = models.ForeignKey(
        "blog.Media", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A stored copy of an attachment the media library does not take (PDF, audio …).
    file = models.CharField(_("stored file"), max_length=500, blank=True)
    # Attachment metadata as WordPress had it (title, caption, alt text, parent, URL).
    data = models.JSONField(_("WordPress data"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    objects = ImportedObjectQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "wp_id"]
        verbose_name = _("imported object")
        verbose_name_plural = _("imported objects")
        constraints = [
            models.UniqueConstraint(fields=["kind", "wp_id"], name="imported_object_unique"),
        ]
        indexes = [models.Index(fields=["comment"], name="imported_object_comment")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wp_id}"

    @property
    def target(self):
        """The object this became here, or None once it was deleted."""
        return getattr(self, self.target_field) if self.target_field else None

    @property
    def target_field(self) -> str | None:
        return {
            self.Kind.AUTHOR: "user",
            self.Kind.CATEGORY: "category",
            self.Kind.TAG: "tag",
            self.Kind.POST: "post",
            self.Kind.PAGE: "page",
            self.Kind.ATTACHMENT: "media",
            self.Kind.COMMENT: "comment",
        }.get(self.kind)

    def get_absolute_url(self) -> str:
        """Where the object lives now ("" when it is gone or has no page)."""
        if self.kind == self.Kind.AUTHOR:
            if self.user is None:
                return ""
            return reverse("blog:author_detail", kwargs={"username": self.user.get_username()})
        if self.kind == self.Kind.ATTACHMENT and self.media is None:
            return default_storage.url(self.file) if self.file else ""
        target = self.target
        return target.get_absolute_url() if target is not None else ""


class Redirect(models.Model):
    """An old address that answers with a permanent redirect (edited in the admin)."""

    old_path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        help_text=_("A path on this site, such as /old-page/ or /index.php?page_id=7."),
    )
    new_path = models.CharField(
        _("new address"),
        max_length=500,
        help_text=_("A path such as /2026/11/20/new-post/, or a full URL."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        constraints = [
            models.CheckConstraint(
                condition=Q(old_path__startswith="/"), name="redirect_old_path_absolute"
            ),
        ]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    def get_absolute_url(self):
        return self.new_path
