"""
Whole-page caching for anonymous readers that is never wrong.

Three rules keep a cached page from ever being stale or private:

* A content generation number is part of every cached page and memo. Anything that changes
  what the public sees calls :func:`content_changed` (admin saves and deletes, workflow
  transitions, ``seed_demo_data``), which bumps the number, so every page rendered before the
  change is unreachable at once, on every app server sharing the cache (Redis).
* Nothing cached lives past the next scheduled go-live: a scheduled article becomes public by
  the clock alone (``Article.objects.published()``), so each cached page, memo and
  ``Cache-Control: max-age`` is cut short at the next moment the public content changes by
  itself (:func:`next_timed_change`; other apps add their own clocks with
  :func:`register_timed_change`).
* Only requests that cannot be personal are shared: GET or HEAD, carrying no cookie but the
  CSRF and language cookies (so never a logged-in user's session), and only responses that set
  no cookie and do not ask to stay private. Staff always get a fresh page marked private.

Cached responses carry a strong ``ETag`` (a hash of the bytes) and ``Last-Modified``; a
matching ``If-None-Match`` gets a 304. ``If-Modified-Since`` alone is not enough for a 304 here
(RFC 9110 lets a server ignore it): dates have one-second resolution, and a page that changed
twice in that second would otherwise be wrongly reported unchanged.
"""

import contextvars
import hashlib
import math
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

GENERATION_KEY = "content-generation"
_STORABLE_VARY = {"cookie", "accept-language", "accept"}
_CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Per request (set by the middleware): the content generation once read, so memos and the page
# key agree and the number costs one cache round trip per request.
_request_state = contextvars.ContextVar("newsroom_cache_request", default=None)
_timed_change_sources = []


def _prefix():
    return "public"


def current_generation():
    """
    The content generation number, read once per request (before any content is read).

    A missing number (a new or flushed cache) starts from the clock in nanoseconds, so a
    restarted count never meets pages cached under an earlier one.
    """
    state = _request_state.get()
    if state is not None and "generation" in state:
        return state["generation"]
    key = f"{_prefix()}:{GENERATION_KEY}"
    generation = cache.get(key)
    if generation is None:
        cache.add(key, time.time_ns(), timeout=None)
        generation = cache.get(key)
    if state is not None:
        state["generation"] = generation
    return generation


def _bump_generation():
    key = f"{_prefix()}:{GENERATION_KEY}"
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, time.time_ns(), timeout=None)


def content_changed():
    """
    Make every cached public page and memo stale, now and again once the transaction commits.

    Call it after anything that changes what the public may see. The bump on commit is the one
    that matters (pages rendered while the change was uncommitted may show the old state); the
    immediate bump also covers code that runs inside one long transaction, such as tests.
    """
    state = _request_state.get()
    if state is not None:
        # Anything this request renders from now on must use the new number.
        state.pop("generation", None)
    _bump_generation()
    transaction.on_commit(_bump_generation)


def register_timed_change(source):
    """
    Add a clock: ``source()`` returns the next aware datetime after now at which public content
    changes with no one saving anything (e.g. an alert banner's start or end), or ``None``.
    """
    if source not in _timed_change_sources:
        _timed_change_sources.append(source)


def _next_article_go_live():
    from .models import Article

    return (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


register_timed_change(_next_article_go_live)


# Longest a memo (a list's count, its page anchors) is kept; changes end it sooner.
MEMO_SECONDS = 600


def page_cache_seconds():
    return getattr(settings, "NEWSROOM_PAGE_CACHE_SECONDS", 600)


def next_timed_change():
    """
    The next moment the public content changes by the clock alone, or ``None``.

    Memoised per generation (scheduling an article bumps the generation), until that moment.
    """
    key = f"{_prefix()}:{current_generation()}:next-timed-change"
    now = time.time()
    stored = cache.get(key)
    if stored is not None and (stored == 0 or stored > now):
        return None if stored == 0 else datetime.fromtimestamp(stored, tz=UTC)
    moments = [moment for moment in (source() for source in _timed_change_sources) if moment]
    upcoming = min(moments) if moments else None
    if upcoming is None:
        cache.set(key, 0, timeout=MEMO_SECONDS)
    else:
        cache.set(key, upcoming.timestamp(), timeout=max(0, upcoming.timestamp() - now))
    return upcoming


def seconds_fresh(limit):
    """How long (at most ``limit`` seconds) something public may be kept from now."""
    upcoming = next_timed_change()
    if upcoming is None:
        return limit
    return max(0.0, min(limit, (upcoming - timezone.now()).total_seconds()))


# Memos this process has read or computed, by key (the key holds the generation), each with
# its expiry: a memo used on every page costs no cache round trip once this process has it.
_local_memos = {}
LOCAL_MEMO_LIMIT = 2000


def memoise(name, key_parts, compute):
    """
    ``compute()``'s result, cached under the content generation and cut short at the next
    timed change, so a memo is exactly as fresh as the pages built from it.

    Kept in this process as well as in the shared cache: the key names the generation, which
    every request reads from the shared cache, so a change made through any app server makes
    the local copies unreachable at once. The value is shared by the requests of this process:
    treat it as read-only. Without a generation (the shared cache is unreachable) nothing is
    kept locally, since nothing could tell this process that content changed.
    """
    generation = current_generation()
    digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()[:32]
    key = f"{_prefix()}:{generation}:{name}:{digest}"
    now = time.time()
    found = _local_memos.get(key)
    if found is None:
        found = cache.get(key)
    if found is not None:
        value, expires = found
        if expires > now:
            if generation is not None:
                _keep_locally(key, found)
            return value
    # How long it may be kept is read before computing it: a story going live meanwhile may be
    # missing from the value, which must then not outlive that moment.
    expires = now + seconds_fresh(MEMO_SECONDS)
    value = compute()
    lifetime = expires - time.time()
    if lifetime >= 1:
        entry = (value, expires)
        cache.set(key, entry, timeout=lifetime)
        if generation is not None:
            _keep_locally(key, entry)
    return value


def _keep_locally(key, entry):
    if key not in _local_memos and len(_local_memos) >= LOCAL_MEMO_LIMIT:
        # Most entries belong to past generations by then: start afresh.
        _local_memos.clear()
    _local_memos[key] = entry


# Middleware ------------------------------------------------------------------------------


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
        state = {}
        token = _request_state.set(state)
        try:
            if not self._request_is_shareable(request):
                response = self.get_response(request)
                if request.method in ("GET", "HEAD") and not response.has_header("Cache-Control"):
                    # A page shown to someone with a session may hold their name or drafts.
                    patch_cache_control(response, private=True, no_cache=True)
                return response
            key = self._page_key(request)
            found = cache.get_many([key, f"{_prefix()}:{GENERATION_KEY}"])
            if f"{_prefix()}:{GENERATION_KEY}" in found:
                state["generation"] = found[f"{_prefix()}:{GENERATION_KEY}"]
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
        finally:
            _request_state.reset(token)

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
        return f"{_prefix()}:page:{digest}"

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
