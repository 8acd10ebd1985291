"""Where the time of one comment POST goes, in-process (issue #14, the write path).

    python -m bench.profile_comment [--comments N] [--top K]

Sets up a fresh database (SQLite under bench/out/profile-comment/, or DATABASE_URL's
PostgreSQL database, dropped and created afresh as `make loadtest` does) with the demo
content and the load test's discussion settings, then sends N comments through Django's
full WSGI handler (DEBUG off, the cache of REDIS_URL or local memory), one after
another: milliseconds per POST, SQL statements per POST (and each one's share of the
time), and the hottest functions under cProfile.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "out" / "profile-comment"


def _counting(name, real, calls):
    """`real` wrapped so that each call is counted under its name and key prefix."""

    def counted(*a, **kw):
        key = a[0] if a else ""
        key = ",".join(map(str, key))[:60] if isinstance(key, list | dict) else str(key)
        prefix, _, rest = key.partition(":")
        calls[f"{name} {prefix}:{rest.split(':')[0] if rest else ''}"] += 1
        return real(*a, **kw)

    return counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from bench.loadtest import _postgres_url, _recreate_postgres

    WORK.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="profile-only-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        CAPTCHA_TEST_MODE="1",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_MEDIA_ROOT=str(WORK / "media"),
        BLOG_CONTENT_VERSION_FILE=str(WORK / "content-version"),
        DJANGO_LOG_LEVEL="ERROR",
        DJANGO_BEHIND_PROXY="1",
    )
    if _postgres_url():
        _recreate_postgres(_postgres_url())
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["DJANGO_SQLITE_PATH"] = str(WORK / "profile.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            (WORK / f"profile.sqlite3{suffix}").unlink(missing_ok=True)
    if os.environ.get("REDIS_URL"):
        os.environ.setdefault("DJANGO_CACHE_PREFIX", f"profile-comment-{os.getpid()}")
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test.client import RequestFactory
    from django.urls import reverse

    from blog.models import Post
    from comments.models import DiscussionSettings

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    settings = DiscussionSettings.load()
    settings.flood_seconds = 0
    settings.require_previous_approval = False
    settings.save()
    post = Post.objects.listed_for(None).first()
    path = reverse("comments:comment_create", kwargs={"post_id": post.pk})

    handler = WSGIHandler()
    factory = RequestFactory(SERVER_NAME="127.0.0.1")
    statements: dict[str, list[float]] = defaultdict(list)

    def timed(execute, sql, params, many, context):
        begin = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(sql.split())[:110]
            statements[key].append(time.perf_counter() - begin)

    def post_comment(n: int) -> None:
        body = urlencode(
            {
                "body": f"Kommentar {n}: Danke für den Beitrag über Größe und Übung.",
                "author_name": f"Leser {n % 20}",
                "author_email": f"leser{n % 20}@example.invalid",
                "author_url": "",
                "captcha": "passed",
                "honeypot": "",
                "parent": "",
            }
        ).encode()
        environ = factory._base_environ(
            PATH_INFO=path,
            REQUEST_METHOD="POST",
            CONTENT_TYPE="application/x-www-form-urlencoded",
            CONTENT_LENGTH=str(len(body)),
            HTTP_ORIGIN="http://127.0.0.1",
            HTTP_X_REAL_IP=f"10.77.0.{n % 20 + 1}",
            HTTP_USER_AGENT="blog-profile",
        )
        environ["wsgi.input"] = io.BytesIO(body)
        statuses = []
        response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(response)
        response.close()  # request_finished: closes or keeps the connection (CONN_MAX_AGE)
        if not statuses[0].startswith("302"):
            raise SystemExit(f"comment {n}: {statuses[0]}")

    from django.core.cache import cache

    cache_calls: dict[str, int] = defaultdict(int)
    for name in ("get", "set", "add", "incr", "delete", "get_many", "set_many", "delete_many"):
        setattr(cache, name, _counting(name, getattr(cache, name), cache_calls))

    for n in range(10):  # warm up
        post_comment(n)
    statements.clear()
    cache_calls.clear()
    profiler = cProfile.Profile()
    begin = time.perf_counter()
    with connection.execute_wrapper(timed):
        profiler.enable()
        for n in range(10, 10 + args.comments):
            post_comment(n)
        profiler.disable()
    elapsed = time.perf_counter() - begin

    print(
        f"{connection.vendor}, cache {os.environ.get('REDIS_URL') or 'local memory'}: "
        f"{args.comments} comments, {elapsed / args.comments * 1000:.1f} ms per POST "
        f"(under cProfile), {sum(len(v) for v in statements.values()) / args.comments:.1f} "
        f"statements per POST, {sum(map(sum, statements.values())) / elapsed:.0%} of the "
        "time in the database"
    )
    for sql, times in sorted(statements.items(), key=lambda kv: -sum(kv[1]))[:15]:
        print(
            f"  {len(times) / args.comments:4.1f}×"
            f" {sum(times) / args.comments * 1000:6.2f} ms  {sql}"
        )
    print(f"  {sum(cache_calls.values()) / args.comments:.1f} cache calls per POST:")
    for call, count in sorted(cache_calls.items(), key=lambda kv: -kv[1]):
        print(f"  {count / args.comments:4.1f}× {call}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
