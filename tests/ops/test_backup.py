"""`manage.py backup` and `manage.py restore` while the site takes writes (issue #7).

SQLite: a real database file (WAL, as in production), three writer processes posting
comments through the site's write path, backups taken meanwhile; every backup must be
a consistent snapshot (each writer's comments a gapless prefix, parents present, the
posts' stored comment counts right) and restore, into a fresh file and over the live
database, must bring back exactly the counts of the snapshot.

PostgreSQL (when the suite runs with DATABASE_URL on PostgreSQL): the same with writer
threads, pg_dump and pg_restore.
"""

import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.ops import writer

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 3


def _counts(output: str, label: str) -> dict[str, int]:
    line = re.search(rf"^{label}: (.*)$", output, re.MULTILINE)
    assert line, output
    return {k: int(v) for k, v in (item.split("=") for item in line.group(1).split())}


def _wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# SQLite: separate processes on a real database file -------------------------------------


def _env(db: Path, tmp: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL") and not key.startswith("PYTEST_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SQLITE_PATH=str(db),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        BLOG_CONTENT_VERSION_FILE=str(tmp / "content-version"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _sqlite_rows(db: Path, sql: str) -> list:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute(sql).fetchall()


def _comment_total(db: Path) -> int:
    return _sqlite_rows(db, "SELECT COUNT(*) FROM comments_comment")[0][0]


def _writers_seen(db: Path) -> int:
    """How many writers have committed at least one comment."""
    return _sqlite_rows(
        db,
        "SELECT COUNT(DISTINCT author_name) FROM comments_comment "
        "WHERE author_name LIKE 'Schreiber %'",
    )[0][0]


def _check_sqlite_snapshot(db: Path, expected: dict[str, int]) -> dict[int, int]:
    """The snapshot holds the counts printed for it and is consistent in itself."""
    assert _sqlite_rows(db, "PRAGMA quick_check") == [("ok",)]
    tables = {
        "posts": "blog_post",
        "comments": "comments_comment",
        "pages": "blog_page",
        "users": "auth_user",
    }
    found = {k: _sqlite_rows(db, f"SELECT COUNT(*) FROM {t}")[0][0] for k, t in tables.items()}  # noqa: S608
    assert found == expected
    stored = dict(_sqlite_rows(db, "SELECT id, comment_count FROM blog_post"))
    approved = dict(
        _sqlite_rows(
            db,
            "SELECT post_id, COUNT(*) FROM comments_comment WHERE status='approved' "
            "GROUP BY post_id",
        )
    )
    assert {pk: n for pk, n in stored.items() if n} == approved
    return writer.check_snapshot(
        _sqlite_rows(db, "SELECT body, parent_id, id FROM comments_comment")
    )


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    """A migrated SQLite database file with one post open for comments."""
    tmp = tmp_path_factory.mktemp("sqlite-site")
    db = tmp / "template.sqlite3"
    env = _env(db, tmp)
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    out = _manage(
        env,
        "shell",
        "-c",
        "from tests.factories import PostFactory, UserFactory\n"
        "from tests.ops.writer import prepare\n"
        "prepare()\n"
        "post = PostFactory(title='sicherung', author=UserFactory(username='oliver'))\n"
        "print('post', post.pk)",
    )
    return db, int(re.search(r"post (\d+)", out).group(1))


def test_sqlite_backup_under_load_and_restore(sqlite_site, tmp_path):
    template, post_id = sqlite_site
    db = tmp_path / "site.sqlite3"
    shutil.copy(template, db)
    env = _env(db, tmp_path)
    stop = tmp_path / "stop"
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.ops.writer", str(post_id), str(w), str(stop)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    backups = []
    try:
        # every writer has started (a slow start must not look like a missing writer)
        _wait_for(lambda: _writers_seen(db) == WRITERS and _comment_total(db) >= 60)
        for i in range(4):
            before = _comment_total(db)
            out = _manage(env, "backup", str(tmp_path / f"backup-{i}.sqlite3"))
            after = _comment_total(db)
            snapshot = _counts(out, "Snapshot")
            assert before <= snapshot["comments"] <= after
            backups.append((tmp_path / f"backup-{i}.sqlite3", snapshot))
            time.sleep(0.2)
    finally:
        stop.touch()
        results = [w.communicate(timeout=60) for w in writers]
    for w, (_stdout, stderr) in zip(writers, results, strict=True):
        assert w.returncode == 0, stderr
        assert "database is locked" not in stderr
    written = _comment_total(db)
    assert written > backups[-1][1]["comments"], "the writers went on after the last backup"

    for path, snapshot in backups:
        prefix = _check_sqlite_snapshot(path, snapshot)
        assert sum(prefix.values()) == snapshot["comments"]
        assert len(prefix) == WRITERS

    # A backup taken under load, restored into a fresh database.
    path, snapshot = backups[-1]
    fresh = tmp_path / "fresh.sqlite3"
    out = _manage(_env(fresh, tmp_path), "restore", str(path), "--noinput")
    assert _counts(out, "Restored") == snapshot
    _check_sqlite_snapshot(fresh, snapshot)
    _manage(_env(fresh, tmp_path), "migrate", "--check")

    # And over the live database: what was written after the backup is gone again.
    path, snapshot = backups[0]
    out = _manage(env, "restore", str(path), "--noinput")
    assert _counts(out, "Restored") == snapshot
    assert _comment_total(db) == snapshot["comments"] < written
    assert _sqlite_rows(db, "PRAGMA journal_mode") == [("wal",)]


# Both databases: the commands in-process, on the test database -------------------------


@pytest.mark.django_db(transaction=True)
def test_round_trip(tmp_path):
    post = PostFactory()
    CommentFactory.create_batch(3, post=post)
    out = io.StringIO()
    call_command("backup", str(tmp_path / "site.backup"), stdout=out)
    snapshot = _counts(out.getvalue(), "Snapshot")
    assert snapshot["comments"] == 3
    CommentFactory(post=post, body="nach der Sicherung")
    out = io.StringIO()
    call_command("restore", str(tmp_path / "site.backup"), interactive=False, stdout=out)
    assert _counts(out.getvalue(), "Restored") == snapshot
    assert Comment.objects.count() == 3
    assert not Comment.objects.filter(body="nach der Sicherung").exists()


@pytest.mark.django_db
def test_restore_refuses_foreign_files_and_asks_first(tmp_path, monkeypatch):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup at all")
    with pytest.raises(CommandError, match="neither"):
        call_command("restore", str(junk), interactive=False)
    with pytest.raises(CommandError, match="No such backup"):
        call_command("restore", str(tmp_path / "missing"), interactive=False)
    other = tmp_path / "other"
    if connection.vendor == "sqlite":
        other.write_bytes(b"PGDMP" + b"\0" * 100)
    else:
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(CommandError, match="backup; the database is"):
        call_command("restore", str(other), interactive=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(junk))
    with pytest.raises(CommandError, match="No such folder"):
        call_command("backup", str(tmp_path / "missing" / "out"))


# PostgreSQL: writer threads, pg_dump, pg_restore -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_under_load_and_restore(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite (DATABASE_URL=postgres://… for this test)")
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump is missing (apt-get install postgresql-client)")
    post = PostFactory()
    writer.prepare()
    stop = threading.Event()
    errors = []

    def run(w):
        try:
            writer.write(post.pk, w, stop.is_set)
        except Exception as exc:  # reported below
            errors.append(repr(exc))
            raise

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    backups = []
    try:
        _wait_for(
            lambda: (
                Comment.objects.values("author_name").distinct().count() == WRITERS
                and Comment.objects.count() >= 60
            )
        )
        for i in range(3):
            before = Comment.objects.count()
            out = io.StringIO()
            call_command("backup", str(tmp_path / f"backup-{i}.dump"), stdout=out)
            after = Comment.objects.count()
            snapshot = _counts(out.getvalue(), "Snapshot")
            assert before <= snapshot["comments"] <= after
            backups.append((tmp_path / f"backup-{i}.dump", snapshot))
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors
    written = Comment.objects.count()
    assert written > backups[-1][1]["comments"]

    for path, snapshot in backups:
        out = io.StringIO()
        call_command("restore", str(path), interactive=False, stdout=out)
        assert _counts(out.getvalue(), "Restored") == snapshot
        rows = list(Comment.objects.values_list("body", "parent_id", "id"))
        prefix = writer.check_snapshot(rows)
        assert sum(prefix.values()) == snapshot["comments"] == len(rows)
        post.refresh_from_db()
        assert post.comment_count == Comment.objects.visible().filter(post=post).count()
    assert Comment.objects.count() < written
