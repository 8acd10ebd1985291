"""Shared fixtures: a clean cache per test, static files without a manifest, Chromium."""

import shutil

import pytest
from django.core.cache import cache

from tests.factories import PostFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test starts with an empty cache and its own media folder.

    The manifest storage needs `collectstatic` first; tests use the plain one.
    """
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    # Its own content-version stamp: other test runs on this machine bump theirs.
    if settings.CONTENT_VERSION_FILE:
        settings.CONTENT_VERSION_FILE = str(tmp_path / "content-version")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    cache.clear()


@pytest.fixture
def author(db):
    return UserFactory(username="oliver", first_name="oliver", is_staff=True)


@pytest.fixture
def post(author):
    return PostFactory(title="hartes training", author=author)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, not a browser downloaded by Playwright (which cannot download here)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


SUPERUSER_PASSWORD = "Korrekt-Pferd-Batterie-42"


@pytest.fixture
def superuser(db):
    """A superuser with a known password (user name "chefin", password below)."""
    return UserFactory(
        username="chefin",
        first_name="Chefin",
        is_staff=True,
        is_superuser=True,
        password=SUPERUSER_PASSWORD,
    )
