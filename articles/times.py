"""Times as the newsroom reads them: in ``TIME_ZONE``, always saying which zone."""

from django.utils import timezone
from django.utils.translation import gettext as _


def zone_label():
    """The newsroom's time zone with its current offset, e.g. "Asia/Shanghai, UTC+8"."""
    offset = timezone.localtime().utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    utc = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return f"{timezone.get_current_timezone_name()}, {utc}"


def format_local(value, zone=True):
    """
    A date and time in the newsroom's zone, saying so: "2024-05-01 09:30 (Asia/Shanghai,
    UTC+8)". ``zone=False`` leaves the zone out, for columns whose heading names it.
    """
    if value is None:
        return _("—")
    text = f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return f"{text} ({zone_label()})" if zone else text


def with_zone(label):
    """A field label that names the zone its times are entered in."""
    return f"{label} ({zone_label()})"
