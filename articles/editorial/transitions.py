"""
The editorial workflow's transitions: ``submit(article, by=...)``, ``approve(...)`` and the
rest, one function each, taking the acting person.

Each transition locks the article's row, checks the actor's permission and the source state
on that fresh copy (``permissions``), changes the workflow fields and appends a history entry
(``history.log``), or raises ``WorkflowError`` and changes nothing. Once it commits, its
notifications are mailed and its signals sent (``signals``): nothing slow happens while the
row is locked.

Live articles: an edit of a published article is its pending draft (``revisions``).
The review transitions (submit, request changes, approve, publish urgently) then act on the
draft's ``pending_status`` instead of the article's status, with the same rules; approving
applies the draft to the live row, now or at its go-live time. Approving a change to an
article readers have seen asks whether readers need to know (``major``): a major change
needs a change note and moves ``public_updated_at`` to its go-live time; a minor one
changes no date.
"""

from contextlib import contextmanager
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ArticleEvent, ChangeNote, SlugRedirect
from articles.times import format_local

from . import history, notifications, revisions, signals
from .catalogue import TRANSITIONS
from .errors import WorkflowError

Status = Article.Status
Pending = Article.PendingStatus
Action = ArticleEvent.Action

# A go-live time picked in a minute-precision control may lie a little behind the clock by
# the time the form arrives; within this margin it means "now".
PAST_TIME_MARGIN = timedelta(minutes=5)


@contextmanager
def expecting(article, token):
    """
    Run transitions only if the article is still at the version a page was made from
    (``Article.workflow_token()``), claimed with the same conditional UPDATE as the change
    form's save (``revisions.claim``), so a stale page cannot act on a changed article, in
    this process or another.
    """
    with transaction.atomic():
        if token:
            try:
                revisions.claim(article.pk, token)
            except revisions.Conflict as conflict:
                raise WorkflowError(conflict.message, WorkflowError.STALE) from None
        yield


def _required_text(value, message):
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message, WorkflowError.INVALID)
    return value


def _author(article, by):
    return [article.author] if article.author_id != by.pk else []


def _event_state(article):
    """The status a history entry records: the pending draft's, if there is one."""
    if article.pending_status == Pending.SCHEDULED:
        return Status.PUBLISHED
    return article.review_status


def _run(article, by, name, change, comment="", notify=None):
    """
    Lock the row, check, apply ``change`` (which sets fields on the locked copy and returns
    their names) and record; once committed, notify and signal. ``notify(current)`` returns
    ``(template, people, context)`` for the email, or None. Any WorkflowError leaves
    everything as it was.
    """
    transition = TRANSITIONS[name]
    with transaction.atomic():
        current = Article.objects.select_for_update().filter(pk=article.pk).first()
        if current is None:
            raise WorkflowError(_("This article no longer exists."), WorkflowError.STATE)
        transition.check(current, by)
        from_status = _event_state(current)
        revision = current.pending_revision
        current.version += 1
        fields = [*change(current), "updated_at", "version"]
        # The save sends post_save: the receivers make cached public pages stale, now and
        # again once this commits, on every app server (articles/receivers.py).
        current.save(update_fields=fields)
        event = history.log(
            current,
            ACTIONS[name],
            by,
            from_status=from_status,
            to_status=_event_state(current),
            comment=comment() if callable(comment) else comment,
            revision=revision,
        )
        message = notify(current) if notify else None
        if message:
            template, people, context = message
            notifications.notify_after_commit(event, template, people, current, by=by, **context)
        signals.send_after_commit(current, name, by, event)
    for field in fields:
        setattr(article, field, getattr(current, field))
    return event


ACTIONS = {
    "submit": Action.SUBMITTED,
    "request_changes": Action.CHANGES_REQUESTED,
    "approve": Action.APPROVED,
    "publish_urgently": Action.PUBLISHED_URGENTLY,
    "confirm_urgent": Action.URGENT_CONFIRMED,
    "unschedule": Action.UNSCHEDULED,
    "withdraw": Action.WITHDRAWN,
    "remove": Action.REMOVED,
    "restore": Action.RESTORED,
    "take_back": Action.TAKEN_BACK,
    "discard_changes": Action.CHANGES_DISCARDED,
}

PENDING_FIELDS = ["pending_revision", "pending_status", "pending_go_live_at"]


def _clear_pending(current):
    current.pending_revision = None
    current.pending_status = ""
    current.pending_go_live_at = None
    return list(PENDING_FIELDS)


def submit(article, *, by):
    def change(current):
        if current.has_pending_changes:
            current.pending_status = Pending.IN_REVIEW
            return ["pending_status"]
        current.status = Status.IN_REVIEW
        return ["status"]

    def notify(current):
        people = notifications.editors(exclude=by)
        return "submitted", people, {"changes": current.has_pending_changes}

    return _run(article, by, "submit", change, notify=notify)


def request_changes(article, *, by, comment):
    def change(current):
        nonlocal comment
        comment = _required_text(
            comment, _("Write what needs to change: the comment is shown to the author.")
        )
        if current.has_pending_changes:
            current.pending_status = Pending.DRAFT
            return ["pending_status"]
        # What was reviewed is kept, so the next review shows what changed since.
        revisions.ensure_baseline(current, revisions.snapshot(current))
        current.status = Status.DRAFT
        return ["status"]

    def notify(current):
        return "changes_requested", _author(current, by), {"comment": comment}

    return _run(article, by, "request_changes", change, comment=lambda: comment, notify=notify)


def _go_live_time(at):
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at < now - PAST_TIME_MARGIN:
        raise WorkflowError(
            _("That go-live time has passed: choose a future time, or leave it empty for now."),
            WorkflowError.INVALID,
        )
    return max(at, now)


def _go_live_note(when):
    if when > timezone.now():
        return _("Scheduled for %(time)s.") % {"time": format_local(when)}
    return _("Published %(time)s.") % {"time": format_local(when)}


def _change_note(major, note_kind, note):
    """The answer to "Do readers need to know?": ``(kind, note)`` for major, None for minor."""
    if major is None:
        raise WorkflowError(
            _(
                "Say whether readers need to know the content has changed: a major change "
                "(with a change note) or a minor one."
            ),
            WorkflowError.INVALID,
        )
    if not major:
        return None
    if note_kind not in ChangeNote.Kind.values:
        raise WorkflowError(
            _("Choose whether the change note is an update, a correction or a clarification."),
            WorkflowError.INVALID,
        )
    note = _required_text(note, _("Write the change note: readers see it with the article."))
    return note_kind, note


def apply_pending(current, by, when, answer):
    """
    Copy the pending draft onto the live row (``current``, locked) as of ``when``: fields,
    districts, the old address kept as a redirect, the change note of a major change.
    Returns the names of the fields set; the caller saves them.
    """
    revision = current.pending_revision
    old_slug = current.slug
    was_public = current.has_been_public()
    try:
        fields = revisions.apply_snapshot(current, revision.snapshot)
    except ValueError as error:
        raise WorkflowError(str(error), WorkflowError.INVALID) from None
    revisions.set_districts(current, revision.snapshot)
    if was_public and current.slug != old_slug:
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": current})
    # An address the article takes back is its own again, not a redirect (no loops).
    SlugRedirect.objects.filter(old_slug=current.slug).delete()
    if answer is not None and was_public:
        ChangeNote.objects.get_or_create(
            revision=revision,
            defaults={
                "article": current,
                "kind": answer[0],
                "note": answer[1],
                "public_at": when,
                "created_by": by,
            },
        )
    if ChangeNote.objects.filter(revision=revision).exists():
        current.public_updated_at = when
        fields.append("public_updated_at")
    return [*fields, *_clear_pending(current)]


def _review_pending(current, by, at, major, note_kind, note, urgent=False):
    """
    Approve (or publish urgently) the pending changes of a live article: applied now, or
    scheduled for ``at`` when readers have seen the article; a scheduled (not yet public)
    article gets the changes at once and goes live at ``at`` (now when empty).
    Returns ``(fields, note for the history)``.
    """
    when = timezone.now() if urgent else _go_live_time(at)
    public = current.has_been_public()
    answer = _change_note(major, note_kind, note) if public else None
    revisions.unschedule_notes(current)
    if not public:
        fields = apply_pending(current, by, when, None)
        current.published_at = current.public_updated_at = when
        fields += ["published_at", "public_updated_at"]
        return fields, _go_live_note(when)
    kind = _("Major change") if answer else _("Minor change")
    if answer:
        kind = f"{kind} ({ChangeNote.Kind(answer[0]).label}: {answer[1]})"
    if when <= timezone.now():
        fields = apply_pending(current, by, when, answer)
        return fields, _("%(kind)s, live %(time)s.") % {"kind": kind, "time": format_local(when)}
    if answer:
        ChangeNote.objects.create(
            article=current,
            revision=current.pending_revision,
            kind=answer[0],
            note=answer[1],
            public_at=when,
            created_by=by,
        )
    current.pending_status = Pending.SCHEDULED
    current.pending_go_live_at = when
    return ["pending_status", "pending_go_live_at"], _("%(kind)s, scheduled for %(time)s.") % {
        "kind": kind,
        "time": format_local(when),
    }


def approve(article, *, by, at=None, major=None, note_kind="", note=""):
    summary = ""
    revision_applied = False

    def change(current):
        nonlocal summary, revision_applied
        current.urgent_unconfirmed = False
        if current.has_pending_changes:
            revision_applied = True
            fields, summary = _review_pending(current, by, at, major, note_kind, note)
            return [*fields, "urgent_unconfirmed"]
        when = _go_live_time(at)
        current.status = Status.PUBLISHED
        current.published_at = when
        current.public_updated_at = when
        summary = _go_live_note(when)
        return ["status", "published_at", "public_updated_at", "urgent_unconfirmed"]

    def notify(current):
        if current.pending_status == Pending.SCHEDULED:
            go_live, scheduled = current.pending_go_live_at, True
        elif current.is_scheduled():
            go_live, scheduled = current.published_at, True
        else:
            go_live = timezone.now() if revision_applied else current.published_at
            scheduled = False
        context = {
            "go_live": format_local(go_live),
            "scheduled": scheduled,
            "changes": revision_applied or current.has_pending_changes,
        }
        return "approved", _author(current, by), context

    return _run(article, by, "approve", change, comment=lambda: summary, notify=notify)


def publish_urgently(article, *, by, reason, major=None, note_kind="", note=""):
    summary = ""

    def change(current):
        nonlocal reason, summary
        reason = _required_text(
            reason, _("Give the reason the article cannot wait for a second person.")
        )
        current.urgent_unconfirmed = True
        if current.has_pending_changes:
            fields, summary = _review_pending(
                current, by, None, major, note_kind, note, urgent=True
            )
            return [*fields, "urgent_unconfirmed"]
        now = timezone.now()
        current.status = Status.PUBLISHED
        current.published_at = now
        current.public_updated_at = now
        return ["status", "published_at", "public_updated_at", "urgent_unconfirmed"]

    def notify(current):
        people = notifications.editors(exclude=by)
        if current.author_id != by.pk and current.author not in people:
            people.append(current.author)
        return "published_urgently", people, {"reason": reason}

    def comment():
        return f"{reason} {summary}".strip()

    return _run(article, by, "publish_urgently", change, comment=comment, notify=notify)


def confirm_urgent(article, *, by):
    def change(current):
        current.urgent_unconfirmed = False
        return ["urgent_unconfirmed"]

    return _run(article, by, "confirm_urgent", change)


def unschedule(article, *, by):
    def change(current):
        if current.pending_status == Pending.SCHEDULED:
            # The approved changes go back to draft; readers keep the live version.
            revisions.unschedule_notes(current)
            current.pending_status = Pending.DRAFT
            current.pending_go_live_at = None
            return ["pending_status", "pending_go_live_at"]
        fields = []
        if current.has_pending_changes:
            # Nobody has read either version yet: the newer one becomes the draft.
            fields = apply_pending(current, by, timezone.now(), None)
        current.status = Status.DRAFT
        current.published_at = None
        current.public_updated_at = None
        current.urgent_unconfirmed = False
        return [*fields, "status", "published_at", "public_updated_at", "urgent_unconfirmed"]

    return _run(article, by, "unschedule", change)


def withdraw(article, *, by, explanation):
    def change(current):
        nonlocal explanation
        explanation = _required_text(
            explanation, _("Write the public explanation: readers see it above the article.")
        )
        revisions.unschedule_notes(current)
        current.status = Status.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.withdrawal_explanation = explanation
        current.urgent_unconfirmed = False
        fields = ["status", "withdrawn_at", "withdrawal_explanation", "urgent_unconfirmed"]
        # The record is closed: unpublished changes stay in the revisions, never go live.
        return [*fields, *_clear_pending(current)]

    def notify(current):
        return "withdrawn", _author(current, by), {"explanation": explanation}

    return _run(article, by, "withdraw", change, comment=lambda: explanation, notify=notify)


def clean_replacement_url(value, article):
    """An absolute http(s) URL or a path on this site, and not the article's own address."""
    value = (value or "").strip()
    if not value:
        return ""
    if value.startswith("/") and not value.startswith("//"):
        valid = all(ch.isprintable() and not ch.isspace() for ch in value)
    else:
        try:
            URLValidator(schemes=["http", "https"])(value)
            valid = True
        except ValidationError:
            valid = False
    if not valid or len(value) > Article._meta.get_field("replacement_url").max_length:
        raise WorkflowError(
            _("The replacement must be a full http(s) address or a path starting with /."),
            WorkflowError.INVALID,
        )
    if value.rstrip("/") == article.get_absolute_url().rstrip("/"):
        raise WorkflowError(
            _("The replacement cannot be the removed article's own address."),
            WorkflowError.INVALID,
        )
    return value


def remove(article, *, by, reason, replacement_url=""):
    """
    Published or withdrawn -> removed: its address answers 410 Gone, or redirects to
    ``replacement_url``. ``reason`` goes on its history; an administrator can bring it back
    (``restore``).
    """
    note = ""

    def change(current):
        nonlocal note
        why = _required_text(reason, _("Say why it is removed: the reason goes on its history."))
        url = clean_replacement_url(replacement_url, current)
        current.status = Status.REMOVED
        current.replacement_url = url
        current.urgent_unconfirmed = False
        where = (
            _("Its address redirects to %(url)s.") % {"url": url}
            if url
            else _("Its address answers 410 Gone.")
        )
        note = f"{why} {where}"
        revisions.unschedule_notes(current)
        return ["status", "replacement_url", "urgent_unconfirmed", *_clear_pending(current)]

    return _run(article, by, "remove", change, comment=lambda: note)


def restore(article, *, by, to, reason, explanation=""):
    """
    Removed -> withdrawn (its page comes back under the public ``explanation``, or the one it
    had) or draft (back to the newsroom); ``reason`` goes on its history.
    """
    why = ""

    def change(current):
        nonlocal why
        why = _required_text(
            reason, _("Say why it is brought back: the reason goes on its history.")
        )
        current.replacement_url = ""
        if to == Status.WITHDRAWN:
            current.withdrawal_explanation = _required_text(
                explanation or current.withdrawal_explanation,
                _("Write the public explanation: readers see it above the story."),
            )
            current.withdrawn_at = current.withdrawn_at or timezone.now()
            current.status = Status.WITHDRAWN
        elif to == Status.DRAFT:
            current.status = Status.DRAFT
        else:
            raise WorkflowError(
                _("Choose whether it comes back withdrawn or as a draft."), WorkflowError.INVALID
            )
        return ["status", "replacement_url", "withdrawn_at", "withdrawal_explanation"]

    return _run(article, by, "restore", change, comment=lambda: why)


def take_back(article, *, by):
    """In review -> draft, by its author, to edit it again before anyone reviews it."""

    def change(current):
        if current.has_pending_changes:
            current.pending_status = Pending.DRAFT
            return ["pending_status"]
        current.status = Status.DRAFT
        return ["status"]

    return _run(article, by, "take_back", change)


def discard_changes(article, *, by):
    def change(current):
        return _clear_pending(current)

    return _run(article, by, "discard_changes", change)
