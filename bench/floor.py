"""
The benchmark's floor: a minimal Django view that returns fixed bytes from memory.

Enabled only when NEWSROOM_BENCH_FLOOR_FILE is set (newsroom/urls.py). It runs through the same
server, settings and middleware as every page, so ``page / floor`` is what the page's own work
costs, on a machine whose absolute speed drifts.
"""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse


@cache
def _body():
    return Path(settings.NEWSROOM_BENCH_FLOOR_FILE).read_bytes()


def floor(request):
    return HttpResponse(_body(), content_type="text/html; charset=utf-8")
