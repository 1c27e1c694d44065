"""
The audit log as CSV: an article's full history, or everything in a date range.

Rows come from the history entries, the revisions, the change notes and the openings of
preview links, merged by time and streamed (nothing is held in memory but one row of each
kind). Cells that a spreadsheet would run as a formula are defused.
"""

import csv
import heapq
from datetime import datetime, time, timedelta

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import ArticleEvent, ChangeNote, Revision, ShareLinkOpen
from articles.people import person_name

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"); a leading apostrophe makes it text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value as CSV text that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _time(value):
    return timezone.localtime(value).isoformat() if value else ""


def header():
    return [
        _("time"),
        _("article id"),
        _("article"),
        _("record"),
        _("action"),
        _("by"),
        _("from"),
        _("to"),
        _("revision"),
        _("details"),
    ]


def _events(queryset):
    for event in queryset.select_related("article", "actor", "revision").order_by("at", "id"):
        details = event.comment
        if event.recipients:
            details = " ".join(
                [details, _("Notified: %(people)s.") % {"people": ", ".join(event.recipients)}]
            ).strip()
        yield (
            event.at,
            event.article_id,
            event.article.title,
            _("history"),
            event.get_action_display(),
            person_name(event.actor),
            event.get_from_status_display() if event.from_status else "",
            event.get_to_status_display() if event.to_status else "",
            event.revision.number if event.revision else "",
            details,
        )


def _revisions(queryset):
    for revision in queryset.select_related("article", "created_by", "restored_from").order_by(
        "created_at", "id"
    ):
        details = ""
        if revision.restored_from:
            details = _("Restored from revision %(number)s.") % {
                "number": revision.restored_from.number
            }
        yield (
            revision.created_at,
            revision.article_id,
            revision.article.title,
            _("revision"),
            revision.get_kind_display(),
            person_name(revision.created_by),
            "",
            "",
            revision.number,
            " ".join([f"{revision.snapshot.get('title', '')}", details]).strip(),
        )


def _notes(queryset):
    for note in queryset.select_related("article", "created_by", "revision").order_by(
        "public_at", "id"
    ):
        yield (
            note.public_at,
            note.article_id,
            note.article.title,
            _("change note"),
            note.get_kind_display(),
            person_name(note.created_by),
            "",
            "",
            note.revision.number if note.revision else "",
            note.note,
        )


def _opens(queryset):
    for opening in queryset.select_related("link__article", "link__created_by").order_by(
        "at", "id"
    ):
        link = opening.link
        yield (
            opening.at,
            link.article_id,
            link.article.title,
            _("preview link"),
            _("Opened"),
            "",
            "",
            "",
            "",
            _("Link %(id)s created by %(who)s. Browser: %(agent)s")
            % {"id": link.pk, "who": person_name(link.created_by), "agent": opening.user_agent},
        )


def rows(article=None, start=None, end=None):
    """Every audit row (of one article, or within ``[start, end)``), oldest first."""
    events = ArticleEvent.objects.all()
    revisions = Revision.objects.all()
    notes = ChangeNote.objects.all()
    opens = ShareLinkOpen.objects.all()
    if article is not None:
        events, revisions = events.filter(article=article), revisions.filter(article=article)
        notes, opens = notes.filter(article=article), opens.filter(link__article=article)
    if start is not None:
        events = events.filter(at__gte=start, at__lt=end)
        revisions = revisions.filter(created_at__gte=start, created_at__lt=end)
        notes = notes.filter(public_at__gte=start, public_at__lt=end)
        opens = opens.filter(at__gte=start, at__lt=end)
    merged = heapq.merge(
        _events(events),
        _revisions(revisions),
        _notes(notes),
        _opens(opens),
        key=lambda row: row[0],
    )
    for row in merged:
        yield [_time(row[0]), *row[1:]]


def day_range(start_day, end_day):
    """Aware datetimes from the start of ``start_day`` to the end of ``end_day``, local time."""
    start = timezone.make_aware(datetime.combine(start_day, time.min))
    end = timezone.make_aware(datetime.combine(end_day + timedelta(days=1), time.min))
    return start, end


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_response(filename, lines):
    """A streamed CSV download of ``lines`` (lists of cells), with a header row."""
    writer = csv.writer(_Echo())

    def stream():
        # A byte-order mark, so spreadsheet programs read the file as UTF-8 (Chinese text).
        yield "\ufeff"
        yield writer.writerow([safe_cell(cell) for cell in header()])
        for line in lines:
            yield writer.writerow([safe_cell(cell) for cell in line])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
