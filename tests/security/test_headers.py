"""Security headers and production settings: CSP, nosniff, referrer, framing, HTTPS (issue #7).

The Content-Security-Policy allows no inline script, no event-handler attributes and no
inline styles. The templates are searched for all three, and the public and admin
pages are loaded in Chromium with the policy in force: any refusal the browser reports
fails the test, and the site's own JavaScript (reply form, admin widgets) must still work.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Tag
from comments.models import Comment
from core.security import ContentSecurityPolicyMiddleware, build_policy
from tests.conftest import SUPERUSER_PASSWORD
from tests.factories import CommentFactory, MediaFactory, PostFactory

BASE_DIR = Path(django_settings.BASE_DIR)
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _directives(policy: str) -> dict[str, list[str]]:
    return {
        name: sources
        for name, *sources in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.fixture
def commented_post(post):
    CommentFactory(post=post, author_name="Thomas", body="Gruß, Thomas")
    return post


@pytest.mark.parametrize(
    "path",
    ["/", "post", "/feed/", "/comments/feed/", "/?s=training", "/gibt-es-nicht/", "/admin/login/"],
)
def test_every_response_carries_the_security_headers(client, commented_post, path):
    """Pages, feeds, searches, 404s and the admin send CSP, nosniff, referrer and framing rules."""
    if path == "post":
        path = commented_post.get_absolute_url()
    response = client.get(path)
    assert response["Content-Security-Policy"] == POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_cached_page_keeps_the_policy(client, commented_post):
    """The page cache stores and serves pages with the Content-Security-Policy."""
    url = commented_post.get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second["Content-Security-Policy"] == POLICY
    middleware = django_settings.MIDDLEWARE
    cache_at = middleware.index("core.pagecache.AnonymousPageCacheMiddleware")
    assert middleware.index("core.security.ContentSecurityPolicyMiddleware") == cache_at + 1
    # Before the page cache only the fediverse's content negotiation, which answers
    # ActivityStreams requests for post addresses itself (issue #15).
    assert middleware[:cache_at] == ["fediverse.middleware.ContentNegotiationMiddleware"]


def test_the_policy_allows_no_inline_script_plugins_or_framing():
    """Scripts only from the site (no 'unsafe-inline', no eval, no data:), no plugins, no frames."""
    directives = _directives(POLICY)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in POLICY and "'unsafe-eval'" not in POLICY and "*" not in POLICY


def test_uploads_on_another_host_are_allowed_as_images(settings, rf):
    """With uploads in a bucket, its host may serve images, and nothing else."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"base_url": "https://medien.example.net/blog/"},
        },
    }
    directives = _directives(build_policy())
    assert directives["img-src"] == ["'self'", "data:", "https://medien.example.net"]
    assert directives["script-src"] == ["'self'"]
    response = ContentSecurityPolicyMiddleware(lambda request: _ok())(rf.get("/"))
    assert "img-src 'self' data: https://medien.example.net;" in response["Content-Security-Policy"]


def _ok():
    from django.http import HttpResponse

    return HttpResponse("ok")


# Markup the policy refuses: inline scripts (JSON data blocks are not run and are
# allowed), event-handler attributes, style attributes and elements, script URLs.
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=|<style\b", re.I | re.S)
_SCRIPT_URL = re.compile(r"javascript:", re.I)


def _our_templates():
    folders = [BASE_DIR / "templates"] + [
        BASE_DIR / app / "templates" for app in ("blog", "comments", "wordpress")
    ]
    return [path for folder in folders if folder.exists() for path in folder.rglob("*.html")]


def test_templates_have_no_inline_script_handler_or_style():
    """No template (admin ones included) holds markup the Content-Security-Policy refuses."""
    templates = _our_templates()
    assert len(templates) > 20
    for path in templates:
        text = path.read_text()
        for pattern in (_INLINE_SCRIPT, _HANDLER, _STYLE, _SCRIPT_URL):
            match = pattern.search(text)
            assert match is None, f"{path.relative_to(BASE_DIR)}: {match.group(0)[:80]}"


def test_markup_written_in_python_has_no_handler_or_style():
    """HTML built in Python (admin columns, the comment thread) has no handlers or styles."""
    sources = [
        path
        for app in ("blog", "comments", "wordpress", "config")
        for path in (BASE_DIR / app).rglob("*.py")
        if "migrations" not in path.parts
    ]
    for path in sources:
        text = path.read_text()
        for pattern in (_INLINE_SCRIPT, _HANDLER, _STYLE):
            match = pattern.search(text)
            assert match is None, f"{path.relative_to(BASE_DIR)}: {match.group(0)[:80]}"


# Production: what `make deploy-check` runs, in a process of its own.
def _production_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CAPTCHA_", "BLOG_", "PYTEST"))
    }
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50)[:50],
        DJANGO_HTTPS="1",
        DJANGO_ALLOWED_HOSTS="blog.example.org",
        **extra,
    )
    return env


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    """`manage.py check --deploy --fail-level WARNING` with production settings reports nothing."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deploy_check_sees_a_site_without_https():
    """Without DJANGO_HTTPS the same check fails: it really looks at the settings."""
    env = _production_env()
    del env["DJANGO_HTTPS"]
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


PRODUCTION_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "DEBUG",
)


def test_production_sends_hsts_redirects_to_https_and_secures_cookies(settings, client, superuser):
    """With the production settings: http → https, HSTS for a year, cookies only over HTTPS."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**_production_env(), "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    production = json.loads(result.stdout)
    assert production["DEBUG"] is False
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    for name, value in production.items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["blog.example.org"]

    insecure = client.get("/", HTTP_HOST="blog.example.org")
    assert insecure.status_code == 301
    assert insecure["Location"] == "https://blog.example.org/"
    page = client.get("/", HTTP_HOST="blog.example.org", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page["Content-Security-Policy"] == POLICY

    login = client.post(
        "/admin/login/?next=/admin/",
        {"username": "chefin", "password": SUPERUSER_PASSWORD},
        HTTP_HOST="blog.example.org",
        secure=True,
    )
    assert login.status_code == 302
    session = login.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = login.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"]


# In Chromium, with the policy in force.
REPORTER = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__refused.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sample}`);
});
"""


class PolicyWatch:
    """Collects what Chromium refused under the policy: console messages and events."""

    def __init__(self, page):
        self.page = page
        self.refused = []
        page.add_init_script(REPORTER)
        page.on("console", self._console)

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.refused.append(f"{self.page.url}: {text[:200]}")

    def visit(self, url: str):
        self.page.goto(url, wait_until="load")
        self.check()
        return self.page

    def check(self):
        self.page.wait_for_timeout(50)
        events = self.page.evaluate("window.__refused || []")
        self.refused += [f"{self.page.url}: {event}" for event in events]

    def assert_nothing_refused(self):
        assert not self.refused, "refused by the policy:\n" + "\n".join(self.refused)


@pytest.fixture
def demo_blog(transactional_db, live_server, superuser):
    """The demo blog on a live server, with a picture in the library; returns the base URL."""
    call_command("load_demo", verbosity=0)
    MediaFactory(alt="Ein Bild")
    return live_server.url


@pytest.fixture
def strict_page(browser):
    """A browser page that enforces the policy (no bypass)."""
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.browser
def test_public_pages_work_under_the_policy(strict_page, demo_blog):
    """Lists, posts, the reply script, a comment sent, search and errors: nothing refused."""
    watch = PolicyWatch(strict_page)
    # The watch hears a refusal: an inline script added to the page is not run.
    page = watch.visit(demo_blog + "/")
    page.evaluate(
        "() => document.body.append(Object.assign(document.createElement('script'), "
        "{textContent: 'window.ran = 1'}))"
    )
    watch.check()
    assert watch.refused and page.evaluate("window.ran") is None
    watch.refused.clear()
    page.evaluate("window.__refused = []")

    for path in ("/", "/2026/", "/?s=training", "/gibt-es-nicht/", "/impressum/"):
        watch.visit(demo_blog + path)
    post = Comment.objects.filter(author_name="Thomas").first().post
    page = watch.visit(demo_blog + post.get_absolute_url())
    for link in page.locator(".site-content a[href^='/category/'], a[rel~='tag']").all()[:2]:
        watch.visit(demo_blog + link.get_attribute("href"))
    page = watch.visit(demo_blog + post.get_absolute_url())
    # The reply script runs: the form moves under Thomas's comment.
    thomas = page.locator("li.comment", has_text="Thomas").first
    thomas.locator(".comment-reply-link").first.click()
    expect(thomas.locator("#respond")).to_have_count(1)
    page.locator("#id_body").fill("Danke für den Beitrag!")
    page.locator("#id_author_name").fill("Leserin")
    page.locator("#id_author_email").fill("leserin@example.net")
    page.locator("#id_captcha").fill("passed")
    page.locator("#submit").click()
    page.wait_for_load_state("load")
    watch.check()
    assert Comment.objects.filter(author_name="Leserin").exists()
    watch.assert_nothing_refused()


@pytest.mark.browser
def test_admin_works_under_the_policy(strict_page, demo_blog):
    """Django's admin and ours, widgets included, run under the policy with nothing refused."""
    watch = PolicyWatch(strict_page)
    page = watch.visit(demo_blog + "/admin/login/")
    page.locator("#id_username").fill("chefin")
    page.locator("#id_password").fill(SUPERUSER_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    watch.check()

    comment = Comment.objects.first()
    post = PostFactory(title="entwurf", status="draft")
    for name, args in [
        ("admin:comments_comment_changelist", []),
        ("admin:comments_comment_change", [comment.pk]),
        ("admin:comments_comment_reply", [comment.pk]),
        ("admin:comments_comment_moderate", [comment.pk, "spam"]),
        ("admin:comments_comment_privacy", []),
        ("admin:comments_discussionsettings_changelist", []),
        ("admin:blog_post_changelist", []),
        ("admin:blog_post_change", [post.pk]),
        ("admin:blog_media_changelist", []),
        ("admin:blog_sitesettings_changelist", []),
        ("admin:blog_category_add", []),
        ("admin:auth_user_changelist", []),
        ("admin:auth_user_change", [post.author_id]),
        ("admin:password_change", []),
    ]:
        watch.visit(demo_blog + reverse(name, args=args))

    # The admin's scripts run: the slug fills in from the title, the calendar opens,
    # the tag field suggests, the library's picker shows thumbnails (issue #12), the
    # image library shows its thumbnail.
    page = watch.visit(demo_blog + reverse("admin:blog_post_add"))
    page.locator("#id_title").press_sequentially("Neuer Beitrag zu Laufschuhen")
    expect(page.locator("#id_slug")).to_have_value("neuer-beitrag-zu-laufschuhen")
    page.locator("#calendarlink0").click()
    expect(page.locator("#calendarbox0")).to_be_visible()
    page.locator("#calendarlink0").click()
    page.locator("#id_categories input[type=checkbox]").first.check()
    tag = Tag.objects.first()
    page.locator("#id_tags").press_sequentially(tag.name[:3])
    expect(page.locator(f"#id_tags_suggestions option[value='{tag.name}']")).to_have_count(1)
    page.get_by_role("button", name="Bild aus der Mediathek einfügen").click()
    expect(page.locator("dialog[open] img.media-picker-thumbnail").first).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("#id_body").fill("Ein *kurzer* Text.")
    page.locator(".markdown-preview-button").click()
    expect(page.locator(".markdown-preview em")).to_have_text("kurzer")
    watch.check()
    page = watch.visit(demo_blog + reverse("admin:blog_media_changelist"))
    expect(page.locator("img.media-thumbnail").first).to_be_visible()
    # Logging out is a form sent to the site itself.
    page.locator("#logout-form button").click()
    page.wait_for_load_state("load")
    watch.check()
    watch.assert_nothing_refused()
