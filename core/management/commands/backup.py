"""`python manage.py backup OUT`: a consistent snapshot of the database (core/backup.py).

SQLite through its online backup API, PostgreSQL through pg_dump (custom format); safe
while the site takes writes. Prints the rows of the main tables in the snapshot.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from core import backup


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the database to OUT while the site runs "
        "(SQLite: online backup API; PostgreSQL: pg_dump --format=custom)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="the backup file to write (replaced if it exists)")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, **options):
        out = Path(options["out"])
        counts = backup.backup(out, options["database"])
        size = out.stat().st_size
        self.stdout.write(
            f"Backup of the {backup.vendor(options['database'])} database written to {out} "
            f"({size / 1024:.0f} KB)."
        )
        self.stdout.write(f"Snapshot: {backup.format_counts(counts)}")
