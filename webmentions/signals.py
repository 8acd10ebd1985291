"""Sending Webmentions when a public post is published or its text changes (issue #15)."""

import datetime

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from blog.models import Post
from comments.models import Reaction
from core.contentversion import bump_content_version

from . import conf


def _public(post: Post) -> bool:
    return post.status == Post.Status.PUBLISHED and post.visibility == Post.Visibility.PUBLIC


def _state(post: Post) -> tuple:
    return (post.body_html, post.status, post.visibility, post.published_at, post.slug)


@receiver(pre_save, sender=Post, dispatch_uid="webmentions-pre-save")
def remember_state(sender, instance, raw=False, **kwargs):
    if raw or not conf.get("WEBMENTIONS_SEND") or instance.pk is None:
        return
    old = Post.objects.filter(pk=instance.pk).first()
    instance._webmention_state = _state(old) if old is not None else None


def _is_archive(post: Post, created: bool) -> bool:
    """A post created with a date days past: an import (WordPress, a restore) brings the
    archive, whose links were told about by the old blog. Editing it later sends."""
    age = datetime.timedelta(days=conf.get("WEBMENTIONS_ARCHIVE_DAYS"))
    return created and post.published_at is not None and post.published_at < timezone.now() - age


@receiver(post_save, sender=Post, dispatch_uid="webmentions-post-save")
def send_if_changed(sender, instance, raw=False, created=False, **kwargs):
    if raw or not conf.get("WEBMENTIONS_SEND") or not _public(instance):
        return
    if _is_archive(instance, created):
        return
    if getattr(instance, "_webmention_state", None) == _state(instance):
        return  # saved without a change a receiver could see
    from .tasks import schedule_sending

    schedule_sending(instance)


@receiver(post_save, sender=Reaction, dispatch_uid="webmentions-reaction-saved")
@receiver(post_delete, sender=Reaction, dispatch_uid="webmentions-reaction-deleted")
def reactions_changed(sender, instance, **kwargs):
    """Pages show the counts (templates/webmentions/_reactions.html): cached ones renew."""
    bump_content_version()
