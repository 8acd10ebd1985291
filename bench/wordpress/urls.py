"""The benchmark's pages on the WordPress next to the blog (issue #6).

For bench/run.py: whether the WordPress of bench/wordpress/setup.sh is up, filling it with
the content of the benchmark database just built, the URLs of the same pages the blog is
measured on, and per page WordPress's SQL queries and HTML bytes.

    from bench.wordpress import urls as wordpress
    if wordpress.available():
        wordpress.load_content()           # after build_database(): same posts, same dates
        wp_pages = wordpress.pages()       # {"home": "http://127.0.0.1:8089/", ...}
        wp_figures = wordpress.count_queries(wp_pages)   # {"home": {"queries", "bytes"}}

On the command line (Django is set up here, as bench/profile.py does):

    python -m bench.wordpress.urls [--load] [--rebuild]

prints the pages with their queries and bytes; --load dumps and loads the content first,
--rebuild builds the benchmark database before that.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PORT = int(os.environ.get("WP_BENCH_PORT", "8089"))
BASE = f"http://127.0.0.1:{PORT}"

# The pages of bench/data.py's urls(), by their slugs (kept here so that this module
# needs no Django: bench/data.py's COMMENT_POSTS and the demo post "hartes training").
SLUGS = {
    "hartes training": "hartes-training",
    "0 comments": "kommentare-0",
    "10 comments": "kommentare-10",
    "100 comments": "kommentare-100",
    "1000 comments": "kommentare-1000",
}
QUERIES_HEADER = "X-WPBench-Queries"  # setup.sh's wp-config answers it with a comment
_QUERIES = re.compile(rb"<!-- wpbench-queries: (\d+) -->\s*$")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_no_redirect = urllib.request.build_opener(_NoRedirect)


def available(base: str = BASE) -> bool:
    """Whether the benchmark's WordPress answers (setup.sh has run, nginx and php-fpm are up)."""
    try:
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            return response.status == 200 and b"wp-content" in response.read()
    except OSError:
        return False


def load_content(json_path: Path | None = None) -> str:
    """Write the benchmark database (Django set up) as JSON and load it into WordPress.

    Returns load.php's summary line. Needs the PHP CLI and read access to
    /etc/wordpress/config-wpbench.php (root, as setup.sh).
    """
    from bench.wordpress import dump

    path = Path(json_path or dump.DEFAULT_OUT)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dump.dump(), ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ, WP_BENCH_PORT=str(PORT))
    out = subprocess.run(
        ["php", str(HERE / "load.php"), str(path)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if out.returncode:
        raise RuntimeError(f"bench/wordpress/load.php failed: {out.stderr or out.stdout}")
    return out.stdout.strip()


def post_url(slug: str, base: str = BASE) -> str:
    """A post's permalink, as WordPress itself redirects ?name=slug (canonical redirect)."""
    try:
        _no_redirect.open(f"{base}/?name={slug}", timeout=30).close()
    except urllib.error.HTTPError as redirect:
        location = redirect.headers.get("Location")
        if redirect.code in (301, 302) and location:
            return location
        raise
    raise LookupError(f"WordPress did not redirect ?name={slug} to a permalink")


def pages(base: str = BASE) -> dict[str, str]:
    """Absolute URLs of the benchmark's pages on WordPress, by the names bench/run.py uses."""
    result = {"home": base + "/"}
    for name, slug in SLUGS.items():
        result[name] = post_url(slug, base)
    return result


def fetch(url: str, count_queries: bool = False) -> bytes:
    headers = {QUERIES_HEADER: "1"} if count_queries else {}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def count_queries(wp_pages: dict[str, str]) -> dict[str, dict]:
    """SQL queries (wpdb's own count, as Query Monitor shows it) and HTML bytes per page.

    Each page is fetched once to warm up, once for its size, and once with the header
    that makes WordPress append its query count. MariaDB's Questions counter agrees,
    plus about 6 statements per connection (SET NAMES, sql_mode, …) wpdb does not count.
    """
    result = {}
    for name, url in wp_pages.items():
        fetch(url)
        size = len(fetch(url))
        match = _QUERIES.search(fetch(url, count_queries=True))
        result[name] = {"queries": int(match.group(1)) if match else None, "bytes": size}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", action="store_true", help="dump and load the content first")
    parser.add_argument("--rebuild", action="store_true", help="build the benchmark database")
    parser.add_argument("--base", default=BASE)
    args = parser.parse_args()
    if not available(args.base):
        sys.exit(f"no WordPress at {args.base}: run bench/wordpress/setup.sh (as root)")
    if args.load or args.rebuild:
        from bench.run import OUT, ROOT, _env

        os.chdir(ROOT)
        OUT.mkdir(parents=True, exist_ok=True)
        os.environ.update(_env("off"))
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        if args.rebuild or not (OUT / "bench.sqlite3").exists():
            from bench.run import build_database

            build_database()
        print(load_content())
    wp_pages = pages(args.base)
    figures = count_queries(wp_pages)
    for name, url in wp_pages.items():
        f = figures[name]
        print(f"{name:16} {f['queries']:>4} queries {f['bytes'] / 1024:8.1f} KB  {url}")


if __name__ == "__main__":
    main()
