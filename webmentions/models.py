"""Webmentions received and sent (issue #15; W3C Recommendation)."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Page, Post
from comments.models import Comment

URL_MAX = 500


class Webmention(models.Model):
    """One source → target notification and what its verification found.

    The endpoint stores it as it came (queued) and answers at once; a job fetches the
    source later (webmentions/receive.py) and turns it into a held comment, a Reaction,
    or nothing. Sent again for the same pair, it is verified again: that is how a
    changed or deleted source updates or removes what it became.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        DELETED = "deleted", _("deleted at the source")
        FAILED = "failed", _("source not reachable")

    class Kind(models.TextChoices):
        REPLY = "reply", _("reply")
        MENTION = "mention", _("mention")
        LIKE = "like", _("like")
        REPOST = "repost", _("repost")
        BOOKMARK = "bookmark", _("bookmark")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.URLField(_("source"), max_length=URL_MAX)
    target = models.URLField(_("target"), max_length=URL_MAX)
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.CASCADE
    )
    page = models.ForeignKey(
        Page, verbose_name=_("page"), null=True, blank=True, on_delete=models.CASCADE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    author_name = models.CharField(_("author"), max_length=245, blank=True)
    author_url = models.URLField(_("author's website"), max_length=URL_MAX, blank=True)
    # Kept for the moderator only: the thread shows no remote pictures (privacy, CSP).
    author_photo = models.URLField(_("author's photo"), max_length=URL_MAX, blank=True)
    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), null=True, blank=True, on_delete=models.SET_NULL
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("received Webmention")
        verbose_name_plural = _("received Webmentions")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="webmention_unique"),
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"

    def get_absolute_url(self):
        return reverse("webmentions:status", kwargs={"key": self.key})

    @property
    def target_object(self):
        return self.post or self.page


class SentWebmention(models.Model):
    """A link of a post that was notified: what the post linked to the last time, so
    that a link removed later is notified once more (the receiver then sees it gone)."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="+"
    )
    target = models.URLField(_("target"), max_length=URL_MAX)
    endpoint = models.URLField(_("endpoint"), max_length=URL_MAX, blank=True)
    response_status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("sent Webmention")
        verbose_name_plural = _("sent Webmentions")
        constraints = [
            models.UniqueConstraint(fields=["post", "target"], name="sent_webmention_unique"),
        ]

    def __str__(self):
        return f"{self.post} → {self.target}"
