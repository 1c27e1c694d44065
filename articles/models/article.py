"""
The story: ``Article`` with its fields, constraints and state predicates, and
``ArticleQuerySet``, whose ``published()`` is the one definition of what the public may see.

Workflow fields (status, publication time, pending changes) are written only by the editorial
package (``articles/editorial/``), which checks who may do what; this module states what each
state means.
"""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from articles.search.index import search_vector_for
from articles.times import format_local
from richtext.images import lead_image_path
from richtext.sanitize import sanitize_html

from .addresses import SlugRedirect, story_url
from .querysets import ArticleManager
from .taxonomy import District, Source


def default_language():
    """The site's default language, read when an article is made (not at import time)."""
    return settings.LANGUAGE_CODE


def language_choices():
    return settings.LANGUAGES


# Characters kept free at the end of a slug made from a title, for "-2", "-3" … when another
# story already has it.
SLUG_ROOM = 8


def slug_from_title(title):
    """
    The slug a title makes, before any number is added to tell it from another story's:
    Django's ``slugify`` keeping Chinese, cut to leave ``SLUG_ROOM``, never digits only.
    static/js/article-form.js makes the same in the browser, so the form shows what is saved.
    """
    length = Article._meta.get_field("slug").max_length - SLUG_ROOM
    base = slugify(title, allow_unicode=True)[:length].strip("-") or "story"
    return f"story-{base}" if base.isdigit() else base


def is_made_from(slug, title):
    """Whether ``slug`` is the one ``title`` makes, numbered or not ("…-2")."""
    base = slug_from_title(title)
    return slug == base or re.fullmatch(re.escape(base) + r"-[0-9]+", slug) is not None


def validate_slug_not_numeric(value):
    """A slug of digits only would be taken for an archive year (/articles/2020/)."""
    if value.isdigit():
        raise ValidationError(
            _("A slug cannot be only digits: /articles/%(slug)s/ is the archive of a year."),
            code="numeric_slug",
            params={"slug": value},
        )


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
    # Workflow fields change only through the transitions (articles/editorial/).
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
    # The row itself keeps the live content (articles/editorial/revisions.py).
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
            ("restore_article", _("Can bring back a removed article")),
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
            # A copy showing the pending draft (editorial.revisions.overlay_pending): saving it would
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
        it but becomes its pending draft, reviewed like a new article (editorial/revisions.py).
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

    def workflow_label(self, with_time=True):
        """
        The status as the admin shows it: "Scheduled for …", "Published urgently — needs
        review", "Published, with unpublished changes (in review)". Without ``with_time``, a
        scheduled story is just "Scheduled", where its publication time is shown beside it.
        """
        if self.is_scheduled():
            label = (
                _("Scheduled for %(time)s") % {"time": format_local(self.published_at)}
                if with_time
                else _("Scheduled")
            )
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

    @property
    def updated_on(self):
        """The public "Updated:" time, falling back to the first publication."""
        return self.public_updated_at or self.published_at

    def _set_search_vector(self, save_kwargs):
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

    def slug_for_title(self, title):
        """
        The address a story that was never published takes from ``title``: its own slug if
        that was already made from the same title (so saving again changes nothing), else the
        first free one of ``slug_from_title(title)``, ``…-2``, ``…-3`` …
        """
        if self.slug and is_made_from(self.slug, title):
            return self.slug
        return self._unique_slug(title)

    def _unique_slug(self, title=None):
        base = slug_from_title(self.title if title is None else title)
        candidate, n = base, 1
        others = Article.objects.exclude(pk=self.pk)
        # An old address of another article keeps redirecting to it: not reused.
        retired = SlugRedirect.objects.exclude(article_id=self.pk)
        while others.filter(slug=candidate).exists() or retired.filter(old_slug=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate
