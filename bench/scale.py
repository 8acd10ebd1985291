"""`make bench-scale`: does a page cost the same on a big blog as on a small one? (issue #14)

Builds a blog of 1,000 and one of 10,000 posts (20 comments per post on average, 200,000
at 10,000; a few posts with 1,000+ threaded comments; 20 categories, half of them nested;
20 tags; a few private, protected and draft posts; 2 % of the comments held, 1 % spam)
with bulk inserts — the same rows the import writes, derived fields included, the
search index made by blog.search.rebuild() — then starts gunicorn (DEBUG off, page and
fragment caches off) and requests every page type one after the other: the post page
with 20 comments (the reference), the 1,000-comment post, home, page 2 and a deep page,
category, tag, author and date archives with deep pages, search with one and two
words, the feeds, the sitemap index and a section, the admin's post and comment
changelists (all, held, deep page, search) and change forms. Prints p50/p90 per page,
each page's ratio to the post page in the same run, and the growth from 1,000 to 10,000
posts; writes bench/out/scale.json.

PostgreSQL: DATABASE_URL=postgres://…/benchscale: one database per size, named after it
with the size appended (benchscale_1000, benchscale_10000; each emptied when built).
Without DATABASE_URL: SQLite files in bench/out/. Options: --sizes 1000,10000,
--requests N per page (default 20), --reuse (measure databases built before, after
applying any new migrations to them).
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_SCALE_OUT: another folder, e.g. to run SQLite and PostgreSQL side by side.
OUT = Path(os.environ.get("BENCH_SCALE_OUT") or ROOT / "bench" / "out")
SEED = 14
COMMENTS_PER_POST = 20
BIG_THREADS = (1000, 1200, 1500)

WORDS = [
    "training",
    "kunde",
    "kunden",
    "übung",
    "übungen",
    "größe",
    "grüße",
    "straße",
    "arbeit",
    "woche",
    "morgen",
    "gestern",
    "laufen",
    "lesen",
    "schreiben",
    "denken",
    "gespräch",
    "lösung",
    "problem",
    "fehler",
    "meinung",
    "zeit",
    "leben",
    "erfahrung",
    "geduld",
    "kaffee",
    "regen",
    "sonne",
    "berg",
    "see",
    "stadt",
    "garten",
    "fahrrad",
    "küche",
    "buch",
    "musik",
    "projekt",
    "termin",
    "ausdauer",
    "kraft",
    "pause",
    "urlaub",
    "reise",
    "freunde",
    "familie",
    "abend",
    "frühstück",
    "schnell",
    "langsam",
    "wirklich",
    "natürlich",
    "vielleicht",
    "eigentlich",
    "glücklich",
    "ärgerlich",
    "müde",
]
FILLER = [
    "und",
    "der",
    "die",
    "das",
    "ist",
    "mit",
    "für",
    "auf",
    "im",
    "ein",
    "eine",
    "nicht",
    "auch",
    "wie",
    "aber",
    "noch",
]
# Made-up words enough that a real one is in some posts, not in all (about 7 % each).
_HEADS = "ab an auf aus bei berg blatt brot dach ein feld fern fest gar haus herz hof kalt "
_TAILS = "bahn band blick bruch dienst fahrt feld fluss gang grund haus heim kreis lauf "
WORDS += [
    head + tail
    for head in (_HEADS + "klein korn land licht luft markt mond nacht ober rad ring").split()
    for tail in (_TAILS + "licht markt platz punkt rand schein spiel stand tag weg zeit").split()
]
NAMES = ["Thomas", "Stefan", "Anna", "Jörg", "Müller", "Sabine", "Özlem", "Lars", "Brigitte"]


# Building (runs in a child process per size, with that size's database configured)


def _sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(WORDS) if rng.random() < 0.6 else rng.choice(FILLER) for _ in range(words)]
    text = " ".join(picked)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(6, 16)) for _ in range(rng.randint(3, 6)))


def build(posts: int) -> dict:
    """Fill the empty, migrated database; return the pages to measure."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Count, Max, Q
    from django.test import Client
    from django.utils import timezone
    from django.utils.html import escape

    from blog import search
    from blog.markup import derive_excerpt
    from blog.models import Category, Post, Tag
    from comments.models import Comment, avatar_key

    rng = random.Random(SEED)
    user_model = get_user_model()
    author = user_model.objects.create_superuser("autorin", "autorin@example.invalid", "x" * 24)
    author.first_name = "Autorin"
    author.save()
    top = [Category.objects.create(name=f"Kategorie {n}", slug=f"kategorie-{n}") for n in range(10)]
    children = [
        Category.objects.create(name=f"Unterkategorie {n}", slug=f"unter-{n}", parent=top[n])
        for n in range(10)
    ]
    categories = top + children
    tags = [Tag.objects.create(name=f"Schlagwort {n}", slug=f"schlagwort-{n}") for n in range(20)]
    term = {c.pk: {"name": c.name, "url": c.get_absolute_url()} for c in categories}
    tag_term = {t.pk: {"name": t.name, "url": t.get_absolute_url()} for t in tags}

    start = timezone.now() - datetime.timedelta(days=3650)
    step = datetime.timedelta(days=3640) / posts
    rows, category_links, tag_links = [], [], []
    for i in range(posts):
        paragraphs = [_paragraph(rng) for _ in range(rng.randint(3, 7))]
        body_html = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
        chosen_categories = [rng.choice(categories)]
        chosen_tags = rng.sample(tags, 2)
        visibility, status, password = "public", "published", ""
        if i % 100 == 7:
            visibility = "private"
        elif i % 100 == 13:
            visibility, password = "password", "geheim"
        elif i % 100 == 29:
            status = "draft"
        title = f"{rng.choice(WORDS).capitalize()} und {rng.choice(WORDS)} ({i})"
        rows.append(
            Post(
                id=i + 1,
                title=title,
                slug=f"beitrag-{i + 1}",
                author=author,
                body="\n\n".join(paragraphs),
                body_html=body_html,
                summary=derive_excerpt(body_html),
                status=status,
                visibility=visibility,
                password=password,
                published_at=start + step * i,
                terms={
                    "categories": [term[c.pk] for c in chosen_categories],
                    "tags": [tag_term[t.pk] for t in chosen_tags],
                },
            )
        )
        category_links += [
            Post.categories.through(post_id=i + 1, category_id=c.pk) for c in chosen_categories
        ]
        tag_links += [Post.tags.through(post_id=i + 1, tag_id=t.pk) for t in chosen_tags]
    with transaction.atomic():
        Post.objects.bulk_create(rows, batch_size=1000)
        Post.categories.through.objects.bulk_create(category_links, batch_size=5000)
        Post.tags.through.objects.bulk_create(tag_links, batch_size=5000)
    print(f"  {posts} posts", flush=True)

    public = [p for p in rows if p.status == "published" and p.visibility == "public"]
    big = {public[-1 - k * 7].pk: n for k, n in enumerate(BIG_THREADS)}
    reference = public[-3]
    total = posts * COMMENTS_PER_POST
    rest = total - sum(big.values()) - COMMENTS_PER_POST
    per_post = {p.pk: 0 for p in rows if p.pk not in big and p.pk != reference.pk}
    for pk in rng.choices(list(per_post), k=rest):
        per_post[pk] += 1
    per_post.update(big)
    per_post[reference.pk] = COMMENTS_PER_POST

    next_id = 1
    batch: list = []
    published = {p.pk: p.published_at for p in rows}
    for post_id, count in per_post.items():
        made = []  # (id, depth) of this post's comments
        when = published[post_id]
        for _ in range(count):
            when += datetime.timedelta(minutes=rng.randint(1, 120))
            open_parents = [m for m in made if m[1] < 5]
            parent = rng.choice(open_parents) if open_parents and rng.random() > 0.3 else None
            name = rng.choice(NAMES)
            email = f"{name.lower()}{rng.randint(1, 500)}@example.invalid"
            text = _sentence(rng, rng.randint(8, 40))
            roll = rng.random()
            status = "approved" if roll < 0.97 else ("pending" if roll < 0.99 else "spam")
            batch.append(
                Comment(
                    id=next_id,
                    post_id=post_id,
                    parent_id=parent[0] if parent else None,
                    author_name=name,
                    author_email=email,
                    body=text,
                    body_html=f"<p>{escape(text)}</p>",
                    status=status,
                    created_at=when,
                    status_changed_at=when,
                    ip_address="192.0.2.1",
                    depth=parent[1] + 1 if parent else 1,
                    avatar=avatar_key(email),
                )
            )
            made.append((next_id, parent[1] + 1 if parent else 1))
            next_id += 1
        if len(batch) >= 5000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    print(f"  {next_id - 1} comments", flush=True)

    counts = (
        Comment.objects.filter(status="approved")
        .values("post_id")
        .annotate(n=Count("pk"), last=Max("created_at"))
    )
    for row in counts:
        post = rows[row["post_id"] - 1]
        post.comment_count, post.comments_changed_at = row["n"], row["last"]
    Post.objects.bulk_update(rows, ["comment_count", "comments_changed_at"], batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("blog_post", "comments_comment"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )
    print(f"  search index: {search.rebuild()} entries", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    client = Client()
    client.force_login(author)
    session = client.cookies["sessionid"].value
    return _pages(posts, reference, big, categories, tags, session, Q, Post, Comment)


def _pages(posts, reference, big, categories, tags, session, Q, Post, Comment) -> dict:
    from blog.models import public_q

    per_page = 10
    listed = Post.objects.filter(public_q())
    pages_of = lambda n: max(1, -(-n // per_page))  # noqa: E731
    deep = max(2, int(pages_of(listed.count()) * 0.9))
    category = categories[0]  # a top-level category: its posts and its child's
    in_category = listed.filter(
        Q(categories__path=category.path) | Q(categories__path__startswith=category.path + "/")
    ).distinct()
    category_deep = max(2, int(pages_of(in_category.count()) * 0.8))
    tag_deep = max(2, int(pages_of(listed.filter(tags=tags[0]).count()) * 0.8))
    newest = listed.order_by("-published_at").first().published_at
    comments_pages = max(2, -(-Comment.objects.count() // 100))
    big_post = Post.objects.get(pk=next(iter(big)))
    pending = Comment.objects.filter(status="pending").first()
    return {
        "session": session,
        "public": {
            "post, 20 comments": reference.get_absolute_url(),
            "post, 1,000 comments": big_post.get_absolute_url(),
            "home": "/",
            "home, page 2": "/page/2/",
            f"home, page {deep} (90 %)": f"/page/{deep}/",
            "category": category.get_absolute_url(),
            f"category, page {category_deep} (80 %)": (
                f"{category.get_absolute_url()}page/{category_deep}/"
            ),
            "tag": tags[0].get_absolute_url(),
            f"tag, page {tag_deep} (80 %)": f"{tags[0].get_absolute_url()}page/{tag_deep}/",
            "author": "/author/autorin/",
            "year": f"/{newest.year}/",
            "month": f"/{newest.year}/{newest.month:02d}/",
            "search, one word": "/?s=training",
            "search, two words": "/?s=kunden+%C3%BCbung",
            "search, three words": "/?s=Fahrr%C3%A4der+im+Garten",
            "feed": "/feed/",
            "comments feed": "/comments/feed/",
            "post comments feed": big_post.get_absolute_url() + "feed/",
            "category feed": category.get_feed_url(),
            "sitemap index": "/sitemap.xml",
            "sitemap, posts section": "/sitemap-posts.xml",
        },
        "admin": {
            "admin post list": "/admin/blog/post/",
            "admin post search": "/admin/blog/post/?q=training",
            "admin post change form": f"/admin/blog/post/{reference.pk}/change/",
            "admin comment list": "/admin/comments/comment/",
            "admin comment list, held": "/admin/comments/comment/?status=pending",
            f"admin comment list, page {comments_pages // 2} (50 %)": (
                f"/admin/comments/comment/?p={comments_pages // 2}"
            ),
            "admin comment search": "/admin/comments/comment/?q=thomas",
            "admin comment change form": f"/admin/comments/comment/{pending.pk}/change/",
        },
        "posts": posts,
    }


# Measuring (the parent process)


def _env(size: int) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY", "benchmark-only-key-" + "x" * 40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BLOG_PAGE_CACHE": "0",
            "BLOG_FRAGMENT_CACHE": "0",
            "BLOG_REQUIRE_2FA": "off",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    env.pop("REDIS_URL", None)  # per-process memory cache; every cache of pages is off
    if not env.get("DATABASE_URL"):
        env["DJANGO_SQLITE_PATH"] = str(OUT / f"scale-{size}.sqlite3")
    elif env["DATABASE_URL"].startswith("postgres"):
        # A database per size, so that each can be measured again (--reuse).
        base, _, query = env["DATABASE_URL"].partition("?")
        env["DATABASE_URL"] = f"{base.rstrip('/')}_{size}" + (f"?{query}" if query else "")
    return env


def _child_build(size: int) -> None:
    """Entry point of the child process: empty the database, migrate, build, save the URLs."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    if os.environ.get("DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    began = time.monotonic()
    pages = build(size)
    print(f"  built in {time.monotonic() - began:.0f} s", flush=True)
    (OUT / f"scale-{size}.json").write_text(json.dumps(pages, indent=1))


def _create_postgresql_database(size: int) -> None:
    """Create the size's database (DATABASE_URL's name with the size) when it is not there."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(_env(size)["DATABASE_URL"])
    params = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"]}
    if config["PASSWORD"]:
        params["password"] = config["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def _prepare(size: int, reuse: bool) -> dict:
    urls_file = OUT / f"scale-{size}.json"
    if reuse and urls_file.exists():
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env=_env(size),
            check=True,
        )
        return json.loads(urls_file.read_text())
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _create_postgresql_database(size)
    if not os.environ.get("DATABASE_URL"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(OUT / f"scale-{size}.sqlite3") + suffix).unlink(missing_ok=True)
    print(f"building the blog of {size:,} posts …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "bench.scale", "--child-build", str(size)],
        cwd=ROOT,
        env=_env(size),
        check=True,
    )
    return json.loads(urls_file.read_text())


def _get(url: str, session: str | None) -> float:
    request = urllib.request.Request(url)
    if session:
        request.add_header("Cookie", f"sessionid={session}")
    begin = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        status = response.status
    elapsed = time.perf_counter() - begin
    if status != 200:
        raise RuntimeError(f"{url}: {status}")
    return elapsed * 1000


def _measure(size: int, pages: dict, requests: int) -> dict:
    from bench.run import _free_port, stop_server

    # BENCH_SCALE_PORT: a fixed port (e.g. one of a range set aside on a shared machine).
    port = int(os.environ.get("BENCH_SCALE_PORT") or _free_port())
    env = _env(size)
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env["GUNICORN_LOG_LEVEL"] = "warning"
    # One worker: sequential requests need no more, and every request after the first
    # finds it warm (templates compiled, connection open).
    env["WEB_CONCURRENCY"] = "1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/robots.txt", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        results = {}
        for group, session in (("public", None), ("admin", pages["session"])):
            for name, path in pages[group].items():
                try:
                    for _ in range(2):
                        _get(base + path, session)
                    times = sorted(_get(base + path, session) for _ in range(requests))
                except (OSError, RuntimeError) as error:  # e.g. gunicorn's 30 s timeout
                    print(f"  {name:45} failed: {error}", flush=True)
                    continue
                results[name] = {
                    "p50": statistics.median(times),
                    "p90": times[int(0.9 * (len(times) - 1))],
                    "path": path,
                }
                print(f"  {name:45} p50 {results[name]['p50']:7.1f} ms", flush=True)
        return results
    finally:
        stop_server(proc)


def _key(name: str) -> str:
    """A page's name without its size-dependent page number: "home, page N (90 %)"."""
    if ", page " in name and "(" in name:
        head, _, rest = name.partition(", page ")
        return f"{head}, deep page {rest[rest.index('(') :]}"
    return name


def table(runs: dict) -> str:
    sizes = sorted(runs, key=int)
    lines = [
        "| page | "
        + " | ".join(f"{int(s):,} posts p50 / p90 (× post)" for s in sizes)
        + (" | growth |" if len(sizes) > 1 else " |"),
        "| --- |" + " ---: |" * (len(sizes) + (1 if len(sizes) > 1 else 0)),
    ]
    keyed = {s: {_key(n): r for n, r in runs[s].items()} for s in sizes}
    names = list(dict.fromkeys(n for s in sizes for n in keyed[s]))
    for name in names:
        cells = []
        for s in sizes:
            r = keyed[s].get(name)
            if r is None:
                cells.append("failed")
                continue
            ratio = r["p50"] / keyed[s]["post, 20 comments"]["p50"]
            cells.append(f"{r['p50']:.1f} / {r['p90']:.1f} ms ({ratio:.1f}×)")
        growth = ""
        if len(sizes) > 1 and all(name in keyed[s] for s in (sizes[0], sizes[-1])):
            growth = f" {keyed[sizes[-1]][name]['p50'] / keyed[sizes[0]][name]['p50']:.2f}× |"
        lines.append(f"| {name} | " + " | ".join(cells) + " |" + growth)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--child-build", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.child_build:
        _child_build(args.child_build)
        return
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    runs = {}
    for size in (int(s) for s in args.sizes.split(",")):
        pages = _prepare(size, args.reuse)
        print(f"measuring {size:,} posts on {database} ({args.requests} requests per page) …")
        runs[str(size)] = _measure(size, pages, args.requests)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(f"\n{database}, {machine}, gunicorn, caches off, sequential requests\n")
    print(table(runs))
    (OUT / "scale.json").write_text(
        json.dumps({"database": database, "machine": machine, "runs": runs}, indent=1)
    )


if __name__ == "__main__":
    main()
