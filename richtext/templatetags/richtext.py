"""
Rendering rich text and images on public pages.

``{{ article.body|rich_text }}`` is the only way a body reaches a page unescaped: it is
sanitised again on the way out (cheap, and it covers rows written by any path that skipped
``Article.save``), and each image is written again by ``richtext/picture.html``: from the site's
media, a responsive ``<picture>`` of its renditions; from elsewhere, the image as it was, loaded
lazily.
``{% responsive_image name as image %}`` gives the lead-image template its srcsets.
"""

import re
from html import unescape

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from richtext.renditions import name_from_src
from richtext.renditions import responsive_image as describe
from richtext.sanitize import IMG_TAG, sanitize_html

register = template.Library()

# The column of a story page: 52rem less 1rem padding each side on small screens.
BODY_SIZES = "(min-width: 52rem) 50rem, calc(100vw - 2rem)"

_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


@register.filter(is_safe=True)
def rich_text(value):
    """Sanitised HTML with responsive images, safe to insert in a page."""
    return mark_safe(_responsive_images(sanitize_html(value or "")))


@register.simple_tag
def responsive_image(image):
    """A ``ResponsiveImage`` for a stored image (a FieldFile or a storage name), or None."""
    name = getattr(image, "name", image)
    return describe(name) if name else None


def _responsive_images(html):
    if "<img" not in html:
        return html
    return IMG_TAG.sub(_rewrite, html)


def _rewrite(match):
    attributes = {name: unescape(value) for name, value in _ATTRIBUTE.findall(match.group(1))}
    name = name_from_src(attributes.get("src", ""))
    image = describe(name) if name else None
    if image is None:
        attributes.update(loading="lazy", decoding="async")
        return _picture({"attributes": attributes.items()})
    width, height, sizes = image.width, image.height, BODY_SIZES
    chosen = _int(attributes.get("width"))
    if chosen and chosen < width:
        # The editor chose a display width: keep it, and the picture's proportions.
        height = _int(attributes.get("height")) or round(image.height * chosen / image.width)
        width, sizes = chosen, f"(max-width: {chosen}px) 100vw, {chosen}px"
    return _picture(
        {
            "image": image,
            "width": width,
            "height": height,
            "sizes": sizes,
            "alt": attributes.get("alt", ""),
        }
    )


def _picture(context):
    # The template escapes every value; a body is rewritten before being marked safe whole.
    return render_to_string("richtext/picture.html", context)


def _int(value):
    return int(value) if value and value.isdigit() and int(value) > 0 else None
