"""`python manage.py load_demo`: the demo blog, idempotent (running it twice changes nothing)."""

import datetime
import io
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from blog.demo import content
from blog.models import Category, FooterLink, Page, Post, SiteSettings, Tag


def _local(value: str) -> datetime.datetime:
    naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M")
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _badge_png(label: str) -> bytes:
    """A classic 88×31 blog-directory button with the directory's name."""
    image = Image.new("RGB", (88, 31), "#f4f1ea")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 87, 30], outline="#6b5b3e")
    draw.rectangle([0, 0, 87, 9], fill="#6b5b3e")
    font = ImageFont.load_default()
    draw.text((4, 0), "Blogverzeichnis", fill="#ffffff", font=font)
    draw.text((4, 14), label, fill="#2b2b2b", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class Command(BaseCommand):
    help = "Load the demo blog (author oliver, 'hartes training', pages, badges). Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        author = self._author()
        categories = self._categories()
        pages = self._pages()
        for slug, title, date, cat_slugs, tag_names, body in content.POSTS:
            post, _created = Post.objects.update_or_create(
                slug=slug,
                defaults={
                    "title": title,
                    "author": author,
                    "body": body,
                    "status": Post.Status.PUBLISHED,
                    "published_at": _local(date),
                },
            )
            post.categories.set([categories[c] for c in cat_slugs])
            post.tags.set([self._tag(name) for name in tag_names])
        site = SiteSettings.load()
        for field, value in content.SITE.items():
            setattr(site, field, value)
        site.imprint_page = pages["impressum"]
        site.privacy_page = pages["datenschutz"]
        site.save()
        for name, url, label, order in content.BADGES:
            link, _created = FooterLink.objects.update_or_create(
                url=url, defaults={"name": name, "order": order, "is_visible": True}
            )
            if not link.badge:
                slug = label.lower().replace(".", "-")
                name = f"{slug}.png"
                link.badge.save(name, ContentFile(_badge_png(label), name=name), save=True)
        self.extend_demo(author)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {Post.objects.count()} posts, {Page.objects.count()} pages."
            )
        )

    def extend_demo(self, author):
        """Hook for other apps' demo content (the comments app adds the threads)."""
        from django.apps import apps

        if apps.is_installed("comments"):
            try:
                from comments.demo import load_demo_comments
            except ImportError:
                return
            load_demo_comments(author=author, stdout=self.stdout)

    def _author(self):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=content.AUTHOR["username"],
            defaults={**content.AUTHOR, "is_staff": True},
        )
        if created:
            user.set_unusable_password()
            user.save()
        return user

    def _categories(self) -> dict:
        result = {}
        for slug, name, parent in content.CATEGORIES:
            result[slug], _created = Category.objects.update_or_create(
                slug=slug, defaults={"name": name, "parent": result.get(parent)}
            )
        return result

    def _tag(self, name):
        tag, _created = Tag.objects.get_or_create(name=name, defaults={"slug": name})
        return tag

    def _pages(self) -> dict:
        result = {}
        for slug, title, order, body in content.PAGES:
            result[slug], _created = Page.objects.update_or_create(
                slug=slug,
                parent=None,
                defaults={
                    "title": title,
                    "menu_order": order,
                    "body": body,
                    "status": Page.Status.PUBLISHED,
                    "show_in_navigation": slug == "ueber-mich",
                },
            )
        return result
