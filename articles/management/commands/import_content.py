from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.exchange import PROGRESS_THRESHOLD, ContentFileError, Importer, item_count, parse
from articles.management import ProgressBar

MAX_ERRORS_SHOWN = 30


class Command(BaseCommand):
    help = (
        "Load a file written by export_content. Items are matched by slug: new ones are "
        "created, existing ones updated, so importing the same file twice changes nothing. "
        "All or nothing: on any error the site is left as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file written by export_content.")
        parser.add_argument(
            "--author", metavar="USERNAME",
            help="Author for articles whose author has no account on this site.",
        )  # fmt: skip
        parser.add_argument(
            "--site-settings", action="store_true",
            help="Take the file's site settings and alert banners even though this site has "
            "saved settings of its own (a site that never saved them takes them anyway).",
        )  # fmt: skip
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Check the file and report what would change, without changing anything.",
        )  # fmt: skip

    def handle(self, *args, file, author, site_settings, dry_run, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text: not a Newsroom content file.") from None
        try:
            data = parse(text)
        except ContentFileError as exc:
            raise CommandError(f"{file}: nothing was imported: " + "; ".join(exc.errors)) from None

        default_author = None
        if author:
            default_author = get_user_model()._default_manager.filter(username=author).first()
            if default_author is None:
                raise CommandError(f"--author: there is no user {author!r} on this site.")

        importer = Importer(default_author=default_author, take_site=site_settings)
        total = item_count(data)
        quick = total <= PROGRESS_THRESHOLD
        with transaction.atomic():
            with ProgressBar(self.stdout, total, "Importing", unit="item", disable=quick) as bar:
                importer.run(data, bar.update_to)
            # Every row saved reaches the receivers: cached public pages are stale once this
            # commits (articles/receivers.py).
            if importer.errors or dry_run:
                transaction.set_rollback(True)

        for warning in importer.warnings[:MAX_ERRORS_SHOWN]:
            self.stderr.write(f"Warning: {warning}")
        if importer.errors:
            shown = importer.errors[:MAX_ERRORS_SHOWN]
            more = len(importer.errors) - len(shown)
            raise CommandError(
                f"{file}: nothing was imported; {len(importer.errors)} problem(s):\n  "
                + "\n  ".join(shown)
                + (f"\n  ... and {more} more." if more else "")
            )
        summary = "; ".join(
            f"{section}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            + (f", {c['kept']} kept as this site's own" if c["kept"] else "")
            for section, c in importer.counts.items()
        )
        prefix = "Dry run, nothing changed. Would import" if dry_run else "Imported"
        self.stdout.write(f"{prefix} {file}: {summary}.")
        if any(c["kept"] for c in importer.counts.values()):
            self.stdout.write(
                "This site has saved site settings of its own, so the file's differing site "
                "settings and alert banners were left out; --site-settings takes them."
            )
