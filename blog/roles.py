"""Roles as WordPress users know them (issue #12): who may see, change and publish which
post, and see and moderate the comments of which post.

The three groups "Mitarbeiter", "Autor" and "Redakteur" (WordPress's contributor, author
and editor) are made by a data migration (comments/migrations/0007_roles.py) from
`GROUPS`; an administrator only puts a user (with "Mitarbeiter-Status", is_staff) into
one of them. What a role may do are Django permissions, three of them our own, named
after WordPress's capabilities:

- `blog.publish_post` (publish_posts): publish, schedule, edit a published post;
  without it a save is a draft or "pending review" at most;
- `blog.edit_others_posts` (edit_others_posts): see and edit every author's posts;
  without it a user sees and edits their own only;
- `comments.moderate_comments` (moderate_comments): see and moderate every comment and
  use the DSGVO tools; without it a user with the comment permissions sees and
  moderates the comments on their own posts only.

A superuser (WordPress's administrator) has every permission. Blog knows nothing of
comments: the comment rules are written over posts (`comment_post_q`), and the
permission names are strings.
"""

from django.db.models import Q

from .models import Post, public_q, published_q

PUBLISH = "blog.publish_post"
EDIT_OTHERS = "blog.edit_others_posts"
MODERATE_ALL = "comments.moderate_comments"

_WRITE = [
    "blog.view_post",
    "blog.add_post",
    "blog.change_post",
    "blog.delete_post",
    "blog.view_category",
    "blog.view_tag",
    # Typing a new tag into a post creates it, as in WordPress's tag box.
    "blog.add_tag",
]
_AUTHOR = [
    *_WRITE,
    PUBLISH,
    # Images: an author changes and deletes their own uploads (may_change_media).
    "blog.view_media",
    "blog.add_media",
    "blog.change_media",
    "blog.delete_media",
    # Comments on their own posts (comment_post_q).
    "comments.view_comment",
    "comments.change_comment",
    "comments.delete_comment",
]
_ALL_OF = [
    f"blog.{action}_{model}"
    for model in ("post", "page", "category", "tag", "media", "footerlink")
    for action in ("view", "add", "change", "delete")
]

# WordPress's roles (wp-admin/includes/schema.php, populate_roles()) as groups.
GROUPS = {
    "Mitarbeiter": _WRITE,
    "Autor": _AUTHOR,
    "Redakteur": sorted({*_AUTHOR, *_ALL_OF, EDIT_OTHERS, MODERATE_ALL}),
}


def create_groups(apps) -> None:
    """Create the groups of `GROUPS`, or give an existing group of that name the
    permissions it lacks (never taking one away that an administrator gave).

    `apps` is the app registry (a migration's historical one, or django.apps.apps);
    the permissions must exist (see the migration).
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        found = list(Permission.objects.filter(wanted))
        if len(found) != len(perms):
            missing = set(perms) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
            raise LookupError(f"Permissions missing for group {name}: {sorted(missing)}")
        group.permissions.add(*found)


# Posts


def may_publish(user) -> bool:
    return user.has_perm(PUBLISH)


def may_edit_others_posts(user) -> bool:
    return user.has_perm(EDIT_OTHERS)


def own_posts_q(user, prefix: str = "") -> Q:
    """The posts this user may see in the admin: all for an editor, else their own."""
    if may_edit_others_posts(user):
        return Q()
    return Q(**{f"{prefix}author": user.pk})


def posts_for(user, queryset):
    """The posts of `queryset` this user may see in the admin."""
    return queryset.filter(own_posts_q(user))


def listed_q(user) -> Q:
    """The published posts a staff user finds in the site's lists: private ones only
    their own, or all for an editor (WordPress's read_private_posts)."""
    if may_edit_others_posts(user):
        return published_q()
    return public_q() | (published_q() & Q(author=user.pk))


def reachable_q(user) -> Q:
    """The posts a staff user may open on the site: an editor every one (drafts,
    scheduled, private), anyone else what readers may and their own."""
    if may_edit_others_posts(user):
        return Q(pk__isnull=False)
    return public_q() | Q(author=user.pk)


def may_see_post(user, post) -> bool:
    return post is None or may_edit_others_posts(user) or post.author_id == user.pk


def may_change_post(user, post) -> bool:
    """Whether this user may change (or move to the trash, or restore) this post; None:
    any post.

    As in WordPress, a contributor cannot change their post once it is published or
    scheduled (edit_published_posts comes with publish_posts).
    """
    if post is None:
        return True
    if not may_see_post(user, post):
        return False
    published = Post.Status.PUBLISHED in (post.status, post.status_before_trash)
    return not published or may_publish(user)


may_delete_post = may_change_post


def may_give_status(user, status: str) -> bool:
    """Without the right to publish, a post is saved as a draft or pending review."""
    return status != Post.Status.PUBLISHED or may_publish(user)


def status_choices(user, choices) -> list[tuple[str, str]]:
    """The (value, label) pairs of a status field's `choices` this user may choose."""
    return [(value, label) for value, label in choices if may_give_status(user, value)]


# Media


def may_change_media(user, media) -> bool:
    """Editors change every image; an author their own uploads."""
    return media is None or may_edit_others_posts(user) or media.uploaded_by_id == user.pk


# Comments (written over posts: blog knows nothing of comments)


def may_moderate_all_comments(user) -> bool:
    return user.has_perm(MODERATE_ALL)


def comment_post_q(user, prefix: str = "post__") -> Q:
    """The comments this user may see and moderate, as a condition on their post: all
    for an editor, else those on the user's own posts (not an editor's: WordPress's
    authors moderate comments on the posts they wrote)."""
    if may_moderate_all_comments(user):
        return Q()
    return Q(**{f"{prefix}author": user.pk})


def may_moderate_comments_of(user, post) -> bool:
    """Whether this user may see and moderate the comments of this post (None: any)."""
    return post is None or may_moderate_all_comments(user) or post.author_id == user.pk


def may_use_privacy_tools(user) -> bool:
    """The DSGVO export and erasure reach every comment of an address: editors and
    administrators only."""
    return may_moderate_all_comments(user)
