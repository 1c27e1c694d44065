"""The editorial desk in a real browser: CKEditor, autocomplete widgets, the review loop."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from articles.models import Article
from richtext.sanitize import sanitize_html
from tests.browser import support
from tests.factories import (
    make_article,
    make_district,
    make_image_bytes,
    make_source,
    make_superuser,
    make_user,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


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
    # The caret where the typing left it, before the dialog takes focus.
    page.keyboard.press("End")
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


def test_writer_uploads_an_image_previews_and_submits(page):
    """
    A writer (not a superuser) types a story, uploads a picture with the editor's "Upload
    image" button and describes it, sets district and source, saves, opens the preview from the form (the
    draft with its title, marked as a preview) and submits it for review from the workflow
    panel: the story is then in review, authored by the writer, with the picture.
    """
    writer = make_user(role="writer", password=support.PASSWORD)
    wuqing = make_district(name="Wuqing", slug="wuqing")
    source = make_source(name="Tianjin Daily", slug="tianjin-daily")

    support.login(page, writer.username, support.PASSWORD)
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "A new footbridge over the Beiyun River")
    page.fill("#id_summary", "The bridge opens to walkers and cyclists on Saturday.")
    support.wait_for_ckeditor(page)
    support.ckeditor_editable(page).click()
    page.keyboard.type("The bridge at dawn:")
    upload_with_toolbar_button(page, "footbridge.jpg", make_image_bytes())
    image = support.ckeditor_editable(page).locator("img[src^='/media/']")
    image.wait_for()
    src = image.get_attribute("src")
    describe_picture(page, "The footbridge over the Beiyun River at dawn")
    support.pick_autocomplete(page, "districts", "Wuqing")
    support.pick_autocomplete(page, "source", "Tianjin Daily")
    support.admin_save(page, "_continue")

    assert "was added successfully" in page.locator(".messagelist").inner_text()
    article = Article.objects.get(title="A new footbridge over the Beiyun River")
    assert article.author == writer
    assert article.status == Article.Status.DRAFT
    assert f'src="{src}"' in article.body
    assert default_storage.exists(src.removeprefix("/media/"))
    assert list(article.districts.all()) == [wuqing]
    assert article.source == source

    preview_url = f"/admin/articles/article/{article.pk}/preview/"
    preview_link = page.get_by_role("link", name="Preview", exact=True)
    assert preview_link.get_attribute("href") == preview_url
    change_url = page.url
    # The link opens a new tab; the same page follows it, as the tab would.
    page.goto(preview_link.get_attribute("href"))
    assert "Preview" in page.locator(".preview-banner").inner_text()
    assert page.locator("h1").inner_text() == article.title
    # The public rendering may point the picture at a resized copy; it must load.
    picture = page.locator(".story__body img")
    assert picture.count() == 1
    picture.wait_for()
    assert picture.evaluate("img => img.decode().then(() => img.naturalWidth > 0)")

    page.goto(change_url)
    workflow_button(page, "submit")
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert "In review" in page.locator(".workflow-panel__status").inner_text()


def workflow_button(page, action):
    """Press the workflow panel's button for ``action`` (after filling its field, if any)."""
    with page.expect_navigation():
        page.locator(f'form[action$="/workflow/{action}/"] button[type=submit]').click()


def test_review_loop_and_scheduled_go_live(page, new_page):
    """
    A writer submits a story; a different editor finds it awaiting review and requests
    changes with a comment; the writer sees the comment, edits and resubmits; the editor
    approves it for a time a few seconds ahead. Readers' home page does not show it before
    that time and shows it after, with nothing run in between.
    """
    lead = 8  # seconds between the approval and the go-live time
    writer = make_user(role="writer", password=support.PASSWORD)
    editor = make_user(role="editor", password=support.PASSWORD)
    article = make_article(
        title="Night market opens on the Hai River", status="draft", author=writer
    )
    change_url = f"/admin/articles/article/{article.pk}/change/"

    support.login(page, writer.username, support.PASSWORD)
    page.goto(change_url)
    workflow_button(page, "submit")
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW

    desk = new_page()
    support.login(desk, editor.username, support.PASSWORD)
    desk.goto("/admin/articles/article/?queue=review")
    desk.get_by_role("link", name=article.title).click()
    desk.fill('form[action$="/workflow/request_changes/"] textarea', "Add the opening hours.")
    workflow_button(desk, "request_changes")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    page.goto(change_url)
    assert "Add the opening hours." in page.locator(".workflow-panel__request").inner_text()
    page.fill("#id_summary", "Stalls open from 6 pm to 11 pm every evening.")
    support.admin_save(page, "_continue")
    workflow_button(page, "submit")

    desk.goto(change_url)
    workflow_button(desk, "approve")  # opens the review page
    # The comment left last time, and what changed since, on the review page itself.
    review = desk.locator(".workflow-page__request").inner_text()
    assert "Add the opening hours." in review and "6 pm to 11 pm" in review
    when = timezone.localtime().replace(microsecond=0) + timedelta(seconds=lead)
    desk.fill("input[name=approve-at]", when.strftime("%Y-%m-%dT%H:%M:%S"))
    with desk.expect_navigation():
        desk.click("button.default")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == when
    assert article.summary == "Stalls open from 6 pm to 11 pm every evening."

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
    support.admin_save(page)
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    # The editor itself showed the outside image to the writer (it cannot load here).
    page_errors[:] = [error for error in page_errors if "tracker.example" not in error]

    article = Article.objects.get(title="Water supply notice")
    for fragment in ("alert", "onclick", "onerror", "javascript:", "<script", "tracker"):
        assert fragment not in article.body
    assert "Supply stops at 10:00." in article.body
    # Publication goes through the workflow (tested above); here only the reader matters.
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )

    reader = new_page()
    dialogs = []
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reader.goto(article.get_absolute_url())
    body = reader.locator(".story__body")
    assert body.inner_text().startswith("Supply stops at 10:00.")
    body.get_by_text("Details").click()
    assert reader.url.endswith(article.get_absolute_url())
    assert dialogs == []


def upload_with_toolbar_button(page, name, data, mime_type="image/jpeg"):
    """Press the editor's "Upload image" button and choose a file in the browser's picker."""
    with page.expect_file_chooser() as chooser:
        support.ckeditor_button(page, "newsroomuploadimage")
    assert not chooser.value.is_multiple()
    chooser.value.set_files(files=[{"name": name, "mimeType": mime_type, "buffer": data}])


def test_upload_image_button_puts_the_picture_into_the_story(page):
    """
    The editor's "Upload image" button opens the browser's file picker (no dialog, no
    iframe); the chosen JPEG is uploaded, appears in the editor from /media/, the image
    dialog asks what it shows, and the saved body keeps it with that text, pointing at a
    file that is in storage.
    """
    user = make_superuser(password=support.PASSWORD)
    make_source(name="Tianjin Daily", slug="tianjin-daily")
    support.login(page, user.username, support.PASSWORD)
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "New bridge opens")
    support.wait_for_ckeditor(page)
    button = page.locator("#cke_id_body a.cke_button__newsroomuploadimage")
    assert button.get_attribute("title") == "Upload image"
    support.ckeditor_editable(page).click()
    page.keyboard.type("The bridge at dawn:")

    upload_with_toolbar_button(page, "bridge.jpg", make_image_bytes())
    image = support.ckeditor_editable(page).locator("img[src^='/media/']")
    image.wait_for()
    src = image.get_attribute("src")
    assert re.fullmatch(r"/media/editor/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", src)
    # The picker's input is the page's own, not part of the article form.
    assert page.locator("form input[type=file]:not([name])").count() == 0
    describe_picture(page, "The new bridge over the Haihe at dawn")

    support.pick_autocomplete(page, "source", "Tianjin Daily")
    support.admin_save(page)
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    article = Article.objects.get(title="New bridge opens")
    assert flatten_html(article.body) == (
        f'<p>The bridge at dawn:<img alt="The new bridge over the Haihe at dawn" src="{src}"></p>'
    )
    assert default_storage.exists(src.removeprefix("/media/"))


def describe_picture(page, text):
    """Answer the image dialog that an inserted picture opens: its alternative text, OK."""
    dialog = page.locator(".cke_dialog:visible")
    dialog.get_by_label("Alternative Text").fill(text)
    dialog.locator("a.cke_dialog_ui_button_ok").click()
    dialog.wait_for(state="hidden")


def test_upload_image_button_shows_the_refusal_and_inserts_nothing(page, page_errors):
    """
    A file that is not a picture (text named .jpg) chosen with the "Upload image" button is
    refused: the editor shows the server's reason (it is not an image) as a warning and its
    content is unchanged.
    """
    user = make_superuser(password=support.PASSWORD)
    support.login(page, user.username, support.PASSWORD)
    page.goto("/admin/articles/article/add/")
    support.fill_ckeditor(page, "<p>Before the upload.</p>")
    support.ckeditor_editable(page).click()
    before = support.ckeditor_data(page)
    stored_before = sorted(Path(default_storage.location).rglob("*"))

    upload_with_toolbar_button(page, "notes.jpg", b"Meeting notes, not a picture.\n" * 20)
    warning = page.locator("#cke_notifications_area_id_body .cke_notification_warning")
    warning.wait_for()
    # Not "damaged": a text file is no picture at all (richtext.images.clean_image).
    assert "This file is not an image." in warning.inner_text()
    assert support.ckeditor_editable(page).locator("img").count() == 0
    assert support.ckeditor_data(page) == before
    assert sorted(Path(default_storage.location).rglob("*")) == stored_before
    # Chromium logs every 4xx answer as a console error; this one is the expected refusal.
    page_errors[:] = [error for error in page_errors if "400 (Bad Request)" not in error]


def test_upload_image_button_speaks_the_admin_language(new_page):
    """The button's label follows the admin's language: Chinese for a zh-CN browser."""
    user = make_superuser(password=support.PASSWORD)
    page = new_page(locale="zh-CN")
    support.login(page, user.username, support.PASSWORD)
    page.goto("/admin/articles/article/add/")
    support.wait_for_ckeditor(page)
    button = page.locator("#cke_id_body a.cke_button__newsroomuploadimage")
    assert button.get_attribute("title") == "上传图片"
