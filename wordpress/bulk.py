"""Writing an import in bulk (issue #13: 1,000 posts with 20,000 comments in 20 s).

The comment importer hands each post's comments here, built with their primary keys
and derived fields (`Comment.derive_fields()`); `CommentWriter` writes them with their
`ImportedObject` rows in batches of `BATCH` comments across posts, instead of a few
statements per post, and counts each post's comments once at the end, in one UPDATE per
batch of posts, instead of once per post. Foreign keys are checked at commit on SQLite
and PostgreSQL alike (Django makes them deferrable), so that a batch can hold replies
with their parents in any order.

`PostTerms` gives a new post its categories and tags with one INSERT each, and stores
the terms as shown for all posts at the end. Cached pages are refreshed once, by the
importer, after the import's commit (signals of single saves would do it per post).
"""

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from blog.models import Page, Post, Tag
from comments.models import Comment

from .models import ImportedObject

# Comments per INSERT batch: big enough that statements cost little per row, small
# enough that memory stays flat on an export of hundreds of thousands of comments.
BATCH = 2000
# Posts per counting UPDATE (their IDs are bound parameters).
COUNT_BATCH = 500


class CommentWriter:
    """Collects imported comments, writes them in batches, counts them at the end."""

    def __init__(self, batch: int = BATCH):
        self.batch = batch
        self.comments: list[Comment] = []
        self.rows: list[ImportedObject] = []
        self.pending: dict[int, Comment] = {}  # pk → comment not written yet
        self.touched: dict[type, set[int]] = {Post: set(), Page: set()}
        self.statements = 0  # INSERTs and UPDATEs issued, for the benchmark and tests

    def add(self, built: dict[int, Comment], target) -> None:
        """The comments of one post or page (WordPress ID → comment), parents first."""
        for wp_id, comment in built.items():
            self.comments.append(comment)
            self.pending[comment.pk] = comment
            self.rows.append(
                ImportedObject(kind=ImportedObject.Kind.COMMENT, wp_id=wp_id, comment=comment)
            )
        self.touched[Page if isinstance(target, Page) else Post].add(target.pk)
        if len(self.comments) >= self.batch:
            self.flush()

    def in_bulk(self, pks) -> dict[int, Comment]:
        """Comments by primary key, whether written yet or not."""
        found = {pk: self.pending[pk] for pk in pks if pk in self.pending}
        rest = [pk for pk in pks if pk not in found]
        if rest:
            found.update(Comment.objects.in_bulk(rest))
        return found

    def flush(self) -> None:
        if not self.comments:
            return
        with transaction.atomic():
            Comment.objects.bulk_create(self.comments)
            ImportedObject.objects.bulk_create(self.rows)
        self.statements += 2
        self.comments, self.rows, self.pending = [], [], {}

    def finish(self) -> None:
        """Write what is left, then store each touched post's and page's count of
        visible comments and when they changed, as comments.services.recount does."""
        self.flush()
        now = timezone.now()
        for model, pks in self.touched.items():
            target = "page" if model is Page else "post"
            visible = (
                Comment.objects.visible()
                .conversation()
                .filter(**{target: OuterRef("pk")})
                .order_by()
                .values(target)
                .annotate(n=Count("pk"))
                .values("n")
            )
            ordered = sorted(pks)
            for start in range(0, len(ordered), COUNT_BATCH):
                chunk = ordered[start : start + COUNT_BATCH]
                with transaction.atomic():
                    if connection.features.has_select_for_update:
                        # As recount(): new comments of readers wait for the count.
                        locked = model.objects.select_for_update(no_key=True).filter(pk__in=chunk)
                        list(locked.order_by().values_list("pk"))
                    model.objects.filter(pk__in=chunk).update(
                        comment_count=Coalesce(Subquery(visible), Value(0)),
                        comments_changed_at=now,
                    )
                self.statements += 1
            pks.clear()


class PostTerms:
    """New posts' categories and tags: one INSERT each per post, and the terms as shown
    (`Post.terms`, what `Post.refresh_terms()` stores) for all posts at the end, a few
    queries per COUNT_BATCH posts, where `post.categories.set()` and `post.tags.set()`
    stored them twice per post through their signals."""

    def __init__(self):
        self.posts: set[int] = set()

    def set(self, post: Post, categories, tags) -> None:
        for manager, field, terms in (
            (post.categories, "category_id", categories),
            (post.tags, "tag_id", tags),
        ):
            through = manager.through
            unique = list(dict.fromkeys(term.pk for term in terms))
            through.objects.bulk_create(through(post_id=post.pk, **{field: pk}) for pk in unique)
        self.posts.add(post.pk)

    def finish(self) -> None:
        shown: dict[tuple, dict] = {}  # each term as shown, made once

        def term(obj) -> dict:
            key = (type(obj), obj.pk)
            if key not in shown:
                shown[key] = {"name": obj.name, "url": obj.get_absolute_url()}
            return shown[key]

        # The orders of Post.refresh_terms(): categories by path, tags as Tag orders.
        tag_order = [
            f"-tag__{o[1:]}" if o.startswith("-") else f"tag__{o}" for o in Tag._meta.ordering
        ]
        ordered = sorted(self.posts)
        for start in range(0, len(ordered), COUNT_BATCH):
            chunk = ordered[start : start + COUNT_BATCH]
            terms = {pk: {"categories": [], "tags": []} for pk in chunk}
            rows = Post.categories.through.objects.filter(post_id__in=chunk)
            for row in rows.select_related("category").order_by("category__path"):
                terms[row.post_id]["categories"].append(term(row.category))
            rows = Post.tags.through.objects.filter(post_id__in=chunk)
            for row in rows.select_related("tag").order_by(*tag_order):
                terms[row.post_id]["tags"].append(term(row.tag))
            Post.objects.bulk_update([Post(pk=pk, terms=t) for pk, t in terms.items()], ["terms"])
        self.posts.clear()
