"""
Template helpers for the public site: story cards, language tags, share images, structured data,
sitemap entries.
"""

import html
import json
from datetime import datetime

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import to_locale

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


@register.simple_tag
def story_card(article, level=2, size=""):
    """
    One story in a list: linked title, summary, date, source and districts; ``level`` is the
    heading level (so headings stay in order), ``size`` "lead" or "featured" on the front page.

    Built here rather than by an ``{% include %}``: list pages show 20 cards, and rendering
    them through the template engine was most of an uncached list's cost (docs/benchmarks.md).
    Districts come from ``prefetch_related`` (``Article.objects.with_districts()``).
    """
    level = level or 2
    published = timezone.localtime(article.published_at) if article.published_at else None
    districts = [district.name for district in article.district_list]
    return format_html(
        '<article class="card{}" lang="{}">\n'
        '  <h{} class="card__title"><a href="{}">{}</a></h{}>\n'
        "{}"
        '  <p class="card__meta meta">\n'
        '    <time datetime="{}">{}</time>\n'
        '    <span class="card__source">{}</span>\n'
        "    {}\n"
        "  </p>\n"
        "</article>",
        f" card--{size}" if size else "",
        bcp47(article.language),
        level,
        article.get_absolute_url(),
        article.title,
        level,
        format_html('  <p class="card__summary">{}</p>\n', article.summary)
        if article.summary
        else "",
        published.isoformat() if published else "",
        published.strftime("%Y-%m-%d") if published else "",
        article.source.name,
        format_html('<span class="card__districts">{}</span>', ", ".join(districts))
        if districts
        else "",
    )


@register.simple_tag
def story_cards(articles, level=2):
    """``story_card`` for each of ``articles``."""
    return format_html_join("", "{}", ((story_card(article, level),) for article in articles))


@register.simple_tag
def search_results(articles):
    """
    A search page's results: each story's highlighted title and snippet (``title_html`` and
    ``snippet_html``, escaped and marked by ``articles.search.add_highlights``), its date,
    source and districts. Written here like the story cards, for the same reason.
    """
    return format_html_join("", "{}", ((search_result(article),) for article in articles))


def search_result(article):
    published = timezone.localtime(article.published_at)
    districts = ", ".join(district.name for district in article.district_list)
    return format_html(
        '<article class="card search-result">\n'
        '  <h2 class="card__title"><a href="{}">{}</a></h2>\n'
        '  <p class="meta">\n'
        '    <time datetime="{}">{}</time>\n'
        "    · {}{}\n"
        "  </p>\n"
        "{}"
        "</article>\n",
        article.get_absolute_url(),
        article.title_html,
        published.isoformat(),
        published.strftime("%Y-%m-%d"),
        article.source.name,
        format_html(" · {}", districts) if districts else "",
        format_html('  <p class="card__summary">{}</p>\n', article.snippet_html)
        if article.snippet_html
        else "",
    )


@register.filter
def sitemap_urls(urlset):
    """
    The ``<url>`` elements of a page of Django's sitemap view (its ``urlset``): ``loc``, and
    ``lastmod`` as a date of the site's time zone when the section gives one. The sections here
    use nothing else (change frequency, priority, alternates).

    Written here rather than by a ``{% for %}`` loop in the template: for a page of 1,000
    stories, the engine's two values and one condition per URL were half the page's time
    (articles/sitemaps.py). ``html.escape`` is what Django's ``escape`` applies.
    """
    zone = timezone.get_current_timezone()
    elements = []
    for url in urlset:
        day = url["lastmod"]
        if isinstance(day, datetime):
            day = day.astimezone(zone).date()
        elements.append(
            f"<url><loc>{html.escape(url['location'])}</loc>"
            + (f"<lastmod>{day.isoformat()}</lastmod>" if day else "")
            + "</url>\n"
        )
    return mark_safe("".join(elements))  # each location escaped above; a date needs none


def _absolute(context, url):
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


@register.simple_tag(takes_context=True)
def share_image_url(context, article=None):
    """
    The image shown when a page is shared and in an article's structured data.

    The site's share image for now; an article's lead image takes its place when articles
    get one.
    """
    return _absolute(context, static(SHARE_IMAGE))


def json_ld(data):
    """``data`` as a JSON-LD script element, escaped so no value can end the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),  # escaped just above
    )


@register.simple_tag(takes_context=True)
def article_structured_data(context, article):
    """A schema.org ``NewsArticle`` for ``article``, published by the site's organisation."""
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
        "datePublished": timezone.localtime(article.published_at).isoformat(),
        "dateModified": timezone.localtime(article.updated_on).isoformat(),
        "image": [share_image_url(context, article)],
        "publisher": {
            "@type": "GovernmentOrganization",
            "name": organisation,
            "logo": {"@type": "ImageObject", "url": _absolute(context, static(LOGO))},
        },
        "author": {"@type": "Organization", "name": article.source.name},
        "spatialCoverage": [
            {
                "@type": "Place",
                "name": district.name,
                "url": _absolute(context, district.get_absolute_url()),
            }
            for district in article.district_list
        ],
    }
    if article.source.url:
        data["author"]["url"] = article.source.url
    if article.source_url:
        data["isBasedOn"] = article.source_url
    return json_ld(data)
