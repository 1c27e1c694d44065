"""
The transitions there are, what each asks of the person who takes it, and which a person may
take now. The admin builds its buttons and forms from this catalogue; ``transitions`` holds
what each one does.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .errors import WorkflowError
from .permissions import (
    check_approve,
    check_confirm_urgent,
    check_discard_changes,
    check_publish_urgently,
    check_remove,
    check_request_changes,
    check_restore,
    check_submit,
    check_take_back,
    check_unschedule,
    check_withdraw,
)


def asks_major(article):
    """
    Whether approving the article's pending changes asks "Do readers need to know the
    content has changed?": only for changes to an article readers have already seen.
    """
    return article.has_pending_changes and article.has_been_public()


@dataclass(frozen=True)
class Ask:
    """
    A value a transition asks for: the keyword argument ``name`` of its function, how it is
    entered (``kind``: "text" for a few lines, "url", "time", "choice") and labelled.
    """

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    choices: tuple = ()
    help_text: str = ""


@dataclass(frozen=True)
class Transition:
    """How the admin offers a transition: its label, what it asks for, how it is confirmed."""

    name: str
    label: str
    check: object
    asks: tuple = ()
    danger: bool = False
    # Asks whether readers need to know of a change to a public article (and its note).
    asks_major: bool = False
    # The label when the transition acts on a live article's unpublished changes.
    changes_label: str = ""
    # A box the person must tick before it is done ("" for none), unless the field named by
    # ``confirm_unless`` is filled in (a go-live time: then nothing happens at once).
    confirm: str = ""
    confirm_unless: str = ""
    # Offered as a button to a page of its own, which says what will happen, rather than
    # as a form in the change form's panel.
    own_page: bool = False

    def label_for(self, article):
        if self.changes_label and article.has_pending_changes:
            return self.changes_label
        return self.label


RESTORE_TO = (
    (Article.Status.WITHDRAWN, _("Withdrawn: its page comes back with the public explanation")),
    (Article.Status.DRAFT, _("Draft: it goes back to the newsroom, not to readers")),
)

TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            _("Submit for review"),
            check_submit,
            changes_label=_("Submit the changes for review"),
        ),
        Transition(
            "take_back",
            _("Take back from review"),
            check_take_back,
            changes_label=_("Take the changes back from review"),
        ),
        Transition(
            "approve",
            _("Approve and publish"),
            check_approve,
            asks=(Ask("at", _("Go-live time (empty: now)"), kind="time"),),
            asks_major=True,
            changes_label=_("Approve the changes"),
            confirm=_("Yes, it goes public at once (no go-live time is given)."),
            confirm_unless="at",
            own_page=True,
        ),
        Transition(
            "request_changes",
            _("Request changes"),
            check_request_changes,
            asks=(Ask("comment", _("What needs to change (shown to the author)"), required=True),),
        ),
        Transition(
            "publish_urgently",
            _("Publish urgently"),
            check_publish_urgently,
            asks=(Ask("reason", _("Why it cannot wait for review"), required=True),),
            danger=True,
            asks_major=True,
            changes_label=_("Publish the changes urgently"),
            confirm=_("Yes, it goes public at once, without a second person."),
            own_page=True,
        ),
        Transition("confirm_urgent", _("Confirm urgent publication"), check_confirm_urgent),
        Transition("unschedule", _("Unschedule"), check_unschedule),
        Transition(
            "withdraw",
            _("Withdraw"),
            check_withdraw,
            asks=(Ask("explanation", _("Public explanation"), required=True),),
            danger=True,
        ),
        Transition(
            "remove",
            _("Remove"),
            check_remove,
            asks=(
                Ask(
                    "reason",
                    _("Why it is removed"),
                    required=True,
                    help_text=_(
                        "Recorded in the story's history for administrators; readers do not see it."
                    ),
                ),
                Ask(
                    "replacement_url",
                    _("Replacement URL (empty: the address answers 410 Gone)"),
                    kind="url",
                ),
            ),
            danger=True,
            confirm=_(
                "Yes, remove it: readers lose its page, and only an administrator can bring "
                "it back."
            ),
            own_page=True,
        ),
        Transition(
            "restore",
            _("Bring back"),
            check_restore,
            asks=(
                Ask("to", _("Bring it back as"), kind="choice", required=True, choices=RESTORE_TO),
                Ask(
                    "explanation",
                    _("Public explanation (when it comes back withdrawn)"),
                    help_text=_("Shown to readers above the story. Kept from before if empty."),
                ),
                Ask(
                    "reason",
                    _("Why it is brought back"),
                    required=True,
                    help_text=_("Recorded in the story's history."),
                ),
            ),
            own_page=True,
        ),
        Transition(
            "discard_changes",
            _("Discard the unpublished changes"),
            check_discard_changes,
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
    """The transitions ``by`` may take on ``article`` now, in the order the admin offers them."""
    return [t for t in TRANSITIONS.values() if allowed(article, by, t.name)]
