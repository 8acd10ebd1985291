"""Shared fixtures: a clean cache per test, static files without a manifest, Chromium."""

import shutil
import threading

import pytest
from django.core.cache import cache
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from tests.factories import PostFactory, UserFactory


class _OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server's threads, handing Django one request at a time.

    With the in-memory SQLite test database, Django shares one connection between the
    live server's threads. A query that calls one of Django's Python functions in SQLite
    (date archives do) holds the connection's mutex and needs the GIL, while a second
    thread holds the GIL and waits for that mutex: the browser tests hung for good when
    Chromium loaded a page and the captcha picture at once. Production servers give each
    thread or worker its own connection, so this concerns the test server only.
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATimeServer

# Tests that start processes of their own, by where they live (see pyproject's markers).
_OPS = ("tests/live/", "tests/ops/", "tests/hardening/test_rate_limits.py")
_SLOW = ("tests/live/test_validity.py", "tests/hardening/test_properties.py")


def pytest_collection_modifyitems(config, items):
    """Mark tests `ops` and `slow` by file, so that `make test-fast` can leave them out."""
    root = str(config.rootpath) + "/"
    for item in items:
        path = str(item.path).removeprefix(root)
        if path.startswith(_OPS):
            item.add_marker(pytest.mark.ops)
        if path.startswith(_SLOW):
            item.add_marker(pytest.mark.slow)


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
