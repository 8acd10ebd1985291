"""Where the demo stands: whether the blog is empty, and which demo content is untouched.

`load_demo` fills only an empty blog, once (issue #10): restarting `make run` must never
change what the author wrote. `import_wordpress --replace-demo` removes the demo content
that is still exactly as `load_demo` wrote it, compared field by field with
blog/demo/content.py; whatever the author changed or made is kept.
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from blog.models import Category, FooterLink, Media, Page, Post, SiteSettings, Tag

from . import content

# What makes a blog non-empty, by the words the commands print.
CONTENT_MODELS = [
    ("posts", Post),
    ("pages", Page),
    ("categories", Category),
    ("tags", Tag),
    ("media", Media),
    ("footer links", FooterLink),
]
SITE_DEFAULTS = {name: SiteSettings._meta.get_field(name).get_default() for name in content.SITE}


def local(value: str) -> datetime.datetime:
    """A demo date ("YYYY-MM-DD HH:MM") in the blog's time zone."""
    naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M")
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def blog_content() -> list[str]:
    """What the blog holds, e.g. ["3 posts", "site settings"]; empty for a fresh blog."""
    found = [f"{n} {label}" for label, model in CONTENT_MODELS if (n := model.objects.count())]
    site = SiteSettings.objects.filter(pk=1).first()
    if site is not None and (
        any(getattr(site, name) != default for name, default in SITE_DEFAULTS.items())
        or site.imprint_page_id
        or site.privacy_page_id
    ):
        found.append("site settings")
    return found


@dataclass
class Untouched:
    """The demo content that is still exactly as `load_demo` wrote it."""

    posts: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    footer_links: list = field(default_factory=list)
    author: object = None
    site: bool = False

    def __bool__(self):
        """Whether posts or pages of the demo are left: what an import would clash with."""
        return bool(self.posts or self.pages)

    @property
    def anything(self) -> bool:
        return bool(
            self or self.categories or self.tags or self.footer_links or self.author or self.site
        )

    def describe(self) -> str:
        parts = [
            f"{len(items)} {label}"
            for label, items in [
                ("posts", self.posts),
                ("pages", self.pages),
                ("categories", self.categories),
                ("tags", self.tags),
                ("footer links", self.footer_links),
            ]
            if items
        ]
        if self.author is not None:
            parts.append(f"the author “{self.author.get_username()}”")
        if self.site:
            parts.append("the site title and tagline")
        return ", ".join(parts)

    def remove(self) -> None:
        """Delete exactly these objects (their comments with the posts), in a safe order.

        The badge files go once the transaction commits (never after a rollback).
        """
        badges = [(link.badge.storage, link.badge.name) for link in self.footer_links]
        Post.objects.filter(pk__in=[p.pk for p in self.posts]).delete()
        Page.objects.filter(pk__in=[p.pk for p in self.pages]).delete()
        for category in self.categories:  # children first
            category.delete()
        Tag.objects.filter(pk__in=[t.pk for t in self.tags]).delete()
        FooterLink.objects.filter(pk__in=[f.pk for f in self.footer_links]).delete()
        for storage, name in badges:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        if self.author is not None:
            self.author.delete()
        if self.site:
            site = SiteSettings.load()
            for name, default in SITE_DEFAULTS.items():
                setattr(site, name, default)
            site.save()


def _comments_untouched(post) -> bool:
    """Whether every other app's demo data on the post (the comment threads) is untouched."""
    from blog import demo

    return all(check(post) for check in demo.untouched_checks)


def _post_untouched(post, spec, author) -> bool:
    _slug, title, date, category_slugs, tag_names, body = spec
    return (
        post.author_id == getattr(author, "pk", None)
        and (post.title, post.body, post.excerpt, post.password) == (title, body, "", "")
        and post.status == Post.Status.PUBLISHED
        and post.visibility == Post.Visibility.PUBLIC
        and post.published_at == local(date)
        and not post.featured_image
        and not post.is_sticky
        and post.comments_open
        and {c.slug for c in post.categories.all()} == set(category_slugs)
        and {t.name for t in post.tags.all()} == set(tag_names)
        and _comments_untouched(post)
    )


def _page_untouched(page, spec) -> bool:
    slug, title, order, body = spec
    return (
        (page.title, page.body, page.menu_order) == (title, body, order)
        and page.status == Page.Status.PUBLISHED
        and page.show_in_navigation == (slug == "ueber-mich")
        and not page.children.exists()
    )


def _badge_untouched(link, label) -> bool:
    if not link.badge:
        return False
    stem = re.escape(label.lower().replace(".", "-"))
    # The storage appends "_abc1234" when a file of that name existed.
    return re.fullmatch(rf"badges/{stem}(_[A-Za-z0-9]{{7}})?\.png", link.badge.name) is not None


def find_untouched() -> Untouched:
    """The demo objects nobody changed; see the module docstring."""
    found = Untouched()
    author = get_user_model().objects.filter(username=content.AUTHOR["username"]).first()

    posts = {p.slug: p for p in Post.objects.filter(slug__in=[s[0] for s in content.POSTS])}
    found.posts = [
        posts[spec[0]]
        for spec in content.POSTS
        if spec[0] in posts and _post_untouched(posts[spec[0]], spec, author)
    ]
    removed = {p.pk for p in found.posts}

    pages = {p.slug: p for p in Page.objects.filter(parent=None)}
    found.pages = [
        pages[spec[0]]
        for spec in content.PAGES
        if spec[0] in pages and _page_untouched(pages[spec[0]], spec)
    ]

    categories = {c.slug: c for c in Category.objects.all()}
    gone: set[int] = set()
    for slug, name, parent in reversed(content.CATEGORIES):  # children before parents
        category = categories.get(slug)
        if (
            category is not None
            and category.name == name
            and not category.description
            and category.parent_id == getattr(categories.get(parent), "pk", None)
            and set(category.posts.values_list("pk", flat=True)) <= removed
            and set(category.children.values_list("pk", flat=True)) <= gone
        ):
            found.categories.append(category)
            gone.add(category.pk)

    names = {name for spec in content.POSTS for name in spec[4]}
    found.tags = [
        tag
        for tag in Tag.objects.filter(name__in=names).order_by("name")
        if tag.slug == tag.name and set(tag.posts.values_list("pk", flat=True)) <= removed
    ]

    links = {link.url: link for link in FooterLink.objects.all()}
    for name, url, label, order in content.BADGES:
        link = links.get(url)
        if (
            link is not None
            and (link.name, link.order, link.is_visible) == (name, order, True)
            and _badge_untouched(link, label)
        ):
            found.footer_links.append(link)

    if (
        author is not None
        and (author.email, author.first_name, author.last_name)
        == (content.AUTHOR["email"], content.AUTHOR["first_name"], "")
        and not author.has_usable_password()
        and author.last_login is None
        and not author.is_superuser
        and set(Post.objects.filter(author=author).values_list("pk", flat=True)) <= removed
    ):
        found.author = author

    site = SiteSettings.objects.filter(pk=1).first()
    found.site = site is not None and all(
        getattr(site, name) == value for name, value in content.SITE.items()
    )
    return found
