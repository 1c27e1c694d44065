"""
Whole-page caching for anonymous readers that is never wrong.

Only requests that cannot be personal are shared: GET or HEAD, carrying no cookie but the CSRF
and language cookies (so never a logged-in user's session), and only responses that set no
cookie and do not ask to stay private. Staff always get a fresh page marked private. A cached
page is keyed by the content generation and ends at the next timed change
(``pagecache.generation``), so it is exactly as fresh as a page rendered now.

Shared pages are compressed (gzip) for clients that accept it: once, when the page is stored,
so a cache hit costs no compression. Only shareable responses are compressed, and they carry no
CSRF token, session or anything else secret, so compression cannot leak one (BREACH).

Cached responses carry a strong ``ETag`` (a hash of the bytes sent) and ``Last-Modified``; a
matching ``If-None-Match`` gets a 304. ``If-Modified-Since`` alone is not enough for a 304 here
(RFC 9110 lets a server ignore it): dates have one-second resolution, and a page that changed
twice in that second would otherwise be wrongly reported unchanged.
"""

import hashlib
import math
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.text import compress_string

from .generation import (
    GENERATION_KEY,
    current_generation,
    page_cache_seconds,
    request_scope,
    seconds_fresh,
)

_STORABLE_VARY = {"cookie", "accept-language", "accept", "accept-encoding"}
# gzip in Accept-Encoding, unless refused with q=0.
_ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q\s*=\s*0(?:\.0*)?\s*(?:,|$))", re.IGNORECASE)
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
            if not self._request_is_anonymous(request):
                response = self.get_response(request)
                if request.method in ("GET", "HEAD") and not response.has_header("Cache-Control"):
                    # A page shown to someone with a session may hold their name or drafts.
                    patch_cache_control(response, private=True, no_cache=True)
                return response
            if page_cache_seconds() <= 0:
                # Not kept, but compressed all the same when it could have been shared.
                response = self.get_response(request)
                if self._response_is_shareable(request, response):
                    return _compress(request, response)
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

    def _request_is_anonymous(self, request):
        """GET or HEAD, outside static, media and the admin, with no cookie but CSRF's and language's."""
        if request.method not in ("GET", "HEAD"):
            return False
        if request.path.startswith(self.skipped):
            return False
        allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
        return all(name in allowed for name in request.COOKIES)

    def _page_key(self, request):
        # The language a page would be rendered in: its address, cookie or Accept-Language.
        language = (
            translation.get_language_from_request(request, check_path=True)
            if settings.USE_I18N
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
        entry = self._entry(response, generation, expires)
        lifetime = expires - time.time()
        if lifetime >= 1:
            cache.set(key, entry, timeout=lifetime)
        return self._from_entry(request, entry)

    @staticmethod
    def _entry(response, generation, expires):
        """A shareable response as the cache keeps it: headers, its bytes, and them gzipped."""
        now = time.time()
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower()
            not in {
                "set-cookie", "date", "expires", "last-modified", "etag", "cache-control",
                "content-length", "vary",
            }
        ]  # fmt: skip
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        content = response.content
        entry = {
            "generation": generation,
            "expires": expires,
            "rendered": now,
            "status": response.status_code,
            "headers": headers,
            "vary": ", ".join(dict.fromkeys([*vary, "Accept-Encoding"])),
            "content": content,
            "etag": _etag(content),
            "last_modified": http_date(math.floor(now)),
            "gzip": None,
        }
        if _compressible(response, content):
            compressed = compress_string(content)
            if len(compressed) < len(content):
                entry["gzip"], entry["gzip_etag"] = compressed, _etag(compressed)
        return entry

    def _from_entry(self, request, entry):
        gzipped = entry["gzip"] is not None and _ACCEPTS_GZIP.search(
            request.headers.get("Accept-Encoding", "")
        )
        content = entry["gzip"] if gzipped else entry["content"]
        response = HttpResponse(content, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["Vary"] = entry["vary"]
        if gzipped:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(content))
        etag = entry["gzip_etag"] if gzipped else entry["etag"]
        self._add_validators(response, entry, etag)
        return self._conditional(request, etag, response)

    @staticmethod
    def _conditional(request, etag, response):
        if not any(header in request.META for header in _CONDITIONAL_HEADERS):
            return response
        return get_conditional_response(request, etag=etag, response=response)

    @staticmethod
    def _add_validators(response, entry, etag):
        response["ETag"] = etag
        response["Last-Modified"] = entry["last_modified"]
        max_age = int(min(http_max_age(), max(0, entry["expires"] - time.time())))
        response["Cache-Control"] = f"public, max-age={max_age}"


def _compress(request, response):
    """
    ``response`` gzipped in place for a client that accepts it, as Django's GZipMiddleware
    does (its ETag made weak: the same page, other bytes), honouring ``gzip;q=0``.
    """
    patch_vary_headers(response, ("Accept-Encoding",))
    content = response.content
    if not _compressible(response, content) or not _ACCEPTS_GZIP.search(
        request.headers.get("Accept-Encoding", "")
    ):
        return response
    compressed = compress_string(content)
    if len(compressed) >= len(content):
        return response
    response.content = compressed
    response["Content-Length"] = str(len(compressed))
    response["Content-Encoding"] = "gzip"
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response["ETag"] = "W/" + etag
    return response


def _etag(content):
    return quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())


def _compressible(response, content):
    """Text worth compressing: HTML, XML (feeds, sitemaps), JSON, plain text; not tiny."""
    kind = response.get("Content-Type", "").split(";")[0].strip().lower()
    textual = kind.startswith("text/") or kind.endswith(("+xml", "/xml", "/json", "+json"))
    return textual and len(content) >= 200 and not response.has_header("Content-Encoding")


def http_max_age():
    """Seconds a browser or front proxy may reuse a public page without asking again."""
    return getattr(settings, "NEWSROOM_HTTP_MAX_AGE", 0)
