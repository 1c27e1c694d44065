"""
The allow-list for article bodies.

Every body is cleaned here before it is stored (``Article.save`` and the bulk paths of
``ArticleQuerySet``), and again when a page renders it (the ``rich_text`` filter), so nothing a
staff member types can run script for readers. The CKEditor toolbar and its client-side filter
(``CKEDITOR_CONFIGS``) offer only what this list keeps, so editors do not see their work change.

What survives: headings h2–h4, paragraphs, emphasis, lists, links (http, https, mailto, tel and
site-relative), blockquotes, tables, figures and images from the site's own media, line breaks.
An image the editor marked decorative keeps ``role="presentation"`` (with an empty ``alt``);
``images_without_alt()`` names the others that describe nothing, for the form to refuse.
No ``style``, no event handlers, no ``javascript:``/``data:``/``vbscript:`` in any attribute,
no iframes, forms, SVG or MathML. Every link gets ``rel="noopener noreferrer"``.
"""

import re
from collections import Counter
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.utils.translation import gettext as _

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr",
    "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote",
    "a",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "figure", "figcaption", "img",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    # No attribute on every element: without this, nh3 allows lang and title everywhere.
    "*": set(),
    "a": {"href", "title"},
    # role: only "presentation", an image marked decorative (the editor's image dialog).
    "img": {"src", "alt", "width", "height", "role"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}

URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Removed with everything inside them: their content is code, another document, or markup
# (SVG, MathML) whose parsing rules differ from HTML's and breeds mutation XSS.
CLEAN_CONTENT_TAGS = {
    "script", "style", "template", "noscript", "noembed", "noframes", "xmp", "plaintext",
    "iframe", "frame", "frameset", "object", "embed", "applet",
    "svg", "math", "textarea", "select", "title",
}  # fmt: skip

SCOPE_VALUES = {"row", "col", "rowgroup", "colgroup"}
# How an editor marks a body image decorative: screen readers skip it, it needs no alt text.
DECORATIVE_ROLE = "presentation"
NUMERIC_ATTRIBUTES = {"width", "height", "colspan", "rowspan", "start"}

# Browsers ignore ASCII whitespace and control characters inside a URL scheme
# ("java\tscript:"), so they are dropped before looking for one.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
_DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
# A media path: no dot segments, no backslashes, no characters a browser would rewrite.
_SAFE_PATH = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@%/-]+")


def media_url_prefix():
    """MEDIA_URL as it appears in ``src``: site-relative, or absolute for off-site storage."""
    url = settings.MEDIA_URL
    if urlsplit(url).scheme:
        return url
    return "/" + url.lstrip("/")


def is_site_media_url(value):
    """True if ``value`` names a file under MEDIA_URL, with no way to climb out of it."""
    prefix = media_url_prefix()
    if not value.startswith(prefix) or not _SAFE_PATH.fullmatch(value[len(prefix) :]):
        return False
    parts = urlsplit(value)
    if parts.query or parts.fragment or "\\" in value:
        return False
    segments = unquote(parts.path).split("/")
    return not any(segment in {".", ".."} or "\\" in segment for segment in segments)


def has_dangerous_scheme(value):
    """True if a browser could read ``value`` as a javascript:, data: or vbscript: URL."""
    return _IGNORED_IN_SCHEME.sub("", value).lower().startswith(_DANGEROUS_SCHEMES)


def _attribute_filter(tag, attribute, value):
    if has_dangerous_scheme(value):
        return None
    if tag == "img" and attribute == "src":
        # Images only from the site's own media: no tracking pixels, no mixed content.
        return value if is_site_media_url(value) else None
    if attribute in NUMERIC_ATTRIBUTES:
        return value if value.isdigit() and len(value) <= 5 else None
    if attribute == "scope":
        return value if value in SCOPE_VALUES else None
    if attribute == "role":
        return value if value == DECORATIVE_ROLE else None
    return value


@lru_cache(maxsize=1)
def _cleaner_options():
    return {
        "tags": ALLOWED_TAGS,
        "attributes": ALLOWED_ATTRIBUTES,
        "url_schemes": URL_SCHEMES,
        "link_rel": "noopener noreferrer",
        "strip_comments": True,
        "clean_content_tags": CLEAN_CONTENT_TAGS,
    }


# nh3 writes every attribute double-quoted with '"' escaped, so this matches its <img> tags
# exactly, even when an alt text contains '>'.
IMG_TAG = re.compile(r'<img((?:\s+[a-z-]+="[^"]*")*)\s*/?>')


_ATTRIBUTE = re.compile(r'\s+([a-z-]+)="([^"]*)"')


def image_attributes(tag_attributes):
    """The attributes of an ``IMG_TAG`` match's group 1, as a dict of their (escaped) values."""
    return dict(_ATTRIBUTE.findall(tag_attributes))


def _clean_image(match):
    attributes = image_attributes(match.group(1))
    if "src" not in attributes:
        # An image whose address was not on the site's media is removed, not left empty.
        return ""
    if "role" in attributes and attributes.get("alt", "").strip():
        # Described, so not decorative: a screen reader must not skip what it says.
        return match.group(0).replace(f' role="{DECORATIVE_ROLE}"', "")
    return match.group(0)


def sanitize_html(html):
    """Return ``html`` reduced to the allow-list. Idempotent: cleaning twice changes nothing."""
    if not html:
        return ""
    clean = nh3.clean(html, attribute_filter=_attribute_filter, **_cleaner_options())
    return IMG_TAG.sub(_clean_image, clean).strip()


def images_without_alt(clean_html):
    """
    The images of a sanitised body that describe nothing and are not marked decorative, as
    ``(position, file name)``: the first image of the body is 1.
    """
    missing = []
    for position, match in enumerate(IMG_TAG.finditer(clean_html or ""), start=1):
        attributes = image_attributes(match.group(1))
        if attributes.get("role") == DECORATIVE_ROLE or unescape(attributes.get("alt", "")).strip():
            continue
        name = unquote(urlsplit(unescape(attributes.get("src", ""))).path.rsplit("/", 1)[-1])
        missing.append((position, name))
    return missing


class _Inventory(HTMLParser):
    """Counts elements, attributes and comments, to tell what cleaning took away."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items = Counter()

    def handle_starttag(self, tag, attrs):
        self.items[("tag", tag, "")] += 1
        for name, _value in attrs:
            if name != "rel":  # added to links by the sanitiser, never "removed"
                self.items[("attribute", tag, name)] += 1

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.items[("comment", "", "")] += 1


def _inventory(html):
    parser = _Inventory()
    parser.feed(html or "")
    parser.close()
    return parser.items


def removed_markup(dirty, clean=None):
    """
    What sanitising ``dirty`` removed, as short phrases for an editor, e.g. ``<script>`` or
    ``style="…" on <p>``. Empty when nothing but formatting noise changed.
    """
    if clean is None:
        clean = sanitize_html(dirty)
    lost = _inventory(dirty) - _inventory(clean)
    images_lost = ("tag", "img", "") in lost
    phrases = []
    for kind, tag, name in sorted(lost):
        if images_lost and tag == "img" and kind == "attribute":
            continue  # the attributes of an image that went are not news
        if tag == "img" and (kind == "tag" or name == "src"):
            phrase = _("images not uploaded to this site")
        elif kind == "tag":
            phrase = f"<{tag}>"
        elif kind == "attribute":
            phrase = f'{name}="…" on <{tag}>'
        else:
            phrase = _("comments")
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases
