"""
The editorial package: everything that changes a story's state, and the rules for it.

- ``transitions``: ``submit(article, by=...)``, ``approve``, ``request_changes``,
  ``publish_urgently``, ``confirm_urgent``, ``unschedule``, ``withdraw``, ``remove``,
  ``discard_changes``: one function each, checking, recording, then notifying after commit
- ``permissions``: who may take which transition now, and the two-person rule
- ``roles``: Writers, Editors, Administrators
- ``revisions``: snapshots, pending drafts of live stories, restoring, optimistic locking
- ``diff``: comparing two states of a story
- ``scheduling``: approved changes going live at their time
- ``history``: ``log()``, the one way to write a story's history; ``audit``: its CSV export
- ``sharing``: preview links for people without an account
- ``notifications``: mail, sent after commit; ``signals``: what the rest of the project hears

It builds on ``articles.models`` and sends signals; it knows nothing of the admin, the views
or caching (``articles/receivers.py`` connects the signals to the page cache).
"""

from .errors import WorkflowError
from .transitions import (
    TRANSITIONS,
    approve,
    available,
    confirm_urgent,
    discard_changes,
    expecting,
    publish_urgently,
    remove,
    request_changes,
    submit,
    unschedule,
    withdraw,
)

__all__ = [
    "TRANSITIONS",
    "WorkflowError",
    "approve",
    "available",
    "confirm_urgent",
    "discard_changes",
    "expecting",
    "publish_urgently",
    "remove",
    "request_changes",
    "submit",
    "unschedule",
    "withdraw",
]
