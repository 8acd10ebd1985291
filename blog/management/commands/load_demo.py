"""`python manage.py load_demo`: the demo blog, written once into an empty blog.

`make run` calls it on every start: it never changes a blog that has content (posts,
pages, categories, tags, media, footer links or changed site settings), nor one it
filled before (`SiteSettings.demo_loaded_at`), so restarting keeps the author's edits
and deleted demo posts stay deleted (issue #10).
"""

import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from blog.demo import content
from blog.demo.state import blog_content, local
from blog.models import Category, FooterLink, Page, Post, SiteSettings, Tag


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
    help = (
        "Load the demo blog (author oliver, 'hartes training', pages, badges) into an empty "
        "blog, once; a blog with content is left as it is."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        SiteSettings.load()
        # Locked, so that two starts at once cannot both fill the blog.
        site = SiteSettings.objects.select_for_update().get(pk=1)
        if site.demo_loaded_at is not None:
            when = timezone.localtime(site.demo_loaded_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"Demo content was loaded on {when}; nothing changed.")
            return
        found = blog_content()
        if found:
            self.stdout.write(
                f"The blog has content ({', '.join(found)}): no demo content loaded, "
                "nothing changed."
            )
            return
        author = self._author()
        categories = self._categories()
        pages = self._pages()
        for slug, title, date, cat_slugs, tag_names, body in content.POSTS:
            post = Post.objects.create(
                slug=slug,
                title=title,
                author=author,
                body=body,
                status=Post.Status.PUBLISHED,
                published_at=local(date),
            )
            post.categories.set([categories[c] for c in cat_slugs])
            post.tags.set([self._tag(name) for name in tag_names])
        for field, value in content.SITE.items():
            setattr(site, field, value)
        site.imprint_page = pages["impressum"]
        site.privacy_page = pages["datenschutz"]
        site.demo_loaded_at = timezone.now()
        site.save()
        for name, url, label, order in content.BADGES:
            link = FooterLink.objects.create(url=url, name=name, order=order, is_visible=True)
            slug = label.lower().replace(".", "-")
            filename = f"{slug}.png"
            link.badge.save(filename, ContentFile(_badge_png(label), name=filename), save=True)
        self.extend_demo(author)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {Post.objects.count()} posts, {Page.objects.count()} pages."
            )
        )

    def extend_demo(self, author):
        """Other apps' demo content (the comments app adds the threads, see blog.demo)."""
        from blog import demo

        for loader in demo.loaders:
            loader(author=author, stdout=self.stdout)

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
            result[slug] = Category.objects.create(slug=slug, name=name, parent=result.get(parent))
        return result

    def _tag(self, name):
        tag, _created = Tag.objects.get_or_create(name=name, defaults={"slug": name})
        return tag

    def _pages(self) -> dict:
        result = {}
        for slug, title, order, body in content.PAGES:
            result[slug] = Page.objects.create(
                slug=slug,
                title=title,
                menu_order=order,
                body=body,
                status=Page.Status.PUBLISHED,
                show_in_navigation=slug == "ueber-mich",
            )
        return result
