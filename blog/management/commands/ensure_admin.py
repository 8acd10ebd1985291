"""`python manage.py ensure_admin`: make sure the superuser "admin" exists.

The password comes from DJANGO_SUPERUSER_PASSWORD; without it a random one is made and
printed once, when the account is created. An existing account is always left as it
is, its password too (`make run` calls this on every start; issue #10): change it in the
admin or with `manage.py changepassword admin`.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the superuser 'admin' if it does not exist yet."

    def handle(self, *args, **options):
        user_model = get_user_model()
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        user = user_model.objects.filter(username="admin").first()
        if user is None:
            generated = not password
            password = password or secrets.token_urlsafe(12)
            user_model.objects.create_superuser("admin", "", password)
            if generated:
                self.stdout.write(
                    self.style.WARNING(
                        f"Created the admin account: username admin, password {password} "
                        "(shown only this once; set DJANGO_SUPERUSER_PASSWORD to choose one)."
                    )
                )
            else:
                self.stdout.write("Created the admin account 'admin'.")
        elif password:
            self.stdout.write(
                "The admin account 'admin' exists; its password is left as it is "
                "(DJANGO_SUPERUSER_PASSWORD only sets it when the account is created; "
                "change it with `manage.py changepassword admin`)."
            )
        else:
            self.stdout.write("The admin account 'admin' exists.")
