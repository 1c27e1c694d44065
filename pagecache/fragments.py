"""
Fragment memos: a small template rendered from a few values, kept in this process under
exactly those values, so a page of twenty story cards renders only the cards this process has
not shown before, and a changed story re-renders only its own card.

Unlike a memo (``pagecache.memo``), a fragment is not kept under the content generation: its
key is everything its markup depends on (the template as loaded, the values, the language and
the time zone), so it can never be stale, and a content change elsewhere leaves it in place.
Only the least recently used ``FRAGMENT_LIMIT`` fragments are kept, so memory stays bounded
however many stories a site has.
"""

import functools

from django.template import Context, Engine
from django.utils import timezone, translation

# About 1,000 bytes of markup and key each: a few megabytes a process at most.
FRAGMENT_LIMIT = 4000


def render_fragment(template_name, **values):
    """
    ``template_name`` rendered with ``values`` as its whole context (no request, no context
    processors), remembered under them.

    The values must be hashable and name everything the template shows: pass what it shows
    (a story's title, its source's name), never a model instance whose other fields the
    template could reach.
    """
    # The compiled template is part of the key: the engine keeps one per name, and when
    # templates are reloaded (runserver after an edit, a test overriding TEMPLATES) the
    # fragments of the old ones are never used again.
    return _rendered(
        Engine.get_default().get_template(template_name),
        translation.get_language(),
        timezone.get_current_timezone(),
        tuple(values.items()),
    )


@functools.lru_cache(maxsize=FRAGMENT_LIMIT)
def _rendered(template, language, zone, items):
    # lru_cache is thread-safe and its lookups cost a hash of the key: a warm card is a
    # dictionary lookup. The language and zone are the ones active now (they are in the key).
    return template.render(Context(dict(items), autoescape=template.engine.autoescape))


def forget_fragments():
    """Drop every fragment this process keeps (tests, or after changing templates by hand)."""
    _rendered.cache_clear()


def fragment_count():
    """How many fragments this process keeps now (never more than ``FRAGMENT_LIMIT``)."""
    return _rendered.cache_info().currsize
