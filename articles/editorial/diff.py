"""
Comparing two states of a story, as an editor reads them: word by word (character by
character in Chinese), a body compared as text with its links' addresses.

A change is a sequence of ``(text, kind)`` segments, ``kind`` being ``"del"``, ``"ins"`` or
``""`` for text both states share; ``admin/articles/article/diff.html`` writes them.
"""

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import District, Source

from .revisions import SNAPSHOT_ORDER, TEXT_FIELDS, field_label

# Each CJK character is a word of its own (Chinese is not written with spaces); other
# words, runs of white space and single punctuation marks are tokens too.
_TOKENS = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W\u3040-\u30ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uf900-\ufaff]+|\s+|[^\w\s]"
)
_BLOCKS = {
    "p", "h2", "h3", "h4", "li", "blockquote", "tr", "table", "figure", "figcaption",
    "caption", "ul", "ol",
}  # fmt: skip


class _BodyText(HTMLParser):
    """A body's text for comparing: a blank line between blocks, links with their address."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append(attrs.get("href") or "")
        elif tag == "img":
            self.parts.append(" [%s] " % (_("image: %(alt)s") % {"alt": attrs.get("alt") or ""}))
        elif tag in {"td", "th"}:
            self.parts.append(" | ")

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f" <{href}>")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def body_text(html):
    """The text of a body as an editor reads it, for a word-level diff."""
    parser = _BodyText()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.parts)
    blocks = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text)]
    return "\n\n".join(block for block in blocks if block)


DELETED, INSERTED, KEPT = "del", "ins", ""


def word_diff(old, new):
    """
    ``old`` and ``new`` as one sequence of ``(text, kind)`` segments, compared word by word
    (character by character in Chinese).
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    segments = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("".join(a[a1:a2]), KEPT))
            continue
        if op in {"delete", "replace"}:
            segments.append(("".join(a[a1:a2]), DELETED))
        if op in {"insert", "replace"}:
            segments.append(("".join(b[b1:b2]), INSERTED))
    return segments


@dataclass
class FieldChange:
    """One changed field in a comparison: its label and the change as ``word_diff`` segments."""

    field: str
    label: str
    segments: list


_YES_NO = {True: gettext_lazy("Yes"), False: gettext_lazy("No")}


def _display_names(model, items):
    """
    ``{id: name}`` for the districts or sources ``items`` of snapshots name, as the interface
    shows them now (``display_name``): a snapshot keeps only the name of its time, in
    English. One that no longer exists keeps that name.
    """
    items = [item for item in items if item]
    names = {item["id"]: item.get("name", "") for item in items}
    rows = model.objects.filter(pk__in=names).only("name", "name_zh")
    return {**names, **{row.pk: row.display_name for row in rows}}


def _display(field, value):
    if field in {"featured", "lead_image_decorative"}:
        return str(_YES_NO[bool(value)])
    if field == "lead_image":
        return value.rsplit("/", 1)[-1] if value else _("(none)")
    return "" if value is None else str(value)


def compare(old, new):
    """The fields that differ between two snapshots, each with a readable diff."""
    old, new = old or {}, new or {}
    changes = []
    for field in SNAPSHOT_ORDER:
        a, b = old.get(field), new.get(field)
        if a == b:
            continue
        label = field_label(field)
        if field == "districts":
            names = _display_names(District, [*(a or []), *(b or [])])
            names_a = {names[item["id"]] for item in a or []}
            names_b = {names[item["id"]] for item in b or []}
            segments = [(name, DELETED) for name in sorted(names_a - names_b)]
            segments += [(name, INSERTED) for name in sorted(names_b - names_a)]
            if not segments:  # renamed districts only
                segments = [(", ".join(sorted(names_b)), KEPT)]
            segments = _spaced(segments)
        elif field == "body":
            segments = word_diff(body_text(a), body_text(b))
            if all(kind == KEPT for _text, kind in segments):
                segments = [(_("The markup changed, not the text."), KEPT)]
        elif field in TEXT_FIELDS or field in {"lead_image_alt", "lead_image_caption"}:
            segments = word_diff(a, b)
        elif field == "source":
            names = _display_names(Source, [a, b])
            name_a, name_b = (names[item["id"]] if item else "" for item in (a, b))
            segments = _spaced([(name_a, DELETED), (name_b, INSERTED)])
        else:
            segments = _spaced([(_display(field, a), DELETED), (_display(field, b), INSERTED)])
        changes.append(FieldChange(field, label, segments))
    return changes


def _spaced(segments):
    """Whole values one after another, a space between each."""
    spaced = []
    for segment in segments:
        if spaced:
            spaced.append((" ", KEPT))
        spaced.append(segment)
    return spaced
