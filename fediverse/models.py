"""The fediverse's rows (issue #15): remote actors, followers, each author's key pair."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

URL_MAX = 500


class RemoteActor(models.Model):
    """An actor of another server (a Mastodon account), as its document said when fetched.

    `public_key_pem` and `key_id` are the key that signs its requests; a failed check
    fetches the document once more (the key may have been rotated, fediverse/signatures.py).
    """

    ap_id = models.URLField(_("actor"), max_length=URL_MAX, unique=True)
    inbox = models.URLField(_("inbox"), max_length=URL_MAX)
    shared_inbox = models.URLField(_("shared inbox"), max_length=URL_MAX, blank=True)
    preferred_username = models.CharField(_("user name"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    url = models.URLField(_("profile"), max_length=URL_MAX, blank=True)
    icon = models.URLField(_("avatar"), max_length=URL_MAX, blank=True)
    public_key_pem = models.TextField(_("public key"), blank=True)
    key_id = models.URLField(_("key"), max_length=URL_MAX, blank=True)
    domain = models.CharField(_("domain"), max_length=255, db_index=True)
    fetched_at = models.DateTimeField(_("fetched"), default=timezone.now)

    class Meta:
        ordering = ["domain", "preferred_username"]
        verbose_name = _("remote actor")
        verbose_name_plural = _("remote actors")

    def __str__(self):
        return self.handle

    def get_absolute_url(self):
        return self.url or self.ap_id

    @property
    def handle(self) -> str:
        """@name@domain, as Mastodon shows an account."""
        name = self.preferred_username or urlsplit(self.ap_id).path.rsplit("/", 1)[-1]
        return f"@{name}@{self.domain}"

    @property
    def delivery_inbox(self) -> str:
        """Where activities for this actor go: its server's shared inbox if it has one."""
        return self.shared_inbox or self.inbox


class Follower(models.Model):
    """A remote actor following a local author (accepted at once, as Mastodon expects)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="fediverse_followers",
    )
    actor = models.ForeignKey(
        RemoteActor, verbose_name=_("follower"), on_delete=models.CASCADE, related_name="follows"
    )
    follow_id = models.URLField(_("follow activity"), max_length=URL_MAX, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["author", "actor"], name="follower_unique")]

    def __str__(self):
        return f"{self.actor} → {self.author}"


class ActorKey(models.Model):
    """A local author's RSA key pair, made the first time the author is asked for."""

    author = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="fediverse_key",
    )
    private_key_pem = models.TextField(_("private key"))
    public_key_pem = models.TextField(_("public key"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["author_id"]
        verbose_name = _("actor key")
        verbose_name_plural = _("actor keys")

    def __str__(self):
        return str(self.author)


class FederatedPost(models.Model):
    """What the fediverse was told about a post: created, scheduled for later, deleted.

    An edit is delivered as Update only when the document changed (`content_hash`), an
    unpublish as Delete only when a Create went out before.
    """

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        SENT = "sent", _("delivered")
        DELETED = "deleted", _("deleted")

    post = models.OneToOneField(
        "blog.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    object_id = models.URLField(_("object"), max_length=URL_MAX)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("federated post")
        verbose_name_plural = _("federated posts")

    def __str__(self):
        return self.object_id
