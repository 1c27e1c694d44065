"""
RSS 2.0 and Atom feeds of the latest published stories: all, per district, per source.

A feed is in the reader's language (its title and description are translated); each story
says its own language, since a Chinese story may stand in an English feed: Atom's ``xml:lang``
on the entry, and in RSS, which has no language per item, Dublin Core's ``dc:language`` (an
RSS 2.0 module; feed readers such as feedparser read it as the entry's language).
"""

import io

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Article, District, SiteSettings, Source
from .search import xml_safe
from .templatetags.newsroom import bcp47

FEED_ITEMS = 30


def site_name():
    """The site's name as administrators set it (Site settings), as every page shows it."""
    return xml_safe(SiteSettings.load().site_name)


class WrittenAtOnce:
    """
    A feed generator that gives the response the whole document in one write: Django's feed
    view hands it the response itself, and 30 stories made some 850 small writes, each encoded
    and appended on its own, a third of the feed's time.
    """

    def write(self, outfile, encoding):
        document = io.StringIO()
        super().write(document, encoding)
        outfile.write(document.getvalue())


DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


class RssFeed(WrittenAtOnce, Rss201rev2Feed):
    """RSS 2.0, each item with its language as ``dc:language``."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("dc:language", item["language"])


class AtomFeed(WrittenAtOnce, Atom1Feed):
    """Atom, each entry with its language as ``xml:lang``."""

    def item_attributes(self, item):
        return {**super().item_attributes(item), "xml:lang": item["language"]}


class LatestArticlesFeed(Feed):
    """The newest published stories, RSS 2.0."""

    feed_type = RssFeed

    def title(self, obj=None):
        return _("%(site)s: latest stories") % {"site": site_name()}

    def description(self, obj=None):
        return _("The latest official news updates from %(site)s.") % {"site": site_name()}

    def link(self, obj=None):
        return reverse("articles:list")

    # Atom wants an author for the feed when entries have none: the publishing organisation.
    def author_name(self, obj=None):
        return site_name()

    def base_queryset(self, obj=None):
        return Article.objects.for_listing()

    def items(self, obj=None):
        return self.base_queryset(obj)[:FEED_ITEMS]

    # Titles and summaries are plain text that may hold control characters XML cannot carry.
    def item_title(self, item):
        return xml_safe(item.title)

    def item_description(self, item):
        return xml_safe(item.summary)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_on

    def item_categories(self, item):
        return [xml_safe(district.display_name) for district in item.district_list]

    def item_extra_kwargs(self, item):
        # The story's language as a BCP 47 tag ("zh-Hans"), for RssFeed and AtomFeed.
        return {"language": bcp47(item.language)}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomFeed

    def subtitle(self, obj=None):
        return self.description(obj)


class _SubjectFeedMixin:
    """A feed of one district's or source's stories, found by the slug in the URL."""

    model = None
    filter_field = None
    description_text = ""

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj=None):
        return _("%(site)s: %(name)s") % {
            "site": site_name(),
            "name": xml_safe(obj.display_name),
        }

    def description(self, obj=None):
        return _(self.description_text) % {"name": xml_safe(obj.display_name)}

    def link(self, obj=None):
        return obj.get_absolute_url()

    def base_queryset(self, obj=None):
        return Article.objects.for_listing().filter(**{self.filter_field: obj})


# Marked for translation here, translated when a feed is rendered.
_ABOUT_DISTRICT = gettext_noop("The latest stories about %(name)s.")
_FROM_SOURCE = gettext_noop("The latest stories from %(name)s.")


class DistrictFeed(_SubjectFeedMixin, LatestArticlesFeed):
    model = District
    filter_field = "districts"
    description_text = _ABOUT_DISTRICT


class DistrictAtomFeed(_SubjectFeedMixin, LatestArticlesAtomFeed):
    model = District
    filter_field = "districts"
    description_text = _ABOUT_DISTRICT


class SourceFeed(_SubjectFeedMixin, LatestArticlesFeed):
    model = Source
    filter_field = "source"
    description_text = _FROM_SOURCE


class SourceAtomFeed(_SubjectFeedMixin, LatestArticlesAtomFeed):
    model = Source
    filter_field = "source"
    description_text = _FROM_SOURCE
