"""
What the editorial package tells the rest of the project, always after the change commits
(``transaction.on_commit``), never inside a row lock:

- ``article_transitioned(sender=Article, article, name, by, event)``: any workflow transition
  (``name`` is the transition's: "approve", "withdraw" …), or "changes_live" when approved
  changes went live at their time;
- ``article_published``: it became public or was scheduled (approve, publish urgently);
- ``article_unpublished``: it left the public record or the schedule (unschedule, withdraw,
  remove).

Receivers may be slow (mail, warming caches): the editor's transaction is over by then.
"""

from django.db import transaction
from django.dispatch import Signal

article_transitioned = Signal()
article_published = Signal()
article_unpublished = Signal()

PUBLISHING = {"approve", "publish_urgently", "changes_live"}
UNPUBLISHING = {"unschedule", "withdraw", "remove"}


def send_after_commit(article, name, by=None, event=None):
    """Send the signals of transition ``name`` once the current transaction commits."""

    def send():
        sender = type(article)
        arguments = {"article": article, "name": name, "by": by, "event": event}
        article_transitioned.send(sender=sender, **arguments)
        if name in PUBLISHING:
            article_published.send(sender=sender, **arguments)
        elif name in UNPUBLISHING:
            article_unpublished.send(sender=sender, **arguments)

    transaction.on_commit(send, robust=True)
