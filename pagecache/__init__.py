"""
Page caching that is never wrong, for any app: the content generation, memos, timed changes,
fragment memos, the public page-cache middleware and the ``{% memoised %}`` template tag.

It knows nothing of the content it caches. Apps tell it that public content changed
(``content_changed()``, from their receivers) and when content will change by the clock alone
(``register_timed_change()``); it keeps every cached page and memo exactly as fresh as a page
rendered now.
"""

from .fragments import render_fragment
from .generation import content_changed, current_generation, register_timed_change, seconds_fresh
from .memo import memoise

__all__ = [
    "content_changed",
    "current_generation",
    "memoise",
    "register_timed_change",
    "render_fragment",
    "seconds_fresh",
]
