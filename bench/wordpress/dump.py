"""The benchmark database as JSON for WordPress (issue #6): `python -m bench.wordpress.dump`.

Reads the database bench/run.py builds (bench/out/bench.sqlite3, or DATABASE_URL) and
writes bench/out/wordpress.json: site settings, authors, categories, tags, pages, posts
(our rendered HTML as post_content) and comments (their raw text, as WordPress stores a
comment; threaded through parent). bench/wordpress/load.php reads it into WordPress.

    python -m bench.wordpress.dump [--out PATH] [--rebuild]

--rebuild (or a missing SQLite file) builds the benchmark database first.
"""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

from bench.run import OUT, ROOT, _env

DEFAULT_OUT = OUT / "wordpress.json"


def _utc(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def dump() -> dict:
    """The content of the (set-up) Django database as a JSON-ready dict."""
    from django.conf import settings
    from django.db.models import Count

    from blog.models import Category, FooterLink, Page, Post, SiteSettings, Tag
    from comments.models import Comment

    site = SiteSettings.load()
    authors = {}
    for post in Post.objects.select_related("author"):
        user = post.author
        authors[user.pk] = {
            "id": user.pk,
            "login": user.username,
            "email": user.email or f"{user.username}@example.invalid",
            "first_name": user.first_name,
            "last_name": user.last_name,
            "display_name": user.get_full_name() or user.username,
        }
    categories = [
        {
            "id": c.pk,
            "name": c.name,
            "slug": c.slug,
            "parent": c.parent_id,
            "description": c.description,
        }
        for c in Category.objects.order_by("path")  # parents before their children
    ]
    tags = [{"id": t.pk, "name": t.name, "slug": t.slug} for t in Tag.objects.order_by("pk")]
    pages = [
        {
            "id": p.pk,
            "title": p.title,
            "slug": p.slug,
            "parent": p.parent_id,
            "content": p.body_html,
            "status": "publish" if p.status == Page.Status.PUBLISHED else "draft",
            "menu_order": p.menu_order,
            "in_navigation": p.show_in_navigation,
        }
        for p in Page.objects.order_by("parent_id", "pk")
    ]
    posts = []
    query = (
        Post.objects.order_by("published_at", "pk")
        .prefetch_related("categories", "tags")
        .annotate(n_comments=Count("comments"))
    )
    for post in query:
        posts.append(
            {
                "id": post.pk,
                "title": post.title,
                "slug": post.slug,
                "author": post.author_id,
                "content": post.body_html,
                "excerpt": post.excerpt.strip(),  # empty: WordPress derives it, as we do
                "published": post.status == Post.Status.PUBLISHED,
                "date_gmt": _utc(post.published_at),
                "modified_gmt": _utc(post.updated_at),
                "visibility": post.visibility,
                "password": post.password,
                "sticky": post.is_sticky,
                "comments_open": post.comments_open,
                "categories": sorted(c.pk for c in post.categories.all()),
                "tags": sorted(t.pk for t in post.tags.all()),
                "url": post.get_absolute_url(),
                "comment_count": post.n_comments,
            }
        )
    comments = []
    wp_status = {"approved": "1", "pending": "0", "spam": "spam", "trash": "trash"}
    query = Comment.objects.select_related("post").order_by("pk")
    for c in query.only(
        "pk",
        "post_id",
        "parent_id",
        "author_name",
        "author_email",
        "author_url",
        "body",
        "status",
        "created_at",
        "ip_address",
        "user_agent",
        "user_id",
        "is_author_reply",
        "post__author_id",
    ):
        by_author = c.is_author_reply or (c.user_id and c.user_id == c.post.author_id)
        comments.append(
            {
                "id": c.pk,
                "post": c.post_id,
                "parent": c.parent_id,
                "author": c.author_name,
                "email": c.author_email,
                "url": c.author_url,
                "content": c.body,
                "date_gmt": _utc(c.created_at),
                "status": wp_status[c.status],
                "ip": c.ip_address or "",
                "agent": c.user_agent,
                # The post's author writes as a WordPress user: the theme marks it.
                "user": c.post.author_id if by_author else None,
            }
        )
    return {
        "site": {
            "title": site.title,
            "tagline": site.tagline,
            "posts_per_page": site.posts_per_page,
            "time_zone": settings.TIME_ZONE,
            "privacy_page": site.privacy_page_id,
            "imprint_page": site.imprint_page_id,
        },
        "authors": sorted(authors.values(), key=lambda a: a["id"]),
        "categories": categories,
        "tags": tags,
        "pages": pages,
        "posts": posts,
        "comments": comments,
        "links": [
            {"name": link.name, "url": link.url}
            for link in FooterLink.objects.filter(is_visible=True).order_by("order", "pk")
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.update(_env("off"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench.run import build_database

    sqlite_missing = not os.environ.get("DATABASE_URL") and not (OUT / "bench.sqlite3").exists()
    if args.rebuild or sqlite_missing:
        build_database()
    data = dump()
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"{args.out}: {len(data['posts'])} posts, {len(data['pages'])} pages, "
        f"{len(data['comments'])} comments"
    )


if __name__ == "__main__":
    main()
