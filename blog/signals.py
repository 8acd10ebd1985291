"""Side jobs on content changes: invalidate cached page-frame data (blog/site.py)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Category, FooterLink, Page, Post, SiteSettings, Tag
from .site import bump_content_version

WATCHED = (Post, Page, Category, Tag, FooterLink, SiteSettings)


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, **kwargs):
    if sender in WATCHED:
        bump_content_version()


@receiver(m2m_changed, sender=Post.categories.through)
@receiver(m2m_changed, sender=Post.tags.through)
def post_taxonomy_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump_content_version()
