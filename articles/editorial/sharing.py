"""Preview links to a story's draft for people without an account, made and revoked on record."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import ArticleEvent, ShareLink
from articles.times import format_local

from . import history


def create_link(article, *, by, days=ShareLink.DEFAULT_DAYS):
    """A new preview link valid for ``days`` days, on the story's history: ``(link, token)``."""
    with transaction.atomic():
        link, token = ShareLink.create(article, by, days=days)
        history.log_unchanged(
            article,
            ArticleEvent.Action.SHARE_LINK_CREATED,
            by,
            comment=_("Link %(id)s, valid until %(time)s.")
            % {"id": link.pk, "time": format_local(link.expires_at)},
        )
    return link, token


def revoke_link(link, *, by):
    """Revoke ``link`` now, on its story's history; nothing when it was already revoked."""
    if link.revoked_at is not None:
        return False
    with transaction.atomic():
        link.revoked_at, link.revoked_by = timezone.now(), by
        link.save(update_fields=["revoked_at", "revoked_by"])
        history.log_unchanged(
            link.article,
            ArticleEvent.Action.SHARE_LINK_REVOKED,
            by,
            comment=_("Link %(id)s.") % {"id": link.pk},
        )
    return True
