from django import template
from django.utils import timezone

from articles.times import zone_label as _zone_label

register = template.Library()


@register.simple_tag
def zone_label():
    """The newsroom's time zone and offset, e.g. "Asia/Shanghai, UTC+8"."""
    return _zone_label()


@register.filter
def machine_time(value):
    """
    A time for ``<time datetime="…">``: ISO 8601 in the site's zone, to the second. (Django's
    ``date:"c"`` writes microseconds, and HTML allows at most three digits of a second.)
    """
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
