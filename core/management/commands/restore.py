"""`python manage.py restore IN`: bring back a backup made by `backup` (core/backup.py).

Replaces the whole database with the snapshot; asks first unless --noinput is given.
Cached pages are dropped afterwards. Prints the rows of the main tables after the restore.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = "Replace the database with a backup written by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="IN", help="the backup file")
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, **options):
        source = Path(options["source"])
        alias = options["database"]
        if options["interactive"]:
            from django.db import connections

            name = connections[alias].settings_dict.get("NAME")
            try:
                answer = input(
                    f"This replaces everything in the database {name} with {source}.\n"
                    "Type 'yes' to continue, or 'no' to cancel: "
                )
            except EOFError:
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        counts = backup.restore(source, alias)
        self.stdout.write(f"Restored {source} into the {backup.vendor(alias)} database.")
        self.stdout.write(f"Restored: {backup.format_counts(counts)}")
