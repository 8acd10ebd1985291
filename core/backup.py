"""Consistent backups of the running site and their restore (issue #7).

`python manage.py backup OUT` and `python manage.py restore IN` (core/management/commands).

SQLite: SQLite's online backup API copies the database in one step inside a read
transaction, so the copy is the database as of one instant, while gunicorn workers go
on writing (WAL mode lets them). The copy is switched to a rollback journal, so that
OUT is one self-contained file, and checked with `PRAGMA quick_check`. Restoring runs
the same API the other way: the live database is replaced in one write transaction,
and other connections see the restored content on their next query.

PostgreSQL: a REPEATABLE READ transaction exports its snapshot, counts the rows in it
and hands it to `pg_dump --snapshot` (custom format), so the figures printed are those
of the dump itself. Restoring is `pg_restore --clean --if-exists --single-transaction`.
pg_dump and pg_restore must be on PATH (Debian: postgresql-client).

Both print the rows of the main tables as "posts=… comments=… pages=… users=…", from
the snapshot; restore prints the same figures from the restored database.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.core.management.base import CommandError
from django.db import connections, transaction

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
COUNTED = {
    "posts": "blog.Post",
    "comments": "comments.Comment",
    "pages": "blog.Page",
    "users": "auth.User",
}


def _tables() -> dict[str, str]:
    return {name: apps.get_model(label)._meta.db_table for name, label in COUNTED.items()}


def _count(cursor) -> dict[str, int]:
    counts = {}
    for name, table in _tables().items():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (our table names)
        counts[name] = cursor.fetchone()[0]
    return counts


def format_counts(counts: dict[str, int]) -> str:
    return " ".join(f"{name}={value}" for name, value in counts.items())


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


# Backup -------------------------------------------------------------------------------


def backup(out: Path, alias: str = "default") -> dict[str, int]:
    """Write a consistent snapshot of the database to `out`; return its row counts."""
    out = Path(out)
    if out.parent and not out.parent.is_dir():
        raise CommandError(f"No such folder: {out.parent}")
    tmp = out.with_name(f".{out.name}.partial")
    tmp.unlink(missing_ok=True)
    try:
        kind = vendor(alias)
        if kind == "sqlite":
            counts = _backup_sqlite(tmp, alias)
        elif kind == "postgresql":
            counts = _backup_postgresql(tmp, alias)
        else:
            raise CommandError(f"Backups of {kind} databases are not supported.")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _backup_sqlite(tmp: Path, alias: str) -> dict[str, int]:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise CommandError("A backup cannot be taken inside a transaction.")
    target = sqlite3.connect(tmp)
    try:
        # pages=-1: the whole database in one step, i.e. in one read transaction on
        # the source: a consistent snapshot, while writers carry on in the WAL.
        connection.connection.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")
        check = target.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise CommandError(f"The copy failed its integrity check: {check}")
        counts = _count(target.cursor())
    finally:
        target.close()
    return counts


def _pg_command(program: str, alias: str, arguments: list[str]) -> tuple[list[str], dict]:
    """`program` with the connection of `alias`: host, port and user as options, the
    password and TLS settings in the environment (never on the command line)."""
    executable = shutil.which(program)
    if executable is None:
        raise CommandError(
            f"{program} was not found on PATH (Debian: apt-get install postgresql-client)."
        )
    settings_dict = connections[alias].settings_dict
    args, env = connections[alias].client.settings_to_cmd_args_env(settings_dict, [])
    # settings_to_cmd_args_env gives ["psql", -U/-h/-p …, dbname]; the name goes into
    # PGDATABASE / --dbname instead, which both programs understand.
    options = args[1:-1] if settings_dict.get("NAME") else args[1:]
    env = {**os.environ, **(env or {})}
    if settings_dict.get("NAME"):
        env["PGDATABASE"] = settings_dict["NAME"]
    return [executable, *options, *arguments], env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(
            f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()}"
        )


def _backup_postgresql(tmp: Path, alias: str) -> dict[str, int]:
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count(cursor)
        command, env = _pg_command(
            "pg_dump",
            alias,
            ["--format=custom", f"--snapshot={snapshot}", f"--file={tmp}"],
        )
        # The exporting transaction stays open until pg_dump has taken the snapshot.
        _run(command, env)
    return counts


# Restore ------------------------------------------------------------------------------


def detect(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise CommandError(f"{path} is neither an SQLite backup nor a pg_dump archive.")


def restore(source: Path, alias: str = "default") -> dict[str, int]:
    """Replace the database of `alias` with the backup `source`; return the new counts."""
    source = Path(source)
    if not source.is_file():
        raise CommandError(f"No such backup file: {source}")
    kind, target = detect(source), vendor(alias)
    if kind != target:
        raise CommandError(f"{source} is a {kind} backup; the database is {target}.")
    if kind == "sqlite":
        _restore_sqlite(source, alias)
    else:
        _restore_postgresql(source, alias)
    connection = connections[alias]
    connection.close()
    with connection.cursor() as cursor:
        counts = _count(cursor)
    _forget_cached_pages()
    return counts


def _restore_sqlite(source: Path, alias: str) -> None:
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        check = backup_db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise CommandError(f"{source} failed its integrity check: {check}")
        found = backup_db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
        ).fetchone()
        if not found:
            raise CommandError(f"{source} is not a backup of this site (no migrations table).")
        connection = connections[alias]
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise CommandError("A restore cannot run inside a transaction.")
        # One write transaction on the live database: other connections wait (busy
        # timeout) and then see the restored content. A WAL database stays in WAL mode.
        backup_db.backup(connection.connection, pages=-1)
    finally:
        backup_db.close()


def _restore_postgresql(source: Path, alias: str) -> None:
    command, env = _pg_command(
        "pg_restore",
        alias,
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connections[alias].settings_dict.get('NAME') or 'postgres'}",
            str(source),
        ],
    )
    _run(command, env)


def _forget_cached_pages() -> None:
    """Cached pages and settings describe the database before the restore."""
    from django.core.cache import cache

    from .contentversion import bump_content_version

    cache.clear()
    bump_content_version()
