"""manage.py rebuild_search_index: make the search index afresh (issue #14)."""

from django.core.management.base import BaseCommand

from blog import search


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of posts and pages (blog/search.py). Saving a "
        "post or page keeps it up to date; run this after changing the stemming or "
        "writing to the database around Django."
    )

    def handle(self, *args, **options):
        count = search.rebuild()
        self.stdout.write(f"Search index rebuilt: {count} posts and pages.")
