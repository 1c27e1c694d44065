"""
Comparing two states of a story, as an editor reads them: word by word (character by
character in Chinese), a body compared as text with its links' addresses.
"""

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def word_diff(old, new):
    """
    ``old`` and ``new`` as one escaped HTML fragment, deletions in ``<del>`` and insertions
    in ``<ins>``, compared word by word (character by character in Chinese).
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[a1:a2])))
            continue
        if op in {"delete", "replace"}:
            parts.append(f"<del>{escape(''.join(a[a1:a2]))}</del>")
        if op in {"insert", "replace"}:
            parts.append(f"<ins>{escape(''.join(b[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # every piece of text escaped above


@dataclass
class FieldChange:
    """One changed field in a comparison: its label and the change as safe HTML."""

    field: str
    label: str
    html: str


_YES_NO = {True: gettext_lazy("Yes"), False: gettext_lazy("No")}


def _display(field, value):
    if field == "source":
        return (value or {}).get("name", "")
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
            names_a = {item["name"] for item in a or []}
            names_b = {item["name"] for item in b or []}
            removed = sorted(names_a - names_b)
            added = sorted(names_b - names_a)
            html = format_html_join(" ", "<del>{}</del>", ((name,) for name in removed))
            html += format_html_join(" ", " <ins>{}</ins>", ((name,) for name in added))
            if not (removed or added):  # renamed districts only
                html = escape(", ".join(sorted(names_b)))
        elif field == "body":
            html = word_diff(body_text(a), body_text(b))
            if html == escape(body_text(b)):
                html = format_html("{}", _("The markup changed, not the text."))
        elif field in TEXT_FIELDS or field in {"lead_image_alt", "lead_image_caption"}:
            html = word_diff(a, b)
        else:
            html = format_html(
                "<del>{}</del> <ins>{}</ins>", _display(field, a), _display(field, b)
            )
        changes.append(FieldChange(field, label, html))
    return changes
