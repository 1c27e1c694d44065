from django import template

from articles.times import zone_label as _zone_label

register = template.Library()


@register.simple_tag
def zone_label():
    """The newsroom's time zone and offset, e.g. "Asia/Shanghai, UTC+8"."""
    return _zone_label()
