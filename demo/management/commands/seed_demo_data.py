import functools
import random
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.editorial import history, revisions, roles
from articles.management import ProgressBar
from articles.models import AlertBanner, Article, ArticleEvent, ChangeNote, District, Source
from articles.search import search_vector_for
from demo import content as demo
from demo import images as demo_images
from richtext.images import clean_image
from richtext.renditions import ensure_renditions
from richtext.sanitize import sanitize_html

DEMO_AUTHOR = "newsdesk"
# A second demo account approves the demo stories, so their history obeys the two-person rule.
DEMO_EDITOR = "duty-editor"
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
            editor = self.demo_account(DEMO_EDITOR, "Duty", "Editor", roles.EDITOR)
            districts = self.seed_districts()
            sources = self.seed_sources()
            created = self.seed_stories(author, editor, districts, sources)
            self.seed_lead_images()
            self.seed_revisions(author, editor)
            AlertBanner.objects.get_or_create(
                message=demo.DEMO_NOTICE, defaults={"dismissible": True}
            )
        self.stdout.write(
            f"Demo content: {len(districts)} districts, {len(sources)} sources, "
            f"{created} new stories ({len(demo.STORIES) - created} already there)."
        )
        if articles:
            self.generate(articles, author, list(districts.values()), list(sources.values()), seed)

    def demo_author(self):
        return self.demo_account(DEMO_AUTHOR, "News", "Desk", roles.WRITER)

    @staticmethod
    def demo_account(username, first_name, last_name, role):
        """An inactive account that cannot log in: it only signs the demo history."""
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            roles.assign_role(user, role)
        return user

    def seed_districts(self):
        districts = {}
        for name, description in demo.DISTRICTS:
            name_zh = demo.DISTRICT_NAMES_ZH.get(name, "")
            district, _ = District.objects.get_or_create(
                slug=slugify(name),
                defaults={"name": name, "name_zh": name_zh, "description": description},
            )
            districts[district.slug] = self.fill_name_zh(district, name_zh)
        return districts

    def seed_sources(self):
        sources = {}
        for name, url in demo.SOURCES:
            name_zh = demo.SOURCE_NAMES_ZH.get(name, "")
            source, _ = Source.objects.get_or_create(
                slug=slugify(name.replace(".", "-")),
                defaults={"name": name, "name_zh": name_zh, "url": url},
            )
            sources[source.slug] = self.fill_name_zh(source, name_zh)
        return sources

    @staticmethod
    def fill_name_zh(row, name_zh):
        """A district or source seeded before it had a Chinese name gets one; a given one stays."""
        if name_zh and not row.name_zh:
            row.name_zh = name_zh
            row.save(update_fields=["name_zh"])
        return row

    def seed_stories(self, author, editor, districts, sources):
        now = timezone.now()
        created = 0
        for story in demo.STORIES:
            if Article.objects.filter(slug=story["slug"]).exists():
                continue
            state = self.story_state(story, now)
            first_body = story.get("correction", {}).get("first_body", story["body"])
            article = Article.objects.create(
                slug=story["slug"],
                title=story["title"],
                summary=story["summary"],
                body="".join(f"<p>{paragraph}</p>" for paragraph in first_body),
                source=sources[story["source"]],
                source_url=story.get("source_url", ""),
                language=story.get("language", "en"),
                featured=story.get("featured", False),
                author=author,
                **state,
            )
            article.districts.set([districts[slug] for slug in story["districts"]])
            self.seed_history(article, story, author, editor, now)
            created += 1
        return created

    @staticmethod
    def seed_lead_images():
        """Give demo stories without one their drawn lead image (checked like an upload)."""
        for story in demo.STORIES:
            picture = story.get("lead_image")
            article = Article.objects.filter(slug=story["slug"], lead_image="").first()
            if not picture or article is None:
                continue
            upload = clean_image(ContentFile(demo_images.draw(picture["scene"]))).as_file()
            article.lead_image_alt = picture["alt"]
            article.lead_image_caption = picture["caption"]
            article.lead_image_credit = picture["credit"]
            article.lead_image.save(upload.name, upload, save=False)
            article.save()
            ensure_renditions(article.lead_image.name)

    @staticmethod
    def seed_revisions(author, editor):
        """
        Each demo story's first revision; the correction and the unpublished changes of the
        stories that have them, with their history. Stories that have revisions are left.
        """
        Action, Status = ArticleEvent.Action, Article.Status
        for story in demo.STORIES:
            article = Article.objects.filter(slug=story["slug"], revisions__isnull=True).first()
            if article is None:
                continue
            written = min(article.published_at or timezone.now(), timezone.now())
            revisions.record(
                article, author, revisions.snapshot(article), at=written - timedelta(days=1)
            )
            correction = story.get("correction")
            if correction and article.published_at:
                at = article.published_at + timedelta(hours=correction["hours_after"])
                article.body = "".join(f"<p>{p}</p>" for p in story["body"])
                article.public_updated_at = at
                article.save()
                revision = revisions.record(
                    article, author, revisions.snapshot(article), at=at - timedelta(hours=2)
                )
                ChangeNote.objects.create(
                    article=article,
                    revision=revision,
                    kind=correction["kind"],
                    note=correction["note"],
                    public_at=at,
                    created_by=editor,
                    created_at=at,
                )
                steps = [
                    (author, at - timedelta(hours=2), Action.EDITED, Status.PUBLISHED, Status.PUBLISHED, "Changed: body."),
                    (author, at - timedelta(hours=1), Action.SUBMITTED, Status.DRAFT, Status.IN_REVIEW, ""),
                    (editor, at, Action.APPROVED, Status.IN_REVIEW, Status.PUBLISHED,
                     f"Major change (Correction: {correction['note']})"),
                ]  # fmt: skip
                history.log_past(article, steps, revision=revision)
            changes = story.get("pending_changes")
            if changes:
                data = revisions.snapshot(article)
                data["summary"] = changes["summary"]
                data["body"] = "".join(f"<p>{p}</p>" for p in changes["body"])
                revisions.claim(article.pk, article.version)
                article.version += 1
                revisions.save_pending_draft(article, author, data, revisions.snapshot(article))
                Article.objects.filter(pk=article.pk).update(
                    pending_status=Article.PendingStatus.IN_REVIEW
                )
                history.log(
                    article,
                    Action.SUBMITTED,
                    author,
                    from_status=Status.DRAFT,
                    to_status=Status.IN_REVIEW,
                    revision=article.pending_revision,
                )

    @staticmethod
    def story_state(story, now):
        """The workflow fields of a demo story in its state."""
        state = story["state"]
        if "published" in story:
            return {
                "status": Article.Status.PUBLISHED,
                "published_at": datetime.fromisoformat(story["published"]),
            }
        if state in {"draft", "in_review"}:
            return {"status": Article.Status(state)}
        published_at = now - timedelta(days=story["days_ago"], hours=2)
        fields = {"status": Article.Status.PUBLISHED, "published_at": published_at}
        if state == "urgent":
            fields["urgent_unconfirmed"] = True
        elif state == "withdrawn":
            fields.update(
                status=Article.Status.WITHDRAWN,
                withdrawn_at=now - timedelta(days=story["withdrawn_days_ago"]),
                withdrawal_explanation=story["withdrawal_explanation"],
            )
        return fields

    @staticmethod
    def seed_history(article, story, author, editor, now):
        """The history entries that would have led to the story's state."""
        Status, Action = Article.Status, ArticleEvent.Action
        go_live = article.published_at or now
        start = min(go_live, now) - timedelta(days=1)
        entries = [(author, start, Action.CREATED, "", Status.DRAFT, "")]
        if article.status != Status.DRAFT:
            entries.append(
                (
                    author,
                    start + timedelta(hours=2),
                    Action.SUBMITTED,
                    Status.DRAFT,
                    Status.IN_REVIEW,
                    "",
                )
            )
        if story["state"] == "urgent":
            entries[-1:] = [
                (editor, go_live, Action.PUBLISHED_URGENTLY, Status.DRAFT, Status.PUBLISHED, story["urgent_reason"])
            ]  # fmt: skip
        elif article.published_at:
            approved_at = min(go_live, start + timedelta(hours=4))
            entries.append(
                (editor, approved_at, Action.APPROVED, Status.IN_REVIEW, Status.PUBLISHED, "")
            )
        if article.status == Status.WITHDRAWN:
            entries.append(
                (editor, article.withdrawn_at, Action.WITHDRAWN, Status.PUBLISHED, Status.WITHDRAWN,
                 article.withdrawal_explanation)
            )  # fmt: skip
        history.log_past(article, entries)

    def generate(self, count, author, districts, sources, seed):
        rng = random.Random(seed)
        run = secrets.token_hex(3)
        now = timezone.now()
        through = Article.districts.through
        done = 0
        bar = ProgressBar(self.stdout, count, "Generating stories", unit="story")
        with transaction.atomic(), bar:
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
                bar.update(size)
        self.stdout.write(self.style.SUCCESS(f"Added {count:,} generated stories."))

    @staticmethod
    def generated_article(rng, run, n, now, author, sources):
        chinese = rng.random() < 0.2
        district = rng.choice(demo.DISTRICTS)[0]
        if chinese:
            place = demo.DISTRICT_NAMES_ZH.get(district, "")
            title = f"{place}{rng.choice(demo.GENERATED_TOPICS_ZH)}（{n + 1}）"
            sentences = rng.sample(demo.GENERATED_SENTENCES_ZH, 3)
        else:
            title = f"{district} {rng.choice(demo.GENERATED_TOPICS_EN)} ({n + 1})"
            sentences = rng.sample(demo.GENERATED_SENTENCES_EN, 3)
        published_at = now - timedelta(minutes=rng.randrange(1, 3 * 365 * 24 * 60))
        draft = rng.random() < 0.03
        article = Article(
            title=title,
            slug=f"generated-{run}-{n + 1}",
            summary=sentences[0],
            # Generated text, but sanitised all the same: every write path goes through it.
            body=_sanitized("".join(f"<p>{s}</p>" for s in sentences)),
            source=rng.choice(sources),
            language="zh-hans" if chinese else "en",
            author=author,
            status=Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
            published_at=None if draft else published_at,
            public_updated_at=None if draft else published_at,
        )
        # bulk_create() skips save(), which keeps the search index column: fill it here.
        article.search_vector = search_vector_for(article, DEFAULT_DB_ALIAS)
        return article
