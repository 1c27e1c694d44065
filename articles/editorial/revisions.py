"""
Revisions of articles: snapshots, the pending draft of a live article, restoring, and
optimistic locking. (Comparing revisions is ``diff``; scheduled changes go live through
``scheduling``.)

The ``Article`` row always holds the live content, so public pages, lists, search, feeds and
the sitemap read it as before and pay nothing for revisions. A ``Revision`` stores a snapshot
of what the public would see (``snapshot()``) each time the article is saved through the
admin or restored.

A live article (``Article.is_live()``: published, public or scheduled) is never changed by
its form: the save becomes a revision that ``Article.pending_revision`` points at, and the
review transitions (``transitions``) act on it (``pending_status``). Approval copies the
snapshot onto the row (``apply_snapshot``); approval for a later time leaves it ``scheduled``
with ``pending_go_live_at``, and ``scheduling.apply_due_changes()`` applies it on the first
request after that time.
"""

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import (
    Article,
    ArticleEvent,
    ChangeNote,
    District,
    Revision,
    SlugRedirect,
    Source,
)
from articles.people import person_name
from articles.times import format_local
from richtext.sanitize import sanitize_html

from . import history
from .errors import WorkflowError

# Plain fields copied between the row and a snapshot, in the order a diff lists them.
TEXT_FIELDS = ["title", "slug", "summary"]
VALUE_FIELDS = [
    "language",
    "source_url",
    "featured",
    "lead_image",
    "lead_image_alt",
    "lead_image_decorative",
    "lead_image_caption",
    "lead_image_credit",
]
ROW_FIELDS = [*TEXT_FIELDS, "body", *VALUE_FIELDS, "source_id"]
# The fields of a snapshot in the order comparisons list them.
SNAPSHOT_ORDER = [*TEXT_FIELDS, "body", "districts", "source", *VALUE_FIELDS]


# Snapshots


def snapshot(article, districts=None):
    """
    What the public would see of ``article`` as a JSON-ready dict. ``districts`` overrides
    the article's own (a form's choice, not saved yet).
    """
    if districts is None:
        districts = article.districts.all() if article.pk else []
    source = article.source if article.source_id else None
    data = {field: getattr(article, field) for field in TEXT_FIELDS}
    data["body"] = sanitize_html(article.body or "")
    for field in VALUE_FIELDS:
        value = getattr(article, field)
        data[field] = value.name or "" if field == "lead_image" else value
    data["source"] = {"id": source.pk, "name": source.name} if source else None
    data["districts"] = sorted(
        ({"id": district.pk, "name": district.name} for district in districts),
        key=lambda item: (item["name"], item["id"]),
    )
    return data


def district_ids(data):
    return [item["id"] for item in data.get("districts", [])]


def apply_snapshot(article, data):
    """
    Set the row's content fields of ``article`` (in memory) from a snapshot; returns the
    names of the fields set. Districts are the caller's to set once the row is saved.
    Raises ``ValueError`` with a message for people when the snapshot names a source that
    no longer exists or an address another article now uses.
    """
    source = data.get("source") or {}
    if not Source.objects.filter(pk=source.get("id")).exists():
        raise ValueError(
            _("Its source “%(name)s” no longer exists: choose another source first.")
            % {"name": source.get("name", "?")}
        )
    slug = data.get("slug") or article.slug
    if slug != article.slug:
        taken = Article.objects.exclude(pk=article.pk).filter(slug=slug).exists()
        retired = SlugRedirect.objects.exclude(article_id=article.pk).filter(old_slug=slug)
        if taken or retired.exists():
            raise ValueError(
                _("Its address /articles/%(slug)s/ is now used by another article.")
                % {"slug": slug}
            )
    for field in TEXT_FIELDS:
        setattr(article, field, data.get(field, getattr(article, field)) or "")
    article.slug = slug
    article.body = data.get("body", "")
    for field in VALUE_FIELDS:
        if field in data:
            setattr(article, field, data[field])
    if article.source_id != source["id"]:
        article.source_id = source["id"]
        article._state.fields_cache.pop("source", None)
    return list(ROW_FIELDS)


def set_districts(article, data):
    """The districts of a snapshot that still exist, set on the saved article."""
    article.districts.set(District.objects.filter(pk__in=district_ids(data)))


def overlay_pending(article):
    """
    Show ``article``'s pending draft in place of its live content, in memory only (the
    change form, previews). ``Article.save()`` refuses such a copy.
    """
    revision = article.pending_revision if article.has_pending_changes else None
    if revision is None:
        return article
    data = revision.snapshot
    for field in TEXT_FIELDS:
        setattr(article, field, data.get(field) or "")
    article.body = data.get("body", "")
    for field in VALUE_FIELDS:
        if field in data:
            setattr(article, field, data[field])
    source = data.get("source")
    if source and source["id"] != article.source_id:
        article.source_id = source["id"]
        article._state.fields_cache.pop("source", None)
    article._prefetched_objects_cache = {
        **getattr(article, "_prefetched_objects_cache", {}),
        "districts": District.objects.filter(pk__in=district_ids(data)),
    }
    article.pending_overlay = revision
    return article


def live_snapshot(article_id):
    """The live content of an article, read from the database."""
    return snapshot(Article.objects.select_related("source").get(pk=article_id))


def draft_snapshot(article_id):
    """What the article's change form starts from: the pending draft, else the live row."""
    article = Article.objects.select_related("source", "pending_revision").get(pk=article_id)
    if article.pending_revision is not None:
        return article.pending_revision.snapshot
    return snapshot(article)


# Recording


def record(article, by, data, kind=Revision.Kind.EDIT, restored_from=None, version=None, at=None):
    """Append a revision of ``article`` holding ``data``; numbered after the newest."""
    newest = article.revisions.aggregate(n=Max("number"))["n"] or 0
    return Revision.objects.create(
        article=article,
        number=newest + 1,
        kind=kind,
        created_by=by,
        created_at=at or timezone.now(),
        snapshot=data,
        restored_from=restored_from,
        article_version=version if version is not None else article.version,
    )


def ensure_baseline(article, data):
    """
    Record the stored content as revision 1 of an article that has none yet (made before
    revisions were kept, or by a script), so its first edit can be compared with something.
    """
    if article.revisions.exists():
        return None
    return Revision.objects.create(
        article=article,
        number=1,
        kind=Revision.Kind.BASELINE,
        created_by=None,
        created_at=article.updated_at or timezone.now(),
        snapshot=data,
        article_version=max(article.version - 1, 1),
    )


def field_label(field):
    if field == "source":
        field = "source_id"
    if field == "districts":
        return str(Article._meta.get_field("districts").verbose_name)
    return str(Article._meta.get_field(field.removesuffix("_id")).verbose_name)


def changed_fields(before, after):
    """Names of the snapshot fields that differ, in diff order."""
    return [key for key in SNAPSHOT_ORDER if (before or {}).get(key) != after.get(key)]


def record_edit_event(article, by, before, after, revision, extra=""):
    """The "Edited" history entry (which the two-person rule reads), naming what changed."""
    changed = changed_fields(before, after)
    comment = _("Changed: %(fields)s.") % {"fields": ", ".join(map(field_label, changed))}
    if extra:
        comment = f"{comment} {extra}"
    state = article.review_status
    return history.log(
        article,
        ArticleEvent.Action.EDITED,
        by,
        from_status=state,
        to_status=state,
        comment=comment,
        revision=revision,
    )


def save_pending_draft(article, by, data, before):
    """
    Make ``data`` the pending draft of the live ``article`` (already claimed at its new
    version, see ``claim``), without touching its live fields or districts. Editing changes
    that were approved and scheduled sends them back to review.
    Returns the new revision, or None when nothing changed.
    """
    if data == before:
        return None
    current = Article.objects.select_for_update().get(pk=article.pk)
    ensure_baseline(current, snapshot(current))
    revision = record(current, by, data, version=article.version)
    extra = ""
    status = current.pending_status or Article.PendingStatus.DRAFT
    if status == Article.PendingStatus.SCHEDULED:
        extra = _(
            "The approved changes due to go live %(time)s were edited, so they need approval again."
        ) % {"time": format_local(current.pending_go_live_at)}
        unschedule_notes(current)
        status = Article.PendingStatus.IN_REVIEW
    Article.objects.filter(pk=article.pk).update(
        pending_revision=revision,
        pending_status=status,
        pending_go_live_at=None,
        updated_at=timezone.now(),
    )
    for name, value in [
        ("pending_revision", revision),
        ("pending_status", status),
        ("pending_go_live_at", None),
    ]:
        setattr(article, name, value)
        setattr(current, name, value)
    record_edit_event(current, by, before, data, revision, extra)
    return revision


def record_saved_edit(article, by, before, created=False):
    """
    After the form of a draft (not live) article saved its row and districts: record the
    revision, and the "Created" or "Edited" history entry. Nothing when nothing changed.
    """
    after = snapshot(article)
    if created:
        revision = record(article, by, after)
        history.log(
            article, ArticleEvent.Action.CREATED, by, to_status=article.status, revision=revision
        )
        return revision
    if after == before:
        return None
    ensure_baseline(article, before)
    revision = record(article, by, after)
    record_edit_event(article, by, before, after, revision)
    return revision


def unschedule_notes(article):
    """Delete the change notes of changes that were scheduled but never went public."""
    if article.pending_revision_id:
        ChangeNote.objects.filter(
            revision_id=article.pending_revision_id, public_at__gt=timezone.now()
        ).delete()


# Optimistic locking


class Conflict(Exception):
    """The article moved on since a form was made from ``expected``; says who and when."""

    def __init__(self, article_id, expected):
        self.article = Article.objects.filter(pk=article_id).first()
        self.expected = expected
        self.event = self.article.last_change() if self.article else None
        super().__init__(self.message)

    @property
    def who(self):
        actor = self.event.actor if self.event else None
        if actor is None:
            return _("the schedule") if self.event else _("someone")
        return person_name(actor)

    @property
    def when(self):
        return format_local(self.event.at if self.event else None)

    @property
    def message(self):
        if self.article is None:
            return _("This article no longer exists.")
        what = self.event.get_action_display().lower() if self.event else _("changed it")
        return _(
            "This article changed after you opened it: %(who)s (%(what)s) at %(when)s. "
            "Nothing was done."
        ) % {"who": self.who, "what": what, "when": self.when}


def claim(article_id, expected):
    """
    Move the article from version ``expected`` to the next one, in one conditional UPDATE
    (``... WHERE id = %s AND version = %s``), or raise ``Conflict``. Atomic across processes
    and on both databases: a concurrent claim waits for this transaction and then finds the
    version changed. Call inside the transaction that makes the change.
    """
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise Conflict(article_id, None) from None
    moved = Article.objects.filter(pk=article_id, version=expected).update(version=F("version") + 1)
    if not moved:
        raise Conflict(article_id, expected)
    return expected + 1


def revision_at(article, version):
    """The newest revision saved at or before article version ``version`` (what a form showed)."""
    return (
        article.revisions.filter(article_version__lte=version).order_by("-number").first()
        if version
        else None
    )


# Restoring


def restore(article, revision, by, version):
    """
    Make an old revision's content the current draft again, as a new revision (history is
    never rewritten): the pending draft of a live article, or the content of a draft one.
    Raises ``WorkflowError``.
    """
    with transaction.atomic():
        try:
            new_version = claim(article.pk, version)
        except Conflict as conflict:
            raise WorkflowError(conflict.message, WorkflowError.STALE) from None
        current = Article.objects.select_for_update().select_related("source").get(pk=article.pk)
        if not current.is_editable_by(by):
            raise WorkflowError(
                _("You may not edit this article now, so you cannot restore a revision."),
                WorkflowError.FORBIDDEN,
            )
        data = dict(revision.snapshot)
        note = _("Restored revision %(number)s.") % {"number": revision.number}
        if current.is_live():
            before = draft_snapshot(current.pk)
            # A restored address another article took meanwhile is checked on approval.
            current.version = new_version
            new = record(current, by, data, Revision.Kind.RESTORE, revision, new_version)
            status = current.pending_status or Article.PendingStatus.DRAFT
            if status == Article.PendingStatus.SCHEDULED:
                unschedule_notes(current)
                status = Article.PendingStatus.IN_REVIEW
            Article.objects.filter(pk=current.pk).update(
                pending_revision=new,
                pending_status=status,
                pending_go_live_at=None,
                updated_at=timezone.now(),
            )
            current.pending_revision, current.pending_status = new, status
            current.pending_go_live_at = None
        else:
            before = snapshot(current)
            ensure_baseline(current, before)
            try:
                fields = apply_snapshot(current, data)
            except ValueError as error:
                raise WorkflowError(str(error), WorkflowError.INVALID) from None
            current.version = new_version
            current.save(update_fields=[*fields, "version", "updated_at"])
            set_districts(current, data)
            new = record(current, by, snapshot(current), Revision.Kind.RESTORE, revision)
        record_edit_event(current, by, before, new.snapshot, new, note)
    return new


# The review loop


def since_changes_requested(article):
    """
    The newest "Changes requested" entry of the story's current review round (none since it
    was last approved) and the revision it was about (None when none was kept), or None: a
    reviewer sees the comment and what changed since.
    """
    Action = ArticleEvent.Action
    request = (
        article.events.filter(action=Action.CHANGES_REQUESTED)
        .select_related("actor", "revision")
        .order_by("-at", "-id")
        .first()
    )
    if request is None:
        return None
    approved = article.events.filter(
        action__in=[Action.APPROVED, Action.PUBLISHED_URGENTLY], id__gt=request.pk
    )
    if approved.exists():
        return None
    revision = request.revision or (
        article.revisions.filter(created_at__lte=request.at).order_by("-number").first()
    )
    return request, revision
