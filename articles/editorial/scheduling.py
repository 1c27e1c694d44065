"""
Approved changes to live stories go live at their time, with no job to run: the first
request after a change's go-live time applies it (``DueChangesMiddleware``), and a story's
own page checks its row too, so it is exact in every process.

A cached "next due" time makes the per-request check one cache lookup; the receivers drop it
whenever a story is written (articles/receivers.py).
"""

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import CACHE_TIMEOUT, Article, ArticleEvent, ChangeNote
from articles.times import format_local

from . import history, signals
from .errors import WorkflowError
from .transitions import apply_pending

Status = Article.Status
Pending = Article.PendingStatus
Action = ArticleEvent.Action

NEXT_DUE_KEY = "newsroom:next-due-change:1"
NOTHING_DUE = "none"


def forget_next_due():
    """Drop the cached next due time, now and once the transaction commits."""
    cache.delete(NEXT_DUE_KEY)
    transaction.on_commit(lambda: cache.delete(NEXT_DUE_KEY))


def apply_scheduled_change(article_id, now=None):
    """
    Put an approved, scheduled change live once its time has come: the row's content,
    districts and (for a major change) its "Updated:" time, with a history entry. Safe to
    call from several processes at once: the row is locked and checked again. Returns the
    history entry, or None when nothing was due.
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = Article.objects.select_for_update().filter(pk=article_id).first()
        if current is None or not current.change_is_due(now):
            return None
        revision = current.pending_revision
        when = current.pending_go_live_at
        try:
            fields = apply_pending(current, None, when, None)
        except WorkflowError as error:
            # Cannot apply (its source was deleted meanwhile): back to review, said why.
            current.pending_status, current.pending_go_live_at = Pending.IN_REVIEW, None
            ChangeNote.objects.filter(revision=revision).delete()
            current.version += 1
            current.save(update_fields=["pending_status", "pending_go_live_at", "version"])
            return history.log(
                current,
                Action.CHANGES_REQUESTED,
                from_status=Status.PUBLISHED,
                to_status=Status.IN_REVIEW,
                comment=_("The scheduled changes could not go live: %(reason)s")
                % {"reason": error.message},
                revision=revision,
            )
        current.version += 1
        current.save(update_fields=[*fields, "version", "updated_at"])
        event = history.log(
            current,
            Action.CHANGES_LIVE,
            at=now,
            from_status=Status.PUBLISHED,
            to_status=Status.PUBLISHED,
            comment=_("Went live as scheduled for %(time)s.") % {"time": format_local(when)},
            revision=revision,
        )
        signals.send_after_commit(current, "changes_live", None, event)
        return event


def apply_due_changes(now=None):
    """
    Apply the scheduled changes whose time has come; returns how many went live. Costs one
    cache lookup when nothing is due; the next due time is cached for ``CACHE_TIMEOUT`` and
    dropped whenever a story is written (at once everywhere with a shared cache; within that
    timeout in other processes with per-process caches, where the story page itself is exact).
    """
    now = now or timezone.now()
    due = cache.get(NEXT_DUE_KEY)
    if due is None:
        due = Article.objects.next_due_change() or NOTHING_DUE
        cache.set(NEXT_DUE_KEY, due, timeout=CACHE_TIMEOUT)
    if due == NOTHING_DUE or due > now:
        return 0
    applied = 0
    for pk in Article.objects.due_changes(now).values_list("pk", flat=True):
        applied += bool(apply_scheduled_change(pk, now=now))
    cache.set(NEXT_DUE_KEY, Article.objects.next_due_change() or NOTHING_DUE, timeout=CACHE_TIMEOUT)
    return applied


class DueChangesMiddleware:
    """Before any page is built, put live the scheduled changes whose time has come."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            apply_due_changes()
        except DatabaseError:
            # An unreachable database: the page itself then answers 503 (newsroom/errors.py);
            # the change goes live with the first request after the database is back.
            pass
        return self.get_response(request)
