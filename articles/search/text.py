"""Text as search sees it: cleaned queries, the text of HTML, stems, XML-safe strings."""

import re
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser

from snowballstemmer import stemmer

# Longer queries are cut: nobody types more, and it bounds the work a request can cause.
MAX_QUERY_LENGTH = 200

# Han ideographs (with extensions and compatibility forms), kana: scripts written without spaces.
CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
# A word for highlighting: letters and digits that are not CJK.
WORD = re.compile(r"[^\W_]+")

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
