"""
The article form and list as an editor sees them, where only a browser can tell: pictures in
the editor, the alternative-text dialog, the slug and the title's count as they are typed,
and the layout at a laptop's and a phone's width.
"""

import base64
import re

import pytest
from django.utils import timezone

from articles.models import Article, slug_from_title
from tests.browser import support
from tests.factories import (
    make_article,
    make_image_bytes,
    make_source,
    make_superuser,
    make_user,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# A common laptop, and a common phone held upright.
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {**support.PHONE, "viewport": {"width": 390, "height": 844}}


def editor_page(new_page, device=LAPTOP, path="/admin/articles/article/add/", **options):
    """A superuser's page at ``path``, its editor ready if it has one."""
    user = make_superuser(password=support.PASSWORD)
    page = new_page(device, **options)
    support.login(page, user.username, support.PASSWORD)
    page.goto(path)
    if page.locator("#id_body").count():
        support.wait_for_ckeditor(page)
    return page


def upload_with_button(page, name, data, mime_type="image/jpeg"):
    with page.expect_file_chooser() as chooser:
        support.ckeditor_button(page, "newsroomuploadimage")
    chooser.value.set_files(files=[{"name": name, "mimeType": mime_type, "buffer": data}])


def paste_picture(page, name, data, mime_type="image/png"):
    """Paste a picture file into the editor, as from the clipboard."""
    page.evaluate(
        """([name, data, type]) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type}));
            document.querySelector("#cke_id_body .cke_wysiwyg_div").dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true})
            );
        }""",
        [name, base64.b64encode(data).decode(), mime_type],
    )


def image_dialog(page):
    dialog = page.locator(".cke_dialog:visible")
    dialog.wait_for()
    return dialog


# Pictures in the editor.


@pytest.mark.parametrize("device", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_wide_picture_stays_inside_the_editor(new_page, device):
    """A 3,000-pixel picture fits the editing area; the toolbar and text stay in reach."""
    page = editor_page(new_page, device)
    support.ckeditor_editable(page).click()
    page.keyboard.type("The new ferry terminal:")
    upload_with_button(page, "terminal.jpg", make_image_bytes(size=(3000, 1000)))
    dialog = image_dialog(page)
    dialog.get_by_label("Alternative Text").fill("The ferry terminal seen from the river")
    dialog.locator("a.cke_dialog_ui_button_ok").click()
    dialog.wait_for(state="hidden")
    sizes = page.evaluate(
        """() => {
            const area = document.querySelector("#cke_id_body .cke_wysiwyg_div");
            const image = area.querySelector("img");
            const toolbar = document.querySelector("#cke_id_body .cke_top");
            return {
                area: area.clientWidth, image: image.getBoundingClientRect().width,
                scroll: area.scrollWidth, toolbar: toolbar.getBoundingClientRect().right,
                viewport: document.documentElement.clientWidth,
            };
        }"""
    )
    assert sizes["image"] <= sizes["area"], sizes
    assert sizes["scroll"] <= sizes["area"], sizes
    assert sizes["toolbar"] <= sizes["viewport"], sizes
    assert support.horizontal_overflow(page) == 0


def test_the_image_dialog_asks_for_alternative_text_until_given(new_page):
    """
    The picture just uploaded opens the image dialog; OK with nothing typed keeps it open
    and says what is needed; a description closes it and goes into the body. Typing on
    after it adds text rather than replacing the picture.
    """
    page = editor_page(new_page)
    support.ckeditor_editable(page).click()
    upload_with_button(page, "bus.jpg", make_image_bytes())
    dialog = image_dialog(page)
    note = dialog.locator(".newsroom-alt-help")
    assert "Describe what the picture shows" in note.inner_text()
    dialog.locator("a.cke_dialog_ui_button_ok").click()
    assert dialog.is_visible()
    assert "Alternative text is needed" in note.inner_text()
    assert dialog.get_by_label("Alternative Text").get_attribute("aria-invalid") == "true"
    dialog.get_by_label("Alternative Text").fill("A route 8 bus on Weijin Road")
    dialog.locator("a.cke_dialog_ui_button_ok").click()
    dialog.wait_for(state="hidden")
    page.keyboard.type(" Buses run every ten minutes.")
    data = support.ckeditor_data(page)
    assert re.search(r'<img alt="A route 8 bus on Weijin Road" src="/media/editor/[^"]+" />', data)
    assert "Buses run every ten minutes." in data


def test_a_pasted_picture_is_uploaded_and_can_be_marked_decorative(new_page):
    """
    A picture pasted into the text is uploaded and becomes the stored picture, then asks for
    its description; ticking "Decorative" marks it so, and the saved body keeps the mark.
    """
    make_source(name="Tianjin Daily", slug="tianjin-daily")
    page = editor_page(new_page)
    page.fill("#id_title", "A divider between the sections")
    support.ckeditor_editable(page).click()
    page.keyboard.type("Before the line.")
    paste_picture(page, "line.png", make_image_bytes("PNG", size=(1600, 40)))
    dialog = image_dialog(page)
    dialog.get_by_label(re.compile("^Decorative")).check()
    assert dialog.get_by_label("Alternative Text").is_disabled()
    dialog.locator("a.cke_dialog_ui_button_ok").click()
    dialog.wait_for(state="hidden")
    support.pick_autocomplete(page, "source", "Tianjin Daily")
    support.admin_save(page)
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    body = Article.objects.get(title="A divider between the sections").body
    assert re.search(
        r'<img alt="" height="40" role="presentation" src="/media/editor/[^"]+\.png" width="1600"',
        body,
    ), body


def test_a_picture_left_undescribed_is_outlined_and_refused_on_save(new_page):
    """Cancelling the dialog leaves the picture marked in the editor; saving names it."""
    make_source(name="Tianjin Daily", slug="tianjin-daily")
    page = editor_page(new_page)
    page.fill("#id_title", "Undescribed")
    support.ckeditor_editable(page).click()
    upload_with_button(page, "map.jpg", make_image_bytes())
    dialog = image_dialog(page)
    dialog.locator("a.cke_dialog_ui_button_cancel").click()
    dialog.wait_for(state="hidden")
    image = support.ckeditor_editable(page).locator("img")
    assert image.evaluate("img => getComputedStyle(img).outlineStyle") == "dashed"
    name = image.get_attribute("src").rsplit("/", 1)[1]
    support.pick_autocomplete(page, "source", "Tianjin Daily")
    support.admin_save(page)
    error = page.locator(".field-body .errorlist").inner_text()
    assert f"picture 1 ({name}) has no alternative text" in error
    assert not Article.objects.filter(title="Undescribed").exists()


def test_the_image_dialog_speaks_chinese_and_fits_a_phone(new_page):
    """In Chinese on a phone: the note and the box are translated; the dialog fits the screen."""
    page = editor_page(new_page, PHONE, locale="zh-CN")
    support.ckeditor_editable(page).click()
    upload_with_button(page, "bus.jpg", make_image_bytes())
    dialog = image_dialog(page)
    assert "请为看不到图片的读者描述图片内容" in dialog.locator(".newsroom-alt-help").inner_text()
    assert dialog.get_by_label(re.compile("^装饰性图片")).count() == 1
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box


# The title and its slug as they are typed.

TITLES = [
    "Hexi opens a riverside greenway",
    "北辰区举办秋季招聘会",
    "２０２４年　天津马拉松：交通管制",
    "- Café «Heping» reopens –",
    "2020",
    "!!!",
    "Weijin Road resurfacing, week " * 7,
    "𠀀𠀁 rare characters",
]


def test_the_slug_follows_the_title_as_the_server_makes_it(new_page):
    """Typed titles give, in the browser, the slug the server makes from them."""
    page = editor_page(new_page)
    for title in TITLES:
        page.fill("#id_title", title)
        assert page.input_value("#id_slug") == slug_from_title(title), title
    page.fill("#id_slug", "my-own-address")
    page.fill("#id_title", "Something else entirely")
    assert page.input_value("#id_slug") == "my-own-address"
    page.fill("#id_slug", "")
    page.fill("#id_title", "Back to following")
    assert page.input_value("#id_slug") == "back-to-following"


def test_a_published_storys_slug_stays_as_the_title_changes(new_page):
    """Once published, editing the title leaves the address alone."""
    article = make_article(title="Hexi opens a greenway", published_at=timezone.now())
    page = editor_page(new_page, path=f"/admin/articles/article/{article.pk}/change/")
    page.fill("#id_title", "Hexi opens a riverside greenway")
    assert page.input_value("#id_slug") == article.slug


def test_a_long_title_is_counted_and_kept_whole(new_page):
    """
    The count says how many characters there are and, past 200, how many too many; a pasted
    title is never cut short; saving says it is too long.
    """
    page = editor_page(new_page)
    counter = page.locator("#id_title_count")
    page.fill("#id_title", "Hexi opens a riverside greenway")
    assert counter.inner_text() == "31 of 200 characters"
    title = "Hexi opens a riverside greenway." * 8
    page.fill("#id_title", title)
    assert page.input_value("#id_title") == title
    assert counter.inner_text() == "256 of 200 characters: 56 too many"
    assert "char-count--over" in counter.get_attribute("class")
    assert counter.evaluate("el => getComputedStyle(el).color") == "rgb(186, 33, 33)"
    assert "id_title_count" in page.get_attribute("#id_title", "aria-describedby")
    support.admin_save(page)
    assert "Ensure this value has at most 200 characters (it has 256)." in (
        page.locator(".field-title .errorlist").inner_text()
    )
    assert page.input_value("#id_title") == title


# Layout.


def test_the_article_list_fits_a_laptop(new_page):
    """At 1366 × 768, with the navigation and filters open, no column is out of sight."""
    writer = make_user(role="writer", first_name="Wang", last_name="Fang")
    source = make_source(name="Binhai New Area Information Office")
    for n in range(3):
        make_article(
            title=f"Binhai ferry services suspended as dense fog covers the coast, day {n}",
            source=source,
            author=writer,
            urgent_unconfirmed=True,
        )
    make_article(published_at=timezone.now() + timezone.timedelta(days=1), source=source)
    make_source(name="exploringtianjin.com")
    page = editor_page(new_page, path="/admin/articles/article/")
    columns = page.evaluate(
        """() => {
            const results = document.querySelector(".results");
            const heads = [...document.querySelectorAll("#result_list thead th")];
            return {
                scrolls: results.scrollWidth > results.clientWidth,
                right: Math.max(...heads.map(th => th.getBoundingClientRect().right)),
                names: heads.map(th => th.innerText.trim().split("\\n")[0].toLowerCase()),
            };
        }"""
    )
    assert not columns["scrolls"]
    assert columns["right"] <= 1366
    for name in ("title", "status", "publication time", "author"):
        assert any(heading.startswith(name) for heading in columns["names"]), columns
    assert support.horizontal_overflow(page) == 0


def test_the_article_form_fits_a_phone(new_page):
    """
    At 390 × 844 nothing is wider than the screen, with a lead image and a long history: the
    lead image's controls are in reach; the history table scrolls in its own box.
    """
    from django.core.files.base import ContentFile

    from articles.editorial import history
    from articles.models import ArticleEvent

    article = make_article(lead_image_alt="Cyclists on the path")
    article.lead_image.save("path.jpg", ContentFile(make_image_bytes(size=(1600, 1000))))
    editor = make_user(role="editor")
    for _ in range(3):
        history.log(
            article,
            ArticleEvent.Action.EDITED,
            editor,
            comment="Corrected the figures given by the district statistics office. " * 3,
            recipients=["a.very.long.address.for.an.editor@tianjin.gov.cn"] * 2,
        )
    page = editor_page(new_page, PHONE, path=f"/admin/articles/article/{article.pk}/change/")
    assert support.horizontal_overflow(page) == 0
    change = page.locator(".field-lead_image input[type=file]")
    box = change.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    thumbnail = page.locator(".field-lead_image .image-input__thumbnail img")
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    history_box = page.locator(".workflow-history .table-scroll")
    assert history_box.evaluate("box => box.scrollWidth > box.clientWidth")
