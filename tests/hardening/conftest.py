"""Fixtures for the hardening tests (issue #7): a small site with commenters in it."""

import datetime

import pytest
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, DiscussionSettings
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    PageFactory,
    PostFactory,
    ReplyFactory,
    TagFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def site(db):
    """A post with a category, a tag and a thread, a password-protected post, a page.

    Returns a namespace with the objects; `site.post` takes comments (no flood limit:
    every test request comes from its own address unless it says otherwise).
    """
    author = UserFactory(username="oliver", first_name="Oliver", is_staff=True)
    category = CategoryFactory(name="Laufen")
    tag = TagFactory(name="training")
    post = PostFactory(
        title="Hartes Training",
        author=author,
        body="Intervalle und **Tempo**.\n\n" + "Absatz. " * 50,
        categories=[category],
        tags=[tag],
    )
    older = PostFactory(title="Ruhetag", author=author, body="Pause.")
    locked = PostFactory(
        title="Geheim",
        author=author,
        visibility=Post.Visibility.PASSWORD,
        password="sesam",
    )
    page = PageFactory(title="Impressum", status="published")
    first = CommentFactory(post=post, author_name="Anna", author_email="anna@example.net")
    reply = ReplyFactory(parent=first, author_name="Bernd", author_email="bernd@example.net")
    settings_row = DiscussionSettings.load()
    settings_row.require_previous_approval = False
    settings_row.save()

    class Site:
        pass

    site = Site()
    site.author, site.category, site.tag = author, category, tag
    site.post, site.older, site.locked, site.page = post, older, locked, page
    site.comments = [first, reply]
    return site


def age_comments(seconds: int = 3600) -> None:
    """Move every comment back in time, out of the flood window."""
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=seconds))
