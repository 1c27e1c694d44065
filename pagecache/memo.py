"""
Memos: values computed from public content (a list's count, a district's name, a fragment of
markup), kept under the content generation and cut short at the next timed change, so each is
exactly as fresh as the pages built from it.
"""

import hashlib
import time

from django.core.cache import cache

from .generation import MEMO_SECONDS, current_generation, seconds_fresh

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
    key = f"public:{generation}:{name}:{digest}"
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
