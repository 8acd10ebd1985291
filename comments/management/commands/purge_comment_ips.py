"""`python manage.py purge_comment_ips [--days N]`: run daily from cron (see README)."""

from django.core.management.base import BaseCommand

from comments.privacy import purge_comment_ips


class Command(BaseCommand):
    help = "Remove IP addresses and user agents of comments older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Default: the setting (60).")

    def handle(self, *args, days, **options):
        count = purge_comment_ips(days)
        self.stdout.write(f"Removed IP addresses from {count} comment(s).")
