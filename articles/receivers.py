"""
The one place where writes to public content become cache invalidation.

Every write that changes what the public sees ends here, whatever made it: the admin, the
workflow, ``import_content``, a data migration, a shell ``save()``, or a bulk write through the
project's querysets:

- ``post_save`` / ``post_delete`` of the public models, and ``m2m_changed`` of a story's
  districts (fixture loads, ``raw``, are left alone);
- ``bulk_written`` (``articles.models.base``): ``update()``, ``bulk_create()``,
  ``bulk_update()`` through the models' querysets;
- ``post_migrate``: a data migration writes through historical models, which send no signal
  the receivers here listen to.

Each makes every cached page and memo stale (``pagecache.content_changed``, now and again on
commit) and drops the cached copies of the site settings and alert banners; a story's newly
scheduled change drops the cached time of the next one. The clocks of content that changes by itself (a scheduled
story, a scheduled change, a banner's start or end) are registered here too.
"""

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from pagecache import content_changed, register_timed_change

from .editorial.scheduling import forget_next_due
from .models import (
    AlertBanner,
    Article,
    ChangeNote,
    District,
    SiteSettings,
    SlugRedirect,
    Source,
    bulk_written,
)

PUBLIC_MODELS = (District, Source, Article, ChangeNote, SlugRedirect, SiteSettings, AlertBanner)
# Writing these may schedule a change earlier than the cached next one.
SCHEDULE_FIELDS = frozenset({"pending_status", "pending_go_live_at"})
# The models whose rows are also kept whole in the cache, read on every page.
CACHED_COPIES = {SiteSettings: SiteSettings.CACHE_KEY, AlertBanner: AlertBanner.CACHE_KEY}


def public_content_changed(model):
    """What follows any write to ``model``'s rows: everything cached from them goes stale."""
    key = CACHED_COPIES.get(model)
    if key is not None:
        _forget(key)
    content_changed()


def _forget(key):
    # Again once the transaction commits: another request may cache the old row meanwhile.
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if sender is Article and instance.pending_status == Article.PendingStatus.SCHEDULED:
        # A change scheduled earlier than the cached next one would wait for it. (One that
        # is no longer scheduled needs nothing: at the cached time, nothing is found due and
        # the next time is read again.)
        forget_next_due()
    public_content_changed(sender)


def _deleted(sender, **kwargs):
    public_content_changed(sender)


def _districts_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        public_content_changed(Article)


def _bulk_written(sender, fields=None, **kwargs):
    if sender not in PUBLIC_MODELS:
        return
    if sender is Article and (fields is None or SCHEDULE_FIELDS & fields):
        forget_next_due()
    public_content_changed(sender)


def _migrated(sender, **kwargs):
    for key in CACHED_COPIES.values():
        _forget(key)
    forget_next_due()
    content_changed()


def _next_go_live():
    return Article.objects.next_go_live()


def _next_due_change():
    return Article.objects.next_due_change()


def _next_banner_change():
    return AlertBanner.objects.next_change()


def connect():
    """Connect the receivers and register the clocks (``ArticlesConfig.ready``)."""
    for model in PUBLIC_MODELS:
        post_save.connect(_saved, sender=model, dispatch_uid=f"public-saved-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"public-deleted-{model.__name__}")
    m2m_changed.connect(
        _districts_changed, sender=Article.districts.through, dispatch_uid="public-districts"
    )
    bulk_written.connect(_bulk_written, dispatch_uid="public-bulk-written")
    post_migrate.connect(
        _migrated, sender=apps.get_app_config("articles"), dispatch_uid="public-migrated"
    )
    for clock in (_next_go_live, _next_due_change, _next_banner_change):
        register_timed_change(clock)
