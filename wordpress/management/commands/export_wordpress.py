"""`python manage.py export_wordpress OUTPUT.xml [--base-url URL]` (issue #5)."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wordpress.exporter import export_wxr

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Export posts, pages, categories, tags, comments and attachments as a WordPress "
        "export file (WXR 1.2) for WordPress's importer (Tools → Import → WordPress)."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="the file to write, e.g. blog.xml ('-' for stdout)")
        parser.add_argument(
            "--base-url",
            default=DEFAULT_BASE_URL,
            help="the blog's public address; links and attachment URLs start with it "
            "(WordPress downloads the attachments from there)",
        )

    def handle(self, *args, output, base_url, **options):
        if not base_url.startswith(("http://", "https://")):
            raise CommandError("--base-url must start with http:// or https://")
        if output == "-":
            counts = export_wxr(self.stdout, base_url=base_url)
        else:
            counts = self._to_file(Path(output), base_url)
        if base_url == DEFAULT_BASE_URL:
            self.stderr.write(
                f"Links point at {DEFAULT_BASE_URL}; pass --base-url with the blog's public "
                "address so that WordPress can download the attachments."
            )
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        (self.stderr if output == "-" else self.stdout).write(f"Exported {summary}.")

    @staticmethod
    def _to_file(path: Path, base_url: str) -> dict:
        """Write next to the target and rename, so that a failure leaves no half file."""
        folder = path.resolve().parent
        if not folder.is_dir():
            raise CommandError(f"{folder} does not exist")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                counts = export_wxr(out, base_url=base_url)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return counts
