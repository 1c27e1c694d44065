"""
The editorial record of a story: its history entries (who did what, when), its revisions
(every saved state), and the change notes readers are shown about major changes.

Entries and revisions are append-only: nothing rewrites history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .article import Article
from .base import ContentQuerySet


class ArticleEvent(models.Model):
    """
    One entry in an article's history: who did what, when, from which status to which.

    Append-only: saving an existing entry or deleting one raises, and the admin shows
    entries read-only to everyone. Written through ``articles.editorial.history.log()`` only.
    The people a transition notified are recorded on its entry as ``recipients`` once the
    mail has gone, after the transition committed.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        PUBLISHED_URGENTLY = "published_urgently", _("Published urgently")
        URGENT_CONFIRMED = "urgent_confirmed", _("Urgent publication confirmed")
        UNSCHEDULED = "unscheduled", _("Unscheduled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REMOVED = "removed", _("Removed")
        NOTIFICATION_FAILED = "notification_failed", _("Notification failed")
        CHANGES_DISCARDED = "changes_discarded", _("Unpublished changes discarded")
        CHANGES_LIVE = "changes_live", _("Scheduled changes went live")
        SHARE_LINK_CREATED = "share_link_created", _("Preview link created")
        SHARE_LINK_REVOKED = "share_link_revoked", _("Preview link revoked")
        TAKEN_BACK = "taken_back", _("Taken back from review")
        RESTORED = "restored", _("Brought back after removal")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="events", on_delete=models.PROTECT
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        related_name="article_events",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=Article.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Article.Status.choices, blank=True)
    comment = models.TextField(
        _("comment"), blank=True, help_text=_("The comment, reason or explanation given.")
    )
    recipients = models.JSONField(
        _("notified"), default=list, blank=True, help_text=_("Email addresses notified.")
    )
    revision = models.ForeignKey(
        "Revision",
        verbose_name=_("revision"),
        related_name="events",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("The revision the entry is about: the edit saved, or the changes reviewed."),
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("article history")
        default_permissions = ("view",)
        permissions = [("export_audit", _("Can export article history and the audit log as CSV"))]
        indexes = [models.Index(fields=["article", "at"], name="articleevent_article_at_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.article_id} ({self.at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("History entries are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("History entries are append-only and cannot be deleted.")


class Revision(models.Model):
    """
    One saved state of an article: a snapshot of what the public would see (title, address,
    summary, body, districts, source, lead image, language, featured), who saved it, when.

    Every save through the admin and every restore adds one, numbered 1, 2, 3 … per article;
    none is ever changed, so history is never rewritten. Snapshots and restoring are in
    ``articles/editorial/revisions.py``, comparing in ``articles/editorial/diff.py``.
    """

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("As stored before revisions were kept")
        EDIT = "edit", _("Edit")
        RESTORE = "restore", _("Restored")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="revisions", on_delete=models.PROTECT
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EDIT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        related_name="article_revisions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    snapshot = models.JSONField(_("content"))
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("restored from"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # The article's version once this revision was saved: a form made from version N was
    # based on the newest revision whose article_version is at most N.
    article_version = models.PositiveIntegerField(_("article version"), default=1)

    class Meta:
        ordering = ["article", "number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number")
        ]

    def __str__(self):
        return _("Revision %(number)s of “%(title)s”") % {
            "number": self.number,
            "title": self.snapshot.get("title", ""),
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Revisions are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:articles_article_revisions", args=[self.article_id]) + (
            f"#revision-{self.number}"
        )

    def delete(self, *args, **kwargs):
        raise ValueError("Revisions are append-only and cannot be deleted.")


class ChangeNoteQuerySet(ContentQuerySet):
    def public(self, now=None):
        """Notes readers see: those whose change has gone live."""
        return self.filter(public_at__lte=now or timezone.now())


class ChangeNote(models.Model):
    """
    What readers are told about a major change to a published article: an update, a
    correction or a clarification, shown in the story's "History of this article" list.

    Made when an editor approves a major change; ``public_at`` is the change's go-live time,
    which also becomes the article's ``public_updated_at``.
    """

    class Kind(models.TextChoices):
        UPDATE = "update", _("Update")
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="change_notes", on_delete=models.PROTECT
    )
    revision = models.ForeignKey(
        Revision,
        verbose_name=_("revision"),
        related_name="change_notes",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.TextField(
        _("change note"),
        max_length=1000,
        help_text=_("Shown to readers: what changed and why, in a sentence or two."),
    )
    public_at = models.DateTimeField(_("public from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ChangeNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-public_at", "-id"]
        verbose_name = _("change note")
        verbose_name_plural = _("change notes")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["update", "correction", "clarification"]),
                name="change_note_kind_valid",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="change_note_not_empty"),
        ]
        indexes = [models.Index(fields=["article", "-public_at"], name="changenote_article_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:60]}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()
