"""The districts a story concerns and the sources it comes from: the site's two columns."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import ContentQuerySet


class District(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
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

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:source", kwargs={"slug": self.slug})
