"""
Who may take which transition now: each ``check_*`` raises ``WorkflowError`` when ``by`` may
not, and changes nothing, so the admin also uses them to offer exactly the transitions a
person may take. Permissions are the ``articles.*`` ones in ``Article.Meta.permissions``,
granted to the Writers, Editors and Administrators groups (``roles``).

Two-person rule (``NEWSROOM_TWO_PERSON_RULE``, on by default): whoever approves an article,
or confirms an urgent publication, is neither its author nor anyone who edited its content
since it was last reviewed (nor, for a confirmation, whoever published it urgently).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from articles.models import Article, ArticleEvent

from .errors import WorkflowError

Status = Article.Status
Pending = Article.PendingStatus
Action = ArticleEvent.Action


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
    if article.review_status != Status.DRAFT:
        raise _wrong_state(article, _("a draft"))
    if article.author_id != by.pk and not by.has_perm("articles.edit_any_article"):
        raise WorkflowError(_("You may submit only your own articles."), WorkflowError.FORBIDDEN)


def check_take_back(article, by):
    """The author takes their story (or its changes) back from review, to edit it again."""
    _require(by, "submit_article")
    if article.review_status != Status.IN_REVIEW:
        raise _wrong_state(article, _("in review"))
    if article.author_id != by.pk:
        raise WorkflowError(
            _("Only its author can take it back; an editor can request changes instead."),
            WorkflowError.FORBIDDEN,
        )


def check_request_changes(article, by):
    _require(by, "approve_article")
    if article.review_status != Status.IN_REVIEW:
        raise _wrong_state(article, _("in review"))


def check_approve(article, by):
    _require(by, "approve_article")
    if article.review_status != Status.IN_REVIEW:
        raise _wrong_state(article, _("in review"))
    _two_person(article, by)


def check_publish_urgently(article, by):
    _require(by, "publish_urgently")
    if article.review_status not in {Status.DRAFT, Status.IN_REVIEW}:
        raise _wrong_state(article, _("a draft or in review"))


def check_confirm_urgent(article, by):
    _require(by, "approve_article")
    if not (article.status == Status.PUBLISHED and article.urgent_unconfirmed):
        raise _wrong_state(article, _("published urgently and waiting for review"))
    _two_person(article, by)


def check_unschedule(article, by):
    _require(by, "unschedule_article")
    if article.pending_status == Pending.SCHEDULED:
        return
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


def check_restore(article, by):
    """An administrator brings a removed story back, withdrawn or as a draft."""
    _require(by, "restore_article")
    if article.status != Status.REMOVED:
        raise _wrong_state(article, _("removed"))


def check_discard_changes(article, by):
    if article.pending_status not in {Pending.DRAFT, Pending.IN_REVIEW}:
        raise _wrong_state(article, _("published with unpublished changes not yet approved"))
    if not (article.is_editable_by(by) or by.has_perm("articles.approve_article")):
        raise WorkflowError(
            _("Your role does not allow this action on articles."), WorkflowError.FORBIDDEN
        )
