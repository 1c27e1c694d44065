from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from articles.exchange import PROGRESS_THRESHOLD, export_size, write_export
from articles.management import ProgressBar

MAX_MISSING_SHOWN = 10


class Command(BaseCommand):
    help = (
        "Write the public content (site settings, alert banners showing, districts, sources, "
        "published and withdrawn articles with their former addresses and change notes, and "
        "the list of media files they use) as JSON, for import_content on this or another "
        'site. Uploaded files are not in it: see README, "Backups".'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", default="-", metavar="FILE",
            help="Where to write the JSON (default: standard output).",
        )  # fmt: skip

    def handle(self, *args, output, **options):
        if output == "-":
            # Standard output carries the JSON: no progress bar in it.
            result = self.export(_Unterminated(self.stdout), with_progress=False)
        else:
            try:
                with open(output, "w", encoding="utf-8") as stream:
                    result = self.export(stream, with_progress=True)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
            self.stderr.write(f"Exported {result.count} items to {output}.")
        if result.missing_media:
            shown = result.missing_media[:MAX_MISSING_SHOWN]
            more = len(result.missing_media) - len(shown)
            self.stderr.write(
                f"Warning: {len(result.missing_media)} media file(s) the articles use are "
                "missing from the media storage or not readable images (their width and "
                "height are null):\n  "
                + "\n  ".join(shown)
                + (f"\n  ... and {more} more." if more else "")
            )

    def export(self, stream, with_progress):
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                # One snapshot for the whole file: no article may point at a district
                # created after the districts were written.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            if not with_progress:
                return write_export(stream)
            total = export_size()
            quick = total <= PROGRESS_THRESHOLD
            with ProgressBar(self.stdout, total, "Exporting", unit="item", disable=quick) as bar:
                return write_export(stream, bar.update_to)


class _Unterminated:
    """The command's stdout, written to as a plain stream (no newline added per write)."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")
