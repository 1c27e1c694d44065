from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import OperationalError


class Command(BaseCommand):
    help = (
        "Create the PostgreSQL database named in DATABASE_URL if it does not exist yet. "
        "Does nothing for SQLite, which creates its file on first use."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            return
        name = connection.settings_dict["NAME"]
        try:
            connection.ensure_connection()
            return
        except OperationalError as error:
            if "does not exist" not in str(error):
                raise CommandError(f"Cannot reach PostgreSQL: {error}".strip()) from error
        # Django's own maintenance connection (to the "postgres" database), as used by the
        # test runner to create test databases.
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        self.stdout.write(self.style.SUCCESS(f"Created PostgreSQL database '{name}'."))
