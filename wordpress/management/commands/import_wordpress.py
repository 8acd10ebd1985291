"""`python manage.py import_wordpress EXPORT.xml [--media-dir DIR] [--dry-run]` (issue #5).

A blog that still holds the untouched demo content of `make run` is not imported into
unless `--replace-demo` (remove that demo content first, in the import's transaction;
what the author changed or made stays) or `--keep-demo` says what to do with it (#10).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from blog.demo.state import find_untouched
from wordpress.importer import Importer, Report
from wordpress.wxr import WXRError

KINDS = ["authors", "categories", "tags", "attachments", "files", "posts", "pages", "comments"]
MAX_WARNINGS = 50


class Progress:
    """Running counts on a terminal (one line, redrawn), a plain line per 10 % otherwise."""

    def __init__(self, out, tty: bool):
        self.out = out
        self.tty = tty
        self.last = 0.0
        self.step = 0

    def __call__(self, done: int, total: int, report: Report) -> None:
        counts = (
            f"{done}/{total} items · {report.created['posts']} posts · "
            f"{report.created['pages']} pages · {report.created['comments']} comments"
        )
        if self.tty:
            now = time.monotonic()
            if now - self.last > 0.2 or done == total:
                self.last = now
                self.out.write(f"\r{counts}", ending="")
                self.out.flush()
            if done == total:
                self.out.write("")
            return
        step = done * 10 // max(total, 1)
        if step > self.step or done == total:
            self.step = step
            self.out.write(counts)


def format_report(report: Report, seconds: float) -> list[str]:
    channel = report.channel
    lines = [
        f"{'Dry run of the import' if report.dry_run else 'Imported'} "
        f"“{channel.title}” ({channel.base_site_url or channel.link}, WXR "
        f"{channel.wxr_version}) in {seconds:.1f} s:"
    ]
    for kind in KINDS:
        new, old = report.created[kind], report.existing[kind]
        if new or old:
            extra = f" ({old} already here)" if old else ""
            lines.append(f"  {kind:<12} {new:>7} new{extra}")
    if report.site:
        lines.append("Site settings:")
        lines += [f"  {line}" for line in report.site]
    if report.converted:
        lines.append("Converted:")
        lines += [f"  {n:>7} {what}" for what, n in sorted(report.converted.items())]
    if report.skipped:
        lines.append("Skipped:")
        lines += [f"  {n:>7} {why}" for why, n in sorted(report.skipped.items())]
    if report.shortcodes:
        names = ", ".join(f"[{name}] ×{n}" for name, n in report.shortcodes.most_common())
        lines.append(f"Unknown shortcodes, kept as text: {names}")
    if report.warnings:
        lines.append(f"Warnings ({len(report.warnings)}):")
        lines += [f"  - {w}" for w in report.warnings[:MAX_WARNINGS]]
        if len(report.warnings) > MAX_WARNINGS:
            lines.append(f"  … and {len(report.warnings) - MAX_WARNINGS} more")
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    return lines


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export, WXR 1.0–1.2): authors, categories, tags, "
        "posts, pages, comments and attachments. Running it again imports only what is new."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the WXR file (.xml) from WordPress")
        parser.add_argument(
            "--media-dir",
            help="a copy of wp-content/uploads; its images go into the media library",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be imported, write nothing"
        )
        demo = parser.add_mutually_exclusive_group()
        demo.add_argument(
            "--replace-demo",
            action="store_true",
            help="first remove the demo content nobody has changed (make run's demo blog)",
        )
        demo.add_argument("--keep-demo", action="store_true", help="import beside the demo content")

    def handle(self, *args, export, media_dir, dry_run, replace_demo, keep_demo, **options):
        progress = Progress(self.stdout, self.stdout.isatty())
        started = time.monotonic()
        try:
            with transaction.atomic():
                self.clear_demo(replace=replace_demo, keep=keep_demo, dry_run=dry_run)
                report = Importer(
                    export, media_dir=media_dir, dry_run=dry_run, progress=progress
                ).run()
                if dry_run:
                    transaction.set_rollback(True)
        except WXRError as exc:
            raise CommandError(f"{export}, {exc}. Nothing was imported.") from None
        except OSError as exc:
            raise CommandError(f"{export}: {exc.strerror or exc}. Nothing was imported.") from None
        for line in format_report(report, time.monotonic() - started):
            self.stdout.write(line)

    def clear_demo(self, *, replace: bool, keep: bool, dry_run: bool) -> None:
        """Refuse, keep or remove the untouched demo content (rolled back with a dry run)."""
        if keep:
            return
        demo = find_untouched()
        if replace:
            if demo.anything:
                demo.remove()
                verb = "Would remove" if dry_run else "Removed"
                self.stdout.write(f"{verb} the untouched demo content: {demo.describe()}.")
            return
        if demo:
            raise CommandError(
                f"This blog still holds the demo content of `make run` ({demo.describe()}). "
                "Run again with --replace-demo to remove the demo content nobody has changed "
                "first (what you edited or wrote stays), or with --keep-demo to import beside "
                "it. Nothing was imported."
            )
