"""
Where a story lives: its public address (``story_url``), and the addresses it had before
(``SlugRedirect``), which keep leading readers to it.
"""

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext_lazy as _

from .base import ContentQuerySet


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


class SlugRedirect(models.Model):
    """
    An address an article had while it was public: ``/articles/<old_slug>/`` answers a
    permanent redirect to the article's current address.

    Points at the article, never at another slug, so redirects cannot chain; a redirect
    whose old slug becomes an article's current slug again is deleted, so none can loop.
    """

    old_slug = models.SlugField(_("old slug"), max_length=200, unique=True, allow_unicode=True)
    article = models.ForeignKey(
        "Article",
        verbose_name=_("article"),
        related_name="slug_redirects",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        default_permissions = ()

    def __str__(self):
        return f"/{self.old_slug}/ → {self.article_id}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()
