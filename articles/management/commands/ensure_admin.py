import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create an administrator account if none exists, with a random password printed once. "
        "Does nothing but remind you how to log in when one exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@example.invalid")
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/admin/", help="Where the admin is served."
        )

    def handle(self, *args, username, email, url, **options):
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if existing:
            self.stdout.write(
                f"Administrator account: log in at {url} as '{existing.get_username()}'. "
                f"Forgot the password? python manage.py changepassword {existing.get_username()}"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=email, password=password)
        rule = "=" * 64
        self.stdout.write(
            self.style.SUCCESS(
                f"{rule}\nCreated an administrator account.\n"
                f"  Log in at: {url}\n  Username:  {username}\n  Password:  {password}\n"
                f"This password is shown only now. Change it with:\n"
                f"  python manage.py changepassword {username}\n{rule}"
            )
        )
