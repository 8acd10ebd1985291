"""The post lifecycle delivered to followers (issue #15, fediverse/outgoing.py).

After the transaction that saved a post commits (its categories and tags saved too, as
the admin saves them after the row), the post is synced; a post about to be deleted
sends its Delete first, while its row still tells whose it was.
"""

import functools

from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from blog.models import Post

from . import outgoing


@receiver(post_save, sender=Post, dispatch_uid="fediverse-post-saved")
def post_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata, a restore: not news
        return
    transaction.on_commit(functools.partial(outgoing.sync_post, instance.pk), robust=True)


@receiver(pre_delete, sender=Post, dispatch_uid="fediverse-post-deleting")
def post_deleting(sender, instance, **kwargs):
    outgoing.post_deleted(instance)
