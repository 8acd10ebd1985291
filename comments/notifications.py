"""E-mails around comments: to the post's author, and double-opt-in reply notices (issue #3).

Links in e-mails are absolute, made with `absolute()` from the one site address,
settings.SITE_URL (BLOG_SITE_URL in the environment). Header values never contain what
a commenter typed, so a line break in a name cannot inject headers.

No e-mail is sent inside a request (issue #15): `notify_post_author`,
`send_subscription_confirmation` and `notify_subscribers` enqueue one background job per
recipient (core/jobs.py), which renders and sends it when it runs. A mail server that
hangs or refuses slows no reader: the job is retried with growing pauses (1 minute,
2, 4, … about eight and a half hours in all) and, if it never gets through, waits in the
admin's failed jobs for a retry by hand.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import jobs

logger = logging.getLogger(__name__)

CONFIRM_SALT = "comments.subscription.confirm"
UNSUBSCRIBE_SALT = "comments.subscription.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:150]


# Retries of an e-mail that did not get through: after 1, 2, 4 … 256 minutes.
MAIL_RETRIES = 9
MAIL_BACKOFF = 60


def _send(subject: str, template: str, context: dict, to: str) -> None:
    """Render and send one e-mail; a mail server's error propagates, so the job retries."""
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
        subject = _one_line(subject)
    send_mail(subject, body, None, [to], fail_silently=False)


def absolute(path: str) -> str:
    """The address of `path` on this blog, for a link in an e-mail."""
    return settings.SITE_URL + path


def confirm_token(subscription) -> str:
    return signing.dumps(subscription.pk, salt=CONFIRM_SALT)


def unsubscribe_token(subscription) -> str:
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)


def notify_post_author(comment) -> None:
    """Tell the post's author about a new comment (with moderation links if it is held).

    A page has no author here (issue #13): its comments go to everyone who moderates
    all comments (editors and administrators), as WordPress tells its admin address.
    """
    if comment.page_id:
        for user_id in page_moderator_ids():
            jobs.enqueue_on_commit(post_author_mail, comment.pk, user_id)
        return
    jobs.enqueue_on_commit(post_author_mail, comment.pk)


def page_moderator_ids() -> list[int]:
    """Active users with an e-mail address who moderate every comment (blog/roles.py)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    perm = Permission.objects.filter(
        codename="moderate_comments", content_type__app_label="comments"
    ).first()
    who = Q(is_superuser=True)
    if perm is not None:
        who |= Q(user_permissions=perm) | Q(groups__permissions=perm)
    users = get_user_model().objects.filter(who, is_active=True).exclude(email="")
    return sorted(set(users.values_list("pk", flat=True)))


@jobs.job(retries=MAIL_RETRIES, backoff=MAIL_BACKOFF)
def post_author_mail(comment_id: int, user_id: int | None = None) -> None:
    """The e-mail of `notify_post_author`, sent by the worker (to `user_id` for a
    comment on a page)."""
    from django.contrib.auth import get_user_model

    from .models import Comment, DiscussionSettings

    comment = Comment.objects.select_related("post__author", "page").filter(pk=comment_id).first()
    if comment is None:
        return  # deleted before the worker came to it
    post = comment.target
    if comment.page_id:
        author = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    else:
        author = post.author
    if author is None or not DiscussionSettings.load().notify_author or not author.email:
        return
    if comment.user_id == author.pk:
        return
    held = comment.status == Comment.Status.PENDING
    admin_url = absolute(reverse("admin:comments_comment_change", args=[comment.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        if held:
            subject = _("Please moderate: “%(title)s”") % {"title": post.title}
        else:
            subject = _("New comment on “%(title)s”") % {"title": post.title}
    _send(
        subject,
        "comments/email/new_comment.txt",
        {
            "comment": comment,
            "post": post,
            "is_page": bool(comment.page_id),
            "held": held,
            "comment_url": absolute(comment.get_absolute_url()),
            "admin_url": admin_url,
            "moderation_urls": _moderation_urls(comment) if held else {},
        },
        author.email,
    )


def _moderation_urls(comment) -> dict:
    """Links to the admin's confirmation pages; nothing acts on a plain GET."""
    try:
        return {
            action: absolute(reverse("admin:comments_comment_moderate", args=[comment.pk, action]))
            for action in ("approve", "spam", "trash")
        }
    except Exception:  # the admin pages are optional (issue #4)
        return {}


def send_subscription_confirmation(subscription) -> None:
    """Ask the commenter to confirm the reply notices (double opt-in)."""
    jobs.enqueue_on_commit(subscription_confirmation_mail, subscription.pk)


@jobs.job(retries=MAIL_RETRIES, backoff=MAIL_BACKOFF)
def subscription_confirmation_mail(subscription_id: int) -> None:
    """The e-mail of `send_subscription_confirmation`, sent by the worker."""
    from .models import Subscription

    subscription = (
        Subscription.objects.select_related("comment__post", "comment__page")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None or subscription.confirmed_at:
        return  # withdrawn or confirmed already
    comment = subscription.comment
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Please confirm: notifications of replies on “%(title)s”") % {
            "title": comment.target.title
        }
    confirm_url = absolute(
        reverse("comments:subscription_confirm", args=[confirm_token(subscription)])
    )
    _send(
        subject,
        "comments/email/confirm_subscription.txt",
        {"comment": comment, "post": comment.target, "confirm_url": confirm_url},
        subscription.email,
    )


def notify_subscribers(reply) -> None:
    """Tell confirmed subscribers of the parent comment about an approved reply, once."""
    from .models import Comment, Subscription

    if not reply.parent_id or reply.replies_notified:
        return
    updated = Comment.objects.filter(pk=reply.pk, replies_notified=False).update(
        replies_notified=True
    )
    if not updated:
        return  # another process sent them already
    subscriptions = Subscription.objects.filter(
        comment_id=reply.parent_id, confirmed_at__isnull=False
    ).exclude(email__iexact=reply.author_email or "-")
    for subscription_id in subscriptions.values_list("pk", flat=True):
        jobs.enqueue_on_commit(reply_mail, reply.pk, subscription_id)


@jobs.job(retries=MAIL_RETRIES, backoff=MAIL_BACKOFF)
def reply_mail(reply_id: int, subscription_id: int) -> None:
    """One reply notice of `notify_subscribers`, sent by the worker."""
    from .models import Comment, Subscription

    reply = Comment.objects.select_related("post", "page").filter(pk=reply_id).first()
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if reply is None or subscription is None:
        return  # the reply was deleted or the subscriber has unsubscribed meanwhile
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New reply to your comment on “%(title)s”") % {"title": reply.target.title}
    _send(
        subject,
        "comments/email/reply.txt",
        {
            "reply": reply,
            "post": reply.target,
            "reply_url": absolute(reply.get_absolute_url()),
            "unsubscribe_url": absolute(
                reverse("comments:unsubscribe", args=[unsubscribe_token(subscription)])
            ),
        },
        subscription.email,
    )


def subscription_from_confirm_token(token: str):
    """The subscription a confirmation token names; None if forged, expired or deleted."""
    from .models import Subscription

    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=pk).first()


def confirm_subscription(token: str):
    """The subscription a confirmation token names, now confirmed; None if invalid."""
    subscription = subscription_from_confirm_token(token)
    if subscription and not subscription.confirmed_at:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def subscription_from_unsubscribe_token(token: str):
    from .models import Subscription

    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=pk).first()
