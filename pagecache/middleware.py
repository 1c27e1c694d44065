"""
Whole-page caching for anonymous readers that is never wrong.

Only requests that cannot be personal are shared: GET or HEAD, carrying no cookie but the CSRF
and language cookies (so never a logged-in user's session), and only responses that set no
cookie and do not ask to stay private. Staff always get a fresh page marked private. A cached
page is keyed by the content generation and ends at the next timed change
(``pagecache.generation``), so it is exactly as fresh as a page rendered now.

Cached responses carry a strong ``ETag`` (a hash of the bytes) and ``Last-Modified``; a
matching ``If-None-Match`` gets a 304. ``If-Modified-Since`` alone is not enough for a 304 here
(RFC 9110 lets a server ignore it): dates have one-second resolution, and a page that changed
twice in that second would otherwise be wrongly reported unchanged.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from .generation import (
    GENERATION_KEY,
    current_generation,
    page_cache_seconds,
    request_scope,
    seconds_fresh,
)

_STORABLE_VARY = {"cookie", "accept-language", "accept"}
_CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def _skipped_prefixes():
    prefixes = [settings.STATIC_URL, settings.MEDIA_URL]
    try:
        prefixes.append(reverse("admin:index"))
    except NoReverseMatch:
        pass
    prefixes += getattr(settings, "NEWSROOM_PAGE_CACHE_SKIP", [])
    return tuple("/" + p.lstrip("/") for p in prefixes if p)


class PublicPageCacheMiddleware:
    """
    Serve anonymous readers whole pages from the cache; everything else passes through.

    Placed after SecurityMiddleware and WhiteNoise (HTTPS redirects and static files first)
    and before SessionMiddleware, so a hit costs one cache round trip and no database query,
    and a stored response already carries every header the inner middleware adds.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped = None

    def __call__(self, request):
        if self.skipped is None:
            self.skipped = _skipped_prefixes()
        with request_scope() as state:
            if not self._request_is_shareable(request):
                response = self.get_response(request)
                if request.method in ("GET", "HEAD") and not response.has_header("Cache-Control"):
                    # A page shown to someone with a session may hold their name or drafts.
                    patch_cache_control(response, private=True, no_cache=True)
                return response
            key = self._page_key(request)
            found = cache.get_many([key, GENERATION_KEY])
            if GENERATION_KEY in found:
                state["generation"] = found[GENERATION_KEY]
            generation = current_generation()
            entry = found.get(key)
            if entry and entry["generation"] == generation and entry["expires"] > time.time():
                return self._from_entry(request, entry)
            # Read before rendering: a story going live meanwhile ends the page at that moment.
            expires = time.time() + seconds_fresh(page_cache_seconds())
            response = self.get_response(request)
            if (
                self._response_is_shareable(request, response)
                and state.get("generation") == generation
            ):
                return self._store(request, key, generation, response, expires)
            return response

    def _request_is_shareable(self, request):
        if request.method not in ("GET", "HEAD") or page_cache_seconds() <= 0:
            return False
        if request.path.startswith(self.skipped):
            return False
        allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
        return all(name in allowed for name in request.COOKIES)

    def _page_key(self, request):
        language = (
            translation.get_language_from_request(request, check_path=True)
            if "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
            else settings.LANGUAGE_CODE
        )
        parts = (
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            language,
            request.headers.get("Accept", ""),
        )
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
        return f"public:page:{digest}"

    @staticmethod
    def _response_is_shareable(request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}
        return vary <= _STORABLE_VARY

    def _store(self, request, key, generation, response, expires):
        now = time.time()
        lifetime = expires - now
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower()
            not in {"set-cookie", "date", "expires", "last-modified", "etag", "cache-control"}
        ]
        content = response.content
        entry = {
            "generation": generation,
            "expires": expires,
            "rendered": now,
            "status": response.status_code,
            "headers": headers,
            "content": content,
            "etag": quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest()),
            "last_modified": http_date(math.floor(now)),
        }
        if lifetime >= 1:
            cache.set(key, entry, timeout=lifetime)
        self._add_validators(response, entry)
        return self._conditional(request, entry, response)

    def _from_entry(self, request, entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        self._add_validators(response, entry)
        return self._conditional(request, entry, response)

    @staticmethod
    def _conditional(request, entry, response):
        if not any(header in request.META for header in _CONDITIONAL_HEADERS):
            return response
        return get_conditional_response(request, etag=entry["etag"], response=response)

    @staticmethod
    def _add_validators(response, entry):
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = entry["last_modified"]
        max_age = int(min(http_max_age(), max(0, entry["expires"] - time.time())))
        response["Cache-Control"] = f"public, max-age={max_age}"


def http_max_age():
    """Seconds a browser or front proxy may reuse a public page without asking again."""
    return getattr(settings, "NEWSROOM_HTTP_MAX_AGE", 0)
