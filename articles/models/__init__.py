"""
Newsroom's models, one module per concern:

- ``taxonomy``: District, Source (the site's columns)
- ``addresses``: where a story lives (``story_url``) and lived (``SlugRedirect``)
- ``querysets``: ``ArticleQuerySet``; its ``published()`` is the one definition of public
- ``article``: Article (fields, constraints, state predicates)
- ``history``: ArticleEvent, Revision, ChangeNote (the editorial record)
- ``sharing``: ShareLink, ShareLinkOpen, EditingPresence
- ``site``: SiteSettings, AlertBanner

Dependencies run one way: models know nothing of the editorial package, the admin, the views
or caching. They state what each state means and derive columns from their own row
(slug, sanitised body, search vector); the editorial package (``articles/editorial/``) changes
state; the receivers (``articles/receivers.py``) turn their signals into cache invalidation.
Within this package: taxonomy and addresses < querysets < article < history, sharing; site
stands alone. ``import-linter`` (``pyproject.toml``, ``make lint``) keeps it so.
"""

from .addresses import SlugRedirect, story_url, story_urls
from .article import (
    SLUG_ROOM,
    Article,
    default_language,
    is_made_from,
    language_choices,
    slug_from_title,
    validate_slug_not_numeric,
)
from .base import ContentQuerySet, bulk_written
from .history import ArticleEvent, ChangeNote, Revision
from .querysets import FEATURED_SLOTS, ArticleQuerySet, districts_prefetch
from .sharing import EditingPresence, ShareLink, ShareLinkOpen
from .site import (
    CACHE_TIMEOUT,
    AlertBanner,
    SiteSettings,
    default_copyright,
    default_icp_filing,
    default_psb_filing,
    default_site_name,
)
from .taxonomy import District, Source

__all__ = [
    "CACHE_TIMEOUT",
    "FEATURED_SLOTS",
    "SLUG_ROOM",
    "AlertBanner",
    "Article",
    "ArticleEvent",
    "ArticleQuerySet",
    "ChangeNote",
    "ContentQuerySet",
    "District",
    "EditingPresence",
    "Revision",
    "ShareLink",
    "ShareLinkOpen",
    "SiteSettings",
    "SlugRedirect",
    "Source",
    "bulk_written",
    "default_copyright",
    "default_icp_filing",
    "default_language",
    "default_psb_filing",
    "default_site_name",
    "districts_prefetch",
    "is_made_from",
    "language_choices",
    "slug_from_title",
    "story_url",
    "story_urls",
    "validate_slug_not_numeric",
]
