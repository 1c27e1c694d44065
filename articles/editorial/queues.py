"""
What waits for whom: the editorial queues. The admin's article list offers them in its *work*
filter (``?queue=<name>``) and the admin's front page counts the ones a person works from, so
both read each queue's one condition here and a count always matches the list it links to.

Conditions are evaluated at query time against the person looking and the current time, like
``ArticleQuerySet.published()``: nothing has to run for a story to enter or leave a queue.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleEvent

Status = Article.Status
Pending = Article.PendingStatus
Action = ArticleEvent.Action

# How long a withdrawn story stays in the "withdrawn in the last week" queue.
RECENTLY = timedelta(days=7)

# History entries that are not a step of the workflow: they leave a request for changes
# standing (an edit answers it only once the story is submitted again).
NOT_STEPS = {
    Action.CREATED,
    Action.EDITED,
    Action.NOTIFICATION_FAILED,
    Action.SHARE_LINK_CREATED,
    Action.SHARE_LINK_REVOKED,
}


def _last_step():
    """The action of the article's latest workflow step, as a subquery (its history index)."""
    steps = ArticleEvent.objects.filter(article=OuterRef("pk")).exclude(action__in=NOT_STEPS)
    return Subquery(steps.order_by("-at", "-id").values("action")[:1])


def _mine(user, now):
    return Q(author=user, status=Status.DRAFT)


def _changes_requested_of(user, now):
    # A draft (or live story's draft of changes) whose last step was a request for changes:
    # submitting it again, taking it back or discarding the changes are later steps.
    drafts = Q(status=Status.DRAFT) | Q(pending_status=Pending.DRAFT)
    return Q(author=user) & drafts & Q(Exact(_last_step(), Action.CHANGES_REQUESTED))


def _awaiting_review(user, now):
    return Q(status=Status.IN_REVIEW) | Q(pending_status=Pending.IN_REVIEW)


def _scheduled(user, now):
    # Stories approved for a later time, and approved changes waiting for their time.
    return Q(status=Status.PUBLISHED, published_at__gt=now) | Q(pending_status=Pending.SCHEDULED)


def _urgent(user, now):
    return Q(status=Status.PUBLISHED, urgent_unconfirmed=True)


def _with_changes(user, now):
    return Q(pending_revision__isnull=False)


def _withdrawn_recently(user, now):
    return Q(status=Status.WITHDRAWN, withdrawn_at__gte=now - RECENTLY)


@dataclass(frozen=True)
class Queue:
    """One queue: its name in the address, its label, and which articles are in it."""

    name: str
    label: str
    condition: Callable
    # Counted on the front page (for reviewers only, when ``for_reviewers``).
    on_front_page: bool = True
    for_reviewers: bool = False

    def q(self, user, now=None):
        """The queue for ``user`` as a condition on articles."""
        return self.condition(user, now or timezone.now())

    def shown_to(self, user):
        return self.on_front_page and (
            not self.for_reviewers or user.has_perm("articles.approve_article")
        )


# In the order the filter and the front page list them.
QUEUES = {
    queue.name: queue
    for queue in [
        Queue("review", _("Awaiting review"), _awaiting_review, for_reviewers=True),
        Queue("urgent", _("Published urgently, needs review"), _urgent, for_reviewers=True),
        Queue("changes_requested", _("Changes requested of me"), _changes_requested_of),
        Queue("mine", _("My drafts"), _mine),
        Queue("scheduled", _("Scheduled"), _scheduled),
        Queue(
            "changes",
            # Scheduled stories too: their edits are unpublished changes as well, so "live"
            # would not be true of all of them.
            _("Published or scheduled, with unpublished changes"),
            _with_changes,
            on_front_page=False,
        ),
        Queue("withdrawn", _("Withdrawn in the last week"), _withdrawn_recently),
    ]
}


def in_queue(articles, name, user):
    """``articles`` narrowed to queue ``name`` for ``user``."""
    return articles.filter(QUEUES[name].q(user))


def front_page(user):
    """The queues ``user`` sees counted on the admin's front page."""
    return [queue for queue in QUEUES.values() if queue.shown_to(user)]


def counts(articles, user, queues):
    """
    How many of ``articles`` are in each of ``queues`` for ``user``, as ``{name: count}``,
    in one query whatever the number of queues and articles.
    """
    now = timezone.now()
    if not queues:
        return {}
    return articles.order_by().aggregate(
        **{queue.name: Count("pk", filter=queue.q(user, now)) for queue in queues}
    )
