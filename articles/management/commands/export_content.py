from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from articles.exchange import write_export


class Command(BaseCommand):
    help = (
        "Write all published content (districts, sources, published articles) as JSON, "
        'for import_content on this or another site. Not a backup: see README, "Backups".'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", default="-", metavar="FILE",
            help="Where to write the JSON (default: standard output).",
        )  # fmt: skip

    def handle(self, *args, output, **options):
        if output == "-":
            self.export(_Unterminated(self.stdout))
            return
        try:
            with open(output, "w", encoding="utf-8") as stream:
                count = self.export(stream)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
        self.stderr.write(f"Exported {count} items to {output}.")

    def export(self, stream):
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                # One snapshot for the whole file: no article may point at a district
                # created after the districts were written.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return write_export(stream)


class _Unterminated:
    """The command's stdout, written to as a plain stream (no newline added per write)."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")
