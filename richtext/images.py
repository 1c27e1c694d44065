"""
Checking and cleaning uploaded images: one path for the editor's uploads and lead images.

An upload is judged by decoding it with Pillow, never by its name or declared type. It must be
JPEG, PNG, GIF or WebP, within ``NEWSROOM_IMAGE_MAX_BYTES`` and ``NEWSROOM_IMAGE_MAX_PIXELS``
(checked from the header, before any pixel is decoded), decode completely, and carry no markup
a browser could run. What is kept is not the upload but a fresh encoding of its pixels: no
EXIF, GPS, XMP, comments or trailing bytes survive, and the name is random with the extension
of the real format.
"""

import io
import posixpath
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Pillow format name -> (extension, encoder options).
FORMATS = {
    "JPEG": ("jpg", {"quality": 88, "optimize": True, "progressive": True}),
    "PNG": ("png", {"optimize": True}),
    "GIF": ("gif", {}),
    "WEBP": ("webp", {"quality": 88, "method": 4}),
}

# Byte sequences that make a browser, or a PHP or JSP server, treat a file as markup or code.
# In compressed image data they occur by chance with negligible probability (7+ fixed bytes),
# so finding one means the file was built to be two things at once (a polyglot).
MARKUP_SIGNATURES = (
    b"<script", b"<html", b"<body", b"<head", b"<svg", b"<iframe", b"<object", b"<embed",
    b"<!doctype", b"<?php", b"<%@", b"javascript:",
)  # fmt: skip


def looks_like_accepted_format(data):
    """
    Whether ``data`` starts as a JPEG, PNG, GIF or WebP file does: a file that does but cannot
    be read is a damaged picture, one that does not is no picture at all.
    """
    return data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image, ready to store."""

    content: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self):
        return FORMATS[self.format][0]

    def as_file(self):
        """A ContentFile with a random name ending in the real format's extension."""
        return ContentFile(self.content, name=f"{secrets.token_hex(16)}.{self.extension}")


def damaged_message():
    return _(
        "The file could not be read as a complete JPEG, PNG, GIF or WebP image; "
        "it may be damaged or cut short."
    )


def refuse(message, code):
    raise ValidationError(message, code=code)


def clean_image(upload):
    """
    Check ``upload`` (a file object with ``size`` and ``read``) and return a ``CleanImage``.

    Raises ``ValidationError`` with a message for the editor; never anything else.
    """
    max_bytes = settings.NEWSROOM_IMAGE_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        refuse(
            _("The file is %(size)s; images may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            "too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        refuse(
            _("Images may be at most %(limit)s.") % {"limit": filesizeformat(max_bytes)},
            "too_large",
        )
    if not data:
        refuse(_("This file is not an image: it is empty."), "not_an_image")
    lowered = data.lower()
    if any(signature in lowered for signature in MARKUP_SIGNATURES):
        refuse(
            _("The file contains web page or script code, so it is refused."),
            "polyglot",
        )
    try:
        return _reencode(data)
    except ValidationError:
        raise
    except UnidentifiedImageError:
        # No image reader recognised it. Only a file that starts like one of the accepted
        # formats is a damaged picture; anything else (text, a PDF, a document) is not one.
        if not looks_like_accepted_format(data):
            refuse(
                _("This file is not an image. Choose a JPEG, PNG, GIF or WebP picture."),
                "not_an_image",
            )
        refuse(damaged_message(), "invalid")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
        refuse(
            _("The image has too many pixels; images may have at most %(limit).0f megapixels.")
            % {"limit": settings.NEWSROOM_IMAGE_MAX_PIXELS / 1e6},
            "too_many_pixels",
        )
    except Exception:
        # Pillow parsing hostile input can fail in many ways (OSError for a truncated file,
        # SyntaxError, ValueError, struct.error, the decompression-bomb warning, ...): each
        # means the same to the editor, and none may become a server error.
        refuse(damaged_message(), "invalid")


def _reencode(data):
    # Warnings become errors here, so Pillow's decompression-bomb warning refuses the file
    # and a truncated file is never padded out with grey.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                refuse(
                    _("Only JPEG, PNG, GIF and WebP images are accepted (this is %(format)s).")
                    % {"format": image.format or _("unknown")},
                    "format",
                )
            _check_dimensions(*image.size)
            if image.format == "PNG" and _bytes_after_png_end(data):
                refuse(
                    _("The file has data hidden after the end of the picture, so it is refused."),
                    "polyglot",
                )
            image_format = image.format
            image.seek(0)  # the first frame of an animation: what the page shows still
            image.load()
            pixels = _pixels_only(image)
    output = io.BytesIO()
    _save(pixels, output, image_format)
    return CleanImage(output.getvalue(), image_format, pixels.width, pixels.height)


def _check_dimensions(width, height):
    limit = settings.NEWSROOM_IMAGE_MAX_PIXELS
    if width < 1 or height < 1:
        refuse(_("The image has no pixels."), "invalid")
    if width * height > limit:
        refuse(
            _(
                "The image is %(width)s × %(height)s pixels (%(mp).1f megapixels); "
                "images may have at most %(limit).0f megapixels."
            )
            % {
                "width": width,
                "height": height,
                "mp": width * height / 1e6,
                "limit": limit / 1e6,
            },
            "too_many_pixels",
        )


def _bytes_after_png_end(data):
    end = data.rfind(b"IEND")
    return end != -1 and data[end + 8 :].strip(b"\x00") != b""


def _pixels_only(image):
    """The picture upright, in sRGB, with no metadata at all."""
    upright = ImageOps.exif_transpose(image) or image
    upright = _to_srgb(upright, image.info.get("icc_profile"))
    if upright.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
        upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    clean = upright.copy()
    transparency = image.info.get("transparency") if clean.mode in {"P", "L", "RGB"} else None
    clean.info = {}
    if transparency is not None:
        clean.info["transparency"] = transparency
    return clean


def _to_srgb(image, icc_profile):
    """Convert colour-managed pictures (a phone's Display P3) to sRGB and drop the profile."""
    if not icc_profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image.convert("RGB") if image.mode == "CMYK" else image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image.convert("RGB") if image.mode == "CMYK" else image


def _save(image, output, image_format):
    options = dict(FORMATS[image_format][1])
    if image_format == "JPEG" and image.mode not in {"L", "RGB"}:
        image = flatten(image)
    if image_format == "GIF" and image.mode not in {"L", "P"}:
        image = image.convert("RGBA").convert("P", palette=Image.Palette.ADAPTIVE)
    if "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    image.save(output, format=image_format, **options)


def flatten(image, background=(255, 255, 255)):
    """An RGB copy of ``image``, transparent areas on white (for JPEG, which has no alpha)."""
    if image.mode in {"RGB", "L"}:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, background)
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def lead_image_path(instance, filename):
    """
    Where a lead image is stored: a random name, keeping the (checked) extension.
    Migrations refer to this function by name: keep it here and keep its signature.
    """
    extension = posixpath.splitext(filename)[1].lower()
    return f"lead-images/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}{extension}"
