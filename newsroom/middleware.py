"""
The project's own middleware: HTTP hardening that Django 5.2 does not ship
(Content-Security-Policy and the other response headers, early refusal of hostile requests),
the idle timeout of sessions, and the 503 page when the database cannot be reached.

Settings (all in ``newsroom/settings.py``): ``SECURE_CSP`` (public pages),
``NEWSROOM_ADMIN_CSP`` and ``NEWSROOM_ADMIN_CSP_PATHS`` (the admin), ``NEWSROOM_PERMISSIONS_POLICY``,
``NEWSROOM_CROSS_ORIGIN_RESOURCE_POLICY``, ``NEWSROOM_MAX_REQUEST_BYTES`` and
``NEWSROOM_TRUSTED_PROXY_COUNT``. ``SECURE_CSP`` has the shape of Django 6's setting of the same
name, so moving to Django's own middleware later is a change of ``MIDDLEWARE`` only.
"""

import logging
import time

from django.conf import settings
from django.http import HttpResponse
from django.middleware import locale
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from articles import api

from .errors import is_database_unavailable, unavailable_response

logger = logging.getLogger("newsroom.security")
outage_logger = logging.getLogger("newsroom.resilience")


def build_policy(directives):
    """``{"default-src": ["'none'"], ...}`` as a header value; an empty list is a bare directive."""
    return "; ".join(
        " ".join([name, *sources]) if sources else name for name, sources in directives.items()
    )


def admin_path_prefixes():
    """Paths that get the admin's policy: ``NEWSROOM_ADMIN_CSP_PATHS`` as URL names or prefixes."""
    prefixes = []
    for entry in settings.NEWSROOM_ADMIN_CSP_PATHS:
        if entry.startswith("/"):
            prefixes.append(entry)
            continue
        try:
            prefixes.append(reverse(entry))
        except NoReverseMatch:
            continue
    return prefixes


class SecurityHeadersMiddleware:
    """
    Adds Content-Security-Policy, Permissions-Policy and Cross-Origin-Resource-Policy to every
    response; Django's SecurityMiddleware adds HSTS, nosniff, Referrer-Policy and COOP.

    Public pages get ``SECURE_CSP``; paths under the admin get ``NEWSROOM_ADMIN_CSP``, the
    narrowest policy under which the admin and its CKEditor work. A view that sets one of
    these headers itself keeps its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read per request (a few microseconds), so settings changed at run time apply.
        is_admin = any(request.path.startswith(prefix) for prefix in admin_path_prefixes())
        policy = settings.NEWSROOM_ADMIN_CSP if is_admin else settings.SECURE_CSP
        response.headers.setdefault("Content-Security-Policy", build_policy(policy))
        if is_admin:
            # Not in robots.txt, which would tell everyone where the admin lives.
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        if settings.NEWSROOM_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.NEWSROOM_PERMISSIONS_POLICY)
        if settings.NEWSROOM_CROSS_ORIGIN_RESOURCE_POLICY:
            response.headers.setdefault(
                "Cross-Origin-Resource-Policy", settings.NEWSROOM_CROSS_ORIGIN_RESOURCE_POLICY
            )
        return response


class RequestLimitsMiddleware:
    """
    Refuses, before any view or form reads them, requests no legitimate client sends:

    - a body larger than ``NEWSROOM_MAX_REQUEST_BYTES`` (413, the body left unread); Django's
      own ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` then bound
      form fields (400);
    - a NUL byte in the path (400, the API's JSON error under /api/): no URL of the site has
      one. Query strings are the views' to judge: search drops control characters from a
      query, the API answers a JSON 400 naming the parameter, the list's filters a 404, so
      PostgreSQL never sees a NUL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return bad_request(request)
        if length > settings.NEWSROOM_MAX_REQUEST_BYTES:
            logger.warning("Refused a %d-byte request body for %s", length, request.path)
            return HttpResponse(
                _("The request is too large."), status=413, content_type="text/plain"
            )
        if "\x00" in request.path:
            return bad_request(request)
        return self.get_response(request)


def bad_request(request):
    """A 400 as the URL's clients expect it: the API's JSON error under /api/, else plain text."""
    if request.path.startswith(reverse("articles:api_index")):
        return api.error_response(api.ApiError(400, "bad_request", _("Bad request.")))
    return HttpResponse(_("Bad request."), status=400, content_type="text/plain")


class SessionIdleTimeoutMiddleware:
    """
    Ends a session after ``SESSION_COOKIE_AGE`` seconds without a request: each request from a
    signed-in browser pushes the expiry forward. To spare the database a write per request,
    the renewal happens at most every ``renew_every`` seconds (a tenth of the idle time, at
    most a minute), so a session may end up to that much earlier than the full idle time.
    """

    key = "_newsroom_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            renew_every = min(60, settings.SESSION_COOKIE_AGE // 10)
            now = int(time.time())
            if now - session.get(self.key, 0) >= renew_every:
                # Marks the session modified: SessionMiddleware saves it with a new expiry.
                session[self.key] = now
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Turns a database that cannot be reached, during a view or its rendering, into a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        outage_logger.error(
            "Database unavailable while serving %s %s: %s",
            request.method,
            request.path,
            str(exception).strip().splitlines()[0] if str(exception).strip() else exception,
        )
        return unavailable_response(request)


class LocaleMiddleware(locale.LocaleMiddleware):
    """
    Django's LocaleMiddleware, which takes the language from the language cookie (the
    switcher's) or Accept-Language and says ``Vary: Accept-Language``; this one also says
    ``Vary: Cookie``, on every response, since any of them (a page, a feed's title, the API's
    error messages) may be in the cookie's language. Shared caches then keep one copy a
    language, and browsers do not reuse an English page after a switch to Chinese.
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
