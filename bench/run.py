"""`make bench`: how fast the blog serves and takes comments (issue #6).

Builds a separate benchmark database (bench/data.py), starts the production server
(gunicorn, DEBUG off) on 127.0.0.1, and measures for the home page, "hartes training"
and the posts with 0/10/100/1,000 comments: requests/s and latency p50/p99 at
concurrency 1 and 8, HTML bytes and SQL queries per page, in three modes: every cache
off (what rendering costs), fragment caches on (sidebar, post summaries, comment form,
rendered thread: the page cache off), and the whole-page cache on. When the WordPress of
bench/wordpress/ runs here (`make bench-wordpress`), the same pages with the same content
are measured on it in the same run, and the ratios are to those figures. Then the write
path: comments posted per second through the form and the time to approve 1,000
comments with the admin's bulk action.

Load goes to 127.0.0.1 only, bounded in time. wrk is used when installed, else a small
threaded client. Results: a table on stdout and bench/out/results.json.

Options: --seconds N per measurement (default 5), --quick (fewer pages, 2 s),
--comment-pages N (issue #14: the 1,000-comment post is measured a second time with
comment pages on, N top-level comments each, at its own address (the last page) and at
comment-page-1/; the setting is switched before each page, so on and off come from
the same run).
DATABASE_URL=… runs it against PostgreSQL (the database is emptied first!);
BENCH_WORDPRESS=0 leaves WordPress out.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
WORDPRESS = {
    # Quoted in issue #6 (a machine like ours): requests/s at 8 concurrent clients. Used
    # only when no WordPress of bench/wordpress/setup.sh runs here to measure instead.
    "1000 comments": 11.0,
    "home": 115.0,
    "hartes training": 115.0,
}


MODES = {
    # name: (BLOG_PAGE_CACHE, BLOG_FRAGMENT_CACHE)
    "off": ("0", "0"),
    "fragments": ("0", "1"),
    "page cache": ("1", "1"),
}


def _env(mode: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY", "benchmark-only-key-" + "x" * 40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BLOG_PAGE_CACHE": MODES[mode][0],
            "BLOG_FRAGMENT_CACHE": MODES[mode][1],
            "CAPTCHA_TEST_MODE": "1",  # the write-path benchmark posts through the form
            # The moderation e-mails of the write path stay in memory, off the terminal.
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    if not env.get("DATABASE_URL"):
        env["DJANGO_SQLITE_PATH"] = str(OUT / "bench.sqlite3")
    return env


def _setup_django() -> None:
    os.environ.update(_env("off"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_database() -> dict:
    from django.core.management import call_command

    from bench import data

    if not os.environ.get("DATABASE_URL"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(OUT / "bench.sqlite3") + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return data.build(stdout=lambda line: print(line, flush=True))


# Pages measured with comment pages on: name -> top-level comments per page (--comment-pages).
PAGED: dict[str, int] = {}


def comment_pages_for(name: str) -> None:
    """Comment pages on for the pages in PAGED, off for the others (bumps the content
    version when it changes; the servers' workers see it within a second)."""
    from comments.models import DiscussionSettings

    per_page = PAGED.get(name, 0)
    settings = DiscussionSettings.load()
    wanted = (bool(per_page), per_page or settings.comments_per_page)
    if (settings.page_comments, settings.comments_per_page) != wanted:
        settings.page_comments, settings.comments_per_page = wanted
        settings.save()
        time.sleep(1.5)


def count_queries(pages: dict) -> dict:
    """SQL queries and HTML bytes per page, in-process, page and fragment caches off."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    result = {}
    with override_settings(BLOG_PAGE_CACHE=False, BLOG_FRAGMENT_CACHE=False):
        for name, url in pages.items():
            comment_pages_for(name)
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            result[name] = {"queries": len(ctx.captured_queries), "bytes": len(response.content)}
            print(
                f"  {name:20} {result[name]['queries']:3} queries {len(response.content):9} bytes"
            )
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(mode: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = _env(mode)
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env["GUNICORN_LOG_LEVEL"] = "warning"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/robots.txt", timeout=2).read()
            return proc, base
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("gunicorn did not start")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def _wrk(url: str, connections: int, seconds: int) -> dict:
    threads = min(connections, 2)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if not match:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _python_load(url: str, connections: int, seconds: int) -> dict:
    """A small threaded client for machines without wrk (keep-alive-less, so slower)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        nonlocal errors
        while time.monotonic() < stop:
            begin = time.perf_counter()
            try:
                urllib.request.urlopen(url, timeout=30).read()
                ok = True
            except OSError:
                ok = False
            with lock:
                latencies.append((time.perf_counter() - begin) * 1000)
                errors += not ok

    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] if latencies else None,
        "errors": errors,
    }


def load(url: str, connections: int, seconds: int) -> dict:
    if shutil.which("wrk"):
        return _wrk(url, connections, seconds)
    return _python_load(url, connections, seconds)


def measure_reads(pages: dict, seconds: int) -> dict:
    results = {}
    for mode in MODES:
        proc, base = start_server(mode)
        try:
            for name, url in pages.items():
                comment_pages_for(name)
                urllib.request.urlopen(base + url).read()  # warm the worker caches
                for connections in (1, 8):
                    figures = load(base + url, connections, seconds)
                    results.setdefault(name, {})[f"{mode} c{connections}"] = figures
                    print(
                        f"  {mode:10} c={connections} {name:16} {figures['rps']:9.1f} req/s",
                        flush=True,
                    )
        finally:
            stop_server(proc)
    return results


def measure_wordpress(pages: dict, seconds: int) -> dict | None:
    """The same pages on the WordPress beside us (bench/wordpress/), in the same run.

    None when it is not set up (`make bench-wordpress`, as root). Its content is loaded
    from the benchmark database just built, so both serve the same posts and comments.
    """
    from bench.wordpress import urls as wordpress

    if os.environ.get("BENCH_WORDPRESS", "1") == "0" or not wordpress.available():
        return None
    print(wordpress.load_content(), flush=True)
    wp_pages = {name: url for name, url in wordpress.pages().items() if name in pages}
    results = wordpress.count_queries(wp_pages)
    for name, url in wp_pages.items():
        wordpress.fetch(url)  # warm opcache and MariaDB's buffers
        for connections in (1, 8):
            figures = load(url, connections, seconds)
            results[name][f"c{connections}"] = figures
            print(
                f"  {'wordpress':10} c={connections} {name:16} {figures['rps']:9.1f} req/s",
                flush=True,
            )
    return results


def measure_writes(comment_count: int = 200, approve_count: int = 1000) -> dict:
    """Comments posted per second through the form, and one bulk approval of 1,000."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from blog.models import Post
    from comments.models import Comment

    post = Post.objects.get(slug="kommentare-10")
    url = reverse("comments:comment_create", kwargs={"post_id": post.pk})
    client = Client(HTTP_HOST="127.0.0.1")
    begin = time.perf_counter()
    for n in range(comment_count):
        response = client.post(
            url,
            {
                "body": f"Kommentar Nummer {n}: schöne grüße und danke für den beitrag.",
                "author_name": f"Leser {n}",
                "author_email": f"leser{n}@example.invalid",
                "captcha": "passed",
            },
            REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}",
        )
        assert response.status_code == 302, response.status_code
    posted = time.perf_counter() - begin

    ids = [str(pk) for pk in Comment.objects.pending().values_list("pk", flat=True)]
    while len(ids) < approve_count:
        extra = Comment.objects.create(
            post=post,
            author_name="Stapel",
            author_email="stapel@example.invalid",
            body=f"stapel {len(ids)}",
            status=Comment.Status.PENDING,
        )
        ids.append(str(extra.pk))
    admin = get_user_model().objects.filter(is_superuser=True).first()
    if admin is None:
        admin = get_user_model().objects.create_superuser("bench-admin", "", "x" * 20)
    staff = Client(HTTP_HOST="127.0.0.1")
    staff.force_login(admin)
    # As the author does it: filter "pending", "select all", then the bulk action.
    changelist = reverse("admin:comments_comment_changelist") + "?status=pending"
    assert Comment.objects.pending().count() == len(ids)
    with override_settings(DEBUG=False):
        begin = time.perf_counter()
        response = staff.post(
            changelist,
            {"action": "approve", "select_across": "1", "index": "0", "_selected_action": ids[:1]},
        )
        approved = time.perf_counter() - begin
    assert not Comment.objects.pending().exists()
    assert response.status_code == 302, response.status_code
    return {
        "comments_posted": comment_count,
        "comments_per_second": comment_count / posted,
        "approve_count": len(ids),
        "approve_seconds": approved,
    }


def wordpress_rates(results: dict) -> dict:
    """Requests/s of WordPress at 8 clients per page: measured in this run, else quoted."""
    measured = results.get("wordpress")
    if measured:
        return {name: figures["c8"]["rps"] for name, figures in measured.items()}
    return dict(WORDPRESS)


def table(results: dict) -> str:
    head = f"{'page':16} {'queries':>7} {'KB':>7}"
    for mode in MODES:
        head += f" {mode + ' c8':>15}"
    head += f" {'p50/p99 ms (off c8)':>20} {'× WordPress (off/frag/page)':>29}"
    lines = [head]
    wp_rates = wordpress_rates(results)
    for name, figures in results["pages"].items():
        reads = results["reads"].get(name, {})
        line = f"{name:16} {figures['queries']:7} {figures['bytes'] / 1024:7.1f}"
        rates = []
        for mode in MODES:
            rate = reads.get(f"{mode} c8", {}).get("rps", 0)
            rates.append(rate)
            line += f" {rate:15.1f}"
        off8 = reads.get("off c8", {})
        line += f" {off8.get('p50_ms') or 0:9.1f}/{off8.get('p99_ms') or 0:<10.1f}"
        wp = wp_rates.get(name)
        if wp:
            line += "  " + " / ".join(f"{rate / wp:.1f}×" for rate in rates)
        lines.append(line)
    measured = results.get("wordpress")
    if measured:
        lines.append("\nWordPress on this machine, same content, same run (bench/wordpress/):")
        lines.append(f"{'page':16} {'queries':>7} {'KB':>7} {'c1 req/s':>9} {'c8 req/s':>9}")
        for name, figures in measured.items():
            lines.append(
                f"{name:16} {figures['queries'] or 0:7} {figures['bytes'] / 1024:7.1f}"
                f" {figures['c1']['rps']:9.1f} {figures['c8']['rps']:9.1f}"
            )
    else:
        lines.append(
            "\nNo WordPress here to measure (make bench-wordpress sets one up): ratios use the"
            " figures quoted in issue #6 (1,000-comment post 11 req/s, home and short post"
            " 115 req/s at 8 clients)."
        )
    writes = results.get("writes")
    if writes:
        lines.append(
            f"\nwrite path: {writes['comments_per_second']:.1f} comments/s through the form "
            f"(moderation on); {writes['approve_count']} comments approved in "
            f"{writes['approve_seconds']:.2f} s by the admin bulk action"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--comment-pages", type=int, default=0, metavar="N")
    args = parser.parse_args()
    seconds = 2 if args.quick else args.seconds
    OUT.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    _setup_django()
    pages = build_database()
    if args.quick:
        pages = {
            k: v for k, v in pages.items() if k in ("home", "hartes training", "1000 comments")
        }
    if args.comment_pages:
        url = pages["1000 comments"]
        pages["1000 comments paged"] = url
        pages["1000 comments p1"] = url + "comment-page-1/"
        PAGED.update(
            {"1000 comments paged": args.comment_pages, "1000 comments p1": args.comment_pages}
        )
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
            "cache": "redis" if os.environ.get("REDIS_URL") else "local memory",
            "load_tool": "wrk" if shutil.which("wrk") else "python threads",
            "comment_pages": args.comment_pages,
        },
        "seconds_per_measurement": seconds,
        "pages": count_queries(pages),
    }
    print("reads (gunicorn, DEBUG off):", flush=True)
    results["reads"] = measure_reads(pages, seconds)
    wordpress = measure_wordpress(pages, seconds)
    if wordpress:
        results["wordpress"] = wordpress
    results["writes"] = measure_writes()
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print()
    print(table(results))
    print(f"\nresults: {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
