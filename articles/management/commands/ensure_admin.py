import os
import secrets
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse


def manage_py(*arguments):
    """
    A ``manage.py`` command line as it can be typed in this terminal: this Python (``.venv/bin/
    python`` after ``make install``), not whichever ``python`` comes first on the PATH.
    """
    python = sys.executable
    if not os.path.relpath(python).startswith(".."):
        python = os.path.relpath(python)
    script = os.path.relpath(settings.BASE_DIR / "manage.py")
    return " ".join([python, script, *arguments])


class Command(BaseCommand):
    help = (
        "Create an administrator account if none exists, with a random password printed once. "
        "Does nothing but remind you how to log in when one exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@example.invalid")

    def handle(self, *args, username, email, **options):
        # The site's address (NEWSROOM_SITE_URL: `make run` sets it to the one it serves on).
        url = settings.NEWSROOM_SITE_URL.rstrip("/") + reverse("admin:index")
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if existing:
            name = existing.get_username()
            self.stdout.write(
                f"Administrator account: log in at {url} as '{name}'. "
                f"Forgot the password? {manage_py('changepassword', name)}"
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
                f"  {manage_py('changepassword', username)}\n{rule}"
            )
        )
