"""
Indexing (PostgreSQL): each article keeps a ``search_vector`` made from its title (weight A),
summary (B) and body text (C); English words through the ``english`` configuration, CJK runs as
overlapping character bigrams with positions (see the package's docstring).
"""

from functools import lru_cache, wraps

from django.contrib.postgres.search import SearchVectorField
from django.db import connections
from django.db.models.expressions import RawSQL

from .text import CJK_RUN, html_to_text

# The PostgreSQL text-search configuration for non-CJK words.
TEXT_SEARCH_CONFIG = "english"
# tsvector limits: positions above 16,383 are clamped and a lexeme keeps 256 positions.
_MAX_POSITION = 16383
_MAX_POSITIONS_PER_LEXEME = 256
# Bodies are indexed up to this many characters, well inside the 1 MB tsvector limit.
MAX_INDEXED_BODY = 200_000


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
    Recompute ``search_vector`` for every row of ``queryset`` (PostgreSQL only), through the
    model's base manager: callers that hold memoised results say that content changed
    (``ArticleQuerySet.rebuild_search_vectors()`` does). Returns how many rows were written.
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
    return done
