import re
from html import unescape

from django.core.management.base import BaseCommand

from articles.management import ProgressBar
from articles.models import Article
from richtext.renditions import ensure_renditions, name_from_src

_IMG_SRC = re.compile(r'<img\b[^>]*?\bsrc="([^"]+)"')


class Command(BaseCommand):
    help = (
        "Make the responsive renditions (480, 960 and 1600 pixels wide, WebP and JPEG) of every "
        "lead image and every body image from the site's media. By default only missing "
        "renditions are made; --force remakes them all."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Remake renditions that already exist."
        )

    def handle(self, *args, force, **options):
        names = sorted(self.image_names())
        missing = []
        with ProgressBar(self.stdout, len(names), "Renditions", unit="image") as bar:
            for name in names:
                if ensure_renditions(name, force=force) is None:
                    missing.append(name)
                bar.update()
        for name in missing:
            self.stderr.write(f"Missing or unreadable, skipped: {name}")
        self.stdout.write(
            self.style.SUCCESS(f"Renditions ready for {len(names) - len(missing):,} images.")
        )

    @staticmethod
    def image_names():
        """Storage names of every lead image and every site-media image in a body."""
        names = set(
            Article.objects.exclude(lead_image="").values_list("lead_image", flat=True).distinct()
        )
        bodies = Article.objects.filter(body__contains="<img").values_list("body", flat=True)
        for body in bodies.iterator(chunk_size=500):
            for src in _IMG_SRC.findall(body):
                name = name_from_src(unescape(src))
                if name:
                    names.add(name)
        return names
