"""`python manage.py export_personal_data EMAIL [--format json|text]`: a commenter's data."""

import json

from django.core.management.base import BaseCommand

from comments.privacy import export_personal_data


class Command(BaseCommand):
    help = "Export everything stored about a commenter's e-mail address (DSGVO Art. 15)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, email, format, **options):
        data = export_personal_data(email)
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{data['email']}: {len(data['comments'])} comments")
        for c in data["comments"]:
            self.stdout.write(
                f"\n#{c['id']} {c['created_at']} on “{c['post']}” ({c['status']})\n"
                f"  name: {c['name']}\n  email: {c['email']}\n  website: {c['website']}\n"
                f"  IP: {c['ip_address']}\n  browser: {c['user_agent']}\n  text: {c['text']}"
            )
        for s in data["subscriptions"]:
            self.stdout.write(
                f"\nreply notices for comment #{s['comment']} since {s['created_at']}"
            )
