"""
Responsive renditions of stored images: a few widths, in WebP with a JPEG fallback.

Renditions live on the default storage beside nothing but their own kind
(``renditions/<original name>-w<width>.<webp|jpg>``), so their names follow from the original's
name and no table records them. ``responsive_image()`` returns what a page needs
(srcsets, fallback URL, intrinsic size, the smallest and largest renditions) and makes any
missing rendition on the way; the answer is cached so a page view costs no storage calls once
an image has been seen, and ``responsive_images()`` asks the cache once for a whole list.
Everything goes through Django's storage API, so media can live on S3-compatible storage.
"""

import hashlib
import io
import logging
import posixpath
from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from .images import flatten
from .sanitize import is_site_media_url, media_url_prefix

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1600)
FORMATS = {"webp": ("WEBP", {"quality": 80, "method": 4}), "jpg": ("JPEG", {"quality": 82})}
ROOT = "renditions"
CACHE_SECONDS = 24 * 60 * 60
# Bumped when the naming or encoding of renditions changes, so cached answers expire.
VERSION = 1


@dataclass(frozen=True)
class Rendition:
    """One rendition: its URL and its size in pixels."""

    url: str
    width: int
    height: int


@dataclass(frozen=True)
class ResponsiveImage:
    """
    What ``<picture>``/``<img srcset>`` markup needs for one stored image; the smallest
    renditions for a thumbnail (a story card), the largest JPEG for sharing (Open Graph).
    """

    width: int
    height: int
    webp_srcset: str
    jpeg_srcset: str
    fallback_url: str
    small_jpeg: Rendition
    small_webp: Rendition
    large_jpeg: Rendition


def widths_for(original_width):
    """Rendition widths for an original: never upscaled, the largest no wider than 1600."""
    widths = [width for width in WIDTHS if width < original_width]
    widths.append(min(original_width, WIDTHS[-1]))
    return sorted(set(widths))


def rendition_name(name, width, extension):
    stem, _ = posixpath.splitext(name)
    return f"{ROOT}/{stem}-w{width}.{extension}"


def scaled_height(original_width, original_height, width):
    return max(1, round(original_height * width / original_width))


def name_from_src(src):
    """The storage name of an image ``src`` on the site's media, or None (renditions too)."""
    if not src or not is_site_media_url(src):
        return None
    name = unquote(src[len(media_url_prefix()) :])
    if not name or name.startswith(f"{ROOT}/"):
        return None
    return name


def _cache_key(name):
    digest = hashlib.sha256(name.encode()).hexdigest()
    return f"renditions:v{VERSION}:{digest}"


def responsive_image(name, storage=None):
    """
    The responsive markup data for the stored image ``name``, or None if it is not there or
    not a readable image. Missing renditions are made now (on demand).
    """
    if not name:
        return None
    return responsive_images([name], storage=storage)[name]


def responsive_images(names, storage=None):
    """
    ``{name: responsive_image(name)}`` for the stored images ``names``, with one cache lookup
    for all of them (a list page's twenty cards).
    """
    storage = storage or default_storage
    names = list(dict.fromkeys(name for name in names if name))
    keys = {name: _cache_key(name) for name in names}
    sizes = cache.get_many(keys.values()) if keys else {}
    described = {}
    for name, key in keys.items():
        size = sizes.get(key)
        if size is None:
            size = ensure_renditions(name, storage=storage)
            if size is not None:
                cache.set(key, size, CACHE_SECONDS)
        described[name] = None if size is None else _describe(name, *size, storage=storage)
    return described


def _describe(name, original_width, original_height, storage):
    widths = widths_for(original_width)

    def url(width, extension):
        return storage.url(rendition_name(name, width, extension))

    def srcset(extension):
        return ", ".join(f"{url(width, extension)} {width}w" for width in widths)

    def rendition(width, extension):
        return Rendition(
            url(width, extension), width, scaled_height(original_width, original_height, width)
        )

    fallback = max(width for width in widths if width <= 960 or width == widths[0])
    smallest, largest = widths[0], widths[-1]
    return ResponsiveImage(
        width=largest,
        height=scaled_height(original_width, original_height, largest),
        webp_srcset=srcset("webp"),
        jpeg_srcset=srcset("jpg"),
        fallback_url=url(fallback, "jpg"),
        small_jpeg=rendition(smallest, "jpg"),
        small_webp=rendition(smallest, "webp"),
        large_jpeg=rendition(largest, "jpg"),
    )


def ensure_renditions(name, storage=None, force=False):
    """
    Make every rendition of ``name`` that is missing (all of them with ``force``) and return
    the original's (width, height), or None if the original is missing or unreadable.
    """
    storage = storage or default_storage
    try:
        with storage.open(name, "rb") as handle:
            data = handle.read()
        with Image.open(io.BytesIO(data)) as original:
            original_size = original.size
            if original_size[0] * original_size[1] > settings.NEWSROOM_IMAGE_MAX_PIXELS:
                logger.warning("Not making renditions of %s: too many pixels.", name)
                return None
            wanted = [
                (width, extension)
                for width in widths_for(original_size[0])
                for extension in FORMATS
                if force or not storage.exists(rendition_name(name, width, extension))
            ]
            if wanted:
                original.seek(0)
                original.load()
                _write(original, name, wanted, storage)
    except FileNotFoundError:
        return None
    except Exception:
        # Originals are checked on upload; one that is damaged since, or a file that never
        # came through the upload checks, is shown as nothing rather than breaking the page.
        logger.warning("Could not make renditions of %s.", name, exc_info=True)
        return None
    cache.delete(_cache_key(name))
    return original_size


def _write(original, name, wanted, storage):
    base = original.convert("RGBA" if _has_alpha(original) else "RGB")
    for width in sorted({width for width, _ in wanted}, reverse=True):
        height = scaled_height(*base.size, width)
        resized = base if width == base.width else base.resize((width, height), Image.LANCZOS)
        for extension in [ext for w, ext in wanted if w == width]:
            image_format, options = FORMATS[extension]
            picture = flatten(resized) if image_format == "JPEG" else resized
            output = io.BytesIO()
            picture.save(output, format=image_format, **options)
            _store(storage, rendition_name(name, width, extension), output.getvalue())


def _has_alpha(image):
    return "A" in image.getbands() or "transparency" in image.info


def _store(storage, target, content):
    """Write ``content`` at exactly ``target``, replacing an older rendition there."""
    if storage.exists(target):
        storage.delete(target)
    saved = storage.save(target, ContentFile(content))
    if saved != target:
        # Another process wrote the same rendition a moment ago: keep that one.
        storage.delete(saved)
