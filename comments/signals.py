"""Side jobs on comment changes: cached page-frame data and settings stay current."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog.site import bump_content_version

from .models import Comment, DiscussionSettings


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, **kwargs):
    bump_content_version()


@receiver(post_save, sender=DiscussionSettings)
def discussion_settings_changed(sender, **kwargs):
    cache.delete("comments:discussion-settings")
    bump_content_version()
