"""
The error pages and the health check: handlers for 400 and 500, the 503 page of an outage,
and ``/healthz``.

Keeping the site honest when what it depends on fails:

- The database unreachable: every page answers a 503 "temporarily unavailable" page, public
  or admin, quickly (``connect_timeout``) and without a stack trace. Nothing is cached or
  restarted: the next request tries the database again, so the site recovers by itself.
- ``/healthz`` tells a load balancer whether this instance can serve (database) and how its
  cache is doing.
"""

import logging
import sys
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.defaults import bad_request as default_bad_request

from articles.models import SiteSettings

logger = logging.getLogger("newsroom.resilience")

RETRY_AFTER_SECONDS = 30


def is_database_unavailable(exc):
    """
    True for the errors of a database that cannot be reached, not of a bad query, also when
    another error was raised while handling one (a session that could not be saved, say).
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _is_admin_path(path):
    try:
        return path.startswith(reverse("admin:index"))
    except NoReverseMatch:
        return False


def _error_response(template_name, context, status, fallback_text):
    """
    An error page rendered without a request context, so no context processor may query; if
    even that fails (static files not collected, say), a line of plain text.
    """
    try:
        html = render_to_string(template_name, {"site_name": site_name(), **context})
    except Exception:
        logger.exception("Could not render %s", template_name)
        return HttpResponse(fallback_text, status=status, content_type="text/plain")
    return HttpResponse(html, status=status)


def unavailable_response(request):
    """The 503 page: "temporarily unavailable", and for the admin "nothing was saved"."""
    is_admin = request is not None and _is_admin_path(request.path)
    response = _error_response(
        "503.html",
        {"is_admin": is_admin, "retry_after_minutes": max(RETRY_AFTER_SECONDS // 60, 1)},
        503,
        "Service temporarily unavailable. Please try again in a few minutes.",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception, *args, **kwargs):
    """``handler400``: the 503 page when the database is the cause, else Django's 400 page."""
    if is_database_unavailable(exception):
        return unavailable_response(request)
    return default_bad_request(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    """
    ``handler500``: the 503 page when the database is the cause (for failures outside views,
    such as saving the session), else the site's 500 page (``page_error``).
    """
    exc = sys.exc_info()[1]
    if exc is not None and is_database_unavailable(exc):
        return unavailable_response(request)
    return page_error(request)


def site_name():
    """
    The site's name without touching the database (which may be what failed): from the
    cached site settings when they are there, else the settings' default.
    """
    try:
        stored = cache.get(SiteSettings.CACHE_KEY)
    except Exception:  # The cache may be what failed.
        stored = None
    return stored.site_name if stored else settings.NEWSROOM_SITE_NAME


def page_error(request):
    """The 500 page, rendered without touching the database."""
    try:
        content = loader.get_template("500.html").render({"site_name": site_name()})
    except Exception:  # e.g. static files not collected: still answer, plainly.
        content = "<!DOCTYPE html><title>Server error</title><h1>Server error (500)</h1>"
    return HttpResponseServerError(content)


def _check_database():
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("Health check: database unavailable: %s", exc)
        # A broken connection must not be reused by the next check.
        connection.close_if_unusable_or_obsolete()
        return {"status": "error"}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_cache():
    started = time.monotonic()
    key = "newsroom:healthz"
    token = str(time.time_ns())
    try:
        cache.set(key, token, 30)
        ok = cache.get(key) == token
    except Exception as exc:  # Any cache failure is reported, never raised.
        logger.error("Health check: cache unavailable: %s", exc)
        ok = False
    if not ok:
        return {"status": "error"}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """
    Health of this instance as JSON: ``{"status", "database", "cache"}``.

    503 when the database cannot be reached (take the instance out of the pool); 200 when it
    can, even if the cache is down, because pages are then served from the database.
    """
    database = _check_database()
    cache_state = _check_cache()
    healthy = database["status"] == "ok"
    body = {
        "status": "ok" if healthy and cache_state["status"] == "ok" else (
            "degraded" if healthy else "unavailable"
        ),
        "database": database,
        "cache": cache_state,
    }  # fmt: skip
    return JsonResponse(body, status=200 if healthy else 503)
