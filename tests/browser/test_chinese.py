"""The site switched to Chinese in a real browser: navigation, dates and the admin."""

import pytest
from django.utils import timezone

from tests.browser import support
from tests.factories import make_article, make_superuser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def main_navigation(page, name):
    return page.get_by_role("navigation", name=name)


def test_chinese_browser_gets_chinese_navigation_and_dates(new_page):
    """
    A browser that asks for Chinese (zh-CN) gets the public site in Simplified Chinese:
    the page's language, the main navigation, and the month archive written the Chinese
    way ("2025年3月").
    """
    story = make_article(title="Wuqing opens a new library")
    page = new_page(locale="zh-CN")

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    nav = main_navigation(page, "主导航")
    assert nav.get_by_role("link", name="首页", exact=True).is_visible()
    nav.get_by_role("link", name="全部文章", exact=True).click()

    page.wait_for_url("**/articles/")
    assert page.locator("h1").inner_text() == "全部文章"
    # A year's archive lists its months by name.
    published = timezone.localtime(story.published_at)
    page.goto(f"/articles/{published.year}/")
    month = f"{published.year}年{published.month}月"
    assert page.locator(".month-nav").get_by_role("link", name=month).is_visible()


def test_language_switcher_turns_the_site_chinese(page):
    """An English browser presses "简体中文" in the header and gets the Chinese page."""
    make_article(title="Wuqing opens a new library")
    page.goto("/")
    assert main_navigation(page, "Main").get_by_role("link", name="Home").is_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="简体中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    nav = main_navigation(page, "主导航")
    assert nav.get_by_role("link", name="首页", exact=True).is_visible()
    assert nav.get_by_role("link", name="全部文章", exact=True).is_visible()
    # The choice sticks for the next page.
    page.goto("/articles/")
    assert page.locator("h1").inner_text() == "全部文章"


def test_staff_in_a_chinese_browser_get_the_admin_in_chinese(new_page):
    """
    A staff member whose browser asks for Chinese logs in and gets the admin in Chinese:
    its title, the editorial desk index and the article's workflow panel.
    """
    user = make_superuser(password=support.PASSWORD)
    article = make_article(title="Wuqing opens a new library", status="draft")
    page = new_page(locale="zh-CN")

    support.login(page, user.username, support.PASSWORD)
    assert page.locator("#site-name").inner_text() == "新闻发布系统"
    assert page.locator("h1").inner_text() == "编辑台"

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    panel = page.locator("#workflow-heading")
    assert panel.inner_text() == "发布流程"
    status = page.locator(".workflow-panel__status").inner_text()
    assert status.startswith("状态：")
    assert "草稿" in status
