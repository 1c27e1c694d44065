"""
Highlighting: a result's title and snippet with the reader's words marked, on both databases.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .text import CJK_RUN, WORD, html_to_text, stem

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
        for match in WORD.finditer(CJK_RUN.sub(" ", text)):
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
