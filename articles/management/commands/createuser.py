from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from articles.editorial import notifications, roles
from articles.people import person_name


class Command(BaseCommand):
    help = (
        "Create a newsroom user with a role (writer, editor or administrator). The user has "
        "no password until they set one with the one-time link this command prints, or "
        "emails with --send-email."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=list(roles.GROUP_NAMES))
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="", help="Given name: 芳, Wei.")
        parser.add_argument(
            "--last-name",
            default="",
            help="Family name: 李, Li. A name in Chinese characters shows as 李芳, others as Wei Li.",
        )
        parser.add_argument(
            "--send-email",
            action="store_true",
            help="Email the set-password link to the user instead of printing it.",
        )

    def handle(self, *args, username, role, email, first_name, last_name, send_email, **options):
        User = get_user_model()
        username = username.strip()
        email = User.objects.normalize_email(email.strip())
        try:
            User.username_validator(username)
            validate_email(email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named '{username}' already exists; nothing was changed.")
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(
                f"A user with the email {email} already exists; nothing was changed."
            )
        with transaction.atomic():
            user = User(username=username, email=email, first_name=first_name, last_name=last_name)
            user.set_unusable_password()
            user.save()
            roles.assign_role(user, role)
        named = f" ({person_name(user)})" if (first_name + last_name).strip() else ""
        self.stdout.write(self.style.SUCCESS(f"Created {role} '{username}'{named}."))
        base_url = settings.NEWSROOM_SITE_URL
        if send_email:
            if not notifications.send_invitation(user, base_url):
                raise CommandError(
                    f"The user was created, but the email to {email} could not be sent. "
                    "Send a new link from the admin (Users → Email a new set-password link)."
                )
            self.stdout.write(f"Emailed a set-password link to {email}.")
        else:
            link = base_url.rstrip("/") + roles.set_password_path(user)
            self.stdout.write(
                f"Set-password link (one use, {settings.PASSWORD_RESET_TIMEOUT // 86400} days): {link}"
            )
