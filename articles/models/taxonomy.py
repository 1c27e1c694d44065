"""The districts a story concerns and the sources it comes from: the site's two columns."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .base import ContentQuerySet


class NamedInTwoLanguages:
    """A name (English) and a Chinese name: ``display_name`` is the one to show now."""

    @property
    def display_name(self):
        """
        The Chinese name in the Chinese interface, when there is one; the name otherwise.
        ``__str__`` gives the same, so the admin's lists, filters and pickers show it too.
        """
        if self.name_zh and (get_language() or "").lower().startswith("zh"):
            return self.name_zh
        return self.name


class District(NamedInTwoLanguages, models.Model):
    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_(
            "Shown in the English interface, and in the Chinese one when there is no "
            "Chinese name, e.g. “Wuqing”."
        ),
    )
    name_zh = models.CharField(
        _("Chinese name"),
        max_length=100,
        blank=True,
        help_text=_("Shown in the Chinese interface, e.g. “武清区”. Blank: the name is shown."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("Lower-case ASCII letters, digits and hyphens; used in the district's URL."),
    )
    description = models.TextField(_("description"), blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            # Readers choose a district by this name: two alike could not be told apart.
            models.UniqueConstraint(
                fields=["name_zh"],
                condition=~models.Q(name_zh=""),
                name="district_name_zh_unique",
                violation_error_message=_("Another district has this Chinese name."),
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("articles:district", kwargs={"slug": self.slug})


class Source(NamedInTwoLanguages, models.Model):
    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        help_text=_(
            'Shown to readers as "Source: …", e.g. "exploringtianjin.com"; in the Chinese '
            "interface too when there is no Chinese name."
        ),
    )
    name_zh = models.CharField(
        _("Chinese name"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown to readers of the Chinese interface, e.g. “天津日报”. Blank: the name is shown."
        ),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    url = models.URLField(_("website"), blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["name_zh"],
                condition=~models.Q(name_zh=""),
                name="source_name_zh_unique",
                violation_error_message=_("Another source has this Chinese name."),
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("articles:source", kwargs={"slug": self.slug})
