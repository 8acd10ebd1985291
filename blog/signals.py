"""Side jobs on content changes: invalidate cached pages and page-frame data (issue #6).

Everything a reader sees is cached under the content version (blog/site.py). It is
bumped only by changes readers can see: saving a draft, a private post or a draft page
leaves every cached page in place.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from core.contentversion import bump_content_version

from .models import Category, FooterLink, Page, Post, SiteSettings, Tag

ALWAYS_PUBLIC = (Category, Tag, FooterLink, SiteSettings)


def is_public(instance) -> bool:
    """Whether anonymous readers can see this object (now or once its date comes)."""
    if isinstance(instance, Post):
        return (
            instance.status == Post.Status.PUBLISHED
            and instance.visibility != Post.Visibility.PRIVATE
        )
    if isinstance(instance, Page):
        return instance.status == Page.Status.PUBLISHED
    return True


def remember_public_state(sender, instance, **kwargs):
    """Before saving: note whether the stored version was public."""
    if instance.pk is None:
        instance._was_public = False
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._was_public = old is not None and is_public(old)


def bump_if_public(sender, instance, **kwargs):
    """After saving or deleting: bump the version if readers saw it before or see it now."""
    if getattr(instance, "_was_public", False) or is_public(instance):
        bump_content_version()


for model in (Post, Page):
    pre_save.connect(remember_public_state, sender=model, dispatch_uid=f"blog-pre-{model}")
    post_save.connect(bump_if_public, sender=model, dispatch_uid=f"blog-post-{model}")
    post_delete.connect(bump_if_public, sender=model, dispatch_uid=f"blog-del-{model}")


@receiver(post_save)
@receiver(post_delete)
def frame_changed(sender, created=False, **kwargs):
    # SiteSettings.load() creates its row with the defaults in force anyway.
    if sender in ALWAYS_PUBLIC and not (created and sender is SiteSettings):
        bump_content_version()


@receiver(m2m_changed, sender=Post.categories.through)
@receiver(m2m_changed, sender=Post.tags.through)
def post_taxonomy_changed(sender, instance, action, pk_set=None, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Post):
        posts = [instance]
    elif action == "post_clear":
        posts = []  # the reverse clear: post_delete/post_save of the term handles it
    else:
        posts = Post.objects.filter(pk__in=pk_set or [])
    for post in posts:
        post.refresh_terms()
    if not isinstance(instance, Post) or is_public(instance):
        bump_content_version()


@receiver(post_save, sender=Category)
@receiver(post_save, sender=Tag)
def term_renamed(sender, instance, created=False, **kwargs):
    """A category or tag renamed (or moved) shows so on every post that has it."""
    if created:
        return
    posts = instance.posts.all()
    if sender is Category:
        posts = Post.objects.filter(categories__path__startswith=instance.path).distinct()
    for post in posts:
        post.refresh_terms()


@receiver(pre_delete, sender=Category)
@receiver(pre_delete, sender=Tag)
def term_deleting(sender, instance, **kwargs):
    instance._post_ids = list(instance.posts.values_list("pk", flat=True))


@receiver(post_delete, sender=Category)
@receiver(post_delete, sender=Tag)
def term_deleted(sender, instance, **kwargs):
    for post in Post.objects.filter(pk__in=getattr(instance, "_post_ids", [])):
        post.refresh_terms()
