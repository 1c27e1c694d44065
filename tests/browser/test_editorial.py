"""The editorial desk in a real browser: CKEditor, autocomplete widgets, scheduling."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.sanitize import sanitize_html
from tests.browser import support
from tests.factories import make_article, make_district, make_source, make_superuser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def flatten_html(html):
    """Editor markup without the layout whitespace between tags; typed spaces as spaces."""
    return re.sub(r">\s+<", "><", html.replace("&nbsp;", " ").replace("\xa0", " ")).strip()


def test_staff_writes_an_article_in_ckeditor(page):
    """
    A staff member types a story into the real CKEditor (a heading from the Format list,
    a link through the Link dialog, a bulleted list), picks districts and the source with
    the autocomplete widgets and saves: the stored body is what was typed, sanitised, and
    the form opens again with it.
    """
    user = make_superuser(password=support.PASSWORD)
    wuqing = make_district(name="Wuqing", slug="wuqing")
    tongzhou = make_district(name="Tongzhou (Beijing)", slug="tongzhou-beijing")
    make_district(name="Wuhan Road", slug="wuhan-road")
    source = make_source(name="exploringtianjin.com", slug="exploringtianjin-com")
    make_source(name="Tianjin Daily", slug="tianjin-daily")

    support.login(page, user.username, support.PASSWORD)
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Road works on Weijin Road")
    page.fill("#id_summary", "Two lanes close for three weeks.")

    support.wait_for_ckeditor(page)
    support.ckeditor_editable(page).click()
    support.ckeditor_format(page, "Heading 2")
    page.keyboard.type("Lanes close on Monday")
    page.keyboard.press("Enter")
    page.keyboard.type("The closures are explained in ")
    support.ckeditor_insert_link(page, "the notice", "https://www.example.gov.cn/notice")
    # The dialog leaves the new link selected; typing on would replace it.
    page.keyboard.press("End")
    page.keyboard.type(" from the district.")
    page.keyboard.press("Enter")
    support.ckeditor_button(page, "bulletedlist")
    page.keyboard.type("Weijin Road")
    page.keyboard.press("Enter")
    page.keyboard.type("Nanjing Road")

    support.pick_autocomplete(page, "districts", "Wuqing")
    support.pick_autocomplete(page, "districts", "Tongzhou")
    support.pick_autocomplete(page, "source", "exploringtianjin")
    support.admin_save(page)

    assert "was added successfully" in page.locator(".messagelist").inner_text()
    article = Article.objects.get(title="Road works on Weijin Road")
    assert flatten_html(article.body) == (
        "<h2>Lanes close on Monday</h2>"
        '<p>The closures are explained in <a href="https://www.example.gov.cn/notice"'
        ' rel="noopener noreferrer">the notice</a> from the district.</p>'
        "<ul><li>Weijin Road</li><li>Nanjing Road</li></ul>"
    )
    # The rel attribute is added by the server's sanitiser, and cleaning again changes
    # nothing: the body went through it.
    assert article.body == sanitize_html(article.body)
    assert set(article.districts.all()) == {wuqing, tongzhou}
    assert article.source == source
    assert article.author == user
    assert article.status == Article.Status.DRAFT

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    support.wait_for_ckeditor(page)
    editable = support.ckeditor_editable(page)
    assert editable.locator("h2").inner_text() == "Lanes close on Monday"
    assert editable.locator("a").get_attribute("href") == "https://www.example.gov.cn/notice"
    assert editable.locator("li").all_inner_texts() == ["Weijin Road", "Nanjing Road"]


def test_scheduled_story_goes_public_at_its_time(page, new_page):
    """
    An editor publishes a draft for a time a few seconds ahead: readers' home page does
    not show it before that time and shows it after, with nothing run in between.
    """
    lead = 6  # seconds between the save and the publication time
    editor = make_superuser(password=support.PASSWORD)
    article = make_article(title="Night market opens on the Hai River", status="draft")

    support.login(page, editor.username, support.PASSWORD)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.select_option("#id_status", Article.Status.PUBLISHED)
    when = timezone.localtime().replace(microsecond=0) + timedelta(seconds=lead)
    page.fill("#id_published_at_0", when.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", when.strftime("%H:%M:%S"))
    support.admin_save(page)

    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == when

    reader = new_page()
    visits = []  # (time the page had loaded, whether it listed the story)
    deadline = when + timedelta(seconds=10)
    while timezone.now() < deadline:
        reader.goto("/")
        listed = reader.locator("main").get_by_role("link", name=article.title).count() > 0
        visits.append((timezone.now(), listed))
        if listed:
            break
        time.sleep(0.5)

    assert visits[0][0] < when, f"The first visit came after {when}: the machine was too slow."
    assert not visits[0][1], "The story was public before its time."
    loaded_at, listed = visits[-1]
    assert listed, "The story did not appear on the home page after its time."
    assert loaded_at >= when, "The story appeared before its time."


def test_markup_put_into_ckeditor_cannot_run_script_for_readers(page, new_page, page_errors):
    """
    Hostile markup put into the editor (a script, an event handler, a javascript: link,
    an image from another site) is stored without any of it, and the published story
    runs no script in a reader's browser.
    """
    user = make_superuser(password=support.PASSWORD)
    make_source(name="Tianjin Water Authority", slug="tianjin-water")
    support.login(page, user.username, support.PASSWORD)
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Water supply notice")
    support.fill_ckeditor(
        page,
        '<p onclick="alert(1)">Supply stops at 10:00. '
        '<a href="javascript:alert(2)">Details</a></p>'
        "<script>alert(3)</script>"
        '<img src="https://tracker.example/pixel.gif" onerror="alert(4)" alt="">',
    )
    support.pick_autocomplete(page, "source", "Tianjin Water")
    page.select_option("#id_status", Article.Status.PUBLISHED)
    # The admin's own shortcuts fill in the current date and time.
    page.click(".field-published_at .datetimeshortcuts a >> text=Today")
    page.click(".field-published_at .datetimeshortcuts a >> text=Now")
    support.admin_save(page)
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    # The editor itself showed the outside image to the writer (it cannot load here).
    page_errors[:] = [error for error in page_errors if "tracker.example" not in error]

    article = Article.objects.get(title="Water supply notice")
    for fragment in ("alert", "onclick", "onerror", "javascript:", "<script", "tracker"):
        assert fragment not in article.body
    assert "Supply stops at 10:00." in article.body

    reader = new_page()
    dialogs = []
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reader.goto(article.get_absolute_url())
    body = reader.locator(".story__body")
    assert body.inner_text().startswith("Supply stops at 10:00.")
    body.get_by_text("Details").click()
    assert reader.url.endswith(article.get_absolute_url())
    assert dialogs == []
