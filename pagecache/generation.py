"""
When public content changes: the content generation and the clocks of timed changes.

* A content generation number is part of every cached page and memo. Whatever changes what the
  public sees ends in :func:`content_changed` (the project's receivers call it after every
  save, delete and bulk write of public content), which bumps the number, so every page
  rendered before the change is unreachable at once, on every app server sharing the cache.
* Nothing cached lives past the next timed change: content that becomes public by the clock
  alone (a scheduled story, an alert banner's start) is announced by a clock registered with
  :func:`register_timed_change`, and each cached page, memo and ``Cache-Control: max-age`` is
  cut short at the next such moment (:func:`seconds_fresh`).

This app knows nothing of what the content is: apps register their clocks and call
``content_changed()`` from their own receivers.
"""

import contextlib
import contextvars
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

GENERATION_KEY = "public:content-generation"
# Longest a memo (a list's count, its page anchors) is kept; changes end it sooner.
MEMO_SECONDS = 600

# Per request (set by the page-cache middleware): the content generation once read, so memos
# and the page key agree and the number costs one cache round trip per request.
_request_state = contextvars.ContextVar("pagecache_request", default=None)
_timed_change_sources = []


@contextlib.contextmanager
def request_scope():
    """Remember the generation for the length of one request; yields the request's state."""
    state = {}
    token = _request_state.set(state)
    try:
        yield state
    finally:
        _request_state.reset(token)


def current_generation():
    """
    The content generation number, read once per request (before any content is read).

    A missing number (a new or flushed cache) starts from the clock in nanoseconds, so a
    restarted count never meets pages cached under an earlier one.
    """
    state = _request_state.get()
    if state is not None and "generation" in state:
        return state["generation"]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    if state is not None:
        state["generation"] = generation
    return generation


def _bump_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


def content_changed():
    """
    Make every cached public page and memo stale, now and again once the transaction commits.

    The bump on commit is the one that matters (pages rendered while the change was
    uncommitted may show the old state); the immediate bump also covers code that reads again
    inside the same transaction, such as tests. A transaction that changes many rows (an
    import) bumps once on commit, however many times it calls this.
    """
    state = _request_state.get()
    if state is not None:
        # Anything this request renders from now on must use the new number.
        state.pop("generation", None)
    _bump_generation()
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    if any(entry[1] is _bump_generation for entry in connection.run_on_commit):
        return
    transaction.on_commit(_bump_generation)


def register_timed_change(source):
    """
    Add a clock: ``source()`` returns the next aware datetime after now at which public content
    changes with no one saving anything (e.g. an alert banner's start or end), or ``None``.
    """
    if source not in _timed_change_sources:
        _timed_change_sources.append(source)


def page_cache_seconds():
    return getattr(settings, "NEWSROOM_PAGE_CACHE_SECONDS", 600)


def next_timed_change():
    """
    The next moment the public content changes by the clock alone, or ``None``.

    Memoised per generation (scheduling bumps the generation), until that moment.
    """
    key = f"public:{current_generation()}:next-timed-change"
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
