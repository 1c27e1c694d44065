"""Writing the content file: ``manage.py export_content``."""

import datetime
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from richtext.sanitize import media_url_prefix

from .specs import (
    FORMAT,
    SPECS,
    VERSION,
    banner_items,
    body_image_names,
    media_item,
    serialize,
    site_settings_item,
)


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds, so a round trip is exact."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def export_size():
    """How many items ``write_export`` will write (media aside), for a progress bar."""
    return len(banner_items()) + sum(spec.rows().count() for spec in SPECS)


@dataclass
class ExportResult:
    count: int  # items written, media aside
    missing_media: list  # files the articles use that are missing or not readable images


def write_export(stream, progress=None):
    """
    Write the file to ``stream``, one item a line; ``progress(done)`` is called as items are
    written.
    """
    encoder = _Encoder(ensure_ascii=False)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now(),
        "media_url": media_url_prefix(),
        "site_settings": site_settings_item(),
    }
    stream.write(encoder.encode(header)[:-1])
    count = 0
    media = set()

    def section(name, items, counted=True):
        nonlocal count
        stream.write(f',\n "{name}": [')
        for n, item in enumerate(items):
            stream.write(("\n  " if n == 0 else ",\n  ") + encoder.encode(item))
            if counted:
                count += 1
                if progress:
                    progress(count)
        stream.write("\n ]")

    def rows(spec):
        for instance in spec.rows().iterator(chunk_size=500):
            item = serialize(spec, instance)
            if item.get("lead_image"):
                media.add(item["lead_image"])
            media.update(body_image_names(item.get("body")))
            yield item

    section("alert_banners", banner_items())
    for spec in SPECS:
        section(spec.section, rows(spec))
    items = [media_item(name) for name in sorted(media)]
    section("media", items, counted=False)
    stream.write("\n}\n")
    return ExportResult(count, [item["path"] for item in items if item["width"] is None])
