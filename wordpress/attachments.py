"""WordPress attachments: where their files are, and taking them into the media library.

Images go through the media library (blog.Media: checked by Pillow, re-encoded without
EXIF, resized variants), as uploads do. Documents, audio and video of a few harmless
types are copied as they are, so that links to them keep working; anything else
(HTML, SVG, scripts) keeps only its metadata, as serving it from our domain would
be unsafe.
"""

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage

from blog.models import Media

from .wxr import Item

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp"}
COPY_EXTENSIONS = {
    ".pdf", ".zip", ".mp3", ".m4a", ".ogg", ".oga", ".wav", ".mp4", ".m4v", ".webm",
    ".mov", ".ogv", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".ppt", ".pptx",
    ".odp", ".epub", ".txt", ".csv",
}  # fmt: skip
UPLOADS_MARKER = "/wp-content/uploads/"
STORAGE_FOLDER = "wordpress"
FEATURED_ONLY_KEY = "_blog_featured_only"


@dataclass
class AttachmentInfo:
    """An attachment item as read in the first pass over the file."""

    wp_id: int
    url: str  # WordPress's attachment_url
    rel: str  # the file's path below the uploads folder, e.g. "2020/01/photo.jpg"
    title: str
    caption: str
    description: str
    alt: str
    parent: int
    menu_order: int
    creator: str
    line: int
    # Written by our own export for a post's featured image that is no library image.
    featured_only: bool = False
    # The attachment page WordPress showed (/2025/01/07/post/photo/), decoded, and its
    # slug: old links to it redirect to the file or the post (#13).
    page: str = ""
    slug: str = ""

    @property
    def is_image(self) -> bool:
        return PurePosixPath(self.rel).suffix.lower() in IMAGE_EXTENSIONS

    @property
    def old_path(self) -> str:
        return unquote(urlsplit(self.url).path)

    @property
    def uploads_base(self) -> str:
        """The path of the uploads folder on the old site, from the URL and the file path."""
        path = self.old_path
        if self.rel and path.endswith("/" + self.rel):
            return path[: -len(self.rel)]
        return UPLOADS_MARKER if UPLOADS_MARKER in path else ""

    def data(self) -> dict:
        """What the mapping keeps of the attachment, so that an export can give it back."""
        return {
            "url": self.url,
            "file": self.rel,
            "title": self.title,
            "caption": self.caption,
            "description": self.description,
            "alt": self.alt,
            "parent": self.parent,
            "menu_order": self.menu_order,
            "page": self.page,
            "slug": self.slug,
        }


def relative_upload_path(item: Item) -> str:
    """The file's path below wp-content/uploads, from _wp_attached_file or the URL."""
    attached = item.meta.get("_wp_attached_file", "").strip().replace("\\", "/")
    if "wp-content/uploads/" in attached:  # old WordPress stored absolute paths
        attached = attached.split("wp-content/uploads/", 1)[1]
    if attached and not attached.startswith("/"):
        return unquote(attached)
    path = unquote(urlsplit(item.attachment_url).path)
    if UPLOADS_MARKER in path:
        return path.split(UPLOADS_MARKER, 1)[1]
    return path.rsplit("/", 1)[-1]


def attachment_info(item: Item) -> AttachmentInfo:
    from .content import plain_title

    return AttachmentInfo(
        wp_id=item.wp_id,
        url=item.attachment_url or item.guid,
        rel=relative_upload_path(item),
        title=plain_title(item.title),
        caption=item.excerpt.strip(),
        description=item.content.strip(),
        alt=item.meta.get("_wp_attachment_image_alt", "").strip(),
        parent=item.parent,
        menu_order=item.menu_order,
        creator=item.creator,
        line=item.line,
        featured_only=item.meta.get(FEATURED_ONLY_KEY) == "1",
        page="" if urlsplit(item.link).query else unquote(urlsplit(item.link).path),
        slug=unquote(item.slug),
    )


def source_file(media_dir: Path | None, rel: str) -> Path | None:
    """The attachment's file in the uploads copy, refusing paths that leave it."""
    if media_dir is None or not rel:
        return None
    root = media_dir.resolve()
    candidate = (root / rel).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


@dataclass
class StoredFile:
    media: Media | None = None
    file: str = ""  # storage name of a copied non-image file
    names: list[str] = field(default_factory=list)  # everything written to storage
    problem: str = ""

    @property
    def url(self) -> str:
        if self.media is not None:
            return self.media.file.url
        return default_storage.url(self.file) if self.file else ""


def store(info: AttachmentInfo, source: Path, *, user) -> StoredFile:
    """Take the file into the media library (images) or storage (documents)."""
    suffix = source.suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        with source.open("rb") as fh:
            media = Media(
                file=File(fh, name=source.name),
                alt=info.alt[:300],
                caption=(info.caption or "")[:500],
                uploaded_by=user,
            )
            try:
                media.save()
            except ValidationError as exc:
                return StoredFile(problem=" ".join(exc.messages))
        names = [media.file.name, *(v["name"] for v in media.variants.values())]
        return StoredFile(media=media, names=names)
    if suffix in COPY_EXTENSIONS:
        with source.open("rb") as fh:
            # Our own export names these files "wordpress/…" already.
            name = (
                info.rel
                if info.rel.startswith(f"{STORAGE_FOLDER}/")
                else f"{STORAGE_FOLDER}/{info.rel}"
            )
            name = default_storage.save(name, File(fh))
        return StoredFile(file=name, names=[name])
    return StoredFile(problem=f"files of type {suffix or '(none)'} are not copied")
