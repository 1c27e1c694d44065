"""
Highlighting: a result's title and snippet with the reader's words marked, on both databases.

Text comes out as ``(text, is_match)`` segments, tuples so that a result can be a key of its
fragment memo; ``templates/includes/marked_text.html`` writes them, each match in ``<mark>``.
"""

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
    """``text`` as ``(text, is_match)`` segments: the matches and the text between them."""
    spans = match_spans(text, parsed) if spans is None else spans
    segments, last = [], 0
    for start, end in spans:
        if start > last:
            segments.append((text[last:start], False))
        segments.append((text[start:end], True))
        last = end
    if last < len(text):
        segments.append((text[last:], False))
    return tuple(segments)


def snippet(text, parsed, length=SNIPPET_LENGTH, spans=None):
    """
    An excerpt of ``text`` of about ``length`` characters around the first match (or its
    beginning) as ``highlight`` segments, cut at spaces where there are any, with ellipses
    where it was cut. ``spans`` are the matches in ``text`` when already known.
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
    prefix = (("… ", False),) if start > 0 else ()
    suffix = ((" …", False),) if end < len(text) else ()
    return prefix + highlight(text[start:end], parsed, window) + suffix


def add_highlights(articles, parsed):
    """
    Give each article ``title_segments`` and ``snippet_segments``: its title and the summary
    (or, when only the body matches, the body around the first match) as ``highlight``
    segments.
    """
    for article in articles:
        article.title_segments = highlight(article.title, parsed)
        text = article.summary or ""
        spans = match_spans(text, parsed)
        if not spans:
            body = html_to_text(article.body)
            body_spans = match_spans(body, parsed)
            if body_spans or not text:
                text, spans = body, body_spans
        article.snippet_segments = snippet(text, parsed, spans=spans) if text else ()
    return articles
