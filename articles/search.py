"""
Full-text search over published articles.

On PostgreSQL each article keeps a ``search_vector`` (a ``tsvector``, GIN-indexed) made from its
title (weight A), summary (B) and body text (C):

- English and other space-separated words go through the ``english`` text-search configuration,
  so "investment" and "invest" find each other (stemming) and stop words are dropped;
- PostgreSQL does not segment Chinese, so every run of CJK characters is indexed as overlapping
  character bigrams ("武清区" gives 武清, 清区) plus its last character alone, with positions.
  A Chinese query becomes the phrase of its bigrams (武清区 → 武清 <-> 清区), so any query of two
  or more characters finds exactly the articles containing it; a one-character query is a prefix
  match on the bigrams (区 → 区:*).

Lexemes are written as ``tsvector``/``tsquery`` literals, which PostgreSQL reads verbatim:
the result does not depend on the database's locale.

On other databases (SQLite in development) search falls back to case-insensitive substring
matching of every query word, newest first.

Snippets are highlighted here, in Python, on both databases: the text is escaped and only the
``<mark>`` elements around matches are markup.
"""

import re
import unicodedata
from array import array
from datetime import date, datetime, time, timedelta
from functools import lru_cache, wraps
from html.parser import HTMLParser

from django import forms
from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryField,
    SearchRank,
    SearchVectorField,
)
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from snowballstemmer import stemmer

from .cache import content_changed, memoise
from .widgets import PlainSelect

# The PostgreSQL text-search configuration for non-CJK words.
TEXT_SEARCH_CONFIG = "english"
# Longer queries are cut: nobody types more, and it bounds the work a request can cause.
MAX_QUERY_LENGTH = 200
# At most this many words and CJK runs are used from a query (the rest are ignored).
MAX_QUERY_TERMS = 12
# tsvector limits: positions above 16,383 are clamped and a lexeme keeps 256 positions.
_MAX_POSITION = 16383
_MAX_POSITIONS_PER_LEXEME = 256
# Bodies are indexed up to this many characters, well inside the 1 MB tsvector limit.
MAX_INDEXED_BODY = 200_000
# A search pages through at most this many matches: the newest ones, best first.
MAX_RESULTS = 1000

# Han ideographs (with extensions and compatibility forms), kana: scripts written without spaces.
CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
# A word for highlighting: letters and digits that are not CJK.
_WORD = re.compile(r"[^\W_]+")

_english = stemmer("english")


@lru_cache(maxsize=20_000)
def stem(word):
    """The English stem of a lower-case ``word``, remembered: highlighting stems every word of
    every result shown, the same few thousand words over and over, and the stemmer is pure
    Python."""
    return _english.stemWord(word)


def clean_query(raw):
    """
    The query as searched: control characters (NUL included) and unassigned code points become
    spaces, whitespace is collapsed and the result is cut to ``MAX_QUERY_LENGTH`` characters.
    """
    if not raw:
        return ""
    raw = raw[: MAX_QUERY_LENGTH * 4]
    chars = (" " if unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Cn"} else c for c in raw)
    return " ".join("".join(chars).split())[:MAX_QUERY_LENGTH].strip()


# Characters XML 1.0 forbids (C0 controls except tab, newline, carriage return; U+FFFE/FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    """``text`` without the characters an XML document (a feed, a sitemap) cannot carry."""
    return _XML_ILLEGAL.sub("", text or "")


def html_to_text(html):
    """The text of a (sanitised) HTML fragment, with a space wherever a tag was."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")

    def handle_endtag(self, tag):
        self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


# ---------------------------------------------------------------------------------------------
# Indexing


def _quote_lexeme(lexeme):
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def cjk_vector_literal(text, weight):
    """
    A ``tsvector`` literal of the CJK bigrams of ``text`` (and the last character of each run),
    with positions, so that phrase queries over bigrams match only adjacent characters.
    """
    positions = {}
    position = 0
    for match in CJK_RUN.finditer(text):
        run = match.group()
        grams = [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]
        for gram in grams:
            position = min(position + 1, _MAX_POSITION)
            slots = positions.setdefault(gram, [])
            if len(slots) < _MAX_POSITIONS_PER_LEXEME and (not slots or slots[-1] != position):
                slots.append(position)
        # A gap between runs: a phrase never matches across punctuation or Latin text.
        position = min(position + 1, _MAX_POSITION)
    return " ".join(
        _quote_lexeme(gram) + ":" + ",".join(f"{p}{weight}" for p in slots)
        for gram, slots in positions.items()
    )


def document_vector(title, summary, body_html):
    """
    The SQL expression of an article's ``search_vector`` (PostgreSQL), for ``save()`` and bulk
    inserts: it needs only the row's own values.
    """
    parts = [
        _weighted_part(title or "", "A"),
        _weighted_part(summary or "", "B"),
        _weighted_part(_body_text(body_html or ""), "C"),
    ]
    return RawSQL(
        " || ".join(sql for sql, _ in parts),
        [param for _, params in parts for param in params],
        output_field=SearchVectorField(),
    )


# Short texts recur (summaries and bodies of generated stories, a standard notice): their
# parts are computed once. Long ones are not kept, so the memory this holds stays small.
_SHORT_TEXT = 2000


def _short_text_cache(function):
    cached = lru_cache(maxsize=1024)(function)

    @wraps(function)
    def call(text, *args):
        return cached(text, *args) if len(text) < _SHORT_TEXT else function(text, *args)

    return call


@_short_text_cache
def _body_text(body_html):
    return html_to_text(body_html)[:MAX_INDEXED_BODY]


@_short_text_cache
def _weighted_part(text, weight):
    """The SQL and parameters of one weighted part: plain words, then CJK bigrams if any."""
    sql = f"setweight(to_tsvector('{TEXT_SEARCH_CONFIG}', %s), '{weight}')"
    params = (CJK_RUN.sub(" ", text),)
    literal = cjk_vector_literal(text, weight)
    if literal:
        sql += " || %s::tsvector"
        params += (literal,)
    return sql, params


def search_vector_for(article, using):
    """What ``Article.save()`` stores in ``search_vector`` on the database ``using``."""
    if connections[using].vendor != "postgresql":
        return None
    return document_vector(article.title, article.summary, article.body)


def rebuild_search_vectors(queryset, batch_size=500):
    """
    Recompute ``search_vector`` for every row of ``queryset`` (PostgreSQL only), and mark the
    content changed so that no memoised search result outlives the old vectors.
    """
    if connections[queryset.db].vendor != "postgresql":
        return 0
    done = 0
    rows = queryset.order_by("pk").values_list("pk", "title", "summary", "body")
    model = queryset.model
    for pk, title, summary, body in rows.iterator(chunk_size=batch_size):
        model._base_manager.using(queryset.db).filter(pk=pk).update(
            search_vector=document_vector(title, summary, body)
        )
        done += 1
    if done:
        content_changed()  # memoised search results are stale now
    return done


# ---------------------------------------------------------------------------------------------
# Querying


class ParsedQuery:
    """A cleaned query split into CJK runs and the remaining (space-separated) words."""

    def __init__(self, raw):
        self.text = clean_query(raw)
        self.cjk_runs = CJK_RUN.findall(self.text)[:MAX_QUERY_TERMS]
        latin = CJK_RUN.sub(" ", self.text)
        self.words = _WORD.findall(latin)[:MAX_QUERY_TERMS]
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


# ---------------------------------------------------------------------------------------------
# Highlighting

SNIPPET_LENGTH = 240
_SNIPPET_LEAD = 60


def match_spans(text, parsed):
    """Sorted, non-overlapping ``(start, end)`` spans of ``text`` that match the query."""
    spans = []
    for run in parsed.cjk_runs:
        start = text.find(run)
        while start != -1:
            spans.append((start, start + len(run)))
            start = text.find(run, start + len(run))
    if parsed.stems:
        for match in _WORD.finditer(CJK_RUN.sub(" ", text)):
            if stem(match.group().lower()) in parsed.stems:
                spans.append(match.span())
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text, parsed, spans=None):
    """``text`` escaped, with each match in ``<mark>``: safe to render."""
    spans = match_spans(text, parsed) if spans is None else spans
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece of text is escaped above)


def snippet(text, parsed, length=SNIPPET_LENGTH, spans=None):
    """
    A highlighted excerpt of ``text`` of about ``length`` characters around the first match
    (or its beginning), cut at spaces where there are any, with ellipses where it was cut.
    ``spans`` are the matches in ``text`` when already known.
    """
    spans = match_spans(text, parsed) if spans is None else spans
    start = 0
    if spans and spans[0][1] > length:
        start = max(0, spans[0][0] - _SNIPPET_LEAD)
        space = text.find(" ", start, spans[0][0])
        if space != -1:
            start = space + 1
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", max(start, spans[0][1] if spans else start), end)
        if space > start:
            end = space
    window = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
    ]
    excerpt = highlight(text[start:end], parsed, window)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + excerpt + suffix)  # noqa: S308 (built from escaped pieces)


def add_highlights(articles, parsed):
    """
    Give each article ``title_html`` and ``snippet_html``: its title and the summary (or, when
    only the body matches, the body around the first match), escaped and highlighted.
    """
    for article in articles:
        article.title_html = highlight(article.title, parsed)
        text = article.summary or ""
        spans = match_spans(text, parsed)
        if not spans:
            body = html_to_text(article.body)
            body_spans = match_spans(body, parsed)
            if body_spans or not text:
                text, spans = body, body_spans
        article.snippet_html = snippet(text, parsed, spans=spans) if text else ""
    return articles


# ---------------------------------------------------------------------------------------------
# The search form


class QueryField(forms.CharField):
    """A search box that never rejects what was typed: odd characters are dropped instead."""

    def to_python(self, value):
        return clean_query(super().to_python(value))

    def bound_data(self, data, initial):
        # The box shows the query as searched, never the raw characters that were dropped.
        return clean_query(data if isinstance(data, str) else "")


MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2999, 12, 31)


class SearchForm(forms.Form):
    q = QueryField(label=_("Search for"), required=False, widget=forms.SearchInput)
    district = forms.ChoiceField(label=_("District"), required=False, widget=PlainSelect)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        from .models import browse_options

        super().__init__(*args, **kwargs)
        # The same (memoised) districts for the options and the validation.
        self.districts = {district.slug: district for district in browse_options()[0]}
        self.fields["district"].choices = [("", _("All districts"))] + [
            (slug, district.name) for slug, district in self.districts.items()
        ]
        self.fields["q"].widget.attrs["maxlength"] = MAX_QUERY_LENGTH

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day and not MIN_DATE <= day <= MAX_DATE:
                self.add_error(name, _("Enter a date between 1900 and 2999."))
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def value(self, name):
        """A field's cleaned value, or ``None`` when missing or invalid (it is then ignored)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None

    def parsed_query(self):
        return ParsedQuery(self.value("q") or "")

    def result_ids(self):
        """
        The ids of the published stories matching the query and the valid filters, best first
        (at most ``MAX_RESULTS`` + 1), as an array of integers.

        Memoised under the content generation (articles/cache.py), so a flood of readers
        searching the same words, as happens when something does, ranks them once per change.
        """
        from .models import Article

        def compute():
            found = self.results(Article.objects.published()).values_list("pk", flat=True)
            return array("q", found[: MAX_RESULTS + 1])

        if not self.parsed_query():
            return array("q")
        filters = tuple(self.value(name) for name in ("q", "district", "date_from", "date_to"))
        return memoise("search", filters, compute)

    def results(self, queryset):
        """The published articles of ``queryset`` matching the query and the valid filters."""
        parsed = self.parsed_query()
        if not parsed:
            return queryset.none()
        if district := self.value("district"):
            queryset = queryset.filter(districts=self.districts[district])
        if date_from := self.value("date_from"):
            queryset = queryset.filter(published_at__gte=_start_of(date_from))
        if date_to := self.value("date_to"):
            queryset = queryset.filter(published_at__lt=_start_of(date_to + timedelta(days=1)))
        return search_queryset(queryset, parsed)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))
