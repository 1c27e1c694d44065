"""
What the public pages share, memoised under the content generation (``pagecache``): the
districts and sources the pages offer, the first year of the archive, a story's related
stories, the subject of a district's or source's page. Each is exactly as fresh as a page
rendered now: any change to public content, and the next scheduled go-live, end it.
"""

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from pagecache import memoise

from .models import Article, District, Source


def browse_options():
    """
    ``(districts, sources)``, each by name with its names (``display_name``) and slug loaded:
    the home page's panels and the filters of the lists and search, in either language.
    """
    return memoise(
        "browse-options",
        (),
        lambda: (
            list(District.objects.only("name", "name_zh", "slug")),
            list(Source.objects.only("name", "name_zh", "slug")),
        ),
    )


def first_publication_year():
    """The year of the oldest public story, in the site's time zone (one indexed query)."""

    def year():
        first = Article.objects.published().aggregate(first=Min("published_at"))["first"]
        return timezone.localtime(first).year if first else None

    return memoise("first-year", settings.TIME_ZONE, year)


def related_stories(article):
    """``article.related()`` as a list: the same for every reader until content changes."""
    return memoise("related", article.pk, lambda: list(article.related()))


def subject(model, slug):
    """The district or source with ``slug`` (``model`` is District or Source), or None."""
    return memoise(
        "subject", (model.__name__, slug), lambda: model.objects.filter(slug=slug).first()
    )
