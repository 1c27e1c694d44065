"""
The editorial workflow: who may move an article from which status to which, and what
happens when they do.

``Article``'s transition methods (``submit``, ``approve`` …) delegate here. Each transition
locks the article's row, checks the actor's permission and the source state on that fresh
copy, changes the workflow fields, sends its notifications and appends a history entry, or
raises ``WorkflowError`` and changes nothing. Permissions are the ``articles.*`` ones in
``Article.Meta.permissions``, granted to the Writers, Editors and Administrators groups.

Two-person rule (``NEWSROOM_TWO_PERSON_RULE``, on by default): whoever approves an article,
or confirms an urgent publication, is neither its author nor anyone who edited its content
since it was last reviewed (nor, for a confirmation, whoever published it urgently).
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import notifications
from .cache import content_changed
from .models import Article, ArticleEvent
from .times import format_local

Status = Article.Status
Action = ArticleEvent.Action

# A go-live time picked in a minute-precision control may lie a little behind the clock by
# the time the form arrives; within this margin it means "now".
PAST_TIME_MARGIN = timedelta(minutes=5)

# The fields an edit is judged by: what the public would read.
CONTENT_FIELDS = [
    "title",
    "slug",
    "summary",
    "body",
    "source_id",
    "source_url",
    "public_updated_at",
]


class WorkflowError(Exception):
    """
    A transition was refused. ``message`` says why, for the person who asked; ``code`` is
    one of FORBIDDEN (this person may not), STATE (not from this status), INVALID (a missing
    or bad comment, time or URL) or STALE (the article changed since the form was made).
    """

    FORBIDDEN = "forbidden"
    STATE = "state"
    INVALID = "invalid"
    STALE = "stale"

    def __init__(self, message, code=STATE):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


# Checks: each raises WorkflowError when ``by`` may not take the transition now. They read
# only, so the admin also uses them to offer exactly the transitions a person may take.


def _require(by, codename):
    if not by.has_perm(f"articles.{codename}"):
        raise WorkflowError(
            _("Your role does not allow this action on articles."), WorkflowError.FORBIDDEN
        )


def _wrong_state(article, needed):
    return WorkflowError(
        _("This needs an article that is %(needed)s; this one is %(actual)s.")
        % {"needed": needed, "actual": article.workflow_label()},
        WorkflowError.STATE,
    )


def reviewers_excluded(article):
    """
    Ids of the people who may not review the article's current content under the
    two-person rule: the author, and whoever edited it or published it urgently since its
    last approval or confirmation.
    """
    events = ArticleEvent.objects.filter(article=article)
    last_review = (
        events.filter(action__in=[Action.APPROVED, Action.URGENT_CONFIRMED])
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if last_review is not None:
        events = events.filter(id__gt=last_review)
    actors = events.filter(action__in=[Action.EDITED, Action.PUBLISHED_URGENTLY]).values_list(
        "actor_id", flat=True
    )
    excluded = {article.author_id, *actors}
    excluded.discard(None)
    return excluded


def _two_person(article, by):
    if not settings.NEWSROOM_TWO_PERSON_RULE:
        return
    if by.pk == article.author_id:
        raise WorkflowError(
            _("You wrote this article, so another editor must review it (two-person rule)."),
            WorkflowError.FORBIDDEN,
        )
    if by.pk in reviewers_excluded(article):
        raise WorkflowError(
            _(
                "You edited or published this article since it was last reviewed, so another "
                "editor must review it (two-person rule)."
            ),
            WorkflowError.FORBIDDEN,
        )


def check_submit(article, by):
    _require(by, "submit_article")
    if article.status != Status.DRAFT:
        raise _wrong_state(article, _("a draft"))
    if article.author_id != by.pk and not by.has_perm("articles.edit_any_article"):
        raise WorkflowError(_("You may submit only your own articles."), WorkflowError.FORBIDDEN)


def check_request_changes(article, by):
    _require(by, "approve_article")
    if article.status != Status.IN_REVIEW:
        raise _wrong_state(article, _("in review"))


def check_approve(article, by):
    _require(by, "approve_article")
    if article.status != Status.IN_REVIEW:
        raise _wrong_state(article, _("in review"))
    _two_person(article, by)


def check_publish_urgently(article, by):
    _require(by, "publish_urgently")
    if article.status not in {Status.DRAFT, Status.IN_REVIEW}:
        raise _wrong_state(article, _("a draft or in review"))


def check_confirm_urgent(article, by):
    _require(by, "approve_article")
    if not (article.status == Status.PUBLISHED and article.urgent_unconfirmed):
        raise _wrong_state(article, _("published urgently and waiting for review"))
    _two_person(article, by)


def check_unschedule(article, by):
    _require(by, "unschedule_article")
    if article.is_published():
        raise WorkflowError(
            _("This article is already public: withdraw or remove it instead."),
            WorkflowError.STATE,
        )
    if not article.is_scheduled():
        raise _wrong_state(article, _("scheduled"))


def check_withdraw(article, by):
    _require(by, "withdraw_article")
    if article.is_scheduled():
        raise WorkflowError(
            _("This article is not public yet: unschedule it instead."), WorkflowError.STATE
        )
    if not article.is_published():
        raise _wrong_state(article, _("published"))


def check_remove(article, by):
    _require(by, "remove_article")
    if article.is_scheduled():
        raise WorkflowError(
            _("This article is not public yet: unschedule it instead."), WorkflowError.STATE
        )
    if not (article.is_published() or article.status == Status.WITHDRAWN):
        raise _wrong_state(article, _("published or withdrawn"))


@dataclass(frozen=True)
class Transition:
    """How the admin offers a transition: its method, label, and the text it asks for."""

    name: str
    label: str
    check: object
    field: str = ""
    field_label: str = ""
    field_required: bool = False
    danger: bool = False


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", gettext_lazy("Submit for review"), check_submit),
        Transition(
            "approve",
            gettext_lazy("Approve and publish"),
            check_approve,
            field="at",
            field_label=gettext_lazy("Go-live time (empty: now)"),
        ),
        Transition(
            "request_changes",
            gettext_lazy("Request changes"),
            check_request_changes,
            field="comment",
            field_label=gettext_lazy("What needs to change (shown to the author)"),
            field_required=True,
        ),
        Transition(
            "publish_urgently",
            gettext_lazy("Publish urgently"),
            check_publish_urgently,
            field="reason",
            field_label=gettext_lazy("Why it cannot wait for review"),
            field_required=True,
            danger=True,
        ),
        Transition(
            "confirm_urgent", gettext_lazy("Confirm urgent publication"), check_confirm_urgent
        ),
        Transition("unschedule", gettext_lazy("Unschedule"), check_unschedule),
        Transition(
            "withdraw",
            gettext_lazy("Withdraw"),
            check_withdraw,
            field="explanation",
            field_label=gettext_lazy("Public explanation"),
            field_required=True,
            danger=True,
        ),
        Transition(
            "remove",
            gettext_lazy("Remove"),
            check_remove,
            field="replacement_url",
            field_label=gettext_lazy("Replacement URL (empty: the address answers 410 Gone)"),
            danger=True,
        ),
    ]
}


def allowed(article, by, name):
    try:
        TRANSITIONS[name].check(article, by)
    except WorkflowError:
        return False
    return True


def available(article, by):
    """The transitions ``by`` may take on ``article`` now."""
    return [t for t in TRANSITIONS.values() if allowed(article, by, t.name)]


@contextmanager
def expecting(article, token):
    """
    Run transitions only if the article is still in the state a form was made from
    (``Article.workflow_token()``), so a stale page cannot act on a changed article.
    """
    with transaction.atomic():
        if token:
            current = Article.objects.select_for_update().filter(pk=article.pk).first()
            if current is None or current.workflow_token() != token:
                raise WorkflowError(
                    _(
                        "This article changed after you opened it (it is now %(status)s). "
                        "Nothing was done: look at it again, then retry."
                    )
                    % {"status": current.workflow_label() if current else _("gone")},
                    WorkflowError.STALE,
                )
        yield


def _required_text(value, message):
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message, WorkflowError.INVALID)
    return value


def _author(article, by):
    return [article.author] if article.author_id != by.pk else []


def _run(article, by, name, change, comment="", notify=None):
    """
    Lock the row, check, apply ``change`` (which sets fields on the locked copy and returns
    their names), notify, and record. Any WorkflowError leaves everything as it was.
    """
    transition = TRANSITIONS[name]
    with transaction.atomic():
        current = Article.objects.select_for_update().filter(pk=article.pk).first()
        if current is None:
            raise WorkflowError(_("This article no longer exists."), WorkflowError.STATE)
        transition.check(current, by)
        from_status = current.status
        fields = [*change(current), "updated_at"]
        current.save(update_fields=fields)
        sent, failed = notify(current) if notify else ([], [])
        event = ArticleEvent.objects.create(
            article=current,
            actor=by,
            action=ACTIONS[name],
            from_status=from_status,
            to_status=current.status,
            comment=comment() if callable(comment) else comment,
            recipients=sent,
        )
        if failed:
            ArticleEvent.objects.create(
                article=current,
                actor=by,
                action=Action.NOTIFICATION_FAILED,
                from_status=current.status,
                to_status=current.status,
                comment=_("The email could not be sent; tell these people another way."),
                recipients=failed,
            )
        # Published, scheduled, withdrawn or removed: cached public pages go stale at once,
        # on every app server (and again once this transaction commits).
        content_changed()
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
}


def submit(article, by):
    def change(current):
        current.status = Status.IN_REVIEW
        return ["status"]

    def notify(current):
        return notifications.send("submitted", notifications.editors(exclude=by), current, actor=by)

    return _run(article, by, "submit", change, notify=notify)


def request_changes(article, by, comment):
    def change(current):
        nonlocal comment
        comment = _required_text(
            comment, _("Write what needs to change: the comment is shown to the author.")
        )
        current.status = Status.DRAFT
        return ["status"]

    def notify(current):
        return notifications.send(
            "changes_requested", _author(current, by), current, actor=by, comment=comment
        )

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


def approve(article, by, at=None):
    note = ""

    def change(current):
        nonlocal note
        when = _go_live_time(at)
        current.status = Status.PUBLISHED
        current.published_at = when
        current.public_updated_at = when
        current.urgent_unconfirmed = False
        note = _go_live_note(when)
        return ["status", "published_at", "public_updated_at", "urgent_unconfirmed"]

    def notify(current):
        return notifications.send(
            "approved",
            _author(current, by),
            current,
            actor=by,
            go_live=format_local(current.published_at),
            scheduled=current.is_scheduled(),
        )

    return _run(article, by, "approve", change, comment=lambda: note, notify=notify)


def publish_urgently(article, by, reason):
    def change(current):
        nonlocal reason
        reason = _required_text(
            reason, _("Give the reason the article cannot wait for a second person.")
        )
        now = timezone.now()
        current.status = Status.PUBLISHED
        current.published_at = now
        current.public_updated_at = now
        current.urgent_unconfirmed = True
        return ["status", "published_at", "public_updated_at", "urgent_unconfirmed"]

    def notify(current):
        people = notifications.editors(exclude=by)
        if current.author_id != by.pk and current.author not in people:
            people.append(current.author)
        return notifications.send("published_urgently", people, current, actor=by, reason=reason)

    return _run(article, by, "publish_urgently", change, comment=lambda: reason, notify=notify)


def confirm_urgent(article, by):
    def change(current):
        current.urgent_unconfirmed = False
        return ["urgent_unconfirmed"]

    return _run(article, by, "confirm_urgent", change)


def unschedule(article, by):
    def change(current):
        current.status = Status.DRAFT
        current.published_at = None
        current.public_updated_at = None
        current.urgent_unconfirmed = False
        return ["status", "published_at", "public_updated_at", "urgent_unconfirmed"]

    return _run(article, by, "unschedule", change)


def withdraw(article, by, explanation):
    def change(current):
        nonlocal explanation
        explanation = _required_text(
            explanation, _("Write the public explanation: readers see it above the article.")
        )
        current.status = Status.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.withdrawal_explanation = explanation
        current.urgent_unconfirmed = False
        return ["status", "withdrawn_at", "withdrawal_explanation", "urgent_unconfirmed"]

    def notify(current):
        return notifications.send(
            "withdrawn", _author(current, by), current, actor=by, explanation=explanation
        )

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


def remove(article, by, replacement_url="", comment=""):
    note = ""

    def change(current):
        nonlocal note
        url = clean_replacement_url(replacement_url, current)
        current.status = Status.REMOVED
        current.replacement_url = url
        current.urgent_unconfirmed = False
        parts = [(comment or "").strip()]
        parts.append(
            _("Its address redirects to %(url)s.") % {"url": url}
            if url
            else _("Its address answers 410 Gone.")
        )
        note = " ".join(part for part in parts if part)
        return ["status", "replacement_url", "urgent_unconfirmed"]

    return _run(article, by, "remove", change, comment=lambda: note)


# Content edits are not transitions, but the two-person rule needs to know who made them.


def content_snapshot(article):
    """What an edit is judged by: the public-facing fields and the districts."""
    if article.pk is None:
        return None
    values = {field: getattr(article, field) for field in CONTENT_FIELDS}
    values["districts"] = set(article.districts.values_list("pk", flat=True))
    return values


def record_created(article, by):
    return ArticleEvent.objects.create(
        article=article,
        actor=by,
        action=Action.CREATED,
        to_status=article.status,
    )


def record_edit(article, by, before):
    """Append an "edited" entry naming the changed fields, if the content changed."""
    after = content_snapshot(article)
    changed = [field for field in after if before is None or before.get(field) != after[field]]
    if not changed:
        return None
    names = [
        str(Article._meta.get_field(field.removesuffix("_id")).verbose_name) for field in changed
    ]
    return ArticleEvent.objects.create(
        article=article,
        actor=by,
        action=Action.EDITED,
        from_status=article.status,
        to_status=article.status,
        comment=_("Changed: %(fields)s.") % {"fields": ", ".join(names)},
    )
