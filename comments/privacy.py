"""DSGVO tools: export and erase what is stored about a commenter, purge old IPs (issue #4)."""

import datetime
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Comment, DiscussionSettings, Subscription


def _matching(email: str):
    return Comment.objects.filter(author_email__iexact=email.strip())


def export_personal_data(email: str) -> dict:
    """All comments and subscriptions stored under an e-mail address, with personal data."""
    email = email.strip()
    comments = _matching(email).select_related("post", "page").order_by("created_at", "id")
    subscriptions = Subscription.objects.filter(email__iexact=email).order_by("created_at")
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": c.pk,
                # The post or page it is on (issue #13).
                "post": c.target.title,
                "post_url": c.target.get_absolute_url(),
                "comment_url": c.get_absolute_url(),
                "in_reply_to": c.parent_id,
                "name": c.author_name,
                "email": c.author_email,
                "website": c.author_url,
                "ip_address": c.ip_address,
                "user_agent": c.user_agent,
                "created_at": c.created_at.isoformat(),
                "status": c.status,
                "text": c.body,
            }
            for c in comments
        ],
        "subscriptions": [
            {
                "comment": s.comment_id,
                "email": s.email,
                "created_at": s.created_at.isoformat(),
                "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
            }
            for s in subscriptions
        ],
    }


def erase_personal_data(email: str, *, remove_text: bool = False) -> int:
    """Anonymise the comments under an e-mail address; return how many were changed.

    The name becomes "Anonym"; e-mail, website, IP address and user agent are removed;
    the text is kept (with the address itself blanked out) or, if asked, removed.
    Reply subscriptions of the address are deleted.
    """
    email = email.strip()
    if not email:
        return 0
    anonymous = _("Anonymous")
    address = re.compile(re.escape(email), re.IGNORECASE)
    changed = 0
    with transaction.atomic():
        for comment in _matching(email).select_related("post"):
            comment.author_name = anonymous
            comment.author_email = ""
            comment.author_url = ""
            comment.ip_address = None
            comment.user_agent = ""
            comment.body = _("[removed]") if remove_text else address.sub("[…]", comment.body)
            comment.save()
            changed += 1
        Subscription.objects.filter(email__iexact=email).delete()
        # The address may also stand in other people's comments that quote it.
        for comment in Comment.objects.filter(
            Q(body__icontains=email) | Q(author_url__icontains=email)
        ):
            comment.body = address.sub("[…]", comment.body)
            comment.author_url = address.sub("", comment.author_url)
            comment.save()
    return changed


def purge_comment_ips(days: int | None = None) -> int:
    """Remove IP addresses and user agents of comments older than the retention period."""
    if days is None:
        days = DiscussionSettings.load().ip_retention_days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .filter(~Q(ip_address=None) | ~Q(user_agent=""))
        .update(ip_address=None, user_agent="")
    )
