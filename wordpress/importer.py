"""Import a WordPress export (WXR) into the blog (issue #5).

Two streaming passes over the file. The first reads authors, terms and attachments
(small) and checks the whole file, so that a broken file fails before anything is
written. The second, inside one transaction, creates authors, categories, tags and
attachments, then posts and pages one item at a time with their comments. Every
object is recorded in `ImportedObject` with its WordPress ID: a second run skips what
it finds there, a newer export adds only what is new. --dry-run runs the same inside
a transaction that is rolled back, with files written to memory only.
"""

import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from blog.models import Category, Page, Post, SiteSettings, Tag
from blog.slugs import german_slugify
from core.contentversion import bump_content_version

from . import attachments, bulk, content
from .comment_import import CommentImporter
from .dates import OldBlogClock
from .models import ImportedObject
from .wxr import Author, Channel, Item, Term, WXRError, read_wxr

Kind = ImportedObject.Kind
POST_STATUSES = {
    "publish": (Post.Status.PUBLISHED, Post.Visibility.PUBLIC),
    "future": (Post.Status.PUBLISHED, Post.Visibility.PUBLIC),
    "private": (Post.Status.PUBLISHED, Post.Visibility.PRIVATE),
    "draft": (Post.Status.DRAFT, Post.Visibility.PUBLIC),
    # Submitted for review in WordPress: still waiting here (issue #12).
    "pending": (Post.Status.PENDING, Post.Visibility.PUBLIC),
}
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}


@dataclass
class Report:
    """What an import did: counts by kind, what was skipped and why, warnings."""

    channel: Channel = field(default_factory=Channel)
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    converted: Counter = field(default_factory=Counter)
    shortcodes: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    # What the import did with the site's title and tagline, as lines for the summary.
    site: list[str] = field(default_factory=list)
    dry_run: bool = False
    items: int = 0

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(f"line {line}: {message}" if line else message)


@dataclass
class FeaturedImage:
    file: object  # a stored FieldFile or a Path in the uploads copy; both open("rb")
    name: str
    alt: str
    wp_id: int
    in_library: bool = False


def _decoded_path(url: str) -> str:
    return unquote(urlsplit(url).path) if url else ""


class Importer:
    """One import run; `run()` returns the Report. See the module docstring."""

    def __init__(
        self,
        path,
        *,
        media_dir=None,
        dry_run: bool = False,
        progress: Callable[[int, int, Report], None] | None = None,
    ):
        self.path = Path(path)
        self.media_dir = Path(media_dir) if media_dir else None
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total, report: None)
        self.report = Report(dry_run=dry_run)
        self.authors: dict[str, Author] = {}
        self.terms: list[Term] = []
        self.attachments: dict[int, attachments.AttachmentInfo] = {}
        self.stored_files: list[str] = []
        self.max_comment_id = 0
        self.featured_sources: dict[int, Path] = {}
        self.undeclared: dict[str, str] = {}
        self.clock = OldBlogClock()
        self.post_terms = bulk.PostTerms()

    # --- the two passes ----------------------------------------------------------------

    def run(self) -> Report:
        if self.media_dir is not None and not self.media_dir.is_dir():
            raise WXRError(f"the media folder {self.media_dir} does not exist")
        self._scan()
        storage = contextlib.nullcontext()
        if self.dry_run:
            memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
            storage = override_settings(STORAGES={**settings.STORAGES, "default": memory})
        try:
            with storage, transaction.atomic():
                self._load_mapping()
                self._take_site_identity()
                self._import_authors()
                self._import_terms()
                self._import_attachments()
                self._import_items()
                self.comments.finish()
                self.post_terms.finish()
                self.comments.reset_sequence()
                # Comments are written without signals: refresh cached pages once.
                transaction.on_commit(bump_content_version)
                if self.dry_run:
                    transaction.set_rollback(True)
        except BaseException:
            self._remove_stored_files()
            raise
        return self.report

    def _scan(self) -> None:
        """First pass: authors, terms, attachments, the channel; the whole file checked."""
        reader = read_wxr(self.path)
        for record in reader:
            if isinstance(record, Author):
                self.authors.setdefault(record.login, record)
            elif isinstance(record, Term):
                self.terms.append(record)
            elif isinstance(record, Channel):
                self.report.channel = record
            elif isinstance(record, Item):
                self.report.items += 1
                self.clock.learn(record.local_date, record.gmt_date)
                self.clock.learn(record.modified_local, record.modified_gmt)
                for c in record.comments:
                    self.max_comment_id = max(self.max_comment_id, c.wp_id)
                if record.post_type == "attachment":
                    self.attachments[record.wp_id] = attachments.attachment_info(record)
        if reader.dropped_bytes:
            self.report.warn(
                None, f"removed {reader.dropped_bytes} control characters that XML does not allow"
            )
        # Elements WordPress does not write (plugins, other generators): skipped (#13).
        for name, count in reader.unknown.items():
            self.report.skipped[f"unknown elements <{name}>"] += count
        self.undeclared = reader.undeclared
        if self.undeclared:
            prefixes = ", ".join(f"{p}:" for p in self.undeclared)
            self.report.warn(None, f"the file uses {prefixes} without declaring it; read anyway")

    def _load_mapping(self) -> None:
        self.mapped: dict[str, dict[int, ImportedObject]] = {kind: {} for kind in Kind.values}
        for row in ImportedObject.objects.exclude(kind=Kind.COMMENT).select_related(
            "user", "category", "tag", "post", "page", "media"
        ):
            self.mapped[row.kind][row.wp_id] = row
        # Comments are many: their IDs only (wp_id → pk, None once deleted).
        self.mapped_comments = dict(
            ImportedObject.objects.of_kind(Kind.COMMENT).values_list("wp_id", "comment_id")
        )
        self.users_by_wp_id: dict[int, object] = {}
        self.comments = CommentImporter(
            self.report,
            mapped=self.mapped_comments,
            users_by_wp_id=self.users_by_wp_id,
            authors=self.authors,
            max_wp_id=self.max_comment_id,
        )

    def _remember(self, kind, wp_id, obj=None, **extra) -> ImportedObject | None:
        if wp_id is None:
            return None
        field_name = ImportedObject(kind=kind).target_field
        row = ImportedObject.objects.create(kind=kind, wp_id=wp_id, **{field_name: obj}, **extra)
        if kind == Kind.POST:
            # The post is not kept in memory, so that an export of 10,000 posts is
            # imported in flat memory (issue #13); the row loads it if ever needed.
            light = ImportedObject(pk=row.pk, kind=kind, wp_id=wp_id, post_id=obj.pk)
            self.mapped[kind][wp_id] = light
            return row
        self.mapped[kind][wp_id] = row
        return row

    # --- the site's title and tagline -----------------------------------------------

    # WordPress's own default taglines: the old blog never had one of its own (#13).
    WORDPRESS_TAGLINES = {
        "just another wordpress site",
        "just another wordpress weblog",
        "just another wordpress.com site",
        "just another wordpress.com weblog",
        "eine weitere wordpress-website",
        "eine weitere wordpress-seite",
        "ein weiteres wordpress-blog",
    }

    def _take_site_identity(self) -> None:
        """The channel's title and description become the site's title and tagline while
        the blog still has the defaults; what was done goes into the report (#13)."""
        channel = self.report.channel
        site = SiteSettings.objects.get_or_create(pk=1)[0]
        wanted = {
            "title": content.plain_title(channel.title).strip()[:200],
            "tagline": content.plain_title(channel.description).strip()[:300],
        }
        if wanted["tagline"].casefold().rstrip(".") in self.WORDPRESS_TAGLINES:
            self.report.site.append(
                f"tagline “{wanted['tagline']}” is WordPress's default: not taken"
            )
            wanted["tagline"] = ""
        changed = []
        for name, value in wanted.items():
            current = getattr(site, name)
            if not value or value == current:
                continue
            if current != SiteSettings._meta.get_field(name).get_default():
                self.report.site.append(f"{name} kept: “{current}” (the export has “{value}”)")
                continue
            setattr(site, name, value)
            changed.append(name)
            self.report.site.append(f"{name} taken from the export: “{value}”")
        if changed:
            site.save(update_fields=changed)

    # --- authors and terms -----------------------------------------------------------

    def _import_authors(self) -> None:
        self.users: dict[str, object] = {}
        for author in self.authors.values():
            self._user(author.login, author)

    def _user(self, login: str, author: Author | None = None):
        """The user for a WordPress login, created on first sight (no password: reset it)."""
        if login in self.users:
            return self.users[login]
        author = author or self.authors.get(login) or Author(line=0, wp_id=None, login=login)
        row = self.mapped[Kind.AUTHOR].get(author.wp_id) if author.wp_id else None
        if row is not None and row.user is not None:
            user = row.user
            self.report.existing["authors"] += 1
        else:
            # WordPress's author URLs use the "nicename", a slug of the login.
            username = (german_slugify(login) or login or "wordpress")[:150]
            User = get_user_model()
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    email=author.email,
                    first_name=(author.display_name or author.first_name or login)[:150],
                    last_name="" if author.display_name else author.last_name[:150],
                )
                user.set_unusable_password()
                user.save()
                self.report.created["authors"] += 1
            else:
                self.report.existing["authors"] += 1
            if row is None:
                self._remember(Kind.AUTHOR, author.wp_id, user, data={"login": login})
        self.users[login] = user
        if author.wp_id:
            self.users_by_wp_id[author.wp_id] = user
        return user

    def _default_login(self) -> str:
        """For posts without an author: the first author of the file, else "wordpress"."""
        return next(iter(self.authors), "wordpress")

    def _import_terms(self) -> None:
        self.categories: dict[str, Category] = {}
        self.tags: dict[str, Tag] = {}
        categories = [t for t in self.terms if t.taxonomy == "category"]
        by_slug = {unquote(t.slug): t for t in categories}
        for term in categories:
            self._category(unquote(term.slug), term.name, by_slug)
        for term in self.terms:
            if term.taxonomy == "post_tag":
                self._tag(unquote(term.slug), term.name, term)
            elif term.taxonomy != "category":
                self.report.skipped[f"terms of taxonomy “{term.taxonomy}”"] += 1

    def _category(self, slug: str, name: str, by_slug: dict, seen=()) -> Category:
        """The category for a slug, its parents first; reused when the slug exists."""
        if slug in self.categories:
            return self.categories[slug]
        term = by_slug.get(slug)
        row = self.mapped[Kind.CATEGORY].get(term.wp_id) if term and term.wp_id else None
        category = row.category if row is not None else None
        if category is None:
            category = Category.objects.filter(slug=slug).first()
        if category is not None:
            self.report.existing["categories"] += 1
        else:
            parent = None
            parent_slug = unquote(term.parent_slug) if term else ""
            if parent_slug and parent_slug not in seen and parent_slug != slug:
                parent = self._category(parent_slug, parent_slug, by_slug, (*seen, slug))
            category = Category(
                name=content.plain_title(term.name if term else name)[:200] or slug,
                slug=slug[:200],
                parent=parent,
                description=content.plain_title(term.description) if term else "",
            )
            category.save()
            self.report.created["categories"] += 1
        if row is None and term is not None:
            self._remember(Kind.CATEGORY, term.wp_id, category)
        self.categories[slug] = category
        return category

    def _tag(self, slug: str, name: str, term: Term | None = None) -> Tag:
        if slug in self.tags:
            return self.tags[slug]
        row = self.mapped[Kind.TAG].get(term.wp_id) if term and term.wp_id else None
        tag = row.tag if row is not None else None
        tag = tag or Tag.objects.filter(slug=slug).first()
        if tag is not None:
            self.report.existing["tags"] += 1
        else:
            tag = Tag.objects.create(name=content.plain_title(name)[:200] or slug, slug=slug[:200])
            self.report.created["tags"] += 1
        if row is None and term is not None:
            self._remember(Kind.TAG, term.wp_id, tag)
        self.tags[slug] = tag
        return tag

    # --- attachments ---------------------------------------------------------------------

    def _import_attachments(self) -> None:
        """Attachments before posts, so that posts can link to the new files."""
        files: dict[str, str] = {}
        for row in self.mapped[Kind.ATTACHMENT].values():
            url = row.get_absolute_url()
            if url and row.data.get("file"):
                files[row.data["file"]] = url
        for info in self.attachments.values():
            if info.featured_only:
                # A featured image our own export wrote: the post's image, not the library's.
                source = attachments.source_file(self.media_dir, info.rel)
                if source is not None:
                    self.featured_sources[info.wp_id] = source
                continue
            row = self.mapped[Kind.ATTACHMENT].get(info.wp_id)
            if row is not None and (row.media is not None or row.file):
                self.report.existing["attachments"] += 1
                continue
            source = attachments.source_file(self.media_dir, info.rel)
            stored = attachments.StoredFile()
            if source is not None:
                user = self._user(info.creator) if info.creator else None
                stored = attachments.store(info, source, user=user)
                self.stored_files.extend(stored.names)
                if stored.problem:
                    self.report.warn(info.line, f"attachment {info.rel}: {stored.problem}")
                else:
                    self.report.created["files"] += 1
                    files[info.rel] = stored.url
            elif self.media_dir is not None:
                self.report.warn(info.line, f"attachment {info.rel}: not in the media folder")
            if row is None:
                self._remember(
                    Kind.ATTACHMENT,
                    info.wp_id,
                    stored.media,
                    file=stored.file,
                    guid=info.url,
                    old_path=info.old_path[:500],
                    data=info.data(),
                )
                self.report.created["attachments"] += 1
            else:
                if stored.media is not None or stored.file:  # the file came this time
                    row.media, row.file = stored.media, stored.file
                    row.save(update_fields=["media", "file"])
                self.report.existing["attachments"] += 1
        channel = self.report.channel
        hosts = set()
        for url in (channel.base_site_url, channel.base_blog_url, channel.link):
            hosts.add(urlsplit(url).netloc)
        bases = {attachments.UPLOADS_MARKER}
        for info in self.attachments.values():
            hosts.add(urlsplit(info.url).netloc)
            bases.add(info.uploads_base or attachments.UPLOADS_MARKER)
        hosts |= {h.removeprefix("www.") for h in hosts} | {f"www.{h}" for h in hosts if h}
        self.links = content.UploadLinks(files, {h for h in hosts if h}, {b for b in bases if b})
        self.gallery = {
            info.wp_id: content.Attachment(
                wp_id=info.wp_id,
                url=files.get(info.rel, info.url),
                title=info.title,
                caption=info.caption,
                alt=info.alt,
                parent=info.parent,
                menu_order=info.menu_order,
                is_image=info.is_image,
            )
            for info in self.attachments.values()
        }

    def _remove_stored_files(self) -> None:
        """After a failed run, the files it stored go too (the database rolled back)."""
        for name in self.stored_files:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        self.stored_files = []

    # --- posts and pages -----------------------------------------------------------------

    def _import_items(self) -> None:
        self.waiting_pages: dict[int, list[Item]] = {}
        done = 0
        for record in read_wxr(self.path, self.undeclared):
            if not isinstance(record, Item):
                continue
            done += 1
            self._import_item(record)
            self.progress(done, self.report.items, self.report)
        # Pages whose parent never came: at the top, starting with those whose parent
        # is not itself waiting (their children then follow under them).
        while self.waiting_pages:
            waiting = {i.wp_id for items in self.waiting_pages.values() for i in items}
            parent_id = next((p for p in self.waiting_pages if p not in waiting), None)
            if parent_id is None:
                parent_id = next(iter(self.waiting_pages))
            for item in self.waiting_pages.pop(parent_id):
                self.report.warn(item.line, f"page {item.wp_id}: its parent page is missing")
                self._create_page(item, None)

    def _import_item(self, item: Item) -> None:
        if item.post_type == "attachment":
            new = [c for c in item.comments if c.wp_id not in self.mapped_comments]
            if new:
                self.report.skipped["comments on attachment pages"] += len(new)
            return
        if item.post_type not in ("post", "page"):
            self.report.skipped[f"items of type “{item.post_type}”"] += 1
            return
        kind = Kind.POST if item.post_type == "post" else Kind.PAGE
        label = "posts" if kind == Kind.POST else "pages"
        if item.status in SKIPPED_STATUSES:
            reason = "in the trash" if item.status == "trash" else f"with status “{item.status}”"
            self.report.skipped[f"{label} {reason}"] += 1
            return
        row = self.mapped[kind].get(item.wp_id)
        if row is not None:
            self.report.existing[label] += 1
            target = row.post if kind == Kind.POST else row.page
            if target is not None:
                self.comments.run(item, target)
            return
        if kind == Kind.POST:
            self._create_post(item)
            return
        if item.parent and item.parent not in self.mapped[Kind.PAGE]:
            self.waiting_pages.setdefault(item.parent, []).append(item)
            return
        parent_row = self.mapped[Kind.PAGE].get(item.parent)
        self._create_page(item, parent_row.page if parent_row else None)

    def _convert(self, item: Item) -> content.PostContent:
        converted = content.convert_post(
            item.content,
            item.excerpt,
            post_id=item.wp_id,
            attachments=self.gallery,
            links=self.links,
        )
        self.report.shortcodes.update(converted.conversion.unknown_shortcodes)
        for note in converted.conversion.notes:
            self.report.warn(item.line, f"“{content.plain_title(item.title)}”: {note}")
        return converted

    def _free_slug(self, model, slug: str, line: int, **scope) -> str:
        """The WordPress slug unchanged, unless another object here already has it."""
        if not slug or not model.objects.filter(slug=slug, **scope).exists():
            return slug
        n = 2
        while model.objects.filter(slug=f"{slug}-{n}", **scope).exists():
            n += 1
        self.report.warn(line, f"the address “{slug}” is taken here; imported as “{slug}-{n}”")
        return f"{slug}-{n}"

    def _create_post(self, item: Item) -> None:
        converted = self._convert(item)
        status, visibility = POST_STATUSES.get(item.status, POST_STATUSES["draft"])
        if item.status not in POST_STATUSES:
            self.report.converted[f"posts with status “{item.status}”, imported as drafts"] += 1
        password = ""
        if item.password and visibility == Post.Visibility.PUBLIC:
            visibility, password = Post.Visibility.PASSWORD, item.password[:100]
        published_at = self.clock.to_utc(item.local_date, item.gmt_date)
        post = Post(
            title=content.plain_title(item.title)[:200],
            slug=self._free_slug(Post, unquote(item.slug)[:200], item.line),
            author=self._user(item.creator or self._default_login()),
            body=converted.body,
            excerpt=converted.excerpt,
            status=status,
            published_at=published_at or item.date or timezone.now(),
            # The day of WordPress's permalink, the old blog's local date, whatever this
            # blog's time zone: the post answers at its old address (#13). Drafts had none.
            permalink_date=(
                item.local_date.date()
                if item.local_date and status == Post.Status.PUBLISHED
                else None
            ),
            visibility=visibility,
            password=password,
            comments_open=item.comment_status == "open",
            is_sticky=item.is_sticky or item.wp_id in self.report.channel.sticky_ids,
        )
        if item.guid:
            post.guid = item.guid[:500]  # feed readers know the post by it (#13)
        featured = self._featured_image(item)
        if featured is None:
            post.save()
        else:
            try:
                with featured.file.open("rb") as fh:
                    post.featured_image = File(fh, name=featured.name)
                    post.featured_image_alt = featured.alt[:300]
                    post.save()
            except ValidationError as exc:
                self.report.warn(item.line, f"featured image {featured.name}: {exc.messages[0]}")
                post.featured_image, post.featured_image_alt = None, ""
                post.save()
        self.stored_files.extend(
            [post.featured_image.name, *(v["name"] for v in post.image_variants.values())]
            if post.featured_image
            else []
        )
        categories, tags = [], []
        for domain, slug, name in item.terms:
            if domain == "category" and slug:
                categories.append(self._category(unquote(slug), name, {}))
            elif domain in ("post_tag", "tag") and slug:
                tags.append(self._tag(unquote(slug), name))
        self.post_terms.set(post, categories, tags)
        self._keep_modified(post, item, floor=post.published_at)
        self._remember(
            Kind.POST,
            item.wp_id,
            post,
            guid=item.guid[:500],
            old_path=self._old_path(item, post),
            # The exporter gives WordPress the same thumbnail back.
            data={"thumbnail": featured.wp_id} if featured and featured.in_library else {},
        )
        self.report.created["posts"] += 1
        self.comments.run(item, post)

    def _keep_modified(self, obj, item: Item, floor=None) -> None:
        """WordPress's last change (wp:post_modified_gmt), else its date, as `updated_at`,
        which auto_now set to today: readers' "Updated", Atom <updated> and sitemap
        <lastmod> (#13). Never before the publish date (scheduled posts were edited
        before it)."""
        modified = self.clock.to_utc(item.modified_local, item.modified_gmt)
        modified = modified or self.clock.to_utc(item.local_date, item.gmt_date) or floor
        if modified is None:
            return
        if floor is not None:
            modified = max(modified, floor)
        type(obj).objects.filter(pk=obj.pk).update(updated_at=modified)
        obj.updated_at = modified

    def _featured_image(self, item: Item) -> "FeaturedImage | None":
        """The image WordPress showed as the post's thumbnail, if its file was imported."""
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if not thumbnail.isdigit():
            return None
        wp_id = int(thumbnail)
        row = self.mapped[Kind.ATTACHMENT].get(wp_id)
        if row is not None and row.media is not None:
            name = row.media.file.name.rsplit("/", 1)[-1]
            return FeaturedImage(row.media.file, name, row.media.alt, wp_id, in_library=True)
        source = self.featured_sources.get(wp_id)
        if source is not None:
            return FeaturedImage(source, source.name, self.attachments[wp_id].alt, wp_id)
        return None

    def _old_path(self, item: Item, obj) -> str:
        """The WordPress permalink's path, kept when it differs from the new address.

        Plain permalinks (/?p=123) are left out: the query-string redirects find those.
        """
        if not item.link or urlsplit(item.link).query:
            return ""
        old = _decoded_path(item.link)
        if old in ("", "/") or old == unquote(obj.get_absolute_url()):
            return ""
        return old[:500]

    def _create_page(self, item: Item, parent: Page | None) -> None:
        converted = self._convert(item)
        status = Page.Status.PUBLISHED if item.status == "publish" else Page.Status.DRAFT
        if item.status == "publish" and item.password:
            status = Page.Status.DRAFT
            self.report.warn(item.line, "a password-protected page was imported as a draft")
        elif item.status in ("private", "future"):
            self.report.converted[f"{item.status} pages imported as drafts"] += 1
        page = Page(
            title=content.plain_title(item.title)[:200],
            slug=self._free_slug(Page, unquote(item.slug)[:200], item.line, parent=parent),
            parent=parent,
            body=converted.body,
            status=status,
            menu_order=item.menu_order,
            show_in_navigation=parent is None,
            comments_open=item.comment_status == "open",
        )
        page.save()
        self._keep_modified(page, item)
        self._remember(
            Kind.PAGE, item.wp_id, page, guid=item.guid[:500], old_path=self._old_path(item, page)
        )
        self.report.created["pages"] += 1
        self.comments.run(item, page)
        for child in self.waiting_pages.pop(item.wp_id, []):
            self._create_page(child, page)
