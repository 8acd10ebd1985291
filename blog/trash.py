"""The trash of posts and pages, and status changes in bulk (issue #12).

As in WordPress, deleting a post or page in the admin moves it to the trash: its status
becomes "trash" (the status it had is kept in `status_before_trash`), it disappears from
every list, feed, sitemap, search and its own address, and "restore" brings it back as
it was, at the same address — its slug stays taken while it is in the trash, so no new
post can have moved in meanwhile. After TRASH_DAYS the daily `empty_post_trash` deletes
it for good, its comments with it.

Every function here changes many rows with one UPDATE and bumps the content version
once (not once per row, as saving each would): a bulk action on a thousand posts drops
the cached pages once. Status changes are no revisions of the text, so they go around
`save()` as WordPress's bulk edit does.
"""

import datetime

from django.db import transaction
from django.db.models import F, ProtectedError, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from core.contentversion import bump_content_version

from .models import Page, Post

# As WordPress's EMPTY_TRASH_DAYS.
TRASH_DAYS = 30


def _bump_if(count: int) -> int:
    if count:
        bump_content_version()
    return count


def move_to_trash(queryset) -> int:
    """Move the posts or pages of `queryset` to the trash; returns how many moved."""
    model = queryset.model
    now = timezone.now()
    with transaction.atomic():
        count = (
            model.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
            .exclude(status=model.Status.TRASH)
            .update(
                status_before_trash=F("status"),
                status=model.Status.TRASH,
                trashed_at=now,
                updated_at=now,
            )
        )
    return _bump_if(count)


def restore(queryset) -> int:
    """Bring trashed posts or pages of `queryset` back with the status they had."""
    model = queryset.model
    now = timezone.now()
    with transaction.atomic():
        count = (
            model.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
            .filter(status=model.Status.TRASH)
            .update(
                status=Coalesce(NullIf(F("status_before_trash"), Value("")), Value("draft")),
                status_before_trash="",
                trashed_at=None,
                updated_at=now,
            )
        )
    return _bump_if(count)


def set_status(queryset, status: str) -> int:
    """Publish or unpublish (draft) posts or pages of `queryset`; the trash stays as is.

    The publish date stays as set (as the edit form keeps it): a post dated in the
    future becomes scheduled.
    """
    model = queryset.model
    now = timezone.now()
    count = (
        model.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        .exclude(status__in=[model.Status.TRASH, status])
        .update(status=status, updated_at=now)
    )
    return _bump_if(count)


def set_categories(posts, categories, *, replace: bool) -> int:
    """Give `posts` the `categories`, added to theirs or instead of them.

    One INSERT (and one DELETE when replacing) for all posts, then each post's stored
    terms refreshed; the content version is bumped once.
    """
    posts = list(posts)
    if not posts:
        return 0
    through = Post.categories.through
    post_ids = [p.pk for p in posts]
    category_ids = [c.pk for c in categories]
    with transaction.atomic():
        if replace:
            through.objects.filter(post_id__in=post_ids).exclude(
                category_id__in=category_ids
            ).delete()
        have = set(
            through.objects.filter(post_id__in=post_ids).values_list("post_id", "category_id")
        )
        through.objects.bulk_create(
            [
                through(post_id=p, category_id=c)
                for p in post_ids
                for c in category_ids
                if (p, c) not in have
            ]
        )
        for post in posts:
            post.refresh_terms()
    bump_content_version()
    return len(posts)


def expired(model, *, days: int = TRASH_DAYS):
    """The posts or pages that have been in the trash for more than `days` days."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return model.objects.filter(status=model.Status.TRASH, trashed_at__lt=cutoff)


def delete_for_good(objects) -> tuple[int, list]:
    """Delete trashed posts or pages (their comments and revisions go with them).

    Returns how many went and those kept back: a page that still has subpages cannot go
    (they would lose their address); it stays in the trash until they are moved.
    """
    deleted, kept = 0, []
    for obj in objects:
        if not obj.is_trashed:
            kept.append(obj)
            continue
        try:
            with transaction.atomic():
                obj.delete()
            deleted += 1
        except ProtectedError:
            kept.append(obj)
    return deleted, kept


def empty_trash(*, days: int = TRASH_DAYS) -> dict:
    """Delete posts and pages trashed more than `days` days ago; counts per kind."""
    posts, kept_posts = delete_for_good(expired(Post, days=days))
    # Deepest pages first, so that a trashed parent goes after its trashed children.
    pages = sorted(expired(Page, days=days), key=lambda p: p.path.count("/"), reverse=True)
    pages, kept_pages = delete_for_good(pages)
    return {"posts": posts, "pages": pages, "kept": kept_posts + kept_pages}
