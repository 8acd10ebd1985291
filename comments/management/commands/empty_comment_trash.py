"""`python manage.py empty_comment_trash [--days 30]`: delete old spam and trash for good."""

from django.core.management.base import BaseCommand

from comments.services import empty_trash


class Command(BaseCommand):
    help = "Delete comments that have been spam or in the trash for more than N days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days, **options):
        count = empty_trash(days=days)
        self.stdout.write(f"Deleted {count} comment(s) from spam and trash.")
