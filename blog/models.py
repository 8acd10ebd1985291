"""Posts, pages, categories, tags, footer links and the site settings (issue #2)."""

import datetime
import html
import re
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from core.models import SingletonModel, single_row

from . import images
from .markup import derive_excerpt, render_markdown
from .more import teaser_text
from .slugs import unique_slug


class Category(models.Model):
    """A hierarchical category; its URL is /category/parent/child/."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.CharField(_("slug"), max_length=200, unique=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    # "parent/child": derived at save time so that a nested URL resolves in one query.
    path = models.CharField(max_length=1000, unique=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category_detail", kwargs={"path": self.path})

    def get_feed_url(self):
        return reverse("blog:category_feed", kwargs={"path": self.path})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Category, self.name, exclude_pk=self.pk)
        old_path = self.path
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    @property
    def depth(self) -> int:
        return self.path.count("/")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.CharField(_("slug"), max_length=200, unique=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag_detail", kwargs={"slug": self.slug})

    def get_feed_url(self):
        return reverse("blog:tag_feed", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Tag, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)


def new_guid() -> str:
    """A post's feed ID (RSS guid, Atom id): made once, never changed by edits (#13)."""
    return f"urn:uuid:{uuid.uuid4()}"


def published_q(prefix: str = "") -> Q:
    """The rule "published and its date has come", for Post or across a relation."""
    return Q(
        **{f"{prefix}status": Post.Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()}
    )


def public_q(prefix: str = "") -> Q:
    """Published and not private: what anonymous readers see listed (posts__ for relations)."""
    return published_q(prefix) & ~Q(**{f"{prefix}visibility": Post.Visibility.PRIVATE})


def indexable_q(prefix: str = "") -> Q:
    """Published and public, neither private nor password-protected: what every reader
    and search engine may read in full (post__ for relations)."""
    return published_q(prefix) & Q(**{f"{prefix}visibility": Post.Visibility.PUBLIC})


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts whose status is published and whose publish date has come."""
        return self.filter(published_q())

    def listed_for(self, user):
        """Published posts a reader may see in lists; private ones only for staff who may
        read them: their own, an editor's all (blog/roles.py, issue #12).

        Password-protected posts are listed (their title is public, as in WordPress).
        """
        if user and user.is_staff:
            from .roles import listed_q

            return self.filter(listed_q(user))
        return self.filter(public_q())

    def indexable(self):
        """Posts everybody may read in full: published and public."""
        return self.filter(indexable_q())

    def dated(self, year: int, month: int | None = None, day: int | None = None):
        """Posts whose address carries this year, month or day (the archives): the day
        kept from WordPress where there is one (#13), else the publish date here.

        The two differ by less than a day, so a window on published_at keeps the index.
        """
        local, kept = {"published_at__year": year}, {"permalink_date__year": year}
        if month:
            local["published_at__month"] = kept["permalink_date__month"] = month
        if day:
            local["published_at__day"] = kept["permalink_date__day"] = day
        dated = (Q(permalink_date=None) & Q(**local)) | Q(**kept)
        if datetime.MINYEAR < year < datetime.MAXYEAR:  # the window's ends exist
            start = datetime.datetime(year, month or 1, day or 1)
            if day:
                end = start + datetime.timedelta(days=1)
            elif month:
                end = start.replace(year=year + month // 12, month=month % 12 + 1)
            else:
                end = start.replace(year=year + 1)
            margin = datetime.timedelta(days=1)
            dated &= Q(published_at__gte=timezone.make_aware(start - margin))
            dated &= Q(published_at__lt=timezone.make_aware(end + margin))
        return self.filter(dated)

    def reachable_by(self, user):
        """Posts a reader may open: staff also drafts, scheduled and private posts, their
        own or (an editor) everyone's (blog/roles.py, issue #12); nobody a post in the
        trash."""
        if user and user.is_staff:
            from .roles import reachable_q

            return self.exclude(status=Post.Status.TRASH).filter(reachable_q(user))
        return self.listed_for(user)

    def for_listing(self):
        """What a list of posts shows: the author joined, categories from `terms`.

        The long text columns a list never shows are left in the database.
        """
        return self.select_related("author").defer("body", "body_html", "excerpt")

    def for_feed(self):
        """What a feed shows: the full HTML and the author (categories and tags: `terms`)."""
        return self.select_related("author")


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        # Submitted for review by a contributor, who may not publish (issue #12,
        # blog/roles.py): waits, hidden like a draft, for someone who may.
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        # In the trash (issue #12): hidden from everyone, restorable for 30 days.
        TRASH = "trash", _("Trash")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")
        PASSWORD = "password", _("Password protected")

    # The title is kept exactly as written: a lowercase title stays lowercase.
    title = models.CharField(_("title"), max_length=200)
    slug = models.CharField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Part of the address. Left empty, it is made from the title."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    excerpt = models.TextField(
        _("excerpt"),
        blank=True,
        help_text=_(
            "Left empty, the text before <!--more--> is used, or else the beginning of the body."
        ),
    )
    summary = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish date"),
        default=timezone.now,
        db_index=True,
        help_text=_("A date in the future keeps the post hidden until then."),
    )
    # The day in the address when it is not the publish date's day here: an imported post
    # keeps WordPress's (the old blog's local date), so that its old URL stays (#13).
    # Cleared when the publish date changes.
    permalink_date = models.DateField(null=True, blank=True, editable=False)
    # The post's ID in feeds (RSS guid, Atom id); an imported post keeps WordPress's.
    guid = models.CharField(max_length=500, blank=True, default=new_guid, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    password = models.CharField(_("password"), max_length=100, blank=True)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="posts"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="posts")
    featured_image = models.ImageField(
        _("featured image"),
        upload_to="featured/%Y/%m/",
        blank=True,
        validators=[images.validate_upload],
        width_field="featured_image_width",
        height_field="featured_image_height",
    )
    featured_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_alt = models.CharField(
        _("image description (alt text)"), max_length=300, blank=True
    )
    image_variants = models.JSONField(default=dict, blank=True, editable=False)
    # The featured image chosen from the media library (issue #12): saving takes its
    # file, size and variants over into the fields above (use_featured_media), so that
    # templates, feeds and the export read featured_image as before.
    featured_media = models.ForeignKey(
        "Media",
        verbose_name=_("featured image from the media library"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    is_sticky = models.BooleanField(
        _("sticky"), default=False, help_text=_("Sticky posts come first on the home page.")
    )
    # Approved comments, kept current by the comments app (comments/services.py), so
    # that lists show counts without a query per post.
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)
    # When the visible comments last changed (an approval, an edit): with updated_at it
    # dates the post page for conditional requests.
    comments_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The post's categories and tags as lists shows them ({"categories": [{"name", "url"}],
    # "tags": [...]}), kept current by blog/signals.py: lists need no query for them.
    terms = models.JSONField(default=dict, blank=True, editable=False)
    # Since when it is in the trash and the status "restore" brings back (issue #12,
    # blog/trash.py). The slug stays, so that nothing else takes the address meanwhile.
    trashed_at = models.DateTimeField(
        _("moved to the trash"), null=True, blank=True, editable=False
    )
    status_before_trash = models.CharField(max_length=20, blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        # WordPress's capabilities of these names (blog/roles.py, issue #12).
        permissions = [
            ("publish_post", "Can publish posts"),
            ("edit_others_posts", "Can edit others' posts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="password") | ~Q(password=""),
                name="post_password_required_for_protected",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # The lists' orders, over published posts only, with the visibility the
            # public filter reads: a page of ids comes from the index alone (issue #14).
            models.Index(
                fields=["-is_sticky", "-published_at", "-id", "visibility"],
                condition=Q(status="published"),
                name="post_home_order",
            ),
            models.Index(
                fields=["-published_at", "-id", "visibility"],
                condition=Q(status="published"),
                name="post_list_order",
            ),
            # The sitemap's latest change (blog/sitemaps.py).
            models.Index(
                fields=["-updated_at"], condition=Q(status="published"), name="post_updated"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # Memoised per instance and date/slug: lists ask for it several times per post.
        key = (self.published_at, self.permalink_date, self.slug)
        cached = self.__dict__.get("_url")
        if cached is None or cached[0] != key:
            url = reverse("blog:post_detail", kwargs=self.url_kwargs())
            cached = self.__dict__["_url"] = (key, url)
        return cached[1]

    def url_kwargs(self) -> dict:
        """The day and slug in the post's address, for reversing it and its feed's."""
        day = self.permalink_date or timezone.localtime(self.published_at).date()
        return {"year": day.year, "month": day.month, "day": day.day, "slug": self.slug}

    @classmethod
    def from_db(cls, db, field_names, values):
        post = super().from_db(db, field_names, values)
        # What save() compares with: a new publish date drops the kept permalink day.
        post._loaded_published_at = post.__dict__.get("published_at")
        return post

    @property
    def is_published(self) -> bool:
        """Agrees with Post.objects.published()."""
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_indexable(self) -> bool:
        """Agrees with Post.objects.indexable(): published and public."""
        return self.is_published and self.visibility == self.Visibility.PUBLIC

    def refresh_terms(self) -> None:
        """Store the categories and tags as shown, after they or their names changed."""
        self.terms = {
            "categories": [
                {"name": c.name, "url": c.get_absolute_url()}
                for c in self.categories.order_by("path")
            ],
            "tags": [{"name": t.name, "url": t.get_absolute_url()} for t in self.tags.all()],
        }
        Post.objects.filter(pk=self.pk).update(terms=self.terms)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_trashed(self) -> bool:
        return self.status == self.Status.TRASH

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def is_password_protected(self) -> bool:
        return self.visibility == self.Visibility.PASSWORD

    @cached_property
    def featured_srcset(self) -> str:
        if not self.featured_image:
            return ""
        return images.srcset(
            self.image_variants, self.featured_image.url, self.featured_image_width or 0
        )

    def render_text(self) -> None:
        """The body's sanitised HTML and the summary, as saving makes them (the admin's
        preview of unsaved text calls it too)."""
        self.body_html = responsive_images(render_markdown(self.body))
        self.summary = (
            self.excerpt.strip() or teaser_text(self.body) or derive_excerpt(self.body_html)
        )

    def use_featured_media(self) -> None:
        """Show the chosen library image as the featured image: the library's file (not a
        copy; nothing deletes it), its size, its variants, and its alt text if the post
        has none."""
        media = self.featured_media
        if self.featured_image.name == media.file.name:
            return
        self.featured_image = media.file.name
        self.featured_image_width, self.featured_image_height = media.width, media.height
        self.image_variants = dict(media.variants)
        if not self.featured_image_alt:
            self.featured_image_alt = media.alt

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Post, self.title, exclude_pk=self.pk)
        loaded = getattr(self, "_loaded_published_at", None)
        if self.permalink_date and loaded is not None and loaded != self.published_at:
            self.permalink_date = None
        self.render_text()
        if self.visibility != self.Visibility.PASSWORD:
            self.password = ""
        new_image = self.featured_image and not self.featured_image._committed
        if new_image:
            self.featured_media = None  # an upload of its own instead of the library's
            clean = images.clean_image(self.featured_image.file)
            name = self.featured_image.name.rsplit(".", 1)[0] + clean.extension
            # The ContentFile needs the name: without it Django records no width and height.
            self.featured_image.save(name, ContentFile(clean.content, name=name), save=False)
        elif self.featured_media_id:
            self.use_featured_media()
        if not self.featured_image:
            self.image_variants = {}
        super().save(*args, **kwargs)
        if new_image:
            self.image_variants = images.make_variants(self.featured_image.name)
            super().save(update_fields=["image_variants"])


_IMG = re.compile(r"<img\b([^>]*)>")
_IMG_SRC = re.compile(r'\ssrc="([^"]+)"')
# Attributes responsive_images writes itself for library images (the author's go).
_IMG_OURS = re.compile(r'\s(?:src|srcset|sizes|width|height|loading|decoding)="[^"]*"')


def responsive_images(body_html: str) -> str:
    """Give images from the media library srcset, sizes, dimensions and lazy loading.

    Runs on sanitised HTML at save time; the added values are ours, not the author's.
    The sanitiser keeps the attribute order of the source, and Markdown writes `alt`
    before `src`, so `src` is looked for anywhere in the tag.
    """
    sources = {}
    for match in _IMG.finditer(body_html):
        src = _IMG_SRC.search(match.group(1))
        if src:
            sources[match.group(0)] = html.unescape(src.group(1))
    if not sources:
        return body_html
    library = {
        settings.MEDIA_URL + m.file.name: m for m in Media.objects.by_url(set(sources.values()))
    }

    def replace(match):
        media = library.get(sources.get(match.group(0), ""))
        if media is None:
            return match.group(0)
        rest = _IMG_OURS.sub("", match.group(1))
        return (
            f'<img src="{escape(media.file.url)}" srcset="{escape(media.srcset)}" '
            f'sizes="(min-width: 60em) 40em, 100vw" width="{media.width}" '
            f'height="{media.height}" loading="lazy" decoding="async"{rest}>'
        )

    return _IMG.sub(replace, body_html)


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Page.Status.PUBLISHED)

    def reachable_by(self, user):
        """Pages a reader may open: staff see drafts too, nobody a page in the trash."""
        if user and user.is_staff:
            return self.exclude(status=Page.Status.TRASH)
        return self.published()

    def in_navigation(self):
        return self.published().filter(show_in_navigation=True).order_by("menu_order", "title")


class Page(models.Model):
    """A static page (Impressum, Datenschutz, About …) at /slug/ or /parent/child/."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        # In the trash (issue #12): hidden from everyone, restorable for 30 days.
        TRASH = "trash", _("Trash")

    title = models.CharField(_("title"), max_length=200)
    slug = models.CharField(_("slug"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent page"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED
    )
    show_in_navigation = models.BooleanField(_("show in navigation"), default=True)
    menu_order = models.IntegerField(_("order in navigation"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    path = models.CharField(max_length=1000, unique=True, editable=False)
    # Since when it is in the trash and the status "restore" brings back (issue #12,
    # blog/trash.py). The slug stays, so that nothing else takes the address meanwhile.
    trashed_at = models.DateTimeField(
        _("moved to the trash"), null=True, blank=True, editable=False
    )
    status_before_trash = models.CharField(max_length=20, blank=True, editable=False)
    # Comments on pages (issue #13), as WordPress: a page's own switch, closed for new
    # pages (get_default_comment_status('page')), an imported page keeps its flag. The
    # count and date are kept current by the comments app, as on posts.
    comments_open = models.BooleanField(_("comments open"), default=False)
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)
    comments_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["menu_order", "title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.UniqueConstraint(fields=["parent", "slug"], name="page_slug_unique_per_parent")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:page_detail", kwargs={"path": self.path})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_trashed(self) -> bool:
        return self.status == self.Status.TRASH

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Page, self.title, exclude_pk=self.pk, parent=self.parent)
        self.body_html = render_markdown(self.body)
        old_path = self.path
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()


class SiteSettings(SingletonModel):
    """The blog's settings: one row, edited in the admin."""

    title = models.CharField(_("blog title"), max_length=200, default="Mein Blog")
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    posts_per_page = models.PositiveSmallIntegerField(_("posts per page"), default=10)
    footer_text = models.TextField(_("footer text"), blank=True)
    imprint_page = models.ForeignKey(
        Page,
        verbose_name=_("imprint page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_page = models.ForeignKey(
        Page,
        verbose_name=_("privacy policy page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When `load_demo` filled the empty blog; set, the demo is never loaded again.
    demo_loaded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A new post's "comments open" switch (WordPress's default_comment_status); the
    # comments app's discussion settings show it (comments/admin.py).
    comments_open_by_default = models.BooleanField(_("allow comments on new posts"), default=True)
    # ActivityPub (issue #15, fediverse/): off, its addresses are 404 and nothing leaves.
    fediverse_enabled = models.BooleanField(
        _("enable the fediverse"),
        default=False,
        help_text=_(
            "Authors can be followed from Mastodon and other fediverse servers as "
            "@name@this-domain; public posts are delivered to their followers."
        ),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            single_row("site_settings_single_row"),
            models.CheckConstraint(
                condition=Q(posts_per_page__gte=1) & Q(posts_per_page__lte=100),
                name="site_settings_posts_per_page_range",
            ),
        ]

    def __str__(self):
        return str(_("Site settings"))


class FooterLink(models.Model):
    """A link in the footer (blogroll), optionally shown as a badge image."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    badge = models.ImageField(
        _("badge image"),
        upload_to="badges/",
        blank=True,
        validators=[images.validate_upload],
        width_field="badge_width",
        height_field="badge_height",
    )
    badge_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    badge_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    order = models.IntegerField(_("order"), default=0)
    is_visible = models.BooleanField(_("visible"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("footer link")
        verbose_name_plural = _("footer links")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.url

    def save(self, *args, **kwargs):
        if self.badge and not self.badge._committed:
            clean = images.clean_image(self.badge.file)
            name = self.badge.name.rsplit(".", 1)[0] + clean.extension
            self.badge.save(name, ContentFile(clean.content, name=name), save=False)
        super().save(*args, **kwargs)


class MediaQuerySet(models.QuerySet):
    def by_url(self, urls):
        """The library images whose original file is at one of the given URLs."""
        names = {url.removeprefix(settings.MEDIA_URL) for url in urls}
        return self.filter(file__in=names)


class Media(models.Model):
    """An image in the media library, for use in posts (issue #4).

    Uploads are validated and re-encoded without metadata (EXIF, GPS) by blog/images.py
    and get resized variants; posts that show them get `srcset` (see blog/markup.py).
    """

    file = models.ImageField(
        _("image"),
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
        validators=[images.validate_upload],
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt = models.CharField(
        _("alternative text"),
        max_length=300,
        blank=True,
        help_text=_("Describes the image for people who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    variants = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MediaQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("image")
        verbose_name_plural = _("media library")

    def __str__(self):
        return self.alt or self.file.name.rsplit("/", 1)[-1]

    def save(self, *args, **kwargs):
        new_file = self.file and not self.file._committed
        if new_file:
            clean = images.clean_image(self.file.file)
            name = self.file.name.rsplit(".", 1)[0] + clean.extension
            self.file.save(name, ContentFile(clean.content, name=name), save=False)
        super().save(*args, **kwargs)
        if new_file:
            self.variants = images.make_variants(self.file.name)
            super().save(update_fields=["variants"])

    def get_absolute_url(self):
        return self.file.url

    @property
    def srcset(self) -> str:
        return images.srcset(self.variants, self.file.url, self.width or 0)

    @property
    def markdown(self) -> str:
        """What to paste into a post to show this image."""
        alt = self.alt.replace("]", "")
        title = f' "{self.caption}"' if self.caption else ""
        return f"![{alt}]({self.file.url}{title})"


class Autosave(models.Model):
    """The text of a post or page being edited, saved in the background (issue #12).

    One per user and object; a new, unsaved object is found again by the key its add
    form carries (`new_key`). Never written over the object itself: blog/autosave.py.
    """

    class Kind(models.TextChoices):
        POST = "post", _("post")
        PAGE = "page", _("page")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    new_key = models.CharField(max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        ordering = ["-saved_at"]
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "post"],
                condition=Q(post__isnull=False),
                name="autosave_one_per_post",
            ),
            models.UniqueConstraint(
                fields=["user", "page"],
                condition=Q(page__isnull=False),
                name="autosave_one_per_page",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "new_key"],
                condition=~Q(new_key=""),
                name="autosave_one_per_new_key",
            ),
            # Exactly one of: a post, a page, a new object's key.
            models.CheckConstraint(
                condition=(
                    Q(kind="post", post__isnull=False, page__isnull=True, new_key="")
                    | Q(kind="page", page__isnull=False, post__isnull=True, new_key="")
                    | (Q(post__isnull=True, page__isnull=True) & ~Q(new_key=""))
                ),
                name="autosave_names_one_object",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.saved_at:%Y-%m-%d %H:%M})"


class PreviewLink(models.Model):
    """A shared preview of a draft or scheduled post or page (issue #12).

    The link carries this row's `key`, signed with an expiry (blog/preview.py); making a
    new link or revoking deletes the row, and the old link shows nothing any more.
    """

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, page__isnull=True)
                | Q(post__isnull=True, page__isnull=False),
                name="preview_link_names_one_object",
            ),
        ]

    def __str__(self):
        return str(self.post or self.page)

    def get_absolute_url(self):
        from .preview import link_url

        return link_url(self)


class SearchEntry(models.Model):
    """A post or page in the full-text index: its title and text as German stems.

    Written by blog/search.py on every save (deletion cascades). PostgreSQL indexes the
    stems with GIN, SQLite with the FTS5 table `blog_searchentry_fts` that triggers keep in
    step with this table (migration 0015_searchentry). On SQLite, a migration that remakes
    this table drops the triggers with it: it must create them again.
    """

    post = models.OneToOneField(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    page = models.OneToOneField(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # The visible text as written, for the snippets on a result page.
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, page__isnull=True)
                | Q(post__isnull=True, page__isnull=False),
                name="search_entry_post_or_page",
            ),
        ]

    def __str__(self):
        return str(self.post or self.page)

    def get_absolute_url(self):
        return (self.post or self.page).get_absolute_url()
