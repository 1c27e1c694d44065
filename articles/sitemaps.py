"""
Sitemaps for search engines: an index at /sitemap.xml over the sections below, and a Google
News sitemap of the last two days at /sitemap-news.xml.
"""

from datetime import timedelta
from functools import cached_property
from typing import NamedTuple

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.db.models.functions import Coalesce, TruncMonth
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from pagecache import memoise

from .models import Article, District, SiteSettings, Source, story_urls
from .pagination import NewsroomPaginator
from .search import xml_safe

# Far below the protocol's 50,000, so that each page of the sitemap renders in milliseconds
# (crawlers read the index and fetch the pages one by one; 100,000 stories make 100 pages).
ARTICLES_PER_SITEMAP = 1000
# Google News reads articles published in the last two days, at most 1,000 per sitemap.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000
# Article.updated_on in SQL; the partial index article_published_lastmod_idx serves it.
LASTMOD = Coalesce("public_updated_at", "published_at")


class StoryLocations:
    """``location()`` for stories loaded as rows with a ``slug``: ``Article.get_absolute_url()``."""

    @cached_property
    def _story_url(self):
        # The views make a sitemap per request: this follows the request's script prefix.
        return story_urls()

    def location(self, item):
        return self._story_url(item.slug)


class ArticleSitemap(StoryLocations, Sitemap):
    limit = ARTICLES_PER_SITEMAP

    def items(self):
        # Rows, not model instances: a page lists 1,000 stories and needs two columns of each.
        return (
            Article.objects.published()
            .newest_first()
            .annotate(lastmod=LASTMOD)
            .values_list("slug", "lastmod", named=True)
        )

    @property
    def paginator(self):
        # Counted once per content change, and deep pages reached by seeking, as on the lists.
        return NewsroomPaginator(self._items(), self.limit)

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        # The default loads every item to find the newest; the database reads it from the
        # index, and it is memoised like the lists' counts (it changes only when content does).
        def latest():
            return self.items().order_by("-lastmod").values_list("lastmod", flat=True).first()

        return memoise("sitemap-lastmod", type(self).__name__, latest)


class DistrictSitemap(Sitemap):
    def items(self):
        return District.objects.only("slug")


class SourceSitemap(Sitemap):
    def items(self):
        return Source.objects.only("slug")


class Period(NamedTuple):
    """An archive page: a year, or a month of it, and its stories' newest public update."""

    year: int
    month: int | None
    lastmod: object


def archive_periods():
    """
    The archives that have published stories, newest first, each year before its months: one
    query grouping the stories by month of the site's time zone.
    """
    months = (
        Article.objects.published()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(lastmod=Max(LASTMOD))
        .order_by("-month")
        .values_list("month", "lastmod")
    )
    by_year = {}
    for month, lastmod in months:
        by_year.setdefault(month.year, []).append(Period(month.year, month.month, lastmod))
    periods = []
    for year, in_year in by_year.items():
        periods.append(Period(year, None, max(period.lastmod for period in in_year)))
        periods.extend(in_year)
    return periods


class ArchiveSitemap(Sitemap):
    """The archives of the years and months that have stories (``/articles/2020/11/``)."""

    def items(self):
        # Memoised like the lists' counts: it changes only when content does.
        return memoise("sitemap-archives", (), archive_periods)

    def location(self, item):
        if item.month is None:
            return reverse("articles:archive_year", args=[item.year])
        return reverse("articles:archive_month", args=[item.year, item.month])

    def lastmod(self, item):
        return item.lastmod


class PageSitemap(Sitemap):
    """The fixed public pages."""

    def items(self):
        return ["articles:home", "articles:list", "articles:districts", "articles:sources"]

    def location(self, item):
        return reverse(item)


class NewsSitemap(StoryLocations, Sitemap):
    """
    Stories of the last two days, for the ``news:`` namespace (template ``sitemap_news.xml``),
    with their times formatted here once, in the site's time zone, and each story's language.
    """

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .newest_first()
            .annotate(lastmod=LASTMOD)
            .values_list("slug", "title", "language", "published_at", "lastmod", named=True)
        )

    def lastmod(self, item):
        return item.lastmod

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        zone = timezone.get_current_timezone()
        for url in urls:
            story = url["item"]
            url["lastmod_time"] = story.lastmod.astimezone(zone).isoformat()
            url["publication_time"] = story.published_at.astimezone(zone).isoformat()
            url["news_title"] = xml_safe(story.title)
            url["news_language"] = news_language(story.language)
        return urls


def news_language(code):
    """
    A language as Google News wants it: an ISO 639 code, "zh-cn" for Simplified Chinese
    ("zh-tw" for Traditional).
    """
    code = code.lower()
    if code in {"zh-hans", "zh-cn", "zh-sg", "zh"}:
        return "zh-cn"
    if code in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"}:
        return "zh-tw"
    return code.split("-")[0]


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "archives": ArchiveSitemap,
    "districts": DistrictSitemap,
    "sources": SourceSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}


@require_safe
def news_sitemap(request):
    """The Google News sitemap: the framework's view with the ``news:`` template."""
    response = sitemap_views.sitemap(
        request, NEWS_SITEMAPS, template_name="sitemap_news.xml", content_type="application/xml"
    )
    # Read once here: the context processor's lazy site_name would be evaluated per story.
    response.context_data["publication_name"] = SiteSettings.load().site_name
    return response


@require_safe
def robots_txt(request):
    """
    Crawlers may read everything public except search results; here are the sitemaps. The
    admin is not named: this file is public, and the admin's address may be kept unlisted
    (DJANGO_ADMIN_URL). Its pages tell crawlers themselves (X-Robots-Tag, and a login).
    """
    return render(
        request,
        "robots.txt",
        {
            "disallow": [reverse("articles:search")],
            "sitemaps": [
                request.build_absolute_uri(reverse("sitemap")),
                request.build_absolute_uri(reverse("sitemap-news")),
            ],
        },
        content_type="text/plain; charset=utf-8",
    )
