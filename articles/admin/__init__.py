"""
The admin is the editorial tool: one module per screen family, each registering its
ModelAdmins (``@admin.register``) when Django's admin autodiscovers this package.

- ``article``: stories (changelist, form, bulk actions); ``screens``: their own screens
- ``taxonomy``: districts and sources; ``site``: site settings and alert banners
- ``history``: the audit trail and its export; ``users``: people and their roles
- ``base``, ``forms``, ``formfields``: what the others share
"""

from . import article, history, site, taxonomy, users  # noqa: F401  (registers the admins)
from .article import ArticleAdmin
from .base import view_on_site

__all__ = ["ArticleAdmin", "view_on_site"]
