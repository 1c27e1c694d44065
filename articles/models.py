import hashlib
import re
import secrets
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, router, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .cache import content_changed, memoise, register_timed_change
from .images import lead_image_path
from .sanitize import sanitize_html
from .times import format_local

# Stories that lead the home page: the featured ones, topped up with the newest.
FEATURED_SLOTS = 3


def default_language():
    """The site's default language, read when an article is made (not at import time)."""
    return settings.LANGUAGE_CODE


def language_choices():
    return settings.LANGUAGES


def validate_slug_not_numeric(value):
    """A slug of digits only would be taken for an archive year (/articles/2020/)."""
    if value.isdigit():
        raise ValidationError(
            _("A slug cannot be only digits: /articles/%(slug)s/ is the archive of a year."),
            code="numeric_slug",
            params={"slug": value},
        )


class District(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("Lower-case ASCII letters, digits and hyphens; used in the district's URL."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:district", kwargs={"slug": self.slug})


class Source(models.Model):
    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        help_text=_('Shown to readers as "Source: …", e.g. "exploringtianjin.com".'),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    url = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:source", kwargs={"slug": self.slug})


def browse_options():
    """
    ``(districts, sources)``, each by name with its name and slug loaded: the home page's
    panels and the filters of the lists and search. Memoised under the content generation like
    the lists' counts; changing a district or source starts a new generation.
    """
    return memoise(
        "browse-options",
        (),
        lambda: (
            list(District.objects.only("name", "slug")),
            list(Source.objects.only("name", "slug")),
        ),
    )


class ArticleQuerySet(models.QuerySet):
    # Bulk writes skip Article.save(), so they sanitise bodies themselves: no write path
    # stores HTML that has not been through the allow-list.
    def update(self, **kwargs):
        if isinstance(kwargs.get("body"), str):
            kwargs["body"] = sanitize_html(kwargs["body"])
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.body = sanitize_html(obj.body)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if "body" in fields:
            for obj in objs:
                obj.body = sanitize_html(obj.body)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def published(self):
        """
        What the public may see: status published and a publication time that has come.

        The only definition of "public". A future ``published_at`` means scheduled, decided
        here at query time, so no job has to run when the time arrives.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Approved for publication at a time still in the future."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def on_public_record(self):
        """
        What answers at its public URL: ``published()`` plus withdrawn articles, which keep
        their page with a withdrawal notice.

        Only the detail page uses this. Lists, feeds, the sitemap and search start from
        ``published()``, so a withdrawn article leaves them.
        """
        return self.filter(
            Q(status=Article.Status.PUBLISHED) | Q(status=Article.Status.WITHDRAWN),
            published_at__lte=timezone.now(),
        )

    def removed(self):
        """Taken down after publication: the URL answers 410 Gone or redirects."""
        return self.filter(status=Article.Status.REMOVED)

    def visible_to(self, user):
        """The articles a staff member may open in the admin: every one for editors, own for writers."""
        if user.has_perm("articles.edit_any_article") and user.has_perm("articles.view_article"):
            return self.all()
        if user.has_perm("articles.view_article"):
            return self.filter(author=user)
        return self.none()

    def awaiting_review(self):
        """New articles in review, and changes to live articles in review."""
        return self.filter(
            Q(status=Article.Status.IN_REVIEW) | Q(pending_status=Article.PendingStatus.IN_REVIEW)
        )

    def with_pending_changes(self):
        """Live articles with an edit that readers do not see yet (articles/revisions.py)."""
        return self.filter(pending_revision__isnull=False)

    def due_changes(self, now=None):
        """Approved changes to live articles whose go-live time has come but are not applied."""
        return self.filter(
            pending_status=Article.PendingStatus.SCHEDULED,
            pending_go_live_at__lte=now or timezone.now(),
        )

    def apply_due_revisions(self, now=None):
        """
        Put every due scheduled change live (``workflow.apply_scheduled_change``), one
        article at a time; returns how many went live. Called at request time, guarded by a
        cached "next due" time (``revisions.apply_due_changes``), so no job has to run.
        """
        applied = 0
        for pk in self.due_changes(now).values_list("pk", flat=True):
            applied += bool(workflow.apply_scheduled_change(pk, now=now))
        return applied

    def urgent_unconfirmed(self):
        """Published urgently, without a second person, and not yet confirmed by another editor."""
        return self.filter(status=Article.Status.PUBLISHED, urgent_unconfirmed=True)

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def search(self, query):
        """
        Articles matching the reader's ``query``, best match first (``articles/search.py``);
        on PostgreSQL, the newest ``MAX_RESULTS`` + 1 matches only, ranked.

        Narrows whatever it is called on: public search starts from ``published()``.
        """
        from .search import search_queryset  # search.py builds on this module

        return search_queryset(self, query)

    def in_month(self, year, month=None):
        """Published in ``year`` (and ``month``) of the site's time zone: an index-friendly range."""
        start = timezone.make_aware(datetime(year, month or 1, 1))
        if month is None or month == 12:
            end = timezone.make_aware(datetime(year + 1, 1, 1))
        else:
            end = timezone.make_aware(datetime(year, month + 1, 1))
        return self.filter(published_at__gte=start, published_at__lt=end)

    def front_page(self, latest=10):
        """
        The home page's stories as ``(featured, latest)``, in three queries.

        ``featured`` holds up to ``FEATURED_SLOTS`` stories marked featured, newest first,
        topped up with the newest unmarked ones; ``latest`` holds the next ``latest`` newest
        stories that are not in ``featured``.
        """
        stories = self.for_listing().prefetch_related(None)
        marked = list(stories.filter(featured=True)[:FEATURED_SLOTS])
        newest = list(stories[: FEATURED_SLOTS + latest])
        marked_ids = {article.pk for article in marked}
        rest = [article for article in newest if article.pk not in marked_ids]
        fill = FEATURED_SLOTS - len(marked)
        featured, others = marked + rest[:fill], rest[fill:][:latest]
        models.prefetch_related_objects(featured + others, districts_prefetch())
        return featured, others

    def for_listing(self):
        """Published, newest first, with what a story card shows loaded in fixed queries."""
        return (
            self.published().newest_first().select_related("source").with_districts().defer("body")
        )

    def with_districts(self):
        """Each article's ``district_list`` loaded for the whole result in one query."""
        return self.prefetch_related(districts_prefetch())


def districts_prefetch():
    # Into a plain list (to_attr): Django's default prefetch builds a related manager and a
    # filtered queryset per article to hold the same rows, which cost more than the query.
    return models.Prefetch(
        "districts", queryset=District.objects.order_by("name"), to_attr="_prefetched_districts"
    )


def story_url(slug):
    """
    The public address of the story with ``slug``, as ``reverse("articles:detail")`` gives it.

    Reversed once per URL configuration and script prefix, then the slug quoted into place as
    ``reverse()`` quotes it (a Chinese slug becomes UTF-8 percent escapes): ``reverse()`` cost
    20 µs a story, most of a story card's time and of a 1,000-story sitemap page's.
    """
    return story_urls()(slug)


def story_urls():
    """``story_url`` for many stories at once (a sitemap's 1,000): the parts looked up once."""
    before, after = _story_url_parts(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    return lambda slug: before + quote(slug, safe=RFC3986_SUBDELIMS + "/~:@") + after


@lru_cache(maxsize=16)
def _story_url_parts(root_urlconf, urlconf, script_prefix):
    marker = "_slug_"
    before, after = reverse("articles:detail", kwargs={"slug": marker}).rsplit(marker, 1)
    return before, after


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The search vector is read by the database only: never loaded into Python by default.
        return super().get_queryset().defer("search_vector")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REMOVED = "removed", _("Removed")

    class PendingStatus(models.TextChoices):
        """Where the pending draft of a live article stands (blank: no pending draft)."""

        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        SCHEDULED = "scheduled", _("Approved, scheduled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_(
            "The story's address, as in /articles/this-slug/. Chinese characters are allowed. "
            "Left blank, it is made from the title."
        ),
        validators=[validate_slug_not_numeric],
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("One or two plain-text sentences shown under the title and in lists."),
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("Rich text. Scripts, styles and embedded frames are removed when saved."),
    )
    districts = models.ManyToManyField(
        District,
        verbose_name=_("districts"),
        related_name="articles",
        blank=True,
        help_text=_("The districts the story concerns. Leave empty for a city-wide story."),
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        related_name="articles",
        on_delete=models.PROTECT,
    )
    source_url = models.URLField(
        _("source URL"), max_length=500, blank=True, help_text=_("Link to the original story.")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=language_choices,
        default=default_language,
        help_text=_("The language the story is written in; browsers and screen readers use it."),
    )
    featured = models.BooleanField(
        _("featured"),
        default=False,
        help_text=_(
            "Featured stories lead the home page, newest first. When fewer than three are "
            "featured, the newest stories fill the places."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        related_name="articles",
        on_delete=models.PROTECT,
        editable=False,
    )
    # Workflow fields change only through the transitions (articles/workflow.py).
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "First publication, set when an editor approves the story. Visible to the public "
            "from this time (Asia/Shanghai); a future time schedules the story."
        ),
    )
    public_updated_at = models.DateTimeField(
        _("public update time"),
        null=True,
        blank=True,
        help_text=_('The "Updated:" date readers see. Left blank, it is the publication time.'),
    )
    # Kept by save() from title, summary and body (PostgreSQL; empty elsewhere); see search.py.
    search_vector = SearchVectorField(null=True, editable=False)
    lead_image = models.ImageField(
        _("lead image"),
        upload_to=lead_image_path,
        blank=True,
        help_text=_(
            "Shown at the top of the story. Location and camera data are removed when it is "
            "uploaded."
        ),
    )
    lead_image_alt = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the picture shows, for readers who cannot see it. Required unless the "
            "picture is decorative."
        ),
    )
    lead_image_decorative = models.BooleanField(
        _("decorative"),
        default=False,
        help_text=_(
            "Tick if the picture adds nothing a reader would miss; screen readers skip it."
        ),
    )
    lead_image_caption = models.CharField(
        _("caption"), max_length=500, blank=True, help_text=_("Shown under the picture.")
    )
    lead_image_credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_('Who took or owns the picture, e.g. "Tianjin Daily / Li Wei".'),
    )
    urgent_unconfirmed = models.BooleanField(
        _("published urgently, needs review"),
        default=False,
        editable=False,
        help_text=_(
            "Published urgently without a second person; stays on the review list until "
            "another editor confirms it."
        ),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawal_explanation = models.TextField(
        _("withdrawal explanation"),
        blank=True,
        editable=False,
        help_text=_("Shown to the public above the withdrawn article."),
    )
    replacement_url = models.CharField(
        _("replacement URL"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("Where the address of a removed article redirects; empty answers 410 Gone."),
    )
    # Optimistic locking: every save and every transition increases it; a form or button
    # carries the number it was made from and is refused if the row has moved on.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The edit of a live article that readers do not see yet, and where it stands in review.
    # The row itself keeps the live content (articles/revisions.py).
    pending_revision = models.ForeignKey(
        "Revision",
        verbose_name=_("unpublished changes"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
    )
    pending_status = models.CharField(
        _("status of the unpublished changes"),
        max_length=20,
        choices=PendingStatus.choices,
        blank=True,
        editable=False,
    )
    pending_go_live_at = models.DateTimeField(
        _("changes go live"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When approved changes replace the live content (Asia/Shanghai)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    objects = ArticleManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("submit_article", _("Can submit an article for review")),
            ("edit_any_article", _("Can view and edit every article, whoever wrote it")),
            ("approve_article", _("Can request changes to, approve and schedule an article")),
            ("publish_urgently", _("Can publish an article urgently, without a second person")),
            ("unschedule_article", _("Can unschedule a scheduled article")),
            ("withdraw_article", _("Can withdraw a published article")),
            ("remove_article", _("Can remove a published or withdrawn article")),
        ]
        constraints = [
            models.CheckConstraint(
                # Article.Status.values; Meta cannot see the enclosing class's names.
                condition=Q(status__in=["draft", "in_review", "published", "withdrawn", "removed"]),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(lead_image="") | Q(lead_image_decorative=True) | ~Q(lead_image_alt=""),
                name="article_lead_image_has_alt",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_explanation="")),
                name="article_withdrawn_has_explanation",
            ),
            # A pending draft belongs to a published article; it has a go-live time exactly
            # when it is approved and scheduled.
            models.CheckConstraint(
                condition=Q(
                    pending_revision__isnull=True,
                    pending_status="",
                    pending_go_live_at__isnull=True,
                )
                | Q(
                    pending_revision__isnull=False,
                    status="published",
                    pending_status__in=["draft", "in_review"],
                    pending_go_live_at__isnull=True,
                )
                | Q(
                    pending_revision__isnull=False,
                    status="published",
                    pending_status="scheduled",
                    pending_go_live_at__isnull=False,
                ),
                name="article_pending_changes_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_status_pub_idx"),
            # The home page's featured stories: few rows, found without scanning the rest.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(featured=True),
                name="article_featured_idx",
            ),
            # The newest public update (updated_on), the sitemap index's lastmod: read from the
            # top of this index instead of a scan of every published story.
            models.Index(
                Coalesce("public_updated_at", "published_at").desc(),
                condition=Q(status="published"),
                name="article_published_lastmod_idx",
            ),
            # The next scheduled change, looked up when the cached "next due" time expires.
            models.Index(
                fields=["pending_go_live_at"],
                condition=Q(pending_status="scheduled"),
                name="article_due_changes_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if getattr(self, "pending_overlay", None) is not None:
            # A copy showing the pending draft (revisions.overlay_pending): saving it would
            # publish the draft behind the review's back.
            raise ValueError("This copy shows unpublished changes; it cannot be saved.")
        if not self.slug:
            self.slug = self._unique_slug()
        self.body = sanitize_html(self.body)
        if self.published_at and not self.public_updated_at:
            self.public_updated_at = self.published_at
        self._set_search_vector(kwargs)
        super().save(*args, **kwargs)
        # The stored value is computed by the database: read it again only if asked for.
        self.__dict__.pop("search_vector", None)

    def get_absolute_url(self):
        return story_url(self.slug)

    def is_published(self):
        """Mirror of ``ArticleQuerySet.published()`` for one article in memory."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def has_been_public(self):
        """Readers have seen it: published (now withdrawn or removed, perhaps) and its time came."""
        return self.published_at is not None and self.published_at <= timezone.now()

    def is_live(self):
        """
        Published, public or scheduled: its content was approved, so an edit does not change
        it but becomes its pending draft, reviewed like a new article (articles/revisions.py).
        """
        return self.status == self.Status.PUBLISHED

    @property
    def has_pending_changes(self):
        return self.pending_revision_id is not None

    @property
    def review_status(self):
        """The status the review transitions act on: the pending draft's, if there is one."""
        return self.pending_status if self.has_pending_changes else self.status

    def change_is_due(self, now=None):
        """Approved changes whose go-live time has come (applied at the next request)."""
        return (
            self.pending_status == self.PendingStatus.SCHEDULED
            and self.pending_go_live_at is not None
            and self.pending_go_live_at <= (now or timezone.now())
        )

    def is_editable_by(self, user):
        """
        Editors edit any article until it is withdrawn or removed (a closed public record);
        writers edit only their own drafts, so an article in review is read-only to them. A
        live article's edit is its pending draft: writers may start or continue one on their
        own live articles, not while it is in review.
        """
        if self.status in {self.Status.WITHDRAWN, self.Status.REMOVED}:
            return False
        if not user.has_perm("articles.change_article"):
            return False
        if user.has_perm("articles.edit_any_article"):
            return True
        if self.author_id != user.pk:
            return False
        if self.status == self.Status.PUBLISHED:
            return self.pending_status in {"", self.PendingStatus.DRAFT}
        return self.status == self.Status.DRAFT

    def workflow_label(self):
        """
        The status as the admin shows it: "Scheduled for …", "Published urgently — needs
        review", "Published, with unpublished changes (in review)".
        """
        if self.is_scheduled():
            label = _("Scheduled for %(time)s") % {"time": format_local(self.published_at)}
        elif self.status == self.Status.PUBLISHED and self.urgent_unconfirmed:
            label = _("Published urgently — needs review")
        else:
            label = self.get_status_display()
        if not self.has_pending_changes:
            return label
        if self.pending_status == self.PendingStatus.SCHEDULED:
            state = _("approved, going live %(time)s") % {
                "time": format_local(self.pending_go_live_at)
            }
        else:
            state = self.get_pending_status_display().lower()
        return _("%(status)s, with unpublished changes (%(state)s)") % {
            "status": label,
            "state": state,
        }

    def workflow_token(self):
        """
        Identifies the state a form or button was made from (the row's ``version``), so a
        stale page is refused: the change form and the workflow buttons carry the same one.
        """
        return str(self.version)

    def last_change(self):
        """The newest history entry: who last changed the article, and when."""
        return self.events.select_related("actor", "revision").order_by("-at", "-id").first()

    def change_history(self):
        """
        The public change notes, newest first (the "History of this article" list). Uses the
        ``public_change_notes`` the detail view prefetches, or asks the database.
        """
        notes = getattr(self, "public_change_notes", None)
        if notes is None:
            notes = list(self.change_notes.public())
        return notes

    # Workflow transitions. Each checks the source state and the actor's permission, writes
    # a history entry, sends its notifications, and raises workflow.WorkflowError otherwise.

    def submit(self, by):
        """Draft → in review (the author or an editor)."""
        return workflow.submit(self, by)

    def request_changes(self, by, comment):
        """In review → draft, with a comment for the author (an editor)."""
        return workflow.request_changes(self, by, comment)

    def approve(self, by, at=None, major=None, note_kind="", note=""):
        """
        In review → published now, or scheduled at ``at`` (an editor other than the author).
        For changes to a public article, ``major`` answers "Do readers need to know the
        content has changed?"; a major change needs a change note (``note_kind``, ``note``).
        """
        return workflow.approve(self, by, at=at, major=major, note_kind=note_kind, note=note)

    def publish_urgently(self, by, reason, major=None, note_kind="", note=""):
        """Draft or in review → published now without a second person, with a written reason."""
        return workflow.publish_urgently(
            self, by, reason, major=major, note_kind=note_kind, note=note
        )

    def discard_changes(self, by):
        """Drop a live article's pending draft; readers keep the live version (it stays in history)."""
        return workflow.discard_changes(self, by)

    def confirm_urgent(self, by):
        """Another editor confirms an urgent publication; it leaves the review list."""
        return workflow.confirm_urgent(self, by)

    def unschedule(self, by):
        """Scheduled → draft, before it goes public."""
        return workflow.unschedule(self, by)

    def withdraw(self, by, explanation):
        """Published → withdrawn: stays at its URL under a notice, leaves every list."""
        return workflow.withdraw(self, by, explanation)

    def remove(self, by, replacement_url="", comment=""):
        """Published or withdrawn → removed: 410 Gone, or a redirect to ``replacement_url``."""
        return workflow.remove(self, by, replacement_url=replacement_url, comment=comment)

    def available_transitions(self, user):
        """The transitions ``user`` may take now, in the order the admin offers them."""
        return workflow.available(self, user)

    @property
    def updated_on(self):
        """The public "Updated:" time, falling back to the first publication."""
        return self.public_updated_at or self.published_at

    def _set_search_vector(self, save_kwargs):
        from .search import search_vector_for  # search.py builds on this module

        update_fields = save_kwargs.get("update_fields")
        if update_fields is not None:
            if not {"title", "summary", "body"} & set(update_fields):
                return
            save_kwargs["update_fields"] = {*update_fields, "search_vector"}
        using = save_kwargs.get("using") or router.db_for_write(type(self), instance=self)
        self.search_vector = search_vector_for(self, using)

    @property
    def district_list(self):
        """The article's districts by name: as loaded by ``with_districts()``, or queried now."""
        try:
            return self._prefetched_districts
        except AttributeError:
            return list(self.districts.order_by("name"))

    def related(self, limit=5):
        """
        Other public stories about the same districts, newest first, in one query.

        A city-wide story (no districts) is related to the other city-wide stories. Uses the
        districts already loaded with the article, so prefetch them.
        """
        stories = Article.objects.published().newest_first().exclude(pk=self.pk).defer("body")
        through = Article.districts.through.objects
        district_ids = [district.pk for district in self.district_list]
        if district_ids:
            # A subquery rather than a join, so no DISTINCT is needed for shared districts.
            in_districts = through.filter(district_id__in=district_ids)
            stories = stories.filter(pk__in=in_districts.values("article_id"))
        else:
            # NOT EXISTS rather than a LEFT JOIN ... IS NULL, which PostgreSQL answers by joining
            # every story (a quarter of a second at 100,000): this way it walks the newest
            # stories by index and stops at the limit.
            stories = stories.filter(~Exists(through.filter(article_id=OuterRef("pk"))))
        return stories[:limit]

    def _unique_slug(self):
        max_length = self._meta.get_field("slug").max_length
        base = slugify(self.title, allow_unicode=True)[: max_length - 8].strip("-") or "story"
        if base.isdigit():
            base = f"story-{base}"
        candidate, n = base, 1
        others = Article.objects.exclude(pk=self.pk)
        # An old address of another article keeps redirecting to it: not reused.
        retired = SlugRedirect.objects.exclude(article_id=self.pk)
        while others.filter(slug=candidate).exists() or retired.filter(old_slug=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate


class ArticleEvent(models.Model):
    """
    One entry in an article's history: who did what, when, from which status to which.

    Append-only: saving an existing entry or deleting one raises, and the admin shows
    entries read-only to everyone. Notifications sent by a transition are recorded on its
    entry as ``recipients``.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        PUBLISHED_URGENTLY = "published_urgently", _("Published urgently")
        URGENT_CONFIRMED = "urgent_confirmed", _("Urgent publication confirmed")
        UNSCHEDULED = "unscheduled", _("Unscheduled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REMOVED = "removed", _("Removed")
        NOTIFICATION_FAILED = "notification_failed", _("Notification failed")
        CHANGES_DISCARDED = "changes_discarded", _("Unpublished changes discarded")
        CHANGES_LIVE = "changes_live", _("Scheduled changes went live")
        SHARE_LINK_CREATED = "share_link_created", _("Preview link created")
        SHARE_LINK_REVOKED = "share_link_revoked", _("Preview link revoked")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="events", on_delete=models.PROTECT
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        related_name="article_events",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=Article.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Article.Status.choices, blank=True)
    comment = models.TextField(
        _("comment"), blank=True, help_text=_("The comment, reason or explanation given.")
    )
    recipients = models.JSONField(
        _("notified"), default=list, blank=True, help_text=_("Email addresses notified.")
    )
    revision = models.ForeignKey(
        "Revision",
        verbose_name=_("revision"),
        related_name="events",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("The revision the entry is about: the edit saved, or the changes reviewed."),
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("article history")
        default_permissions = ("view",)
        permissions = [("export_audit", _("Can export article history and the audit log as CSV"))]
        indexes = [models.Index(fields=["article", "at"], name="articleevent_article_at_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.article_id} ({self.at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("History entries are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("History entries are append-only and cannot be deleted.")


class Revision(models.Model):
    """
    One saved state of an article: a snapshot of what the public would see (title, address,
    summary, body, districts, source, lead image, language, featured), who saved it, when.

    Every save through the admin and every restore adds one, numbered 1, 2, 3 … per article;
    none is ever changed, so history is never rewritten. Snapshots, diffs and restoring are
    in ``articles/revisions.py``.
    """

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("As stored before revisions were kept")
        EDIT = "edit", _("Edit")
        RESTORE = "restore", _("Restored")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="revisions", on_delete=models.PROTECT
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EDIT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        related_name="article_revisions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    snapshot = models.JSONField(_("content"))
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("restored from"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # The article's version once this revision was saved: a form made from version N was
    # based on the newest revision whose article_version is at most N.
    article_version = models.PositiveIntegerField(_("article version"), default=1)

    class Meta:
        ordering = ["article", "number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number")
        ]

    def __str__(self):
        return _("Revision %(number)s of “%(title)s”") % {
            "number": self.number,
            "title": self.snapshot.get("title", ""),
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Revisions are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:articles_article_revisions", args=[self.article_id]) + (
            f"#revision-{self.number}"
        )

    def delete(self, *args, **kwargs):
        raise ValueError("Revisions are append-only and cannot be deleted.")


class ChangeNoteQuerySet(models.QuerySet):
    def public(self, now=None):
        """Notes readers see: those whose change has gone live."""
        return self.filter(public_at__lte=now or timezone.now())


class ChangeNote(models.Model):
    """
    What readers are told about a major change to a published article: an update, a
    correction or a clarification, shown in the story's "History of this article" list.

    Made when an editor approves a major change; ``public_at`` is the change's go-live time,
    which also becomes the article's ``public_updated_at``.
    """

    class Kind(models.TextChoices):
        UPDATE = "update", _("Update")
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="change_notes", on_delete=models.PROTECT
    )
    revision = models.ForeignKey(
        Revision,
        verbose_name=_("revision"),
        related_name="change_notes",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.TextField(
        _("change note"),
        max_length=1000,
        help_text=_("Shown to readers: what changed and why, in a sentence or two."),
    )
    public_at = models.DateTimeField(_("public from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ChangeNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-public_at", "-id"]
        verbose_name = _("change note")
        verbose_name_plural = _("change notes")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["update", "correction", "clarification"]),
                name="change_note_kind_valid",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="change_note_not_empty"),
        ]
        indexes = [models.Index(fields=["article", "-public_at"], name="changenote_article_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:60]}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()


class SlugRedirect(models.Model):
    """
    An address an article had while it was public: ``/articles/<old_slug>/`` answers a
    permanent redirect to the article's current address.

    Points at the article, never at another slug, so redirects cannot chain; a redirect
    whose old slug becomes an article's current slug again is deleted, so none can loop.
    """

    old_slug = models.SlugField(_("old slug"), max_length=200, unique=True, allow_unicode=True)
    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="slug_redirects", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        default_permissions = ()

    def __str__(self):
        return f"/{self.old_slug}/ → {self.article_id}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()


class ShareLinkQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Links that open: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ShareLink(models.Model):
    """
    A preview link to one article's current draft for someone without an account.

    The token is shown once, when the link is made; only its SHA-256 hash is stored, so the
    database alone cannot open a preview. Expired, revoked or unknown tokens answer 404.
    """

    DEFAULT_DAYS = 7
    DAY_CHOICES = [1, 3, 7, 14, 30]

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="share_links", on_delete=models.PROTECT
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("opened"), default=0)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        default_permissions = ()

    def __str__(self):
        return _("Preview link to “%(title)s”") % {"title": self.article.title}

    def get_absolute_url(self):
        return reverse("admin:articles_article_change", args=[self.article_id]) + "#share-links"

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def create(cls, article, by, days=DEFAULT_DAYS):
        """A new link valid for ``days`` days; returns ``(link, token)``: show the token once."""
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            article=article,
            token_hash=cls.hash_token(token),
            created_by=by,
            expires_at=timezone.now() + timedelta(days=days),
        )
        return link, token

    @classmethod
    def find(cls, token):
        """The usable link for ``token``, or None (unknown, expired and revoked look alike)."""
        if not token or len(token) > 100:
            return None
        return cls.objects.usable().filter(token_hash=cls.hash_token(token)).first()

    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    def record_open(self, request):
        """Log this opening of the link, and count it."""
        now = timezone.now()
        ShareLinkOpen.objects.create(
            link=self, at=now, user_agent=request.headers.get("User-Agent", "")[:300]
        )
        ShareLink.objects.filter(pk=self.pk).update(
            last_opened_at=now, open_count=F("open_count") + 1
        )


class ShareLinkOpen(models.Model):
    """One opening of a preview link: when, and the browser's description of itself."""

    link = models.ForeignKey(
        ShareLink, verbose_name=_("preview link"), related_name="opens", on_delete=models.CASCADE
    )
    at = models.DateTimeField(_("opened"), default=timezone.now)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("preview link opening")
        verbose_name_plural = _("preview link openings")
        default_permissions = ()

    def __str__(self):
        return f"{self.link_id} @ {self.at:%Y-%m-%d %H:%M}"


class EditingPresence(models.Model):
    """
    Who opened an article's change form, and when last: the form names the others seen in
    the last few minutes. One row per person and article, updated in place.
    """

    WINDOW = timedelta(minutes=5)

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="+", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), related_name="+", on_delete=models.CASCADE
    )
    seen_at = models.DateTimeField(_("seen"), default=timezone.now)

    class Meta:
        verbose_name = _("editing presence")
        verbose_name_plural = _("editing presence")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="presence_unique_person")
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.article_id}"

    @classmethod
    def note(cls, article, user):
        """Record that ``user`` has the form open now: one statement, safe across processes."""
        cls.objects.bulk_create(
            [cls(article=article, user=user, seen_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["article", "user"],
            update_fields=["seen_at"],
        )

    @classmethod
    def others(cls, article, user):
        """The other people who opened the form within ``WINDOW``, most recent first."""
        return (
            cls.objects.filter(article=article, seen_at__gte=timezone.now() - cls.WINDOW)
            .exclude(user=user)
            .select_related("user")
            .order_by("-seen_at")
        )


# Saves drop the cached copies at once in the shared cache (REDIS_URL). The timeout bounds
# how long anything else can show an old copy: another process's local-memory cache when no
# shared cache is configured, or a write that bypassed the models (raw SQL, a restored
# backup). Cache keys end in a number to bump when a cached model's fields change, so an
# old pickle is never read.
CACHE_TIMEOUT = 60


def _forget_cached(key):
    """
    Drop a cached copy now and again once the transaction commits.

    The second delete closes the window in which another request could cache the old row
    between this write and its commit. What is cached here shows on every public page, so
    the cached pages go stale too (``content_changed``).
    """
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    content_changed()


def default_site_name():
    return settings.NEWSROOM_SITE_NAME


def default_copyright():
    return settings.NEWSROOM_COPYRIGHT


def default_icp_filing():
    return settings.NEWSROOM_ICP_FILING


def default_psb_filing():
    return settings.NEWSROOM_PSB_FILING


class SiteSettings(models.Model):
    """
    The site's identity and the legal lines of its footer: one record, edited by administrators.

    A new site starts from the NEWSROOM_* values in settings until the record is first saved.
    Read it with ``SiteSettings.load()``, which is cached: no query once warm, and saving the
    record drops the cached copy so a change shows at once.
    """

    SINGLETON_PK = 1
    CACHE_KEY = "newsroom:site-settings:1"

    site_name = models.CharField(
        _("site name"),
        max_length=100,
        default=default_site_name,
        help_text=_("Shown in the header, in page titles and when pages are shared."),
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        blank=True,
        help_text=_("A short line under the site name; also the home page's description."),
    )
    organisation_name = models.CharField(
        _("organisation name"),
        max_length=200,
        blank=True,
        help_text=_(
            'The body that runs the site, e.g. "Tianjin Municipal People\'s Government". '
            "Shown in the footer and named as the publisher of every story."
        ),
    )
    copyright = models.CharField(
        _("copyright line"), max_length=300, blank=True, default=default_copyright
    )
    icp_filing = models.CharField(
        _("ICP filing number"),
        max_length=50,
        blank=True,
        default=default_icp_filing,
        validators=[
            RegexValidator(
                r"^[\u4e00-\u9fff]ICP[备证]\d{5,12}号(-\d{1,4})?$",
                _('Use the form "津ICP备12345678号-1".'),
            )
        ],
        help_text=_("Linked to the MIIT filing system, as the regulations require."),
    )
    psb_filing = models.CharField(
        _("public-security filing number"),
        max_length=50,
        blank=True,
        default=default_psb_filing,
        validators=[
            RegexValidator(
                r"^[\u4e00-\u9fff]公网安备 ?\d{14}号$",
                _('Use the form "津公网安备 12010102000001号".'),
            )
        ],
        help_text=_("Linked to the public-security filing system."),
    )
    government_site_code = models.CharField(
        _("government website identifier code"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^(\d{10}|bm\d{8})$",
                _('Ten characters: ten digits, or "bm" and eight digits.'),
            )
        ],
        help_text=_(
            "The code issued to government websites (政府网站标识码), if the site has one."
        ),
    )
    contact_address = models.CharField(_("postal address"), max_length=300, blank=True)
    contact_phone = models.CharField(
        _("telephone"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 ()\-]{3,38}$", _("Digits, spaces, brackets and hyphens only.")
            )
        ],
    )
    contact_email = models.EmailField(_("email address"), blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="site_settings_singleton"),
        ]

    def __str__(self):
        return self.site_name

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)
        # Every write path (admin, shell, data migration) must show at once in the footer.
        _forget_cached(self.CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _forget_cached(self.CACHE_KEY)
        return result

    @classmethod
    def load(cls):
        """The site's settings: cached; the defaults (unsaved) when none are stored yet."""
        stored = cache.get(cls.CACHE_KEY)
        if stored is None:
            stored = cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls()
            cache.set(cls.CACHE_KEY, stored, timeout=CACHE_TIMEOUT)
        return stored

    @property
    def psb_record_code(self):
        """The digits of the public-security filing number, as its lookup page wants them."""
        return re.sub(r"\D", "", self.psb_filing)

    @property
    def has_contact(self):
        return bool(self.contact_address or self.contact_phone or self.contact_email)


class AlertBannerQuerySet(models.QuerySet):
    def current(self, at=None):
        """Banners showing now (or at ``at``): started, and not yet ended."""
        at = at or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at), starts_at__lte=at)

    def not_ended(self, at=None):
        """Banners showing now or later: what the public site keeps cached."""
        at = at or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))


class AlertBanner(models.Model):
    """
    A site-wide notice above every public page, from its start time to its optional end.

    Each save increases ``version``, which is part of the key a visitor's browser keeps when
    the banner is dismissed, so an edited banner shows again.
    """

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        EMERGENCY = "emergency", _("Emergency")

    CACHE_KEY = "newsroom:alert-banners:1"
    # Emergencies first, then warnings, then information.
    SEVERITY_RANK = {Severity.EMERGENCY: 0, Severity.WARNING: 1, Severity.INFO: 2}

    message = models.TextField(
        _("message"),
        max_length=500,
        help_text=_("Plain text, one or two sentences. Shown at the top of every public page."),
    )
    link_url = models.URLField(
        _("link"), max_length=500, blank=True, help_text=_("Optional: where to read more.")
    )
    link_text = models.CharField(
        _("link text"),
        max_length=80,
        blank=True,
        help_text=_('Words for the link. Left blank, "More information".'),
    )
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, default=Severity.INFO
    )
    starts_at = models.DateTimeField(
        _("starts"),
        default=timezone.now,
        help_text=_("Shown from this time (Asia/Shanghai). Leave as it is to show it now."),
    )
    ends_at = models.DateTimeField(
        _("ends"),
        null=True,
        blank=True,
        help_text=_("Hidden from this time. Leave blank to show it until it is ended."),
    )
    dismissible = models.BooleanField(
        _("visitors may dismiss it"),
        # Off by default, so every severity, emergencies included, publishes as it stands.
        default=False,
        help_text=_(
            "Lets a visitor hide the notice until it is edited. Emergency banners can never "
            "be dismissed."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    objects = AlertBannerQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("alert banner")
        verbose_name_plural = _("alert banners")
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=["info", "warning", "emergency"]),
                name="alert_banner_severity_valid",
            ),
            models.CheckConstraint(
                condition=~Q(severity="emergency", dismissible=True),
                name="alert_banner_emergency_not_dismissible",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="alert_banner_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.message[:80]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)
        # Banners are cached for every page; an edit or a new emergency must show at once.
        _forget_cached(self.CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _forget_cached(self.CACHE_KEY)
        return result

    def clean(self):
        errors = {}
        if self.severity == self.Severity.EMERGENCY and self.dismissible:
            errors["dismissible"] = _("An emergency banner cannot be dismissible.")
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be later than the start.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def showing(cls, at=None):
        """
        The banners to show now, most severe first, from the cache: no query once warm.

        The cache holds every banner that has not ended (future ones too), and the times are
        compared here, so a banner appears and disappears on time without a cache purge.
        """
        at = at or timezone.now()
        banners = cache.get(cls.CACHE_KEY)
        if banners is None:
            banners = list(cls.objects.not_ended(at))
            cache.set(cls.CACHE_KEY, banners, timeout=CACHE_TIMEOUT)
        showing = [b for b in banners if b.is_current(at)]
        return sorted(showing, key=lambda b: (cls.SEVERITY_RANK.get(b.severity, 9), -b.pk))

    def is_current(self, at=None):
        at = at or timezone.now()
        return self.starts_at <= at and (self.ends_at is None or self.ends_at > at)

    @property
    def dismiss_key(self):
        """Changes whenever the banner is edited, so a dismissal lasts only for this text."""
        return f"alert-{self.pk}-{self.version}"

    @property
    def can_be_dismissed(self):
        return self.dismissible and self.severity != self.Severity.EMERGENCY


def _next_banner_change():
    """The next time a banner starts or ends: cached pages must not outlive it."""
    now = timezone.now()
    times = AlertBanner.objects.aggregate(
        start=models.Min("starts_at", filter=Q(starts_at__gt=now)),
        end=models.Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    return min((t for t in times.values() if t is not None), default=None)


register_timed_change(_next_banner_change)


# Imported last: the workflow module uses the models above, and Article's transition
# methods delegate to it.
from . import workflow  # noqa: E402
