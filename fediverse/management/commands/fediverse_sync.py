from django.core.management.base import BaseCommand

from fediverse.outgoing import sync_due


class Command(BaseCommand):
    help = "Deliver scheduled posts whose date has come to their followers (issue #15)."

    def handle(self, *args, **options):
        count = sync_due()
        self.stdout.write(f"{count} scheduled posts delivered.")
