from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models, router
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .images import lead_image_path
from .sanitize import sanitize_html


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

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def search(self, query):
        """
        Articles matching the reader's ``query``, best match first (``articles/search.py``).

        Narrows whatever it is called on: public search starts from ``published()``.
        """
        from .search import search_queryset  # search.py builds on this module

        return search_queryset(self, query)

    def for_listing(self):
        """Published, newest first, with what a story card shows loaded in fixed queries."""
        return (
            self.published()
            .newest_first()
            .select_related("source")
            .prefetch_related("districts")
            .defer("body")
        )


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

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_(
            "The story's address: /articles/<slug>/. Chinese characters are allowed. "
            "Left blank, it is made from the title."
        ),
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
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        related_name="articles",
        on_delete=models.PROTECT,
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_(
            "First publication. Visible to the public from this time (Asia/Shanghai); "
            "a future time schedules the story."
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    objects = ArticleManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
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
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_status_pub_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
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
        return reverse("articles:detail", kwargs={"slug": self.slug})

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

    def _unique_slug(self):
        max_length = self._meta.get_field("slug").max_length
        base = slugify(self.title, allow_unicode=True)[: max_length - 8].strip("-") or "story"
        candidate, n = base, 1
        others = Article.objects.exclude(pk=self.pk)
        while others.filter(slug=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate
