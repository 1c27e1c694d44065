"""
The allow-list for article bodies.

Every body is cleaned here before it is stored (``Article.save``), so templates may render
``article.body`` with ``|safe``: nothing a staff member types can run script for readers.
The CKEditor toolbar (``CKEDITOR_CONFIGS``) offers only what this list keeps.
"""

from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr",
    "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote",
    "a",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "figure", "figcaption", "img",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}

URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _media_prefix():
    return "/" + settings.MEDIA_URL.lstrip("/")


def _attribute_filter(tag, attribute, value):
    if tag == "img" and attribute == "src":
        # Images only from the site's own media: no tracking pixels, no mixed content.
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or not parts.path.startswith(_media_prefix()):
            return None
    if attribute in {"width", "height", "colspan", "rowspan", "start"}:
        return value if value.isdigit() and len(value) <= 5 else None
    return value


@lru_cache(maxsize=1)
def _cleaner_options():
    return {
        "tags": ALLOWED_TAGS,
        "attributes": ALLOWED_ATTRIBUTES,
        "url_schemes": URL_SCHEMES,
        "link_rel": "noopener noreferrer",
        "strip_comments": True,
        # Drop script/style content entirely rather than leaving their text behind.
        "clean_content_tags": {"script", "style"},
    }


def sanitize_html(html):
    """Return ``html`` reduced to the allow-list. Idempotent: cleaning twice changes nothing."""
    if not html:
        return ""
    return nh3.clean(html, attribute_filter=_attribute_filter, **_cleaner_options()).strip()
