"""
A drop-in paginator for long lists: ``paginator_class = NewsroomPaginator`` on a ListView.

Django's paginator costs two scans of the whole result on every request at 100,000 rows: a
``COUNT(*)``, and an ``OFFSET`` that walks every row before the page asked for. This one keeps
the same API, ``?page=N`` URLs, "Page N of M" and 404s for pages out of range, and:

* memoises the count under the content generation (``pagecache.memoise``), so it is
  recounted only after a change or a scheduled go-live, never per request;
* reaches deep pages by seeking from an anchor instead of offsetting from the first row: the
  ordering key of every 500th row is memoised the same way, and page N starts from the
  anchor just before it, so page 4,000 reads about as many index entries as page 1.
"""

from datetime import UTC, datetime, timedelta

from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import cached_property

from pagecache import memoise

# A query parameter this close to the current time is the "now" of published() or scheduled():
# it differs on every request, while the result changes only at a timed change, which already
# ends every memo (pagecache.seconds_fresh).
_NOW_TOLERANCE = timedelta(seconds=60)


def _is_now(value, now):
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return False
    if not isinstance(value, datetime):
        return False
    if timezone.is_naive(value):
        # SQLite receives naive UTC strings when USE_TZ is on.
        value = value.replace(tzinfo=UTC)
    return abs(value - now) < _NOW_TOLERANCE


def query_key(queryset):
    """What identifies a queryset's result set, with the request's "now" left out."""
    sql, params = queryset.query.sql_with_params()
    now = timezone.now()
    params = tuple("<now>" if _is_now(p, now) else p for p in params)
    return (queryset.db, sql, params)


class NewsroomPaginator(Paginator):
    """
    ``key``, when given, names the result set in place of its SQL (``query_key()``), which
    costs compiling the query once more per request: a list view passes what chose its
    stories (the URL's arguments and the filters), and must name everything that did.
    """

    anchor_rows = 500

    def __init__(self, object_list, per_page, *args, key=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.key = key

    @cached_property
    def _query_key(self):
        if self.key is not None:
            return ("view", self.key)
        return query_key(self.object_list)

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):
            return super().count
        return memoise("count", self._query_key, self.object_list.count)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    def _rows(self, bottom, top):
        keys = self._ordering() if isinstance(self.object_list, QuerySet) else None
        if keys is None or bottom < self.anchor_rows:
            return self.object_list[bottom:top]
        anchors = memoise(
            "anchors", (self._query_key, self.anchor_rows), lambda: self._anchors(keys)
        )
        block = min(bottom // self.anchor_rows, len(anchors))
        if block == 0 or None in anchors[block - 1]:
            return self.object_list[bottom:top]
        start = block * self.anchor_rows
        after = self.object_list.filter(_after(keys, anchors[block - 1]))
        # The rows skipped after the anchor are counted in the index alone (the subquery reads
        # only the ordering columns); full rows are read for the page itself.
        page_ids = after.order_by(*self._order_by()).values("pk")[bottom - start : top - start]
        return self.object_list.filter(pk__in=page_ids)

    def _order_by(self):
        query = self.object_list.query
        return query.order_by or (
            self.object_list.model._meta.ordering if query.default_ordering else ()
        )

    def _ordering(self):
        """
        The ordering as (field, descending) pairs when seeking is safe: plain fields of the
        model, ending with the primary key so that every row has its own key. Else ``None``.
        """
        keys = []
        for item in self._order_by():
            if not isinstance(item, str) or "__" in item or item.lstrip("-") in ("", "?"):
                return None
            name = item.lstrip("-")
            if name == "pk":
                name = self.object_list.model._meta.pk.name
            try:
                field = self.object_list.model._meta.get_field(name)
            except Exception:  # noqa: BLE001 (an annotation or unknown name: do not seek)
                return None
            if not getattr(field, "concrete", False) or field.is_relation:
                return None
            keys.append((field.attname, item.startswith("-")))
        if not keys or keys[-1][0] != self.object_list.model._meta.pk.attname:
            return None
        return keys

    def _anchors(self, keys):
        """The ordering key of every ``anchor_rows``-th row, in one pass over the index."""
        order = [F(name).desc() if desc else F(name).asc() for name, desc in keys]
        position = Window(RowNumber(), order_by=order)
        # The final values_list() drops any select_related() joins; select_related(None)
        # would refuse a list of rows (the sitemap's).
        rows = (
            self.object_list.order_by()
            .prefetch_related(None)
            .annotate(_anchor_position=position)
            .annotate(_anchor_offset=F("_anchor_position") % self.anchor_rows)
            .filter(_anchor_offset=0)
            .order_by("_anchor_position")
            .values_list(*[name for name, _ in keys])
        )
        return [tuple(row) for row in rows]


def _after(keys, anchor):
    """Rows strictly after ``anchor`` in the ordering ``keys`` (a keyset seek)."""
    (first, first_desc), first_value = keys[0], anchor[0]
    # An inclusive range on the leading key lets the database start from the index position.
    condition = Q(**{f"{first}__{'lte' if first_desc else 'gte'}": first_value})
    strictly = Q()
    equal = {}
    for (name, desc), value in zip(keys, anchor, strict=True):
        strictly |= Q(**equal, **{f"{name}__{'lt' if desc else 'gt'}": value})
        equal[name] = value
    return condition & strictly
