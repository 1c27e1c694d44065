"""
The editorial package: everything that changes a story's state, and the rules for it.

- ``transitions``: ``submit(article, by=...)``, ``take_back``, ``approve``,
  ``request_changes``, ``publish_urgently``, ``confirm_urgent``, ``unschedule``, ``withdraw``,
  ``remove``, ``restore``, ``discard_changes``: one function each, checking, recording, then
  notifying after commit; ``catalogue``: what each asks of the person, and which are open
- ``permissions``: who may take which transition now, and the two-person rule
- ``roles``: Writers, Editors, Administrators
- ``revisions``: snapshots, pending drafts of live stories, restoring, optimistic locking
- ``diff``: comparing two states of a story
- ``scheduling``: approved changes going live at their time
- ``history``: ``log()``, the one way to write a story's history; ``audit``: its CSV export
- ``sharing``: preview links for people without an account
- ``queues``: what waits for whom (the admin's work filter and front page)
- ``notifications``: mail, sent after commit; ``signals``: what the rest of the project hears

It builds on ``articles.models`` and sends signals; it knows nothing of the admin, the views
or caching (``articles/receivers.py`` connects the signals to the page cache).
"""

from .catalogue import TRANSITIONS, available
from .errors import WorkflowError
from .transitions import (
    approve,
    confirm_urgent,
    discard_changes,
    expecting,
    publish_urgently,
    remove,
    request_changes,
    restore,
    submit,
    take_back,
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
    "restore",
    "submit",
    "take_back",
    "unschedule",
    "withdraw",
]
