"""`python manage.py erase_personal_data EMAIL [--remove-text]`: anonymise a commenter."""

from django.core.management.base import BaseCommand

from comments.privacy import erase_personal_data


class Command(BaseCommand):
    help = "Anonymise the comments of an e-mail address (DSGVO Art. 17)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--remove-text", action="store_true", help="Remove the comment texts as well."
        )

    def handle(self, *args, email, remove_text, **options):
        count = erase_personal_data(email, remove_text=remove_text)
        self.stdout.write(self.style.SUCCESS(f"Anonymised {count} comment(s) of {email}."))
