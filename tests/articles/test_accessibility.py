"""WCAG 2.1 AA structure of every public page: landmarks, skip link, headings, labels, images."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import AlertBanner
from tests.factories import make_article, make_district
from tests.htmlcheck import headings, parse, text

pytestmark = pytest.mark.django_db

CSS = Path(settings.BASE_DIR) / "static" / "css"


@pytest.fixture
def pages():
    district = make_district()
    article = make_article(
        districts=[district],
        featured=True,
        published_at=timezone.make_aware(datetime(2020, 11, 24, 9)),
        body='<p>Text</p><img src="/media/x.png" alt="A map of Wuqing">',
    )
    make_article(districts=[district], published_at=timezone.make_aware(datetime(2020, 11, 2, 9)))
    AlertBanner.objects.create(message="Notice", dismissible=True)
    return [
        "/", "/articles/", "/articles/?district=" + district.slug, "/articles/2020/",
        "/articles/2020/11/", article.get_absolute_url(), "/districts/",
        district.get_absolute_url(), "/sources/", article.source.get_absolute_url(), "/missing/",
    ]  # fmt: skip


def test_landmarks_and_skip_link(client, pages):
    """One banner, main and footer landmark; labelled navigation; a skip link to main first."""
    for url in pages:
        document = parse(client.get(url).content)
        body = document.find("body")
        first_link = next(body.iter("a"))
        assert first_link.get("href") == "#main" and "skip-link" in first_link.get("class"), url
        mains = list(document.iter("main"))
        assert len(mains) == 1 and mains[0].get("id") == "main", url
        assert len([h for h in body if h.tag == "header"]) == 1, url
        assert len([f for f in body if f.tag == "footer"]) == 1, url
        for nav in document.iter("nav"):
            assert nav.get("aria-label"), url
        labels = [nav.get("aria-label") for nav in document.iter("nav")]
        assert len(labels) == len(set(labels)), url  # each navigation told apart


def test_headings_start_at_one_h1_and_never_skip_a_level(client, pages):
    """Each page has one h1, first, and headings never skip a level."""
    for url in pages:
        levels = [level for level, _ in headings(parse(client.get(url).content))]
        assert levels.count(1) == 1 and levels[0] == 1, (url, levels)
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (url, levels)


def test_every_control_has_a_name(client, pages):
    """Form fields have labels; buttons have text."""
    for url in pages:
        document = parse(client.get(url).content)
        label_for = {label.get("for") for label in document.iter("label")}
        for field in [*document.iter("select"), *document.iter("input")]:
            if field.get("type") == "hidden":
                continue
            assert field.get("id") in label_for or field.get("aria-label"), (url, field.attrib)
        for button in document.iter("button"):
            assert text(button), url


def test_images_have_alt_text_and_size(client, pages):
    """Every image has alt text (empty when decorative) and a width and height."""
    for url in pages:
        for img in parse(client.get(url).content).iter("img"):
            assert img.get("alt") is not None, (url, img.attrib)
            if "story__body" not in img.get("class", ""):
                src = img.get("src")
                if src.startswith("/static/"):
                    assert img.get("width") and img.get("height"), (url, src)


def test_lang_is_set_and_valid(client, pages):
    """Every lang attribute is a valid BCP 47 tag (zh-Hans, en)."""
    for url in pages:
        content = client.get(url).content.decode()
        for value in re.findall(r'\slang="([^"]*)"', content):
            assert re.fullmatch(r"[a-z]{2}(-[A-Z][a-z]{3})?(-[A-Z]{2})?", value), (url, value)


def test_current_page_is_marked_in_the_navigation(client, pages):
    """The main navigation marks the current page with aria-current."""
    document = parse(client.get("/articles/").content)
    current = [text(a) for a in document.iter("a") if a.get("aria-current") == "page"]
    assert current == ["All stories"]


def test_print_stylesheet_is_linked_and_hides_the_chrome(client, pages):
    """A print stylesheet is linked and leaves navigation, notices and filters off paper."""
    content = client.get(pages[5]).content.decode()
    assert re.search(
        r'<link rel="stylesheet" href="/static/css/print\.[0-9a-f]+\.css" media="print">', content
    )
    css = (CSS / "print.css").read_text()
    for selector in [".site-nav", ".language-switcher", ".alerts", ".pagination"]:
        assert selector in css.split("display: none")[0]


def test_focus_is_visible_and_narrow_screens_do_not_scroll_sideways():
    """The stylesheet draws a focus indicator and keeps wide things (tables) inside the page."""
    css = (CSS / "site.css").read_text()
    focus_rule = re.search(r"a:focus-visible[^{]*\{([^}]*)\}", css).group(1)
    assert "outline: 3px solid" in focus_rule and "background: var(--focus)" in focus_rule
    assert ".story__body table" in css and "overflow-x: auto" in css
    assert "overflow-wrap: break-word" in css
    # Sizes in rem or relative units, so text can grow to 200 % without clipping.
    assert not re.search(r"font-size:\s*\d+px", css)
    assert "@import" not in css and "url(http" not in css  # no external fonts
