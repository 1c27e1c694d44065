"""The public site as readers use it, on a phone."""

import pytest

from tests.browser import support
from tests.factories import make_article, make_district, make_source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE_WIDTH = support.PHONE["viewport"]["width"]

# What tends to push a phone page sideways: a wide table, a long unbroken address.
WIDE_BODY = (
    "<p>Closures by road and week:</p>"
    "<table><thead><tr>"
    + "".join(f"<th>Week {n} of the works on the road</th>" for n in range(1, 7))
    + "</tr></thead><tbody><tr>"
    + "".join(f"<td>Lane {n} closed from 09:00 to 17:00</td>" for n in range(1, 7))
    + "</tr></tbody></table>"
    "<p>Details: https://www.example.gov.cn/notices/2025/road-works/weijin-road/"
    "closures-and-diversions-for-the-next-three-weeks.html</p>"
)


def assert_fits_phone(page):
    """The page lays out at phone width and nothing scrolls sideways."""
    assert page.evaluate("() => window.innerWidth") == PHONE_WIDTH, "no mobile viewport"
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH, f"{page.url} scrolls sideways: {scroll_width}px wide"


def test_reader_on_a_phone_follows_a_story_to_its_district(phone_page):
    """
    On a 375 px phone a reader opens the home page, follows a story and then its
    district: each page loads, shows what was followed and never scrolls sideways. The
    header search box finds the story by a word of its body, and a two-character Chinese
    word finds a Chinese story; the feed the page announces is RSS listing the story.
    """
    page = phone_page
    wuqing = make_district(name="Wuqing", slug="wuqing", description="Between two cities.")
    hexi = make_district(name="Hexi", slug="hexi")
    source = make_source(name="Wuqing District Government", slug="wuqing-government")
    story = make_article(
        title="Weijin Road closes two lanes for three weeks of resurfacing works",
        summary="Buses 8 and 31 take a diversion through the industrial park.",
        body=WIDE_BODY,
        source=source,
        districts=[wuqing],
    )
    elsewhere = make_article(title="Hexi opens a riverside greenway", districts=[hexi])
    chinese = make_article(
        title="武清区推进京津冀协同发展",
        summary="武清区与北京、河北加强合作。",
        body="<p>武清区积极推进京津冀协同发展，打造产业合作新平台。</p>",
        language="zh-hans",
        districts=[wuqing],
    )

    page.goto("/")
    assert_fits_phone(page)
    page.locator("main").get_by_role("link", name=story.title).click()

    page.wait_for_url(f"**{story.get_absolute_url()}")
    assert page.locator("h1").inner_text() == story.title
    assert page.locator(".story__body table").is_visible()
    assert_fits_phone(page)
    page.get_by_role("list", name="Districts").get_by_role("link", name="Wuqing").click()

    page.wait_for_url(f"**{wuqing.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Wuqing"
    main = page.locator("main")
    assert main.get_by_role("link", name=story.title).is_visible()
    assert main.get_by_role("link", name=elsewhere.title).count() == 0
    assert_fits_phone(page)

    # A word only the body has ("diversions"; the summary says "diversion").
    search = page.locator("#site-search-q")
    search.fill("diversions")
    search.press("Enter")
    page.wait_for_url("**/search/?q=diversions*")
    results = page.locator("main")
    assert results.get_by_role("link", name=story.title).is_visible()
    assert results.get_by_role("link", name=elsewhere.title).count() == 0
    assert results.get_by_role("link", name=chinese.title).count() == 0
    assert_fits_phone(page)

    # Chinese has no spaces between words: a two-character word inside a sentence.
    search = page.locator("#site-search-q")
    search.fill("协同")
    search.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("main")
    assert results.get_by_role("link", name=chinese.title).is_visible()
    assert results.get_by_role("link", name=story.title).count() == 0
    assert_fits_phone(page)

    feed_link = page.locator('link[rel=alternate][type="application/rss+xml"]').first
    feed = page.request.get(feed_link.get_attribute("href"))
    assert feed.ok
    assert "rss" in feed.headers["content-type"]
    assert "<rss" in feed.text()
    assert f"<title>{story.title}</title>" in feed.text()


# Touch targets: WCAG 2.5.5 asks for 44 by 44 CSS pixels.
TOUCH_TARGET = 44


def boxes(page, selector):
    """The rendered box of every element ``selector`` matches, with a short description."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)].map(element => {
            const box = element.getBoundingClientRect();
            return {what: element.outerHTML.slice(0, 70), left: box.left, right: box.right,
                    width: box.width, height: box.height};
        })""",
        selector,
    )


def assert_touchable(page, selector, count):
    """``count`` elements match ``selector``, each at least 44 px high."""
    found = boxes(page, selector)
    assert len(found) == count, (selector, found)
    for box in found:
        assert box["height"] >= TOUCH_TARGET, f"{box['what']} is {box['height']}px high"


def assert_full_width(page, selector, container):
    """Every element ``selector`` matches spans the content box of its ``container``."""
    [outer] = page.evaluate(
        """selector => [...document.querySelectorAll(selector)].map(element => {
            const box = element.getBoundingClientRect(), style = getComputedStyle(element);
            return {left: box.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth),
                    right: box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth)};
        })""",
        container,
    )
    for box in boxes(page, selector):
        assert abs(box["left"] - outer["left"]) <= 1 and abs(box["right"] - outer["right"]) <= 1, (
            f"{box['what']} spans {box['left']}–{box['right']}px, "
            f"not the form's {outer['left']}–{outer['right']}px"
        )


def test_list_filters_are_comfortable_on_a_phone(phone_page):
    """
    At 375 px the list's filters take the whole width, one control a row, and every control
    a reader touches (the header's search, the filters, the feed links, the pages) is at
    least 44 px high.
    """
    page = phone_page
    district, source = make_district(slug="wuqing"), make_source(slug="daily")
    for number in range(41):
        make_article(title=f"Road works, part {number}", districts=[district], source=source)
    page.goto("/articles/?page=2")
    assert_fits_phone(page)
    # The form spans the main column; each select and the button span the form.
    assert_full_width(page, ".filters", "main")
    assert_full_width(page, ".filters select, .filters button", ".filters")
    assert_touchable(page, ".filters select", 4)
    assert_touchable(page, ".filters button", 1)
    assert_touchable(page, ".site-search input, .site-search button", 2)
    assert_touchable(page, ".follow a", 2)
    assert_touchable(page, ".pagination a", 2)  # newer and older stories


def test_search_form_is_comfortable_on_a_phone(phone_page):
    """
    At 375 px the search page's form takes the whole width, one field a row, its inputs,
    select and button at least 44 px high, as are the links to more results.
    """
    page = phone_page
    make_district(name="Wuqing", slug="wuqing")
    for number in range(25):
        make_article(title=f"Road works, part {number}")
    page.goto("/search/?q=road")
    assert_fits_phone(page)
    assert_full_width(page, ".search-page-form", "main")
    fields = ".search-page-form input, .search-page-form select, .search-page-form button"
    assert_full_width(page, fields, ".search-page-form")
    assert_touchable(page, fields, 5)  # words, district, from, to, the button
    assert_touchable(page, ".pagination a", 1)  # more results
