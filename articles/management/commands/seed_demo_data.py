import functools
import random
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import demo
from articles.cache import content_changed
from articles.management.progress import ProgressBar
from articles.models import Article, District, Source
from articles.sanitize import sanitize_html

DEMO_AUTHOR = "newsdesk"
# Generated bodies repeat a few hundred sentence combinations: each is sanitised once.
_sanitized = functools.lru_cache(maxsize=None)(sanitize_html)
BATCH_SIZE = 2000


class Command(BaseCommand):
    help = (
        "Load demo content: Tianjin's districts, a few sources and a dozen stories in several "
        "states. Safe to run again: nothing is added twice. With --articles N, also add N "
        "generated stories for load tests."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            metavar="N",
            help="Also add N generated stories (bulk inserts, for load tests).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Allow seeding when DJANGO_DEBUG is off (a production-like database).",
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="Random seed for generated stories."
        )

    def handle(self, *args, articles, force, seed, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DJANGO_DEBUG is off, so this may be a real site: demo content is not loaded. "
                "Pass --force if you mean it."
            )
        if articles < 0:
            raise CommandError("--articles must be zero or more.")
        with transaction.atomic():
            author = self.demo_author()
            districts = self.seed_districts()
            sources = self.seed_sources()
            created = self.seed_stories(author, districts, sources)
        self.stdout.write(
            f"Demo content: {len(districts)} districts, {len(sources)} sources, "
            f"{created} new stories ({len(demo.STORIES) - created} already there)."
        )
        if articles:
            self.generate(articles, author, list(districts.values()), list(sources.values()), seed)
        content_changed()

    def demo_author(self):
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_AUTHOR,
            defaults={"first_name": "News", "last_name": "Desk", "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def seed_districts(self):
        districts = {}
        for name, description in demo.DISTRICTS:
            district, _ = District.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "description": description}
            )
            districts[district.slug] = district
        return districts

    def seed_sources(self):
        sources = {}
        for name, url in demo.SOURCES:
            source, _ = Source.objects.get_or_create(
                slug=slugify(name.replace(".", "-")), defaults={"name": name, "url": url}
            )
            sources[source.slug] = source
        return sources

    def seed_stories(self, author, districts, sources):
        now = timezone.now()
        created = 0
        for story in demo.STORIES:
            if Article.objects.filter(slug=story["slug"]).exists():
                continue
            status, published_at = self.story_state(story, now)
            article = Article.objects.create(
                slug=story["slug"],
                title=story["title"],
                summary=story["summary"],
                body="".join(f"<p>{paragraph}</p>" for paragraph in story["body"]),
                source=sources[story["source"]],
                source_url=story.get("source_url", ""),
                author=author,
                status=status,
                published_at=published_at,
            )
            article.districts.set([districts[slug] for slug in story["districts"]])
            created += 1
        return created

    @staticmethod
    def story_state(story, now):
        state = story["state"]
        if "published" in story:
            return Article.Status.PUBLISHED, datetime.fromisoformat(story["published"])
        if state in {"published", "scheduled"}:
            return Article.Status.PUBLISHED, now - timedelta(days=story["days_ago"], hours=2)
        return Article.Status(state), None

    def generate(self, count, author, districts, sources, seed):
        rng = random.Random(seed)
        run = secrets.token_hex(3)
        now = timezone.now()
        through = Article.districts.through
        bar = ProgressBar(self.stdout, count, label="Generating stories ")
        done = 0
        with transaction.atomic():
            while done < count:
                size = min(BATCH_SIZE, count - done)
                batch = [
                    self.generated_article(rng, run, done + i, now, author, sources)
                    for i in range(size)
                ]
                Article.objects.bulk_create(batch)
                through.objects.bulk_create(
                    through(article_id=article.pk, district_id=district.pk)
                    for article in batch
                    for district in rng.sample(districts, rng.choice((0, 1, 1, 1, 2)))
                )
                done += size
                bar.update(done)
        bar.finish()
        self.stdout.write(self.style.SUCCESS(f"Added {count:,} generated stories."))

    @staticmethod
    def generated_article(rng, run, n, now, author, sources):
        chinese = rng.random() < 0.2
        district = rng.choice(demo.DISTRICTS)[0]
        if chinese:
            title = f"{rng.choice(demo.GENERATED_TOPICS_ZH)}（{n + 1}）"
            sentences = rng.sample(demo.GENERATED_SENTENCES_ZH, 3)
        else:
            title = f"{district} {rng.choice(demo.GENERATED_TOPICS_EN)} ({n + 1})"
            sentences = rng.sample(demo.GENERATED_SENTENCES_EN, 3)
        published_at = now - timedelta(minutes=rng.randrange(1, 3 * 365 * 24 * 60))
        draft = rng.random() < 0.03
        return Article(
            title=title,
            slug=f"generated-{run}-{n + 1}",
            summary=sentences[0],
            # Generated text, but sanitised all the same: every write path goes through it.
            body=_sanitized("".join(f"<p>{s}</p>" for s in sentences)),
            source=rng.choice(sources),
            author=author,
            status=Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
            published_at=None if draft else published_at,
            public_updated_at=None if draft else published_at,
        )
