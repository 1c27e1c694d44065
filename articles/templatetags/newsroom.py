"""
Template helpers for the public site: story cards and search results (with their lead images),
language tags, share images, structured data, sitemap dates.

The markup is in templates (``includes/story_card.html``, ``includes/search_result.html``);
these tags compute what the templates show, and keep the cards and results as fragment memos
(``pagecache.fragments``).
"""

import json
from datetime import datetime
from typing import NamedTuple

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import to_locale

from pagecache import render_fragment
from richtext.renditions import responsive_image, responsive_images

register = template.Library()

# As Django's json_script: inside <script>, "<", ">" and "&" are escaped, so no value
# (a title containing "</script>") can close the element or open a comment.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

SHARE_IMAGE = "img/share.png"
SHARE_IMAGE_SIZE = (1200, 630)
LOGO = "img/logo.png"


@register.filter
def bcp47(language_code):
    """Django's language code as a BCP 47 tag for ``lang``: "zh-hans" becomes "zh-Hans"."""
    if not language_code:
        return ""
    return to_locale(str(language_code)).replace("_", "-")


@register.filter
def og_locale(language_code):
    """The OpenGraph locale for a language: "zh-hans" is "zh_CN", "en" is "en_US"."""
    return {"zh-hans": "zh_CN", "en": "en_US"}.get(str(language_code), to_locale(language_code))


class Picture(NamedTuple):
    """
    A story's lead image in a list (``includes/card_picture.html``): its smallest renditions,
    and all of them (``srcset``) where the picture is shown large (the front page's lead).
    """

    jpeg_url: str
    webp_url: str
    width: int
    height: int
    alt: str
    jpeg_srcset: str = ""
    webp_srcset: str = ""


class Card(NamedTuple):
    """What a story card shows (``includes/story_card.html``), and so the key of its fragment."""

    url: str
    title: str
    summary: str
    published_at: datetime | None
    language: str
    source: str
    districts: tuple[str, ...]
    picture: Picture | None


class Result(NamedTuple):
    """
    What a search result shows (``includes/search_result.html``): its title and snippet as
    ``(text, is_match)`` segments (``articles.search.add_highlights``).
    """

    url: str
    title: tuple[tuple[str, bool], ...]
    snippet: tuple[tuple[str, bool], ...]
    published_at: datetime
    language: str
    source: str
    districts: tuple[str, ...]
    picture: Picture | None


def lead_images(articles):
    """
    The ``ResponsiveImage`` of each story's lead image, by its storage name, for a list of
    stories: one cache lookup for the whole list (``richtext.renditions``).
    """
    return responsive_images(article.lead_image.name for article in articles)


def card_picture(article, images, large=False):
    """
    The ``Picture`` a card shows for ``article``, or None when it has no lead image (or the
    image cannot be read); ``images`` comes from ``lead_images()``. Its alt text is the
    editor's, empty for a decorative picture.
    """
    image = images.get(article.lead_image.name) if article.lead_image else None
    if image is None:
        return None
    small, small_webp = image.small_jpeg, image.small_webp
    return Picture(
        small.url,
        small_webp.url,
        small.width,
        small.height,
        "" if article.lead_image_decorative else article.lead_image_alt,
        image.jpeg_srcset if large else "",
        image.webp_srcset if large else "",
    )


@register.simple_tag
def story_card(article, level=2, size="", images=None):
    """
    One story in a list (``includes/story_card.html``): linked title, summary, date, source,
    districts and the lead image's small rendition; ``level`` is the heading level (so
    headings stay in order), ``size`` "lead" or "featured" on the front page.

    A list page shows 20 cards, and rendering each through the template engine was most of an
    uncached list's cost (docs/benchmarks.md): each card is a fragment memo
    (``pagecache.fragments``) keyed by everything it shows, so only a story this process has
    not shown as it is now is rendered. Districts come from ``prefetch_related``
    (``Article.objects.with_districts()``); the pictures of a list from one cache lookup
    (``story_cards``).
    """
    if images is None:
        images = lead_images([article])
    card = Card(
        article.get_absolute_url(),
        article.title,
        article.summary,
        article.published_at,
        article.language,
        article.source.display_name,
        tuple(district.display_name for district in article.district_list),
        card_picture(article, images, large=size == "lead"),
    )
    return render_fragment("includes/story_card.html", story=card, level=level or 2, size=size)


@register.simple_tag
def story_cards(articles, level=2, size=""):
    """``story_card`` for each of ``articles``."""
    articles = list(articles)
    images = lead_images(articles)
    # Each card is its template's output, escaped there.
    return mark_safe("".join(story_card(article, level, size, images) for article in articles))


@register.simple_tag
def search_results(articles):
    """
    A search page's results (``includes/search_result.html``), each story's title and snippet
    with the reader's words marked, its date, source, districts and lead image; fragment
    memos like the story cards, for the same reason.
    """
    articles = list(articles)
    images = lead_images(articles)
    # Each result is its template's output, escaped there.
    return mark_safe("".join(search_result(article, images) for article in articles))


def search_result(article, images):
    result = Result(
        article.get_absolute_url(),
        article.title_segments,
        article.snippet_segments,
        article.published_at,
        article.language,
        article.source.display_name,
        tuple(district.display_name for district in article.district_list),
        card_picture(article, images),
    )
    return render_fragment("includes/search_result.html", result=result)


@register.filter
def sitemap_day(lastmod):
    """
    A sitemap entry's ``lastmod`` (a date, or an aware datetime) as a day of the site's time
    zone, "2024-05-02". Django's ``date`` filter gives the same, at twice the cost of a whole
    ``<url>`` element of a 1,000-story sitemap page (includes/sitemap_urls.xml).
    """
    if isinstance(lastmod, datetime):
        lastmod = timezone.localdate(lastmod)
    return lastmod.isoformat() if lastmod else ""


def _absolute(context, url):
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


class ShareImage(NamedTuple):
    """The picture shown when a page is shared (Open Graph, Twitter) and in structured data."""

    url: str
    width: int
    height: int
    alt: str


@register.simple_tag(takes_context=True)
def share_image(context, article=None):
    """
    The ``ShareImage`` of a page: a story's lead image (its largest JPEG rendition, with the
    editor's alt text, empty when decorative), else the site's share image.
    """
    # A page without a story passes the template engine's empty string for it.
    if article and article.lead_image:
        image = responsive_image(article.lead_image.name)
        if image is not None:
            large = image.large_jpeg
            alt = "" if article.lead_image_decorative else article.lead_image_alt
            return ShareImage(_absolute(context, large.url), large.width, large.height, alt)
    site = context.get("site")
    return ShareImage(
        _absolute(context, static(SHARE_IMAGE)), *SHARE_IMAGE_SIZE, site.site_name if site else ""
    )


@register.filter
def script_json(data):
    """
    ``data`` as JSON to write inside a ``<script>`` element, escaped so that no value can end
    the element: ``<script type="application/ld+json">{{ data|script_json }}</script>``.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # escaped for a script element


def _image_object(image):
    return {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}


@register.simple_tag(takes_context=True)
def article_structured_data(context, article):
    """
    A schema.org ``NewsArticle`` for ``article``, published by the site's organisation, as a
    dictionary: ``{% article_structured_data article as data %}``, then ``script_json``.
    """
    site = context.get("site")
    organisation = (site.organisation_name or site.site_name) if site else ""
    url = _absolute(context, article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title[:110],
        "description": article.summary,
        "inLanguage": bcp47(article.language),
        "datePublished": timezone.localtime(article.published_at)
        .replace(microsecond=0)
        .isoformat(),
        "dateModified": timezone.localtime(article.updated_on).replace(microsecond=0).isoformat(),
        "image": [_image_object(share_image(context, article))],
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": organisation,
            "logo": {"@type": "ImageObject", "url": _absolute(context, static(LOGO))},
        },
        "author": {"@type": "Organization", "name": article.source.display_name},
        "spatialCoverage": [
            {
                "@type": "Place",
                "name": district.display_name,
                "url": _absolute(context, district.get_absolute_url()),
            }
            for district in article.district_list
        ],
    }
    if article.source.url:
        data["author"]["url"] = article.source.url
    if article.source_url:
        data["isBasedOn"] = article.source_url
    return data
