"""Benchmark of the WordPress import (issue #5): `python -m wordpress.bench` or `make bench-import`.

Generates an export like a long-running blog's (default: 1,000 posts with 20,000
threaded comments, categories, tags, shortcodes) and imports it into a fresh database,
never the project's own: an SQLite file in a temporary folder, or with DATABASE_URL
(postgres://…) a new database on that server, dropped afterwards. Reports posts,
comments, wall and CPU seconds, comments per second, the SQL statements issued, the
process's peak resident memory and its memory at each tenth of the import (flat, or
growing with the file) and, with --tracemalloc, the peak of Python allocations
(slower; run separately). The big run of issue #13:
`make bench-import BENCH_IMPORT_ARGS="--posts 10000 --comments 200000"`.
"""

import argparse
import contextlib
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PARAGRAPH = (
    "Heute ging es um <strong>Ausdauer</strong> und um die Frage, wie viel Training "
    'gut tut. Ein <a href="https://example.org/">Link</a> & ein Umlaut: Größe, Übel.\n'
)

COMMENT = "Guter Punkt, <em>danke</em>!\nZweite Zeile."


def cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def generate(path: Path, *, posts: int, comments: int, seed: int = 5) -> None:
    """Write a WXR 1.2 file with `posts` posts and `comments` comments spread over them."""
    rng = random.Random(seed)
    per_post = [comments // posts + (1 if i < comments % posts else 0) for i in range(posts)]
    comment_id = 1
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Benchmark</title><link>https://example.org</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>"
            "<wp:base_site_url>https://example.org</wp:base_site_url>\n"
            "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>autorin"
            "</wp:author_login><wp:author_display_name>Autorin</wp:author_display_name>"
            "</wp:author>\n"
        )
        for n in range(1, 21):
            parent = f"kategorie-{n - 10}" if n > 10 else ""
            out.write(
                f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>kategorie-{n}"
                f"</wp:category_nicename><wp:category_parent>{parent}</wp:category_parent>"
                f"<wp:cat_name>Kategorie {n}</wp:cat_name></wp:category>\n"
                f"<wp:tag><wp:term_id>{100 + n}</wp:term_id><wp:tag_slug>schlagwort-{n}"
                f"</wp:tag_slug><wp:tag_name>Schlagwort {n}</wp:tag_name></wp:tag>\n"
            )
        for i in range(posts):
            wp_id = 1000 + i
            day = f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            body = "\n".join(PARAGRAPH for _ in range(rng.randint(3, 8)))
            if i % 10 == 0:
                body += '\n[caption id="" width="300"]<img src="https://example.org/x.jpg" alt="">'
                body += " Bild[/caption]\n"
            out.write(
                f"<item><title>{cdata(f'Beitrag {i} über Größe')}</title>"
                f"<link>https://example.org/{day.replace('-', '/')}/beitrag-{i}/</link>"
                f"<dc:creator>autorin</dc:creator><content:encoded>{cdata(body)}"
                "</content:encoded><excerpt:encoded></excerpt:encoded>"
                f"<wp:post_id>{wp_id}</wp:post_id><wp:post_date>{day} 10:00:00</wp:post_date>"
                f"<wp:post_date_gmt>{day} 09:00:00</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status><wp:post_name>beitrag-{i}"
                "</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="kategorie-{1 + i % 20}">K</category>'
                f'<category domain="post_tag" nicename="schlagwort-{1 + i % 20}">S</category>\n'
            )
            ids = []
            for _ in range(per_post[i]):
                parent = rng.choice(ids[-5:]) if ids and rng.random() < 0.5 else 0
                status = rng.choices(["1", "0", "spam"], weights=[90, 5, 5])[0]
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>Leser {comment_id}</wp:comment_author>"
                    f"<wp:comment_author_email>leser{comment_id % 500}@example.net"
                    "</wp:comment_author_email><wp:comment_author_IP>192.0.2.9"
                    f"</wp:comment_author_IP><wp:comment_date_gmt>{day} 12:00:00"
                    "</wp:comment_date_gmt><wp:comment_content>"
                    f"{cdata(COMMENT)}"
                    f"</wp:comment_content><wp:comment_approved>{status}</wp:comment_approved>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
                )
                ids.append(comment_id)
                comment_id += 1
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--tracemalloc", action="store_true", help="measure Python allocations")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wordpress-bench-") as folder:
        run(Path(folder), args)


def _rss_mb() -> float:
    """The resident memory now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1_048_576
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def _database(work: Path):
    """A fresh database: an SQLite file in `work`, or with DATABASE_URL a new database
    on that PostgreSQL server (never the one named there), dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ.pop("DATABASE_URL", None)
        os.environ["DJANGO_SQLITE_PATH"] = str(work / "bench.sqlite3")
        yield "SQLite"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"wordpress_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    try:
        yield "PostgreSQL"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")


def run(work: Path, args) -> None:
    os.environ["DJANGO_MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 40)
    with _database(work) as vendor:
        _run(work, args, vendor)


def _run(work: Path, args, vendor: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from wordpress.importer import Importer

    call_command("migrate", verbosity=0)
    export = work / "export.xml"
    generate(export, posts=args.posts, comments=args.comments)
    size = export.stat().st_size / 1_048_576
    baseline = _rss_mb()
    # The resident memory at each tenth of the items: flat, or growing with the file.
    samples: dict[int, float] = {}

    def progress(done, total, report):
        tenth = done * 10 // max(total, 1)
        if tenth not in samples:
            samples[tenth] = _rss_mb()

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    if args.tracemalloc:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        report = Importer(export, progress=progress).run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    posts, comments = report.created["posts"], report.created["comments"]
    print(f"export: {args.posts} posts, {args.comments} comments, {size:.1f} MB")
    print(
        f"imported into {vendor}: {posts} posts, {comments} comments in {seconds:.1f} s "
        f"wall clock, {cpu:.1f} s CPU ({comments / seconds:.0f} comments/s; "
        f"{comments / cpu:.0f} per CPU second), {statements} SQL statements"
    )
    print(
        f"peak RSS: {peak_rss:.0f} MB (before the import: {baseline:.0f} MB); "
        "RSS at each tenth of the items: "
        + " ".join(f"{samples[k]:.0f}" for k in sorted(samples))
        + " MB"
    )
    if args.tracemalloc:
        peak = tracemalloc.get_traced_memory()[1] / 1_048_576
        print(f"peak Python allocations during the import (tracemalloc): {peak:.1f} MB")
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(
        f"machine: {os.cpu_count()} CPUs (load average {load}), "
        f"Python {sys.version.split()[0]}, {vendor}"
    )


if __name__ == "__main__":
    main()
