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

Matches are found here, in Python, on both databases: a title and snippet become
``(text, is_match)`` segments, which the search result template writes (escaped, each match in
``<mark>``).

The package knows nothing of the models: ``articles.models`` builds on it (``Article.save()``
keeps the vector, ``ArticleQuerySet.search()`` narrows a queryset); ``text`` < ``index`` <
``query``; ``highlight`` marks the words found.
"""

from .highlight import SNIPPET_LENGTH, add_highlights, highlight, match_spans, snippet
from .index import (
    MAX_INDEXED_BODY,
    TEXT_SEARCH_CONFIG,
    cjk_vector_literal,
    document_vector,
    rebuild_search_vectors,
    search_vector_for,
)
from .query import (
    MAX_QUERY_TERMS,
    MAX_RESULTS,
    ParsedQuery,
    SearchPaginator,
    in_order,
    search_queryset,
    tsquery,
)
from .text import MAX_QUERY_LENGTH, clean_query, html_to_text, stem, xml_safe

__all__ = [
    "MAX_INDEXED_BODY",
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_TERMS",
    "MAX_RESULTS",
    "SNIPPET_LENGTH",
    "TEXT_SEARCH_CONFIG",
    "ParsedQuery",
    "SearchPaginator",
    "add_highlights",
    "cjk_vector_literal",
    "clean_query",
    "document_vector",
    "highlight",
    "html_to_text",
    "in_order",
    "match_spans",
    "rebuild_search_vectors",
    "search_queryset",
    "search_vector_for",
    "snippet",
    "stem",
    "tsquery",
    "xml_safe",
]
