"""Export the blog as a WordPress eXtended RSS file, WXR 1.2 (issue #5).

What WordPress's own Tools → Export writes, and what its importer reads: the
channel with authors, categories and tags, then posts, pages and attachments as
items with their comments, threaded and with their statuses. Objects that came
from WordPress keep their WordPress IDs (so that ?p=123 links stay right after moving
back); the others get free IDs, preferring their own primary keys, so that comment
anchors (#comment-42) stay the same too. Written as it goes: memory stays flat.
"""

import datetime
import re
from email.utils import format_datetime
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db.models import Prefetch, Q
from django.utils import timezone

from blog.markup import render_markdown
from blog.models import Category, Media, Page, Post, SiteSettings, Tag
from comments.models import Comment

from .attachments import FEATURED_ONLY_KEY
from .models import ImportedObject

Kind = ImportedObject.Kind
WXR_VERSION = "1.2"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PERCENT = re.compile(r"%[0-9A-F]{2}")
COMMENT_STATUS = {"approved": "1", "pending": "0", "spam": "spam", "trash": "trash"}


def cdata(value) -> str:
    """WordPress's wxr_cdata(): a CDATA section, "]]>" split across two of them."""
    text = _INVALID_XML.sub("", str(value or ""))
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text(value) -> str:
    return escape(_INVALID_XML.sub("", str(value or "")))


def wp_slug(slug: str) -> str:
    """A slug as WordPress stores it: UTF-8 percent-encoded in lower case."""
    return _PERCENT.sub(lambda m: m.group(0).lower(), quote(slug, safe="-_.~"))


def wp_dates(value: datetime.datetime) -> tuple[str, str]:
    """WordPress's pair of dates: local (TIME_ZONE) and GMT."""
    fmt = "%Y-%m-%d %H:%M:%S"
    return timezone.localtime(value).strftime(fmt), value.astimezone(datetime.UTC).strftime(fmt)


class IdAllocator:
    """IDs in one of WordPress's ID spaces: imported objects keep theirs, others get free ones."""

    def __init__(self, reserved):
        self.used = set(reserved)
        self.next = max(self.used, default=0) + 1
        self.ids: dict = {}

    def get(self, key, *, fixed: int | None = None, preferred: int | None = None) -> int:
        if key in self.ids:
            return self.ids[key]
        if fixed is not None:
            value = fixed
        elif preferred and preferred not in self.used:
            value = preferred
        else:
            while self.next in self.used:
                self.next += 1
            value = self.next
        self.used.add(value)
        self.ids[key] = value
        return value


_BLOCK_END = re.compile(r"(</(?:p|h[1-6]|ul|ol|blockquote|figure|div|table|pre|dl)>)\s*")
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)
_OUR_IMG_ATTRS = re.compile(r'\s(?:srcset|sizes|loading|decoding)="[^"]*"')
_LOCAL_URL = re.compile(r'(\s(?:src|href)=")(/(?!/)[^"]*)"')


def post_html(body_html: str, base_url: str) -> str:
    """Post HTML as WordPress stores it: no line breaks inside paragraphs (its wpautop
    would turn them into <br>), absolute links to our files, no srcset of ours."""
    parts = _PRE.split(body_html)
    for i in range(0, len(parts), 2):
        part = re.sub(r"<br\s*/?>\n", "<br />\x00", parts[i]).replace("\n", " ")
        parts[i] = _BLOCK_END.sub(r"\1\n\n", part).replace("\x00", "\n")
    html = re.sub(r"</pre>\s+", "</pre>\n\n", "".join(parts)).strip()
    html = _OUR_IMG_ATTRS.sub("", html)
    return _LOCAL_URL.sub(lambda m: f'{m.group(1)}{base_url}{m.group(2)}"', html)


def comment_html(body_html: str) -> str:
    """A comment as WordPress keeps it: text with inline tags, paragraphs as blank lines."""
    html = re.sub(r"</p>\s*<p>", "\n\n", body_html.strip())
    html = re.sub(r"^<p>|</p>$", "", html)
    return re.sub(r"<br\s*/?>\n?", "\n", html)


class Exporter:
    """Write the whole blog to `out` (a text file); see the module docstring."""

    def __init__(self, out, *, base_url: str):
        self.out = out
        self.base_url = base_url.rstrip("/")
        mapped = ImportedObject.objects.values_list("kind", "wp_id")
        reserved = {kind: set() for kind in Kind.values}
        for kind, wp_id in mapped:
            reserved[kind].add(wp_id)
        self.post_ids = IdAllocator(
            reserved[Kind.POST] | reserved[Kind.PAGE] | reserved[Kind.ATTACHMENT]
        )
        self.term_ids = IdAllocator(reserved[Kind.CATEGORY] | reserved[Kind.TAG])
        self.comment_ids = IdAllocator(reserved[Kind.COMMENT])
        self.author_ids = IdAllocator(reserved[Kind.AUTHOR])
        self.mapping = {
            kind: {
                getattr(row, f"{ImportedObject(kind=kind).target_field}_id"): row
                for row in ImportedObject.objects.of_kind(kind).exclude(
                    **{ImportedObject(kind=kind).target_field: None}
                )
            }
            for kind in (Kind.AUTHOR, Kind.CATEGORY, Kind.TAG, Kind.POST, Kind.PAGE)
        }
        self.comment_wp_ids = dict(
            ImportedObject.objects.of_kind(Kind.COMMENT)
            .exclude(comment=None)
            .values_list("comment_id", "wp_id")
        )
        self.attachments = {
            row.media_id: row
            for row in ImportedObject.objects.of_kind(Kind.ATTACHMENT).exclude(media=None)
        }
        self.counts = {"posts": 0, "pages": 0, "attachments": 0, "comments": 0}

    def write(self, value: str) -> None:
        self.out.write(value)

    def url(self, path: str) -> str:
        return path if "://" in path else self.base_url + path

    def _id(self, allocator, kind, obj) -> int:
        row = self.mapping.get(kind, {}).get(obj.pk)
        return allocator.get((kind, obj.pk), fixed=row.wp_id if row else None, preferred=obj.pk)

    # --- the channel ---------------------------------------------------------------------

    def run(self) -> dict:
        site = SiteSettings.load()
        self.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            '<rss version="2.0"\n'
            f'\txmlns:excerpt="http://wordpress.org/export/{WXR_VERSION}/excerpt/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            f'\txmlns:wp="http://wordpress.org/export/{WXR_VERSION}/"\n>\n<channel>\n'
            f"\t<title>{text(site.title)}</title>\n"
            f"\t<link>{text(self.base_url)}</link>\n"
            f"\t<description>{text(site.tagline)}</description>\n"
            f"\t<pubDate>{format_datetime(timezone.now())}</pubDate>\n"
            f"\t<language>{text(settings.LANGUAGE_CODE)}</language>\n"
            f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n"
            f"\t<wp:base_site_url>{text(self.base_url)}</wp:base_site_url>\n"
            f"\t<wp:base_blog_url>{text(self.base_url)}</wp:base_blog_url>\n"
        )
        self._authors()
        self._terms()
        self.write("\t<generator>blog engine (Django)</generator>\n")
        self._posts()
        self._pages()
        self._attachments()
        self.write("</channel>\n</rss>\n")
        return self.counts

    def _authors(self) -> None:
        users = get_user_model().objects.filter(
            Q(posts__isnull=False) | Q(pk__in=self.mapping[Kind.AUTHOR])
        )
        for user in users.distinct().order_by("pk"):
            wp_id = self._id(self.author_ids, Kind.AUTHOR, user)
            self.write(
                f"\t<wp:author><wp:author_id>{wp_id}</wp:author_id>"
                f"<wp:author_login>{cdata(user.get_username())}</wp:author_login>"
                f"<wp:author_email>{cdata(user.email)}</wp:author_email>"
                "<wp:author_display_name>"
                f"{cdata(user.get_full_name() or user.get_username())}</wp:author_display_name>"
                f"<wp:author_first_name>{cdata(user.first_name)}</wp:author_first_name>"
                f"<wp:author_last_name>{cdata(user.last_name)}</wp:author_last_name></wp:author>\n"
            )

    def _terms(self) -> None:
        for category in Category.objects.select_related("parent").order_by("path"):
            parent = wp_slug(category.parent.slug) if category.parent else ""
            self.write(
                "\t<wp:category>"
                f"<wp:term_id>{self._id(self.term_ids, Kind.CATEGORY, category)}</wp:term_id>"
                f"<wp:category_nicename>{cdata(wp_slug(category.slug))}</wp:category_nicename>"
                f"<wp:category_parent>{cdata(parent)}</wp:category_parent>"
                f"<wp:cat_name>{cdata(category.name)}</wp:cat_name>"
                "<wp:category_description>"
                f"{cdata(category.description)}</wp:category_description></wp:category>\n"
            )
        for tag in Tag.objects.order_by("name", "pk"):
            self.write(
                f"\t<wp:tag><wp:term_id>{self._id(self.term_ids, Kind.TAG, tag)}</wp:term_id>"
                f"<wp:tag_slug>{cdata(wp_slug(tag.slug))}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(tag.name)}</wp:tag_name></wp:tag>\n"
            )

    # --- items -------------------------------------------------------------------------

    def _item(
        self,
        *,
        title,
        link,
        guid,
        creator,
        content,
        excerpt,
        wp_id,
        date,
        modified,
        comment_status,
        slug,
        status,
        parent,
        menu_order,
        post_type,
        password="",
        is_sticky=False,
        extra="",
    ) -> None:
        local, gmt = wp_dates(date)
        modified_local, modified_gmt = wp_dates(modified)
        self.write(
            "\t<item>\n"
            f"\t\t<title>{cdata(title)}</title>\n"
            f"\t\t<link>{text(link)}</link>\n"
            f"\t\t<pubDate>{format_datetime(date)}</pubDate>\n"
            f"\t\t<dc:creator>{cdata(creator)}</dc:creator>\n"
            f"\t\t<guid isPermaLink={quoteattr('false')}>{text(guid)}</guid>\n"
            "\t\t<description></description>\n"
            f"\t\t<content:encoded>{cdata(content)}</content:encoded>\n"
            f"\t\t<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>\n"
            f"\t\t<wp:post_id>{wp_id}</wp:post_id>\n"
            f"\t\t<wp:post_date>{cdata(local)}</wp:post_date>\n"
            f"\t\t<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>\n"
            f"\t\t<wp:post_modified>{cdata(modified_local)}</wp:post_modified>\n"
            f"\t\t<wp:post_modified_gmt>{cdata(modified_gmt)}</wp:post_modified_gmt>\n"
            f"\t\t<wp:comment_status>{cdata(comment_status)}</wp:comment_status>\n"
            f"\t\t<wp:ping_status>{cdata('closed')}</wp:ping_status>\n"
            f"\t\t<wp:post_name>{cdata(slug)}</wp:post_name>\n"
            f"\t\t<wp:status>{cdata(status)}</wp:status>\n"
            f"\t\t<wp:post_parent>{parent}</wp:post_parent>\n"
            f"\t\t<wp:menu_order>{menu_order}</wp:menu_order>\n"
            f"\t\t<wp:post_type>{cdata(post_type)}</wp:post_type>\n"
            f"\t\t<wp:post_password>{cdata(password)}</wp:post_password>\n"
            f"\t\t<wp:is_sticky>{int(is_sticky)}</wp:is_sticky>\n"
            f"{extra}\t</item>\n"
        )

    @staticmethod
    def _meta(key: str, value) -> str:
        return (
            f"\t\t<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
            f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>\n"
        )

    def _posts(self) -> None:
        comments = Comment.objects.order_by("created_at", "id")
        posts = (
            Post.objects.select_related("author")
            .prefetch_related("categories", "tags", Prefetch("comments", queryset=comments))
            .order_by("published_at", "id")
        )
        for post in posts.iterator(chunk_size=200):
            wp_id = self._id(self.post_ids, Kind.POST, post)
            status = self._post_status(post, post.status)
            extra = "".join(
                f'\t\t<category domain="category" nicename={quoteattr(wp_slug(c.slug))}>'
                f"{cdata(c.name)}</category>\n"
                for c in post.categories.all()
            ) + "".join(
                f'\t\t<category domain="post_tag" nicename={quoteattr(wp_slug(t.slug))}>'
                f"{cdata(t.name)}</category>\n"
                for t in post.tags.all()
            )
            if post.is_trashed:
                status = "trash"
                extra += self._trash_meta(
                    self._post_status(post, post.status_before_trash), post.trashed_at
                )
            featured = self._featured_image(post, wp_id)
            if featured:
                extra += self._meta("_thumbnail_id", featured)
            extra += "".join(self._comment(c) for c in post.comments.all())
            link = self.url(post.get_absolute_url())
            row = self.mapping[Kind.POST].get(post.pk)
            self._item(
                title=post.title,
                link=link,
                # The feed ID, so that readers' apps know the posts after a move back (#13).
                guid=post.guid or (row.guid if row and row.guid else f"{self.base_url}/?p={wp_id}"),
                creator=post.author.get_username(),
                content=self._post_content(post),
                excerpt=post.excerpt,
                wp_id=wp_id,
                date=post.published_at,
                modified=post.updated_at,
                comment_status="open" if post.comments_open else "closed",
                slug=wp_slug(post.slug),
                status=status,
                parent=0,
                menu_order=0,
                post_type="post",
                password=post.password if post.is_password_protected else "",
                is_sticky=post.is_sticky,
                extra=extra,
            )
            self.counts["posts"] += 1

    @staticmethod
    def _post_status(post, status: str) -> str:
        """WordPress's post_status for `post` with our `status` (its own, or the one it had
        before the trash)."""
        if status == Post.Status.DRAFT:
            return "draft"
        if status == Post.Status.PENDING:
            return "pending"
        if post.visibility == Post.Visibility.PRIVATE:
            return "private"
        return "publish" if post.published_at <= timezone.now() else "future"

    def _trash_meta(self, status_before: str, trashed_at) -> str:
        """What WordPress keeps of an item in its trash: the status to restore and since
        when (issue #12); without it a trashed post would leave as a scheduled one."""
        since = int((trashed_at or timezone.now()).timestamp())
        return self._meta("_wp_trash_meta_status", status_before) + self._meta(
            "_wp_trash_meta_time", since
        )

    def _post_content(self, post) -> str:
        """The post's HTML, with WordPress's <!--more--> where the author's body has it."""
        before, more, after = post.body.partition("<!--more-->")
        if not more:
            return post_html(post.body_html, self.base_url)
        halves = (post_html(render_markdown(half), self.base_url) for half in (before, after))
        return "\n\n<!--more-->\n\n".join(halves)

    def _featured_image(self, post, post_wp_id: int) -> int | None:
        """The attachment ID of the post's featured image; written as an item if new."""
        if not post.featured_image:
            return None
        row = self.mapping[Kind.POST].get(post.pk)
        thumbnail = row.data.get("thumbnail") if row else None
        if thumbnail and thumbnail in self.post_ids.used:
            return thumbnail
        wp_id = self.post_ids.get(("featured", post.pk))
        self._attachment_item(
            wp_id=wp_id,
            url=self.url(post.featured_image.url),
            rel=post.featured_image.name,
            title=post.featured_image.name.rsplit("/", 1)[-1].rsplit(".", 1)[0],
            alt=post.featured_image_alt,
            parent=post_wp_id,
            date=post.published_at,
            creator=post.author.get_username(),
            featured_only=True,
        )
        return wp_id

    def _comment(self, comment: Comment) -> str:
        wp_id = self.comment_ids.get(
            comment.pk, fixed=self.comment_wp_ids.get(comment.pk), preferred=comment.pk
        )
        parent = 0
        if comment.parent_id:
            parent = self.comment_ids.get(
                comment.parent_id,
                fixed=self.comment_wp_ids.get(comment.parent_id),
                preferred=comment.parent_id,
            )
        user_id = 0
        if comment.user_id:
            row = self.mapping[Kind.AUTHOR].get(comment.user_id)
            user_id = self.author_ids.get(
                (Kind.AUTHOR, comment.user_id),
                fixed=row.wp_id if row else None,
                preferred=comment.user_id,
            )
        local, gmt = wp_dates(comment.created_at)
        self.counts["comments"] += 1
        return (
            "\t\t<wp:comment>\n"
            f"\t\t\t<wp:comment_id>{wp_id}</wp:comment_id>\n"
            f"\t\t\t<wp:comment_author>{cdata(comment.author_name)}</wp:comment_author>\n"
            "\t\t\t<wp:comment_author_email>"
            f"{cdata(comment.author_email)}</wp:comment_author_email>\n"
            f"\t\t\t<wp:comment_author_url>{text(comment.author_url)}</wp:comment_author_url>\n"
            f"\t\t\t<wp:comment_author_IP>{cdata(comment.ip_address)}</wp:comment_author_IP>\n"
            f"\t\t\t<wp:comment_date>{cdata(local)}</wp:comment_date>\n"
            f"\t\t\t<wp:comment_date_gmt>{cdata(gmt)}</wp:comment_date_gmt>\n"
            "\t\t\t<wp:comment_content>"
            f"{cdata(comment_html(comment.body_html))}</wp:comment_content>\n"
            "\t\t\t<wp:comment_approved>"
            f"{cdata(COMMENT_STATUS[comment.status])}</wp:comment_approved>\n"
            f"\t\t\t<wp:comment_type>{cdata(comment.comment_type)}</wp:comment_type>\n"
            f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
            f"\t\t\t<wp:comment_user_id>{user_id}</wp:comment_user_id>\n"
            "\t\t</wp:comment>\n"
        )

    @staticmethod
    def _page_status(status: str) -> str:
        return "publish" if status == Page.Status.PUBLISHED else "draft"

    def _pages(self) -> None:
        comments = Comment.objects.order_by("created_at", "id")
        pages = Page.objects.select_related("parent").prefetch_related(
            Prefetch("comments", queryset=comments)
        )
        for page in pages.order_by("path"):
            wp_id = self._id(self.post_ids, Kind.PAGE, page)
            parent = self._id(self.post_ids, Kind.PAGE, page.parent) if page.parent else 0
            row = self.mapping[Kind.PAGE].get(page.pk)
            extra = (
                self._trash_meta(self._page_status(page.status_before_trash), page.trashed_at)
                if page.is_trashed
                else ""
            )
            # Comments on pages (issue #13), inside the page's item as WordPress writes them.
            extra += "".join(self._comment(c) for c in page.comments.all())
            self._item(
                title=page.title,
                link=self.url(page.get_absolute_url()),
                guid=row.guid if row and row.guid else f"{self.base_url}/?page_id={wp_id}",
                creator="",
                content=post_html(page.body_html, self.base_url),
                excerpt="",
                wp_id=wp_id,
                date=page.created_at,
                modified=page.updated_at,
                comment_status="open" if page.comments_open else "closed",
                slug=wp_slug(page.slug),
                status="trash" if page.is_trashed else self._page_status(page.status),
                parent=parent,
                menu_order=page.menu_order,
                post_type="page",
                extra=extra,
            )
            self.counts["pages"] += 1

    def _attachment_item(
        self,
        *,
        wp_id,
        url,
        rel,
        title,
        alt,
        parent,
        date,
        creator,
        caption="",
        description="",
        menu_order=0,
        featured_only=False,
    ) -> None:
        extra = f"\t\t<wp:attachment_url>{cdata(url)}</wp:attachment_url>\n"
        extra += self._meta("_wp_attached_file", rel)
        if featured_only:
            extra += self._meta(FEATURED_ONLY_KEY, "1")
        if alt:
            extra += self._meta("_wp_attachment_image_alt", alt)
        self._item(
            title=title,
            link=url,
            guid=url,
            creator=creator,
            content=description,
            excerpt=caption,
            wp_id=wp_id,
            date=date,
            modified=date,
            comment_status="closed",
            slug=wp_slug(re.sub(r"[^\w-]+", "-", title.lower()).strip("-")),
            status="inherit",
            parent=parent,
            menu_order=menu_order,
            post_type="attachment",
            extra=extra,
        )
        self.counts["attachments"] += 1

    def _attachments(self) -> None:
        """The media library, then attachments known only from the import (metadata, files)."""
        for media in Media.objects.select_related("uploaded_by").order_by("uploaded_at", "id"):
            row = self.attachments.get(media.pk)
            data = row.data if row else {}
            self._attachment_item(
                wp_id=self.post_ids.get(("media", media.pk), fixed=row.wp_id if row else None),
                url=self.url(media.file.url),
                rel=media.file.name,
                title=data.get("title") or str(media),
                alt=media.alt,
                caption=media.caption,
                description=data.get("description", ""),
                parent=data.get("parent", 0) if data.get("parent") in self.post_ids.used else 0,
                menu_order=data.get("menu_order", 0),
                date=media.uploaded_at,
                creator=media.uploaded_by.get_username() if media.uploaded_by else "",
            )
        for row in ImportedObject.objects.of_kind(Kind.ATTACHMENT).filter(media=None):
            data = row.data
            stored = bool(row.file)
            self._attachment_item(
                wp_id=self.post_ids.get(("attachment", row.wp_id), fixed=row.wp_id),
                url=self.url(default_storage.url(row.file)) if stored else data.get("url", ""),
                rel=row.file if stored else data.get("file", ""),
                title=data.get("title", ""),
                alt=data.get("alt", ""),
                caption=data.get("caption", ""),
                description=data.get("description", ""),
                parent=data.get("parent", 0) if data.get("parent") in self.post_ids.used else 0,
                menu_order=data.get("menu_order", 0),
                date=row.imported_at,
                creator="",
            )


def export_wxr(out, *, base_url: str) -> dict:
    """Write the blog as WXR 1.2 to the text file `out`; return counts of what was written."""
    return Exporter(out, base_url=base_url).run()
