"""Correcting a live story in a real browser: pending changes, a major change, no lost edits."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ChangeNote
from tests.browser import support
from tests.browser.test_accessibility import KNOWN_ADMIN_VIOLATIONS, without_known
from tests.factories import make_article, make_district, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def workflow_button(page, action):
    with page.expect_navigation():
        page.locator(f'form[action$="/workflow/{action}/"] button').click()


def assert_accessible(page):
    violations = without_known(support.blocking(support.run_axe(page)), KNOWN_ADMIN_VIOLATIONS)
    assert not violations, support.describe_violations(violations)


def test_a_writer_corrects_a_live_story_and_another_editor_approves_a_major_change(page, new_page):
    """
    The writer edits the live story in CKEditor and submits the changes; readers still see
    the old text. A different editor reviews what changed, answers "yes, readers need to
    know" with a correction note, and approves: the story shows the new text, a new
    "Updated:" date and its history.
    """
    writer = make_user(role="writer", password=support.PASSWORD, first_name="Wang")
    editor = make_user(role="editor", password=support.PASSWORD, first_name="Li")
    first = timezone.now() - timedelta(days=2)
    article = make_article(
        author=writer,
        title="Heating season begins",
        body="<p>Call the hotline 12319 if radiators stay cold.</p>",
        districts=[make_district(name="Hexi")],
        published_at=first,
    )
    change_url = f"/admin/articles/article/{article.pk}/change/"

    support.login(page, writer.username, support.PASSWORD)
    page.goto(change_url)
    assert "This article is live." in page.locator(".pending-notice").inner_text()
    support.fill_ckeditor(page, "<p>Call the hotline 12345 if radiators stay cold.</p>")
    support.admin_save(page, "_continue")
    assert "Saved as unpublished changes" in page.locator(".messagelist").inner_text()
    workflow_button(page, "submit")

    reader = new_page()
    reader.goto(article.get_absolute_url())
    assert "12319" in reader.locator(".story__body").inner_text()

    desk = new_page()
    support.login(desk, editor.username, support.PASSWORD)
    desk.goto(change_url)
    workflow_button(desk, "approve")  # opens the approval page
    diff = desk.locator(".revision-changes").inner_text()
    assert "12319" in diff and "12345" in diff
    assert desk.locator(".revision-changes del").first.inner_text() == "12319"
    assert_accessible(desk)
    desk.check("input[name=approve-major][value=major]")
    desk.select_option("select[name=approve-note_kind]", "correction")
    desk.fill("textarea[name=approve-note]", "The hotline number was wrong.")
    desk.check("input[name=approve-confirm]")  # no go-live time: it goes public at once
    with desk.expect_navigation():
        desk.click("button.default")
    assert "It is now Published." in desk.locator(".messagelist").inner_text()

    reader.goto(article.get_absolute_url())
    assert "12345" in reader.locator(".story__body").inner_text()
    updated = Article.objects.get(pk=article.pk).public_updated_at
    assert (
        f"Updated: {timezone.localtime(updated):%Y-%m-%d}"
        in reader.locator(".story__dates").inner_text()
    )
    history = reader.locator(".story-history li").all_inner_texts()
    assert "Correction: The hotline number was wrong." in history[0]
    assert history[-1].endswith("First published.")
    assert ChangeNote.objects.get().created_by == editor

    desk.goto(f"/admin/articles/article/{article.pk}/revisions/")
    assert desk.locator("table.revisions tbody tr").count() == 2
    assert_accessible(desk)


def test_a_concurrent_save_is_refused_and_keeps_what_was_typed(page, new_page):
    """
    Two editors open the same story; the first saves. The second one's save is refused
    with who changed it, their typed text still in the form, and a link to the change.
    """
    first = make_user(role="editor", password=support.PASSWORD, first_name="Li", last_name="Wei")
    second = make_user(role="editor", password=support.PASSWORD)
    article = make_article(status="draft", title="Ferry timetable", summary="Old times.")
    change_url = f"/admin/articles/article/{article.pk}/change/"
    support.login(page, first.username, support.PASSWORD)
    other = new_page()
    support.login(other, second.username, support.PASSWORD)
    page.goto(change_url)
    other.goto(change_url)
    assert "Li Wei" in other.locator(".editing-presence").inner_text()

    page.fill("#id_summary", "Winter times from Monday.")
    support.admin_save(page, "_continue")
    other.fill("#id_summary", "Typed by the second editor.")
    support.admin_save(other, "_continue")

    error = other.locator(".errorlist.nonfield").inner_text()
    assert re.search(r"Li Wei changed this article at .* after you opened it", error)
    assert other.input_value("#id_summary") == "Typed by the second editor."
    assert Article.objects.get(pk=article.pk).summary == "Winter times from Monday."
    with other.expect_navigation():
        other.click("text=See what they changed")
    assert "Winter times from Monday" in other.locator(".revision-changes").inner_text()
