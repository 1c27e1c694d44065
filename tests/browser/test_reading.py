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
