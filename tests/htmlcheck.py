"""Reading rendered pages in tests: parse as browsers do, then look at the structure."""

import html5lib


def parse(content):
    """The document as an ElementTree, parsed as the HTML5 spec says (strict: errors fail)."""
    if isinstance(content, bytes):
        content = content.decode()
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(content)


def text(element):
    return " ".join("".join(element.itertext()).split())


def headings(document):
    """(level, text) of every h1–h6 in document order."""
    return [
        (int(el.tag[1]), text(el))
        for el in document.iter()
        if isinstance(el.tag, str) and len(el.tag) == 2 and el.tag[0] == "h" and el.tag[1].isdigit()
    ]


def meta(document, key):
    """The content of <meta name=key> or <meta property=key>, or None."""
    for el in document.iter("meta"):
        if key in (el.get("name"), el.get("property")):
            return el.get("content")
    return None


def link_href(document, rel):
    for el in document.iter("link"):
        if el.get("rel") == rel:
            return el.get("href")
    return None
