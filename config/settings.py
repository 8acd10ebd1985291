"""Settings for the blog engine, read from the environment (see README.md, "Configuration").

Every variable has a safe default: debug off, localhost only, an SQLite file in the
project folder, the local-memory cache. Production switches on HTTPS-only behaviour
with DJANGO_HTTPS=1.
"""

import datetime
import json
import logging
import os
import secrets
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
logger = logging.getLogger(__name__)


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no variable: 1, true, yes and on (any case) mean yes."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list, ignoring blanks."""
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    """The key from DJANGO_SECRET_KEY; in debug a key generated once into .secret_key.

    Without debug a real key is required: a throwaway key would silently log everybody
    out on each restart and differ between app servers.
    """
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see README.md)."
        )
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The blog's address as readers reach it, for absolute links in e-mails: BLOG_SITE_URL,
# else the first trusted origin, else the development server.
SITE_URL = (
    os.environ.get("BLOG_SITE_URL") or next(iter(CSRF_TRUSTED_ORIGINS), "http://localhost:8000")
).rstrip("/")

INSTALLED_APPS = [
    "config.apps.BlogAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so that runserver serves static files through whitenoise too.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "captcha",
    "axes",
    # Second factors for the admin (issue #16): TOTP, backup codes, passkeys.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # Revisions of posts and pages (issue #12, blog/revisions.py).
    "reversion",
    # The platform under the apps (caching, middlewares, backups); imports none of them.
    "core",
    "blog",
    "comments",
    "wordpress",
    # The admin's login in two steps, the security page, sessions (issue #16).
    "accounts",
    # ActivityPub: authors as actors, followers, delivery, signed inboxes (issue #15).
    "fediverse",
    # Webmentions received and sent (issue #15, webmentions/).
    "webmentions",
]

# Background jobs (issue #15, core/jobs.py): Django's tasks API (the django-tasks backport).
# Fediverse (issue #15): fetches and deliveries to loopback addresses (two blogs on one
# machine, in tests and development); never in production.
FEDIVERSE_ALLOW_LOOPBACK = env_bool("FEDIVERSE_ALLOW_LOOPBACK", False)
FEDIVERSE_DELIVERY_TIMEOUT = 10

# BLOG_TASKS picks where they wait: "database" (the default; `manage.py db_worker` works them
# off, `make run` starts one), "rq" (RQ on Redis at BLOG_TASKS_REDIS_URL, else REDIS_URL:
# `manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default` on any
# number of machines), or "immediate" (in-line,
# the test suite's default). The database backend's app is always installed: its table is
# where the admin shows failed jobs.
BLOG_TASKS = os.environ.get("BLOG_TASKS", "database").strip().lower() or "database"
INSTALLED_APPS += ["django_tasks", "core.apps.BackgroundJobsConfig"]
if BLOG_TASKS == "rq":
    _rq_url = os.environ.get("BLOG_TASKS_REDIS_URL") or os.environ.get("REDIS_URL", "")
    if not _rq_url:
        raise ImproperlyConfigured("BLOG_TASKS=rq needs BLOG_TASKS_REDIS_URL or REDIS_URL.")
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": _rq_url, "DEFAULT_TIMEOUT": 300}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif BLOG_TASKS == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif BLOG_TASKS == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured("BLOG_TASKS must be database, rq or immediate.")

MIDDLEWARE = [
    # A post's address asked for as ActivityStreams gets its Article (issue #15): before
    # the page cache, which keeps HTML only.
    "fediverse.middleware.ContentNegotiationMiddleware",
    # Whole pages for anonymous readers (core/pagecache.py): first, so that a hit
    # skips everything else and is stored with all the headers below it.
    "core.pagecache.AnonymousPageCacheMiddleware",
    # Content-Security-Policy (core/security.py), inside the page cache so that
    # cached pages carry it too.
    "core.security.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # NUL characters out of paths, query strings and headers (issue #7).
    "core.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag from the content and 304 answers, for cached pages too (issue #6).
    "core.middleware.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified() (django-otp), then who may go where (accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.AccountSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Link: <…/webmention/>; rel="webmention" on HTML pages, inside the page cache.
    "webmentions.middleware.WebmentionLinkMiddleware",
    # The comment thread into the encoded page (comments/middleware.py): inside
    # CommonMiddleware's Content-Length, the ETag and the page cache.
    "comments.middleware.CommentThreadMiddleware",
    # Last, so that it sees 404s before CommonMiddleware appends a slash (issue #5).
    "wordpress.middleware.WordPressRedirectMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Login with a passkey alone (issue #16).
    "django_otp_webauthn.backends.WebAuthnBackend",
]

# Webmentions (issue #15, README "Webmentions"): received at /webmention/ (held for
# moderation) unless BLOG_WEBMENTIONS_RECEIVE=0; sent for the links of published posts
# only with BLOG_WEBMENTIONS_SEND=1. Defaults of the rest in webmentions/conf.py.
WEBMENTIONS_RECEIVE = env_bool("BLOG_WEBMENTIONS_RECEIVE", True)
WEBMENTIONS_SEND = env_bool("BLOG_WEBMENTIONS_SEND", False)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
                "comments.context_processors.recent_comments",
            ],
        },
    },
]

# Database: DATABASE_URL, else an SQLite file beside manage.py.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DJANGO_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (several gunicorn workers) wait for each other instead of
    # failing with "database is locked": WAL lets readers run beside a writer, the
    # busy timeout makes a writer wait, and IMMEDIATE takes the write lock when the
    # transaction starts, so that no transaction has to be aborted half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Keep the connection open between requests: opening one costs more than a page.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 600)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, else per-process local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis going away makes the site run uncached, not fail (core/cache.py).
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "blog"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    # Sessions (logged-in authors) in Redis, backed by the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CONTENT_VERSION_FILE = None
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Each process has its own local-memory cache; the content version that
    # invalidates them all is the stamp of this file (blog/site.py).
    CONTENT_VERSION_FILE = os.environ.get(
        "BLOG_CONTENT_VERSION_FILE", str(BASE_DIR / ".content-version")
    )

# The page cache for anonymous readers (core/pagecache.py); BLOG_PAGE_CACHE=0 turns it off.
BLOG_PAGE_CACHE = env_bool("BLOG_PAGE_CACHE", True)
# Cached fragments that are the same for every reader: sidebar, the empty comment form,
# the rendered comment thread. BLOG_FRAGMENT_CACHE=0 turns them off.
BLOG_FRAGMENT_CACHE = env_bool("BLOG_FRAGMENT_CACHE", True)
if not BLOG_FRAGMENT_CACHE:
    # {% cache %} then neither reads nor writes (with a timeout of 0 it would do both).
    CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
# How long a reverse proxy or CDN may keep an anonymous page (Cache-Control max-age).
PAGE_CACHE_MAX_AGE = env_int("BLOG_PAGE_CACHE_MAX_AGE", 60)

# The author's desk (issue #12): seconds between background saves of the text being
# edited (blog/autosave.py), revisions kept per post or page, older ones pruned
# (blog/revisions.py), days a shared preview link works (blog/preview.py).
BLOG_AUTOSAVE_SECONDS = env_int("BLOG_AUTOSAVE_SECONDS", 30)
BLOG_REVISIONS_KEPT = env_int("BLOG_REVISIONS_KEPT", 50)
BLOG_PREVIEW_LINK_DAYS = env_int("BLOG_PREVIEW_LINK_DAYS", 7)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: German by default, English available.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# "27. November 2026 um 20:30" (see config/formats/de/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# Static files and uploads.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    # Uploads on local disk, or any Django storage: DJANGO_MEDIA_STORAGE names the
    # backend (e.g. storages.backends.s3.S3Storage from django-storages) and
    # DJANGO_MEDIA_STORAGE_OPTIONS its options as JSON (see README, "Deployment").
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("DJANGO_MEDIA_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads beyond this are refused before Pillow opens them (issue #2: featured images).
MAX_IMAGE_UPLOAD_BYTES = env_int("BLOG_MAX_IMAGE_UPLOAD_BYTES", 10 * 1024 * 1024)

# Security. The HTTPS-only settings switch on together with DJANGO_HTTPS=1, so that a
# debug-off run on http://127.0.0.1 keeps working.
HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # Only behind a proxy that sets this header itself (see deploy/nginx.conf).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# E-mail: console in development; EMAIL_BACKEND / EMAIL_HOST etc. for production.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# Seconds before a silent mail server counts as failed; the job then retries (core/jobs.py).
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "blog@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Login rate limit (django-axes, issue #4): after 5 failures for one user name from one
# address, that pair is locked out for 15 minutes. Attempts are counted in the
# database, so all app servers and workers share them.
AXES_FAILURE_LIMIT = env_int("BLOG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("BLOG_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"
AXES_VERBOSE = False

# Second factors for the admin (issue #16, accounts/). BLOG_REQUIRE_2FA names who must
# have a passkey or an authenticator app: "superusers" (the default with debug off),
# "staff", or "off" (the default with debug on, so that `make run` logs in with the
# password alone; the test suite sets it as it sets CAPTCHA_TEST_MODE). Whoever has a
# factor is always asked for it.
BLOG_REQUIRE_2FA = (
    (os.environ.get("BLOG_REQUIRE_2FA") or ("off" if DEBUG else "superusers")).strip().lower()
)
if BLOG_REQUIRE_2FA not in ("superusers", "staff", "off"):
    raise ImproperlyConfigured("BLOG_REQUIRE_2FA must be superusers, staff or off.")
# Wrong post passwords per post and address before a pause of 15 minutes (blog/postpass_limit.py).
BLOG_POST_PASSWORD_ATTEMPTS = env_int("BLOG_POST_PASSWORD_ATTEMPTS", 10)
# A staff session idle for this long ends (0: never).
BLOG_STAFF_IDLE_MINUTES = env_int("BLOG_STAFF_IDLE_MINUTES", 60)
# How long a password-reset link is valid.
PASSWORD_RESET_TIMEOUT = env_int("BLOG_PASSWORD_RESET_MINUTES", 30) * 60
# Passkeys belong to the blog's address: the https origins among BLOG_SITE_URL and the
# trusted origins, else http://localhost (browsers allow passkeys on https and localhost).
_PASSKEY_ORIGINS = [
    origin
    for origin in dict.fromkeys([SITE_URL, *CSRF_TRUSTED_ORIGINS])
    if origin.startswith(("https://", "http://localhost")) and "*" not in origin
] or ["http://localhost:8000"]
OTP_WEBAUTHN_ALLOWED_ORIGINS = _PASSKEY_ORIGINS
OTP_WEBAUTHN_RP_ID = urlsplit(_PASSKEY_ORIGINS[0]).hostname
OTP_WEBAUTHN_RP_NAME = OTP_WEBAUTHN_RP_ID
# The authenticator app lists the account under the blog's host name.
OTP_TOTP_ISSUER = urlsplit(SITE_URL).hostname or OTP_WEBAUTHN_RP_ID

# The captcha read aloud for commenters who cannot see it (comments/speech.py): Debian's
# espeak-ng when installed; BLOG_CAPTCHA_SPEAKER="" turns it off.
BLOG_CAPTCHA_SPEAKER = os.environ.get("BLOG_CAPTCHA_SPEAKER", shutil.which("espeak-ng") or "")
# Captcha: its test mode accepts "PASSED" and is for automated tests only.
CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE", False)
# Minutes a challenge stays valid after its picture loads (the library's default is 5):
# commenters write long replies, and a correct code must not be refused after half an
# hour of writing (issue #10). Expired rows go nightly (captcha_clean, deploy/blog.cron).
CAPTCHA_TIMEOUT = 180
