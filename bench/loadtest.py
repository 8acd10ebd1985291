"""`make loadtest`: comments under load, a worker killed, a backup meanwhile (issue #7).

Starts the production server (gunicorn with config/gunicorn.py, DEBUG off, 4 workers)
on a fresh database, on 127.0.0.1 only, and then, bounded in time:

- 20 client threads post 1,000 comments through the form (/comments/post/<id>/), 40 %
  of them replies to other clients' accepted comments, while 4 reader threads load
  pages, feeds and the sitemap;
- when 40 % are in, one worker is killed with SIGKILL; the master must start a new
  one. A client whose request died with the worker sends it again: the site answers
  302 (it was not saved) or 409 "duplicate" (it was), never a second copy;
- when 60 % are in, `manage.py backup` takes a snapshot; it is restored afterwards into
  a second, fresh database and must hold the printed counts, every client's comments
  as a gapless prefix of what it sent, and right comment counts.

Then every acknowledged comment must be in the database exactly once, on its post, under
its parent, and on its post's page; no request may have answered 5xx, and the server
log may show no "database is locked", traceback or worker timeout. A summary is
printed (and written to bench/out/loadtest-<database>.json); the exit status is 1 on
any failure.

SQLite by default (a new file under bench/out/loadtest/). DATABASE_URL=postgres://…/NAME
runs it on PostgreSQL: the databases NAME and NAME_restore are dropped and created
afresh, so give it a database of its own (e.g. …/loadtest). The cache (--cache):
`auto` is the local-memory cache on SQLite (one server) and Redis on PostgreSQL when
127.0.0.1:6379 answers (the deployment in README.md); keys get a prefix of their own.

Options: --comments, --clients, --readers, --workers, --replies (share), --no-kill,
--no-backup, --cache {auto,local,redis,gone}, --time-limit (seconds for the load phase).
`--cache gone` points REDIS_URL at a closed port: the whole run without its cache.
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
# LOADTEST_WORK: another folder for the run's files (e.g. two runs side by side); the
# summary goes beside it.
WORK = Path(os.environ.get("LOADTEST_WORK") or OUT / "loadtest")
RESULTS = WORK.parent
THREAD_DEPTH = 5  # the default discussion setting "levels deep"
TOKEN_RE = re.compile(r"\[lt (\d+)-(\d+)\]")
PROBLEMS_IN_LOG = ("database is locked", "Traceback", "WORKER TIMEOUT", "Internal Server Error")


# Set-up -------------------------------------------------------------------------------


def _redis_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


def make_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY") or "loadtest-only-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "CAPTCHA_TEST_MODE": "1",
            "BLOG_PAGE_CACHE": "1",
            "WEB_CONCURRENCY": str(args.workers),
            # Notifications go through the whole path, into each worker's memory.
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DJANGO_MEDIA_ROOT": str(WORK / "media"),
            "BLOG_CONTENT_VERSION_FILE": str(WORK / "content-version"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "GUNICORN_LOG_LEVEL": "info",
            # As behind nginx (deploy/nginx.conf): each client has its own X-Real-IP.
            "DJANGO_BEHIND_PROXY": "1",
        }
    )
    env.pop("GUNICORN_ACCESS_LOG", None)
    postgres = _postgres_url()
    if postgres:
        env["DATABASE_URL"] = postgres
    else:
        env.pop("DATABASE_URL", None)
        env["DJANGO_SQLITE_PATH"] = str(WORK / "loadtest.sqlite3")
    redis_url = env.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    use_redis = args.cache == "redis" or (
        args.cache == "auto" and bool(postgres) and _redis_answers(redis_url)
    )
    if args.cache == "gone":
        # Redis configured but not there (a closed port): the site must run uncached.
        env["REDIS_URL"] = "redis://127.0.0.1:1/0"
        env["DJANGO_CACHE_PREFIX"] = f"loadtest-{os.getpid()}"
    elif use_redis:
        env["REDIS_URL"] = redis_url
        env["DJANGO_CACHE_PREFIX"] = f"loadtest-{os.getpid()}"
    else:
        env.pop("REDIS_URL", None)
    return env


def _recreate_postgres(url: str) -> None:
    """Drop and create the database named in `url` (connecting to "postgres")."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if name in ("postgres", "template0", "template1", "test"):
        raise SystemExit(f"refusing to recreate the database {name!r}: give the load test its own")
    conninfo = psycopg.conninfo.make_conninfo(
        dbname="postgres",
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
    )
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _restore_url(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=parts.path + "_restore").geturl()


def prepare_database(env: dict) -> list[dict]:
    """Fresh database, migrated, demo content, discussion settings for a load test.

    Returns the posts the clients comment on: id, comment URL and page URL.
    """
    WORK.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" in env:
        _recreate_postgres(env["DATABASE_URL"])
        _recreate_postgres(_restore_url(env["DATABASE_URL"]))
    else:
        for name in ("loadtest.sqlite3", "restored.sqlite3"):
            for suffix in ("", "-wal", "-shm"):
                (WORK / f"{name}{suffix}").unlink(missing_ok=True)
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse

    from blog.models import Post
    from comments.models import DiscussionSettings
    from comments.services import comments_open

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    settings = DiscussionSettings.load()
    # 1,000 comments in a couple of minutes from one address: no flood pause, and no
    # holding back of first-time commenters (replies need an approved parent).
    settings.flood_seconds = 0
    settings.require_previous_approval = False
    settings.save()
    posts = [
        p
        for p in Post.objects.listed_for(None).filter(visibility=Post.Visibility.PUBLIC)
        if comments_open(p)
    ][:5]
    if len(posts) < 2:
        raise SystemExit("the demo content has no posts open for comments")
    result = [
        {
            "id": p.pk,
            "comment_url": reverse("comments:comment_create", kwargs={"post_id": p.pk}),
            "url": p.get_absolute_url(),
        }
        for p in posts
    ]
    connections.close_all()
    return result


# The server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, log_path: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
        # No control socket: it would go to ~/.gunicorn/gunicorn.ctl, shared by all runs.
        + ["--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited at start-up; see {log_path}")
        status, _body, _headers = request(port, "GET", "/robots.txt", timeout=5)
        if status == 200 and len(worker_pids(proc.pid)) == int(env["WEB_CONCURRENCY"]):
            return proc, port
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit(f"gunicorn did not start; see {log_path}")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def worker_pids(master: int) -> list[int]:
    """The master's child processes, from /proc (the gunicorn workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == master and fields[0] != "Z":
            pids.append(int(entry))
    return sorted(pids)


def busy_workers(pids: list[int], port: int) -> list[int]:
    """Those of `pids` holding an established connection to `port`: serving a request."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                established.add(fields[9])
    busy = []
    for pid in pids:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if any(link.startswith("socket:[") and link[8:-1] in established for link in links):
            busy.append(pid)
    return busy


def request(port: int, method: str, path: str, body=None, headers=None, timeout=60):
    """One request on a fresh connection: (status or None on a broken connection, body,
    headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    except (OSError, http.client.HTTPException) as exc:
        return None, repr(exc).encode(), {}
    finally:
        conn.close()


# The load -----------------------------------------------------------------------------


@dataclass
class Accepted:
    client: int
    n: int
    post_id: int
    parent_id: int | None
    depth: int
    comment_id: int | None  # None: recovered through a 409 after a broken connection


@dataclass
class Run:
    port: int
    posts: list[dict]
    total: int
    clients: int
    replies: float
    deadline: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    accepted: list[Accepted] = field(default_factory=list)
    by_post: dict = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    reads: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    interrupted: int = 0
    retried: int = 0
    recovered: int = 0
    locked_seen: int = 0
    writers_done: threading.Event = field(default_factory=threading.Event)
    milestones: dict = field(default_factory=dict)

    def note(self, problem: str) -> None:
        with self.lock:
            if len(self.problems) < 50:
                self.problems.append(problem)

    @property
    def done(self) -> int:
        with self.lock:
            return len(self.accepted)


def _body(client: int, n: int, rng: random.Random) -> str:
    words = ["Danke", "für", "den", "Beitrag", "über", "Größe", "Übung", "Geduld", "Grüße"]
    text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 40)))
    return f"{text}.\n\nKommentar {n} von Leser {client} [lt {client}-{n}]"


def writer(run: Run, client: int, count: int) -> None:
    rng = random.Random(client)
    origin = f"http://127.0.0.1:{run.port}"
    for n in range(count):
        if run.writers_done.is_set():  # the run was aborted
            return
        if time.monotonic() > run.deadline:
            run.note(f"client {client}: time limit reached at comment {n}")
            return
        post = rng.choice(run.posts)
        parent = None
        if rng.random() < run.replies:
            with run.lock:
                candidates = [
                    a
                    for a in run.by_post.get(post["id"], [])
                    if a.client != client and a.depth < THREAD_DEPTH and a.comment_id
                ]
            if candidates:
                parent = rng.choice(candidates)
        fields = {
            "body": _body(client, n, rng),
            "author_name": f"Leser {client}",
            "author_email": f"leser{client}@example.invalid",
            "author_url": "",
            "captcha": "passed",
            "honeypot": "",
            "parent": str(parent.comment_id) if parent else "",
        }
        headers = {
            "Origin": origin,
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": f"blog-loadtest/{client}",
            "X-Real-IP": f"10.77.0.{client + 1}",
        }
        payload = urlencode(fields)
        broken = False
        for attempt in range(6):
            begin = time.perf_counter()
            status, body, response_headers = request(
                run.port, "POST", post["comment_url"], payload, headers
            )
            elapsed = time.perf_counter() - begin
            with run.lock:
                run.statuses[status or "broken"] += 1
                run.latencies.append(elapsed)
                run.retried += attempt > 0
            if b"database is locked" in body:
                with run.lock:
                    run.locked_seen += 1
            if status is None:
                # The worker died under this request (or the connection broke): send it
                # again; the duplicate check tells whether it had been saved.
                broken = True
                with run.lock:
                    run.interrupted += 1
                time.sleep(0.2 * (attempt + 1))
                continue
            break
        else:
            run.note(f"client {client} comment {n}: no answer after 6 attempts")
            continue
        location = response_headers.get("Location", "")
        match = re.search(r"#comment-(\d+)$", location)
        if status == 302 and match:
            comment_id = int(match.group(1))
        elif status == 409 and broken:
            comment_id = None  # saved by the attempt that broke; found in the database later
            with run.lock:
                run.recovered += 1
        else:
            snippet = re.sub(rb"\s+", b" ", body[:300]).decode("utf-8", "replace")
            run.note(f"client {client} comment {n}: {status} {location} {snippet}")
            continue
        item = Accepted(
            client=client,
            n=n,
            post_id=post["id"],
            parent_id=parent.comment_id if parent else None,
            depth=parent.depth + 1 if parent else 1,
            comment_id=comment_id,
        )
        with run.lock:
            run.accepted.append(item)
            run.by_post.setdefault(post["id"], []).append(item)


def reader(run: Run, number: int) -> None:
    rng = random.Random(1000 + number)
    paths = ["/", "/feed/", "/comments/feed/", "/sitemap.xml", "/?s=training"]
    paths += [p["url"] for p in run.posts]
    while not run.writers_done.is_set() and time.monotonic() < run.deadline:
        path = rng.choice(paths)
        status, body, _headers = request(run.port, "GET", path)
        with run.lock:
            run.reads[status or "broken"] += 1
        if status is not None and status >= 500:
            run.note(f"reader: {status} on {path}")
        if b"database is locked" in body:
            with run.lock:
                run.locked_seen += 1


def killer(run: Run, master: int, at: int, workers: int) -> None:
    """SIGKILL one worker in the middle of a request once `at` comments are in; wait for
    its replacement."""
    while run.done < at and not run.writers_done.is_set():
        time.sleep(0.02)
    if run.writers_done.is_set():
        run.note("the kill came too late: the load was over")
        return
    before = worker_pids(master)
    busy: list[int] = []
    give_up = time.monotonic() + 2
    while not busy and time.monotonic() < give_up:
        busy = busy_workers(before, run.port)
    victim = (busy or before)[0]
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    run.milestones["killed"] = {
        "pid": victim,
        "after_comments": run.done,
        "while_serving": bool(busy),
    }
    while time.monotonic() - killed_at < 30:
        now = worker_pids(master)
        new = sorted(set(now) - set(before))
        if victim not in now and len(now) == workers and new:
            run.milestones["restarted"] = {
                "pid": new[0],
                "seconds": round(time.monotonic() - killed_at, 2),
            }
            return
        time.sleep(0.05)
    run.note(f"the master did not replace worker {victim} within 30 s")


def backup_during_load(run: Run, env: dict, at: int, path: Path) -> None:
    from django.db import connection

    from comments.models import Comment

    while run.done < at and not run.writers_done.is_set():
        time.sleep(0.02)
    try:
        before = Comment.objects.count()
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "manage.py", "backup", str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        seconds = time.monotonic() - started
        after = Comment.objects.count()
    finally:
        connection.close()
    if result.returncode != 0:
        run.note(f"backup failed: {result.stderr.strip()[-500:]}")
        return
    counts = _counts(result.stdout, "Snapshot")
    run.milestones["backup"] = {
        "path": str(path),
        "seconds": round(seconds, 2),
        "comments_before": before,
        "comments_after": after,
        "counts": counts,
        "writers_going_on": not run.writers_done.is_set(),
    }
    if not before <= counts["comments"] <= after:
        run.note(f"backup snapshot of {counts['comments']} comments outside [{before}, {after}]")


def _counts(output: str, label: str) -> dict:
    line = re.search(rf"^{label}: (.*)$", output, re.MULTILINE)
    return {k: int(v) for k, v in (i.split("=") for i in line.group(1).split())} if line else {}


# Checks -------------------------------------------------------------------------------


def check_pages(run: Run) -> int:
    """Every accepted comment shows on its post's page (through the page cache)."""
    missing = 0
    for post in run.posts:
        status, body, _headers = request(run.port, "GET", post["url"])
        if status != 200:
            run.note(f"post page {post['url']}: {status}")
            missing += 1
            continue
        shown = {int(m) for m in re.findall(rb'<li id="comment-(\d+)"', body)}
        for item in run.by_post.get(post["id"], []):
            if item.comment_id and item.comment_id not in shown:
                missing += 1
                if missing <= 5:
                    run.note(f"comment {item.comment_id} missing on {post['url']}")
    return missing


def check_database(run: Run) -> dict:
    from django.db import connection

    from blog.models import Post
    from comments.models import Comment

    rows = {}
    tokens = Counter()
    for pk, post_id, parent_id, depth, status, body in Comment.objects.values_list(
        "pk", "post_id", "parent_id", "depth", "status", "body"
    ):
        match = TOKEN_RE.search(body)
        if match:
            key = (int(match.group(1)), int(match.group(2)))
            tokens[key] += 1
            rows[key] = (pk, post_id, parent_id, depth, status)
    lost = wrong_thread = not_approved = 0
    for item in run.accepted:
        row = rows.get((item.client, item.n))
        if row is None:
            lost += 1
            run.note(f"lost: client {item.client} comment {item.n} (id {item.comment_id})")
            continue
        pk, post_id, parent_id, depth, status = row
        expected = (item.comment_id or pk, item.post_id, item.parent_id, item.depth)
        if (pk, post_id, parent_id, depth) != expected:
            wrong_thread += 1
            run.note(f"wrong place: {(pk, post_id, parent_id, depth)} != {expected}")
        if status != "approved":
            not_approved += 1
    acknowledged = {(a.client, a.n) for a in run.accepted}
    counts_wrong = 0
    for post in Post.objects.all():
        real = Comment.objects.visible().filter(post=post).count()
        if post.comment_count != real:
            counts_wrong += 1
            run.note(f"post {post.pk}: stored comment count {post.comment_count}, real {real}")
    connection.close()
    return {
        "in_db": sum(tokens.values()),
        "distinct_in_db": len(tokens),
        "duplicates": sum(n - 1 for n in tokens.values() if n > 1),
        "lost": lost,
        "wrong_thread": wrong_thread,
        "not_approved": not_approved,
        "unacknowledged_in_db": len(set(tokens) - acknowledged),
        "posts_with_wrong_count": counts_wrong,
    }


def check_restore(run: Run, env: dict, backup: dict) -> dict:
    """Restore the backup taken under load into a fresh database and check it."""
    restore_env = dict(env)
    if "DATABASE_URL" in env:
        restore_env["DATABASE_URL"] = _restore_url(env["DATABASE_URL"])
    else:
        restore_env["DJANGO_SQLITE_PATH"] = str(WORK / "restored.sqlite3")
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", backup["path"], "--noinput"],
        cwd=ROOT,
        env=restore_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        run.note(f"restore failed: {result.stderr.strip()[-500:]}")
        return {"ok": False}
    restored = _counts(result.stdout, "Restored")
    sql = (
        "SELECT c.body FROM comments_comment c",
        "SELECT p.id, p.comment_count, (SELECT COUNT(*) FROM comments_comment c "
        "WHERE c.post_id = p.id AND c.status = 'approved') FROM blog_post p",
    )
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(restore_env["DATABASE_URL"]) as conn:
            bodies = conn.execute(sql[0]).fetchall()
            post_counts = conn.execute(sql[1]).fetchall()
    else:
        import sqlite3

        with sqlite3.connect(restore_env["DJANGO_SQLITE_PATH"]) as conn:
            bodies = conn.execute(sql[0]).fetchall()
            post_counts = conn.execute(sql[1]).fetchall()
        conn.close()
    per_client: dict[int, set] = {}
    for (body,) in bodies:
        match = TOKEN_RE.search(body)
        if match:
            per_client.setdefault(int(match.group(1)), set()).add(int(match.group(2)))
    gaps = [c for c, ns in per_client.items() if ns != set(range(len(ns)))]
    wrong_counts = [row for row in post_counts if row[1] != row[2]]
    ok = restored == backup["counts"] and not gaps and not wrong_counts
    if not ok:
        run.note(
            f"restored {restored} vs snapshot {backup['counts']}; clients with gaps {gaps}; "
            f"wrong post counts {wrong_counts[:3]}"
        )
    return {
        "ok": ok,
        "restored": restored,
        "load_comments_in_backup": sum(len(ns) for ns in per_client.values()),
    }


def scan_log(path: Path) -> dict:
    text = path.read_text(errors="replace")
    found = {needle: text.count(needle) for needle in PROBLEMS_IN_LOG}
    found["booted"] = len(re.findall(r"Booting worker with pid", text))
    return found


def drop_redis_keys(env: dict) -> None:
    if "REDIS_URL" not in env or not _redis_answers(env["REDIS_URL"]):
        return
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"], socket_timeout=2)
    keys = list(client.scan_iter(match=f"{env['DJANGO_CACHE_PREFIX']}:*"))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


# Main ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--replies", type=float, default=0.4)
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--no-backup", action="store_true")
    parser.add_argument("--cache", choices=("auto", "local", "redis", "gone"), default="auto")
    parser.add_argument("--time-limit", type=float, default=240)
    parser.add_argument(
        "--compare",
        action="store_true",
        help="SQLite, then DATABASE_URL's PostgreSQL, one after the other: both summaries "
        "and PostgreSQL's rate as a share of SQLite's",
    )
    args = parser.parse_args()
    if args.compare:
        return compare([a for a in sys.argv[1:] if a != "--compare"])

    started = time.monotonic()
    env = make_env(args)
    database = "postgresql" if "DATABASE_URL" in env else "sqlite"
    cache = "redis" if "REDIS_URL" in env else "local memory"
    if args.cache == "gone":
        cache = "redis configured but unreachable"
    print(f"load test on {database}, cache {cache}, {args.workers} gunicorn workers", flush=True)
    posts = prepare_database(env)
    setup_seconds = time.monotonic() - started
    log_path = WORK / f"gunicorn-{database}.log"
    proc, port = start_server(env, log_path)
    print(
        f"  set-up {setup_seconds:.1f} s; gunicorn pid {proc.pid} on 127.0.0.1:{port}, "
        f"workers {worker_pids(proc.pid)}",
        flush=True,
    )
    run = Run(
        port=port,
        posts=posts,
        total=args.comments,
        clients=args.clients,
        replies=args.replies,
        deadline=time.monotonic() + args.time_limit,
    )
    per_client = [
        args.comments // args.clients + (i < args.comments % args.clients)
        for i in range(args.clients)
    ]
    threads = [
        threading.Thread(target=writer, args=(run, i, n), name=f"client-{i}")
        for i, n in enumerate(per_client)
    ]
    readers = [
        threading.Thread(target=reader, args=(run, i), name=f"reader-{i}")
        for i in range(args.readers)
    ]
    side = []
    if not args.no_kill:
        side.append(
            threading.Thread(
                target=killer, args=(run, proc.pid, int(args.comments * 0.4), args.workers)
            )
        )
    backup_path = WORK / ("backup.dump" if database == "postgresql" else "backup.sqlite3")
    if not args.no_backup:
        backup_path.unlink(missing_ok=True)
        side.append(
            threading.Thread(
                target=backup_during_load,
                args=(run, env, int(args.comments * 0.6), backup_path),
            )
        )
    load_started = time.monotonic()
    try:
        for thread in [*threads, *readers, *side]:
            thread.start()
        last = 0
        while any(t.is_alive() for t in threads):
            time.sleep(1)
            done = run.done
            if done - last >= 100 or not any(t.is_alive() for t in threads):
                print(f"  {done} comments accepted", flush=True)
                last = done
        load_seconds = time.monotonic() - load_started
        run.writers_done.set()
        for thread in [*readers, *side]:
            thread.join()
        workers_after = worker_pids(proc.pid)
        missing_on_pages = check_pages(run)
    finally:
        run.writers_done.set()
        stop_server(proc)
    log = scan_log(log_path)
    db = check_database(run)
    restore = {}
    if not args.no_backup:
        backup = run.milestones.get("backup")
        restore = check_restore(run, env, backup) if backup else {"ok": False}
    drop_redis_keys(env)

    server_errors = sum(n for s, n in run.statuses.items() if s != "broken" and s >= 500)
    read_errors = sum(n for s, n in run.reads.items() if s != "broken" and s >= 500)
    killed = run.milestones.get("killed")
    restarted = run.milestones.get("restarted")
    latencies = sorted(run.latencies)
    figures = {
        "database": database,
        "cache": cache,
        "workers": args.workers,
        "clients": args.clients,
        "readers": args.readers,
        "comments_posted": args.comments,
        "accepted_302": sum(1 for a in run.accepted if a.comment_id),
        "recovered_409_after_broken_connection": run.recovered,
        "replies": sum(1 for a in run.accepted if a.parent_id),
        "post_statuses": {str(k): v for k, v in run.statuses.items()},
        "broken_connections": run.interrupted,
        "resent": run.retried,
        "server_errors_5xx": server_errors + read_errors,
        "reads": {str(k): v for k, v in run.reads.items()},
        "database_is_locked_seen": run.locked_seen + log["database is locked"],
        "server_log": log,
        "missing_on_pages": missing_on_pages,
        **db,
        "worker_killed": killed,
        "worker_restarted": restarted,
        "workers_at_end": len(workers_after),
        "backup": run.milestones.get("backup"),
        "restore": restore,
        "load_seconds": round(load_seconds, 1),
        "comments_per_second": round(len(run.accepted) / load_seconds, 1),
        "post_latency_ms_p50_p99": [
            round(statistics.median(latencies) * 1000) if latencies else None,
            round(latencies[int(len(latencies) * 0.99) - 1] * 1000) if latencies else None,
        ],
        "total_seconds": round(time.monotonic() - started, 1),
        "problems": run.problems,
    }
    failures = []
    if len(run.accepted) != args.comments:
        failures.append(f"{args.comments - len(run.accepted)} comments not accepted")
    for key in ("lost", "duplicates", "wrong_thread", "not_approved", "unacknowledged_in_db"):
        if db[key]:
            failures.append(f"{key}: {db[key]}")
    if db["posts_with_wrong_count"]:
        failures.append(f"posts with a wrong comment count: {db['posts_with_wrong_count']}")
    if figures["server_errors_5xx"]:
        failures.append(f"{figures['server_errors_5xx']} server errors")
    if figures["database_is_locked_seen"]:
        failures.append("'database is locked' seen")
    for needle in ("Traceback", "WORKER TIMEOUT", "Internal Server Error"):
        if log[needle]:
            failures.append(f"server log: {log[needle]} × {needle}")
    if missing_on_pages:
        failures.append(f"{missing_on_pages} accepted comments missing on their pages")
    if not args.no_kill and not (killed and restarted):
        failures.append("worker not killed and restarted")
    if len(workers_after) != args.workers:
        failures.append(f"{len(workers_after)} workers at the end, not {args.workers}")
    if not args.no_backup and not restore.get("ok"):
        failures.append("backup under load did not restore to its snapshot")
    figures["failures"] = failures

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"loadtest-{database}.json").write_text(json.dumps(figures, indent=2))
    print(summary(figures))
    for problem in run.problems[:20]:
        print(f"  ! {problem}")
    print(f"details: {RESULTS / f'loadtest-{database}.json'}, server log: {log_path}")
    if failures:
        print("LOAD TEST FAILED: " + "; ".join(failures))
        return 1
    print("load test passed")
    return 0


def compare(argv: list[str]) -> int:
    """Run the load test on SQLite and then on PostgreSQL in subprocesses; the ratio."""
    if not _postgres_url():
        raise SystemExit("--compare needs DATABASE_URL=postgres://…/NAME (dropped and created)")
    results, failed = {}, False
    for database in ("sqlite", "postgresql"):
        env = dict(os.environ)
        if database == "sqlite":
            env.pop("DATABASE_URL")
        print(f"=== {database}", flush=True)
        failed |= (
            subprocess.run([sys.executable, __file__, *argv], env=env, check=False).returncode != 0
        )
        results[database] = json.loads((RESULTS / f"loadtest-{database}.json").read_text())
    sqlite, postgres = results["sqlite"], results["postgresql"]
    keys = ("lost", "duplicates", "server_errors_5xx", "missing_on_pages", "posts_with_wrong_count")
    lines = ["", "in one run, one after the other on the same machine:"]
    for name, f in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        p50, p99 = f["post_latency_ms_p50_p99"]
        lines.append(
            f"  {name} ({f['cache']}): {f['comments_per_second']} comments/s, "
            f"POST p50/p99 {p50}/{p99} ms"
        )
    ratio = postgres["comments_per_second"] / sqlite["comments_per_second"]
    lines.append(f"  PostgreSQL / SQLite: {ratio:.2f}× the rate")
    lines += [f"  {k}: SQLite {sqlite[k]}, PostgreSQL {postgres[k]}" for k in keys]
    print("\n".join(lines))
    return 1 if failed else 0


def summary(f: dict) -> str:
    backup = f.get("backup") or {}
    restore = f.get("restore") or {}
    killed, restarted = f.get("worker_killed") or {}, f.get("worker_restarted") or {}
    lines = [
        "",
        f"load test: {f['database']}, cache {f['cache']}, {f['workers']} workers, "
        f"{f['clients']} clients + {f['readers']} readers",
        f"  comments posted        {f['comments_posted']}",
        f"  accepted (302)         {f['accepted_302']}"
        f"  + {f['recovered_409_after_broken_connection']} found saved on resend (409)",
        f"  replies among them     {f['replies']}",
        f"  in database            {f['in_db']} (distinct {f['distinct_in_db']})",
        f"  lost                   {f['lost']}",
        f"  duplicates             {f['duplicates']}",
        f"  wrong thread/post      {f['wrong_thread']}",
        f"  missing on their page  {f['missing_on_pages']}",
        f"  post comment counts    {f['posts_with_wrong_count']} wrong",
        f"  5xx answers            {f['server_errors_5xx']}",
        f"  'database is locked'   {f['database_is_locked_seen']}",
        f"  page reads             {sum(f['reads'].values())} {f['reads']}",
        f"  POST answers           {f['post_statuses']}",
        f"  broken connections     {f['broken_connections']} (resent: {f['resent']})",
        f"  worker SIGKILLed       pid {killed.get('pid')} after {killed.get('after_comments')}"
        f" comments{' in mid-request' if killed.get('while_serving') else ''};"
        f" replaced by pid {restarted.get('pid')} in {restarted.get('seconds')} s;"
        f" {f['workers_at_end']} workers at the end"
        if killed
        else f"  worker SIGKILLed       no; {f['workers_at_end']} workers at the end",
        f"  backup under load      {backup.get('counts')} in {backup.get('seconds')} s "
        f"(comments before/after: {backup.get('comments_before')}/"
        f"{backup.get('comments_after')}); restored into a fresh database: "
        f"{'same counts, consistent' if restore.get('ok') else 'FAILED'}"
        if restore
        else "  backup under load      skipped",
        f"  load phase             {f['load_seconds']} s, {f['comments_per_second']} comments/s,"
        f" POST p50/p99 {f['post_latency_ms_p50_p99'][0]}/{f['post_latency_ms_p50_p99'][1]} ms",
        f"  total                  {f['total_seconds']} s",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
