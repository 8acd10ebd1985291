"""The account's recent logins, shown on its security page (issue #16)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Logins kept per account; older ones are deleted when a new one is recorded.
KEEP_LOGINS = 20


class LoginRecord(models.Model):
    """One login: when, from which address, with which browser, and its session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="login_records",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # To end the account's other sessions (password change, factor removed).
    session_key = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        verbose_name = _("login")
        verbose_name_plural = _("logins")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M} {self.ip_address or ''}".strip()
