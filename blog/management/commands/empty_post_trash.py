"""`python manage.py empty_post_trash [--days 30]`: delete old trashed posts and pages."""

from django.core.management.base import BaseCommand

from blog.trash import TRASH_DAYS, empty_trash


class Command(BaseCommand):
    help = (
        "Delete posts and pages that have been in the trash for more than N days, "
        "with their comments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=TRASH_DAYS)

    def handle(self, *args, days, **options):
        result = empty_trash(days=days)
        if options["verbosity"]:
            self.stdout.write(
                f"Deleted {result['posts']} post(s) and {result['pages']} page(s) from the trash."
            )
        for kept in result["kept"]:
            # Always said: someone has to move the subpages before the page can go.
            self.stdout.write(f"Kept “{kept.title}” (id {kept.pk}): it still has subpages.")
