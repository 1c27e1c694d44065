"""
Accessibility in a real browser: an axe-core audit of every kind of page, and the public
header used with the keyboard alone.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from tests.browser import support
from tests.factories import (
    give_lead_image,
    make_article,
    make_district,
    make_pending_changes,
    make_source,
    make_superuser,
    make_user,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

RICH_BODY = (
    "<h2>What changes</h2>"
    "<p>Buses 8 and 31 take a <strong>diversion</strong>; see "
    '<a href="https://www.example.gov.cn/notice">the notice</a>.</p>'
    "<ul><li>Weijin Road</li><li>Nanjing Road</li></ul>"
    "<blockquote><p>Works end before the holiday.</p></blockquote>"
    "<table><thead><tr><th>Week</th><th>Lanes</th></tr></thead>"
    "<tbody><tr><td>1</td><td>Two closed</td></tr></tbody></table>"
)


@pytest.fixture
def site():
    """
    A small public site: a district, a source, a rich story with a lead image, an older one
    with a decorative picture, and a Chinese one.
    """
    district = make_district(name="Wuqing", slug="wuqing", description="Between two cities.")
    source = make_source(
        name="exploringtianjin.com", slug="exploringtianjin-com", url="https://example.com/"
    )
    story = make_article(
        title="Weijin Road closes two lanes",
        summary="Three weeks of resurfacing.",
        body=RICH_BODY,
        source=source,
        source_url="https://example.com/story",
        districts=[district],
        lead_image_alt="Road works on Weijin Road at dusk",
    )
    give_lead_image(story)
    older = make_article(
        title="Hexi opens a riverside greenway", source=source, lead_image_decorative=True
    )
    give_lead_image(older)
    make_article(
        title="武清区道路施工",
        summary="卫津路封闭两条车道。",
        language="zh-hans",
        source=source,
        districts=[district],
    )
    return {"story": story, "district": district, "source": source}


DEVICE_PAGES = {"desktop": "page", "phone": "phone_page"}

PUBLIC_PAGES = {
    "home": lambda site: "/",
    "list": lambda site: "/articles/",
    "detail": lambda site: site["story"].get_absolute_url(),
    "districts": lambda site: "/districts/",
    "district": lambda site: site["district"].get_absolute_url(),
    "source": lambda site: site["source"].get_absolute_url(),
    "search": lambda site: "/search/?q=road",
    "sources": lambda site: "/sources/",
    "archive": lambda site: f"/articles/{timezone.localtime(site['story'].published_at).year}/",
    "month": lambda site: f"/articles/{timezone.localtime(site['story'].published_at):%Y/%m}/",
    "search, Chinese": lambda site: "/search/?q=施工",
    "search, empty": lambda site: "/search/",
}


def test_axe_core_is_not_part_of_the_site():
    """axe-core is injected by the audit only: it is not among the site's static files."""
    assert support.AXE_JS.exists()
    assert sorted(Path(settings.STATIC_ROOT).rglob("axe*")) == []


@pytest.mark.parametrize("name", PUBLIC_PAGES)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_public_page_has_no_serious_axe_violations(request, name, device, site):
    """A public page passes axe-core's WCAG 2.2 AA audit: nothing serious or critical."""
    page = request.getfixturevalue(DEVICE_PAGES[device])
    response = page.goto(PUBLIC_PAGES[name](site))
    assert response.status == 200
    violations = support.blocking(support.run_axe(page))
    assert not violations, support.describe_violations(violations)


@pytest.mark.parametrize("path", ["/search/?q=road", "/search/"])
def test_search_landmarks_have_distinct_names(page, site, path):
    """
    The header's search box and the search page's form are two search landmarks, each named
    for what it does, so a screen reader's list of landmarks tells them apart (no finding of
    any impact about landmarks).
    """
    page.goto(path)
    names = page.evaluate(
        "() => [...document.querySelectorAll('[role=search]')].map(e => e.getAttribute('aria-label'))"
    )
    assert names == ["Site search", "Search with filters"]
    violations = [v for v in support.run_axe(page) if v["id"].startswith("landmark")]
    assert not violations, support.describe_violations(violations)


def test_not_found_page_has_no_serious_axe_violations(page, page_errors):
    """The 404 page passes the same audit."""
    response = page.goto("/articles/no-such-story/")
    assert response.status == 404
    # Chromium logs the 404 itself as a console error: expected here.
    page_errors[:] = [error for error in page_errors if "404 (Not Found)" not in error]
    violations = support.blocking(support.run_axe(page))
    assert not violations, support.describe_violations(violations)


# Serious or critical findings on the admin's pages that come from Django's admin itself,
# listed so that any other finding fails the audit: (axe rule, part of the failing element's
# selector). Remove an entry when Django fixes it. (What static/css/admin.css can fix, such as
# the changelist filters' small targets, it fixes instead.)
KNOWN_ADMIN_VIOLATIONS = [
    # The select2 library bundled with the admin's autocomplete widget leaves its search
    # box unlabelled and puts <span>s directly in a <ul>.
    ("label", ".select2-search__field"),
    ("list", ".select2-selection__rendered"),
    # The same <ul class="select2-selection__rendered">, as axe names it when the page has
    # more elements (the revisions and preview-link sections).
    ("list", ".select2-selection--multiple > ul"),
    # AdminSplitDateTime labels the date/time pair, not each of its two inputs.
    ("label", "#id_published_at_"),
    ("label", "#id_public_updated_at_"),
    # The admin theme's breadcrumb links differ from the text around them by colour alone.
    ("link-in-text-block", ".breadcrumbs"),
    # select2's single-choice box (the source, on the add form before one is chosen) is a
    # role="combobox" <span> without a name of its own; its <select> has the label.
    ("aria-input-field-name", ".select2-selection--single"),
    ("aria-input-field-name", "#select2-id_source-container"),
]


def without_known(violations, known):
    """``violations`` less the elements that ``known`` (rule, selector part) lists."""
    remaining = []
    for violation in violations:
        nodes = [
            node
            for node in violation["nodes"]
            if not any(
                rule == violation["id"] and part in " ".join(node["target"]) for rule, part in known
            )
        ]
        if nodes:
            remaining.append({**violation, "nodes": nodes})
    return remaining


@pytest.fixture
def desk(site):
    """
    What an editor works on: an administrator, a draft, a story in review, and the published
    story with unpublished changes (so it has revisions to list and compare).
    """
    user = make_superuser(password=support.PASSWORD)
    draft = make_article(title="Draft about bus routes", status=Article.Status.DRAFT)
    in_review = make_article(title="Story awaiting review", status=Article.Status.IN_REVIEW)
    with transaction.atomic():  # it locks the row, as the admin's save does
        make_pending_changes(site["story"], title="Weijin Road closes two lanes for three weeks")
    return {"user": user, "draft": draft, "in_review": in_review, "live": site["story"]}


def admin_path(kind, pk):
    return f"/admin/articles/article/{pk}/{kind}"


# Every admin page an editor uses: path, from the desk fixture.
ADMIN_PAGES = {
    "index": lambda desk: "/admin/",
    "article list": lambda desk: "/admin/articles/article/",
    "article list, filtered": lambda desk: "/admin/articles/article/?status__exact=published",
    "add form": lambda desk: "/admin/articles/article/add/",
    "change form": lambda desk: admin_path("change/", desk["live"].pk),
    "submit": lambda desk: admin_path("workflow/submit/", desk["draft"].pk),
    "approve": lambda desk: admin_path("workflow/approve/", desk["in_review"].pk),
    "request changes": lambda desk: admin_path("workflow/request_changes/", desk["in_review"].pk),
    "withdraw": lambda desk: admin_path("workflow/withdraw/", desk["live"].pk),
    "remove": lambda desk: admin_path("workflow/remove/", desk["live"].pk),
    "revisions": lambda desk: admin_path("revisions/", desk["live"].pk),
    "compare": lambda desk: admin_path("revisions/compare/?a=1&b=live", desk["live"].pk),
    "history list": lambda desk: "/admin/articles/articleevent/",
    "article history": lambda desk: admin_path("history/", desk["live"].pk),
}


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_page_has_no_new_serious_axe_violations(page, desk, name):
    """
    Each admin page an editor uses has no serious or critical violations beyond the listed
    ones that Django's admin brings with it.
    """
    support.login(page, desk["user"].username, support.PASSWORD)
    response = page.goto(ADMIN_PAGES[name](desk))
    assert response.status == 200
    if page.locator("textarea#id_body").count():
        support.wait_for_ckeditor(page)
    violations = without_known(support.blocking(support.run_axe(page)), KNOWN_ADMIN_VIOLATIONS)
    assert not violations, support.describe_violations(violations)


# The same admin pages at phone width too, with the site's own content.
DESK_PAGES = {
    "desk": lambda site: "/admin/",
    "article list": lambda site: "/admin/articles/article/",
    "work queue": lambda site: "/admin/articles/article/?queue=changes_requested",
    "revisions": lambda site: f"/admin/articles/article/{site['story'].pk}/revisions/",
}


@pytest.mark.parametrize("name", DESK_PAGES)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_desk_page_has_no_new_serious_axe_violations(request, name, device, site):
    """The admin's front page with its queues, the article list and the revisions."""
    page = request.getfixturevalue(DEVICE_PAGES[device])
    user = make_superuser(password=support.PASSWORD)
    support.login(page, user.username, support.PASSWORD)
    response = page.goto(DESK_PAGES[name](site))
    assert response.status == 200
    violations = without_known(support.blocking(support.run_axe(page)), KNOWN_ADMIN_VIOLATIONS)
    assert not violations, support.describe_violations(violations)


def test_admin_article_form_with_its_pictures_has_no_new_serious_axe_violations(page, site):
    """
    The form with a lead image's thumbnail, the title's count, and the image dialog open
    asking for a picture's alternative text.
    """
    from django.core.files.base import ContentFile

    from tests.factories import make_image_bytes

    story = site["story"]
    story.lead_image_alt = "Resurfacing on Weijin Road"
    story.lead_image.save("road.jpg", ContentFile(make_image_bytes()))
    user = make_superuser(password=support.PASSWORD)
    support.login(page, user.username, support.PASSWORD)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    support.wait_for_ckeditor(page)
    page.fill("#id_title", "A title " * 30)
    violations = without_known(support.blocking(support.run_axe(page)), KNOWN_ADMIN_VIOLATIONS)
    assert not violations, support.describe_violations(violations)
    support.ckeditor_editable(page).click()
    with page.expect_file_chooser() as chooser:
        support.ckeditor_button(page, "newsroomuploadimage")
    chooser.value.set_files(
        files=[{"name": "road.jpg", "mimeType": "image/jpeg", "buffer": make_image_bytes()}]
    )
    dialog = page.locator(".cke_dialog:visible")
    dialog.wait_for()
    dialog.locator("a.cke_dialog_ui_button_ok").click()  # refused: the note becomes a problem
    violations = without_known(
        support.blocking(support.run_axe(page, {"include": [".cke_dialog"]})),
        KNOWN_ADMIN_VIOLATIONS,
    )
    assert not violations, support.describe_violations(violations)


def test_a_read_only_article_has_no_new_serious_axe_violations(page, site):
    """A story its writer may no longer edit, its body shown as readers see it."""
    writer = make_user(role="writer", password=support.PASSWORD)
    story = make_article(
        title="In review", status="in_review", author=writer, body=RICH_BODY,
        source=site["source"],
    )  # fmt: skip
    support.login(page, writer.username, support.PASSWORD)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    assert page.locator(".field-body_formatted h2").inner_text() == "What changes"
    violations = without_known(support.blocking(support.run_axe(page)), KNOWN_ADMIN_VIOLATIONS)
    assert not violations, support.describe_violations(violations)


def focused(page):
    """What has keyboard focus: its text, href, whether it shows, and its focus outline."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const box = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            return {
                text: el.innerText.trim(),
                href: el.getAttribute("href"),
                onScreen: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
                    && box.bottom <= innerHeight && box.right <= innerWidth,
                outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
            };
        }"""
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_public_header_works_with_the_keyboard(request, device, site):
    """
    From the top of a page, Tab reaches the skip link first, then the language switch, the
    site name, each navigation link and the search box, every one on screen with a visible
    focus outline; the skip link moves focus to the main content.
    """
    page = request.getfixturevalue(DEVICE_PAGES[device])
    page.goto(site["story"].get_absolute_url())
    expected = [
        ("Skip to main content", "#main"),
        ("简体中文", None),  # the language switch: a button
        ("Tianjin Updates", "/"),
        ("Home", "/"),
        ("All stories", "/articles/"),
        ("Districts", "/districts/"),
        ("Sources", "/sources/"),
    ]
    for text, href in expected:
        page.keyboard.press("Tab")
        state = focused(page)
        assert (state["text"], state["href"]) == (text, href)
        assert state["onScreen"], f"{text!r} has focus but is not on screen"
        assert state["outline"], f"{text!r} has focus but no visible focus outline"

    page.reload()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
