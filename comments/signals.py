"""Side jobs on comment changes: cached pages and settings stay current (issues #3, #6).

Only changes readers can see bump the content version: a comment that is or was
approved. A new held comment, or spam moving to the trash, leaves the cache alone.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core.contentversion import bump_content_version

from .models import Comment, DiscussionSettings


@receiver(pre_save, sender=Comment)
def remember_status(sender, instance, **kwargs):
    if instance.pk is None:
        instance._was_approved = False
        return
    old = Comment.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    instance._was_approved = old == Comment.Status.APPROVED


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, **kwargs):
    if getattr(instance, "_was_approved", False) or instance.status == Comment.Status.APPROVED:
        bump_content_version()


@receiver(post_save, sender=DiscussionSettings)
def discussion_settings_changed(sender, created=False, **kwargs):
    if not created:  # the first load creates the row with the defaults in force anyway
        bump_content_version()
