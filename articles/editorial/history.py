"""
The one way to write a story's history: ``log()``.

Every history entry (a transition, an edit, a preview link made or revoked, a failed email)
goes through here, never ``ArticleEvent.objects.create()`` elsewhere, so what an entry holds
is decided in one place. Entries are append-only; ``record_recipients()`` fills in, once the
mail has gone after commit, whom a transition's notification reached.
"""

from django.utils import timezone

from articles.models import ArticleEvent

Action = ArticleEvent.Action


def log(
    article,
    action,
    by=None,
    *,
    from_status="",
    to_status="",
    comment="",
    revision=None,
    recipients=(),
    at=None,
):
    """Append an entry to ``article``'s history and return it."""
    return ArticleEvent.objects.create(
        article=article,
        actor=by,
        action=action,
        from_status=from_status or "",
        to_status=to_status or "",
        comment=comment or "",
        revision=revision,
        recipients=list(recipients),
        at=at or timezone.now(),
    )


def log_unchanged(article, action, by, comment=""):
    """An entry about the story that leaves its status as it was (a preview link, say)."""
    return log(
        article, action, by, from_status=article.status, to_status=article.status, comment=comment
    )


def record_recipients(event, addresses):
    """
    Whom a transition's notification reached, written on its entry once the mail has gone
    (after the transition committed): the one field of an entry ever written after it.
    """
    ArticleEvent.objects.filter(pk=event.pk).update(recipients=list(addresses))
    event.recipients = list(addresses)


def log_past(article, entries, revision=None):
    """
    Append entries that happened earlier (demo content, a site's past), in one statement:
    each is ``(by, at, action, from_status, to_status, comment)``.
    """
    ArticleEvent.objects.bulk_create(
        ArticleEvent(
            article=article,
            actor=by,
            at=at,
            action=action,
            from_status=from_status,
            to_status=to_status,
            comment=comment,
            revision=revision,
        )
        for by, at, action, from_status, to_status, comment in entries
    )
