"""
Querying: a reader's words as a ``tsquery`` (PostgreSQL) or substring filters (elsewhere), and
the newest matches, best first.
"""

from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.functions import Cast
from django.utils.functional import cached_property

from .index import TEXT_SEARCH_CONFIG, _quote_lexeme
from .text import CJK_RUN, WORD, clean_query, stem

# At most this many words and CJK runs are used from a query (the rest are ignored).
MAX_QUERY_TERMS = 12
# A search pages through at most this many matches: the newest ones, best first.
MAX_RESULTS = 1000


class ParsedQuery:
    """A cleaned query split into CJK runs and the remaining (space-separated) words."""

    def __init__(self, raw):
        self.text = clean_query(raw)
        self.cjk_runs = CJK_RUN.findall(self.text)[:MAX_QUERY_TERMS]
        latin = CJK_RUN.sub(" ", self.text)
        self.words = WORD.findall(latin)[:MAX_QUERY_TERMS]
        # websearch syntax ("quoted phrases", -exclusions, or) applies to the non-CJK part.
        self.latin = latin if self.words else ""
        self.stems = {stem(word.lower()) for word in self.words}

    def __bool__(self):
        return bool(self.cjk_runs or self.words)

    def cjk_query_literal(self):
        terms = []
        for run in self.cjk_runs:
            if len(run) == 1:
                terms.append(_quote_lexeme(run) + ":*")
            else:
                grams = [_quote_lexeme(run[i : i + 2]) for i in range(len(run) - 1)]
                terms.append("(" + " <-> ".join(grams) + ")")
        return " & ".join(terms)


class _Matches(Func):
    """``vector @@ query`` as a boolean expression, usable in ``filter()``."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


class _And(Func):
    template = "(%(expressions)s)"
    arg_joiner = " && "
    output_field = SearchQueryField()


def tsquery(parsed):
    """The PostgreSQL ``tsquery`` expression for a parsed query."""
    parts = []
    if parsed.latin:
        parts.append(SearchQuery(parsed.latin, search_type="websearch", config=TEXT_SEARCH_CONFIG))
    if parsed.cjk_runs:
        parts.append(Cast(Value(parsed.cjk_query_literal()), output_field=SearchQueryField()))
    return parts[0] if len(parts) == 1 else _And(*parts)


def search_queryset(queryset, raw_query):
    """
    ``queryset`` narrowed to the newest ``MAX_RESULTS`` + 1 articles matching ``raw_query``
    (one more tells the paginator that there were more), best first.

    PostgreSQL: full-text match on ``search_vector`` (GIN index), ranked by ``ts_rank`` with
    title > summary > body, then newest first. Elsewhere: every word as a case-insensitive
    substring of title, summary or body, newest first. An empty query matches nothing.

    Only the newest matches are ranked: a common word matches a third of the archive, and
    ranking every match (``ts_rank`` reads each one's vector) cost 60 ms at 100,000 stories,
    where finding the newest ones along the publication-time index costs a few.
    """
    parsed = raw_query if isinstance(raw_query, ParsedQuery) else ParsedQuery(raw_query)
    if not parsed:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        query = tsquery(parsed)
        newest = (
            queryset.filter(_Matches(F("search_vector"), query))
            .order_by("-published_at", "-id")
            .values("pk")[: MAX_RESULTS + 1]
        )
        return (
            queryset.filter(pk__in=newest)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-id")
        )
    for term in parsed.cjk_runs + parsed.words:
        queryset = queryset.filter(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
        )
    return queryset.order_by("-published_at", "-id")


class SearchPaginator(Paginator):
    """
    Pages through at most ``MAX_RESULTS`` of the ids of ``SearchForm.result_ids()``: counting
    every match of a common word would cost more than the search itself, and nobody reads past
    page 50. ``more`` tells that there were more matches.
    """

    @cached_property
    def count(self):
        return min(len(self.object_list), MAX_RESULTS)

    @property
    def more(self):
        return len(self.object_list) > MAX_RESULTS


def in_order(queryset, ids):
    """The articles of ``queryset`` with these ``ids``, in their order (missing ones left out)."""
    found = {article.pk: article for article in queryset.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]
