"""
Revisions and honest updates: every save a revision, edits of live articles as pending
drafts under review, major and minor changes, change notes on the public page, feeds,
sitemap and structured data following the public update time, diffs, restoring.
"""

import io
import json
import re
from datetime import timedelta
from unittest import mock

import feedparser
import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from articles import editorial
from articles.editorial import WorkflowError, diff, revisions, scheduling
from articles.models import Article, ArticleEvent, ChangeNote, Revision
from demo import content as demo
from tests.factories import (
    make_article,
    make_district,
    make_pending_changes,
    make_source,
    make_user,
)
from tests.querycounts import assert_constant_queries

pytestmark = pytest.mark.django_db

Status = Article.Status
Pending = Article.PendingStatus
Action = ArticleEvent.Action


@pytest.fixture
def newsroom(db):
    return {
        "writer": make_user(role="writer", first_name="Wang", last_name="Fang"),
        "editor": make_user(role="editor", first_name="Li", last_name="Wei"),
        "other_editor": make_user(role="editor", first_name="Zhao", last_name="Min"),
    }


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def form_data(article, **overrides):
    """What the change form posts when nothing is changed: the current draft, its version."""
    article = Article.objects.get(pk=article.pk)
    snap = revisions.draft_snapshot(article.pk)
    data = {
        field: snap[field]
        for field in [
            "title", "slug", "summary", "body", "language", "source_url",
            "lead_image_alt", "lead_image_caption", "lead_image_credit",
        ]
    }  # fmt: skip
    data.update(
        source=snap["source"]["id"],
        districts=[item["id"] for item in snap["districts"]],
        version=article.version,
    )
    if snap["featured"]:
        data["featured"] = "on"
    data.update(overrides)
    return data


def post_transition(client, article, name, **fields):
    article = Article.objects.get(pk=article.pk)
    # "confirm": the box ticked for what goes public at once or cannot be taken back.
    data = {f"{name}-token": article.workflow_token(), f"{name}-confirm": "on"}
    data.update({f"{name}-{key}": value for key, value in fields.items()})
    return client.post(f"/admin/articles/article/{article.pk}/workflow/{name}/", data)


def structured_data(page):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def public_page(client, article):
    return client.get(Article.objects.get(pk=article.pk).get_absolute_url()).content.decode()


# Every save is a revision.


def test_every_admin_save_records_a_revision_with_a_full_snapshot(client, newsroom):
    """Creating and editing through the admin each store who, when and what the public would see."""
    writer = newsroom["writer"]
    client.force_login(writer)
    source, district = make_source(name="Tianjin Daily"), make_district(name="Hexi")
    response = client.post(
        "/admin/articles/article/add/",
        {
            "title": "Greenway opens", "slug": "", "summary": "Six kilometres.",
            "body": "<p>Walkers and cyclists.</p>", "language": "en", "source": source.pk,
            "source_url": "https://example.gov.cn/a", "districts": [district.pk],
        },
    )  # fmt: skip
    assert response.status_code == 302
    article = Article.objects.get()
    [first] = article.revisions.all()
    assert (first.number, first.kind, first.created_by) == (1, Revision.Kind.EDIT, writer)
    assert first.snapshot == {
        "title": "Greenway opens", "slug": "greenway-opens", "summary": "Six kilometres.",
        "body": "<p>Walkers and cyclists.</p>", "language": "en",
        "source_url": "https://example.gov.cn/a", "featured": False, "lead_image": "",
        "lead_image_alt": "", "lead_image_decorative": False, "lead_image_caption": "",
        "lead_image_credit": "", "source": {"id": source.pk, "name": "Tianjin Daily"},
        "districts": [{"id": district.pk, "name": "Hexi"}],
    }  # fmt: skip
    assert article.events.get().revision == first
    client.post(change_url(article), form_data(article, summary="Six kilometres of path."))
    second = article.revisions.order_by("number").last()
    assert second.number == 2 and second.snapshot["summary"] == "Six kilometres of path."
    assert article.events.last().revision == second
    # Saving again with nothing changed adds no revision.
    client.post(change_url(article), form_data(article))
    assert article.revisions.count() == 2


def test_revisions_are_append_only(newsroom):
    article = make_article(status=Status.DRAFT)
    revision = revisions.record(article, newsroom["writer"], revisions.snapshot(article))
    with pytest.raises(ValueError, match="append-only"):
        revision.save()
    with pytest.raises(ValueError, match="append-only"):
        revision.delete()


def test_the_first_admin_edit_of_an_older_article_keeps_its_stored_content(client, newsroom):
    """An article with no revisions (made before them, or by a script) gets its stored state as revision 1."""
    article = make_article(status=Status.DRAFT, title="As stored")
    client.force_login(newsroom["editor"])
    client.post(change_url(article), form_data(article, title="Edited"))
    baseline, edit = article.revisions.order_by("number")
    assert (baseline.kind, baseline.snapshot["title"], baseline.created_by) == (
        Revision.Kind.BASELINE, "As stored", None
    )  # fmt: skip
    assert edit.snapshot["title"] == "Edited"


# Editing a live article makes a pending draft; readers see nothing until approval.


def test_editing_a_live_article_does_not_change_the_public_page(client, newsroom):
    """A writer's correction is a pending draft: row, districts, page, feed and search unchanged."""
    heping, hexi = make_district(name="Heping"), make_district(name="Hexi")
    article = make_article(
        author=newsroom["writer"],
        title="Roads close on Sunday",
        body="<p>Roads close at 5 am.</p>",
        districts=[heping],
    )
    before_page = public_page(client, article)
    client.force_login(newsroom["writer"])
    response = client.post(
        change_url(article),
        form_data(article, body="<p>Roads close at dawn.</p>", districts=[heping.pk, hexi.pk]),
        follow=True,
    )
    assert "Saved as unpublished changes (revision 2)" in response.content.decode()
    article.refresh_from_db()
    assert article.body == "<p>Roads close at 5 am.</p>"
    assert list(article.districts.all()) == [heping]
    assert article.pending_status == Pending.DRAFT
    assert article.pending_revision.snapshot["body"] == "<p>Roads close at dawn.</p>"
    client.logout()
    assert public_page(client, article) == before_page
    # A word of the draft alone: the factory's summary holds digits that "6 am" would match.
    assert "dawn" not in client.get("/feeds/atom/").content.decode()
    assert not Article.objects.published().search("dawn").exists()


def test_the_admin_shows_live_with_unpublished_changes(client, newsroom):
    """The list and the form say so; the form shows the draft's values, not the live ones."""
    article = make_article(author=newsroom["writer"], title="Live title")
    make_pending_changes(article, newsroom["writer"], title="Draft title")
    client.force_login(newsroom["editor"])
    listing = client.get("/admin/articles/article/").content.decode()
    assert "Published, with unpublished changes (draft)" in listing
    queue = client.get("/admin/articles/article/", {"queue": "changes"})
    assert list(queue.context["cl"].result_list) == [article]
    page = client.get(change_url(article)).content.decode()
    assert "Live, with unpublished changes." in page
    assert 'value="Draft title"' in page and 'value="Live title"' not in page
    assert f"/admin/articles/article/{article.pk}/revisions/compare/" in page


def test_a_live_article_keeps_its_address_when_the_slug_is_left_blank(client, newsroom):
    article = make_article(title="Original title")
    slug = article.slug
    client.force_login(newsroom["editor"])
    client.post(change_url(article), form_data(article, title="A new title", slug=""))
    article.refresh_from_db()
    assert article.pending_revision.snapshot["slug"] == slug


def test_a_new_lead_image_on_a_live_article_waits_for_approval(client, newsroom):
    """The upload is stored for the draft; the live story keeps its picture until approval."""
    from tests.factories import make_image_bytes, make_upload

    article = make_article(author=newsroom["writer"])
    client.force_login(newsroom["writer"])
    response = client.post(
        change_url(article),
        form_data(
            article,
            lead_image=make_upload(make_image_bytes(size=(900, 600))),
            lead_image_alt="The new bridge at night",
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.lead_image
    name = article.pending_revision.snapshot["lead_image"]
    assert name.startswith("lead-images/")
    from django.core.files.storage import default_storage

    assert default_storage.exists(name)
    editorial.submit(article, by=newsroom["writer"])
    editorial.approve(article, by=newsroom["editor"], major=False)
    article.refresh_from_db()
    assert article.lead_image.name == name and article.lead_image_alt == "The new bridge at night"


def test_pending_changes_go_through_review_under_the_two_person_rule(newsroom, mailoutbox):
    """Submit, request changes, resubmit; neither the author nor whoever edited may approve."""
    writer, editor, other = newsroom["writer"], newsroom["editor"], newsroom["other_editor"]
    article = make_article(author=writer, title="Live")
    make_pending_changes(article, writer, title="Corrected")
    event = editorial.submit(article, by=writer)
    assert (event.from_status, event.to_status, event.revision) == (
        Status.DRAFT, Status.IN_REVIEW, article.pending_revision
    )  # fmt: skip
    assert "changes to a published article" in mailoutbox[0].body
    article.refresh_from_db()
    assert (article.status, article.pending_status) == (Status.PUBLISHED, Pending.IN_REVIEW)
    assert not article.is_editable_by(writer)  # read-only to the writer while in review
    editorial.request_changes(article, by=editor, comment="Name the source of the new time.")
    article.refresh_from_db()
    assert article.pending_status == Pending.DRAFT
    make_pending_changes(article, editor, summary="Edited by the editor too.")
    editorial.submit(article, by=writer)
    with pytest.raises(WorkflowError) as caught:
        editorial.approve(Article.objects.get(pk=article.pk), by=editor, major=False)
    assert caught.value.code == WorkflowError.FORBIDDEN
    with pytest.raises(WorkflowError):
        editorial.approve(Article.objects.get(pk=article.pk), by=writer, major=False)
    editorial.approve(Article.objects.get(pk=article.pk), by=other, major=False)
    article.refresh_from_db()
    assert article.title == "Corrected" and not article.has_pending_changes


def test_approving_a_major_change_publishes_a_note_and_moves_the_update_date(client, newsroom):
    """
    Yes, readers need to know: the change note appears under "History of this article"
    after "First published.", and the page, JSON-LD, feeds and sitemap show the new date.
    """
    first = timezone.now() - timedelta(days=3)
    heping, hexi = make_district(name="Heping"), make_district(name="Hexi")
    article = make_article(
        author=newsroom["writer"], title="Marathon road closures", published_at=first,
        body="<p>Roads close at 5 am.</p>", districts=[heping],
    )  # fmt: skip
    make_pending_changes(
        article,
        newsroom["writer"],
        body="<p>Roads close at 6 am.</p>",
        districts=[{"id": hexi.pk, "name": "Hexi"}],
    )
    editorial.submit(article, by=newsroom["writer"])
    client.force_login(newsroom["editor"])
    screen = client.get(f"/admin/articles/article/{article.pk}/workflow/approve/")
    content = screen.content.decode()
    assert "What changed since the live version (revision 2)" in content
    assert "<del>5</del><ins>6</ins>" in content
    assert "<del>Heping</del>" in content and "<ins>Hexi</ins>" in content
    assert "Do readers need to know the content has changed?" in content
    response = post_transition(
        client,
        article,
        "approve",
        at="",
        major="major",
        note_kind="correction",
        note="The closures start at 6 am, not 5 am.",
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>Roads close at 6 am.</p>"
    assert list(article.districts.all()) == [hexi]
    assert article.published_at == first
    assert timezone.now() - article.public_updated_at < timedelta(minutes=1)
    note = ChangeNote.objects.get(article=article)
    assert (note.kind, note.public_at, note.created_by) == (
        ChangeNote.Kind.CORRECTION, article.public_updated_at, newsroom["editor"]
    )  # fmt: skip
    approved = article.events.filter(action=Action.APPROVED).last()
    assert "Major change" in approved.comment and "6 am, not 5 am" in approved.comment

    client.logout()
    page = public_page(client, article)
    updated = timezone.localtime(article.public_updated_at).replace(microsecond=0)
    assert f'Updated: <time datetime="{updated.isoformat()}">{updated:%Y-%m-%d}</time>' in page
    history = re.search(r'<section class="story-history".*?</section>', page, re.S).group(0)
    entries = re.findall(r"<li>(.*?)</li>", history, re.S)
    assert len(entries) == 2
    assert "<strong>Correction:</strong> The closures start at 6 am, not 5 am." in entries[0]
    assert "First published." in entries[1]
    assert f"{timezone.localtime(first):%Y-%m-%d}" in entries[1]
    assert structured_data(page)["dateModified"] == updated.isoformat()
    assert (
        structured_data(page)["datePublished"]
        == timezone.localtime(first).replace(microsecond=0).isoformat()
    )
    entry = feedparser.parse(client.get("/feeds/atom/").content).entries[0]
    assert entry.updated_parsed[:6] == article.public_updated_at.utctimetuple()[:6]
    sitemap = client.get("/sitemap-articles.xml").content.decode()
    assert f"<lastmod>{article.public_updated_at.date().isoformat()}" in sitemap or (
        f"<lastmod>{updated.date().isoformat()}" in sitemap
    )


def test_a_minor_change_changes_no_date_and_adds_no_note(client, newsroom):
    """No, readers need not know (a typo): the text changes, the dates and history do not."""
    first = timezone.now() - timedelta(days=3)
    article = make_article(
        author=newsroom["writer"], title="Librarys open late", published_at=first
    )
    make_pending_changes(article, newsroom["writer"], title="Libraries open late")
    editorial.submit(article, by=newsroom["writer"])
    page_before = public_page(client, article)
    feed_before = feedparser.parse(client.get("/feeds/atom/").content).entries[0].updated
    client.force_login(newsroom["editor"])
    response = post_transition(client, article, "approve", at="", major="minor")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Libraries open late"
    assert article.public_updated_at == first and not article.change_notes.exists()
    client.logout()
    page = public_page(client, article)
    assert "Libraries open late" in page
    assert re.search(r"Updated:.*?</span>", page, re.S).group(0) == re.search(
        r"Updated:.*?</span>", page_before, re.S
    ).group(0)
    assert (
        structured_data(page)["dateModified"]
        == timezone.localtime(first).replace(microsecond=0).isoformat()
    )
    assert feedparser.parse(client.get("/feeds/atom/").content).entries[0].updated == feed_before
    assert "<strong>" not in re.search(
        r'<section class="story-history".*?</section>', page, re.S
    ).group(0)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({}, "This field is required"),
        ({"major": "major"}, "A major change needs a note for readers."),
        ({"major": "major", "note": "Times corrected."}, "Choose update, correction or"),
        ({"major": "maybe"}, "Select a valid choice"),
    ],
)
def test_a_major_or_minor_answer_is_required(client, newsroom, mailoutbox, fields, error):
    """Approving a public article's changes without the answer (or a major one without its note) is refused."""
    article = make_article()
    make_pending_changes(article, newsroom["writer"], status=Pending.IN_REVIEW, title="New")
    before = Article.objects.filter(pk=article.pk).values().get()
    client.force_login(newsroom["editor"])
    response = post_transition(client, article, "approve", at="", **fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert Article.objects.filter(pk=article.pk).values().get() == before
    assert not ChangeNote.objects.exists() and mailoutbox == []


def test_the_model_refuses_an_unanswered_approval_of_a_public_change(newsroom):
    article = make_article()
    make_pending_changes(article, newsroom["writer"], status=Pending.IN_REVIEW, title="New")
    for kwargs in [{}, {"major": True}, {"major": True, "note_kind": "correction"}]:
        with pytest.raises(WorkflowError) as caught:
            editorial.approve(Article.objects.get(pk=article.pk), by=newsroom["editor"], **kwargs)
        assert caught.value.code == WorkflowError.INVALID
    assert Article.objects.get(pk=article.pk).pending_status == Pending.IN_REVIEW


def test_bulk_approve_skips_a_public_change_that_needs_the_answer(client, newsroom):
    article = make_article(title="Live")
    make_pending_changes(article, newsroom["writer"], status=Pending.IN_REVIEW, title="Draft")
    client.force_login(newsroom["editor"])
    response = client.post(
        "/admin/articles/article/",
        {"action": "approve_selected", "_selected_action": [article.pk], "confirmed": "yes"},
        follow=True,
    )
    assert "Say whether readers need to know" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Live"


def test_a_scheduled_major_change_goes_live_at_its_time_with_nothing_run(client, newsroom):
    """
    Approved for later: readers see the old text until then, and from then the new text,
    note and date, on the story and in the lists, applied by the first request after.
    """
    article = make_article(title="Ferry timetable", summary="Old times.")
    make_pending_changes(
        article, newsroom["writer"], status=Pending.IN_REVIEW, summary="New times."
    )
    at = timezone.now() + timedelta(hours=2)
    editorial.approve(
        Article.objects.get(pk=article.pk),
        by=newsroom["editor"],
        at=at,
        major=True,
        note_kind="update",
        note="Winter timetable added.",
    )
    article.refresh_from_db()
    assert (article.pending_status, article.pending_go_live_at) == (Pending.SCHEDULED, at)
    assert "approved, going live" in article.workflow_label()
    page = public_page(client, article)
    assert "Old times." in page and "Winter timetable" not in page
    assert "Old times." in client.get("/articles/").content.decode()
    later = at + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        listing = client.get("/articles/").content.decode()  # any request applies it
        assert "New times." in listing and "Old times." not in listing
        page = public_page(client, article)
        assert "New times." in page and "Winter timetable added." in page
    article.refresh_from_db()
    assert article.summary == "New times." and not article.has_pending_changes
    assert article.public_updated_at == at
    live = article.events.last()
    assert (live.action, live.actor, live.revision.number) == (Action.CHANGES_LIVE, None, 2)


def test_the_story_page_applies_its_own_due_change_even_with_a_stale_cache(client, newsroom):
    """Another process may hold an older "next due" time; the story page checks its own row."""
    article = make_article(summary="Old.")
    make_pending_changes(article, newsroom["writer"], status=Pending.IN_REVIEW, summary="New.")
    at = timezone.now() + timedelta(minutes=5)
    editorial.approve(Article.objects.get(pk=article.pk), by=newsroom["editor"], at=at, major=False)
    cache.set(scheduling.NEXT_DUE_KEY, scheduling.NOTHING_DUE)  # as cached before the approval
    with mock.patch("django.utils.timezone.now", return_value=at + timedelta(seconds=1)):
        assert "New." in public_page(client, article)
    assert Article.objects.get(pk=article.pk).public_updated_at == article.public_updated_at


def test_nothing_due_costs_one_cache_lookup(django_assert_num_queries):
    """With no scheduled change, the per-request check asks the database once, then the cache."""
    with django_assert_num_queries(1):
        assert scheduling.apply_due_changes() == 0
    with django_assert_num_queries(0):
        assert scheduling.apply_due_changes() == 0


def test_unscheduling_a_change_sends_it_back_to_draft_and_drops_its_note(newsroom):
    article = make_article(summary="Live.")
    make_pending_changes(article, newsroom["writer"], status=Pending.IN_REVIEW, summary="Later.")
    at = timezone.now() + timedelta(days=1)
    editorial.approve(
        Article.objects.get(pk=article.pk),
        by=newsroom["editor"],
        at=at,
        major=True,
        note_kind="update",
        note="Later.",
    )
    assert ChangeNote.objects.count() == 1
    editorial.unschedule(Article.objects.get(pk=article.pk), by=newsroom["editor"])
    article.refresh_from_db()
    assert (article.status, article.pending_status, article.summary) == (
        Status.PUBLISHED, Pending.DRAFT, "Live."
    )  # fmt: skip
    assert not ChangeNote.objects.exists()


def test_editing_approved_scheduled_changes_sends_them_back_to_review(client, newsroom):
    article = make_article(summary="Live.")
    make_pending_changes(article, newsroom["writer"], status=Pending.IN_REVIEW, summary="Later.")
    editorial.approve(
        Article.objects.get(pk=article.pk),
        by=newsroom["editor"],
        at=timezone.now() + timedelta(days=1),
        major=True,
        note_kind="update",
        note="Later.",
    )
    client.force_login(newsroom["other_editor"])
    response = client.post(change_url(article), form_data(article, summary="Later still."))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.pending_status == Pending.IN_REVIEW and article.pending_go_live_at is None
    assert not ChangeNote.objects.exists()
    assert "need approval again" in article.events.last().comment


def test_discarding_changes_keeps_the_live_version_and_the_revision(client, newsroom):
    article = make_article(author=newsroom["writer"], title="Live")
    revision = make_pending_changes(article, newsroom["writer"], title="Abandoned")
    client.force_login(newsroom["writer"])
    assert post_transition(client, article, "discard_changes").status_code == 302
    article.refresh_from_db()
    assert article.title == "Live" and not article.has_pending_changes
    assert Revision.objects.filter(pk=revision.pk).exists()
    assert article.events.last().action == Action.CHANGES_DISCARDED


def test_withdrawing_drops_unpublished_changes(newsroom):
    article = make_article()
    make_pending_changes(article, newsroom["writer"], title="Never seen")
    editorial.withdraw(
        Article.objects.get(pk=article.pk), by=newsroom["editor"], explanation="Superseded."
    )
    article.refresh_from_db()
    assert article.status == Status.WITHDRAWN and not article.has_pending_changes


def test_changes_to_a_scheduled_article_apply_at_once_and_keep_its_time(client, newsroom):
    """Not public yet, so no major/minor question; the approval keeps the go-live time offered."""
    at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    article = make_article(published_at=at, title="Fair opens")
    make_pending_changes(
        article, newsroom["writer"], status=Pending.IN_REVIEW, title="Fair opens Friday"
    )
    client.force_login(newsroom["editor"])
    page = client.get(f"/admin/articles/article/{article.pk}/workflow/approve/").content.decode()
    local = timezone.localtime(at).strftime("%Y-%m-%dT%H:%M:%S")
    assert f'value="{local}"' in page
    response = post_transition(client, article, "approve", at=local)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Fair opens Friday" and article.published_at == at
    assert article.is_scheduled() and not article.change_notes.exists()


def test_publishing_changes_urgently_applies_them_now_and_asks_for_review(newsroom):
    article = make_article(summary="Old.")
    make_pending_changes(article, newsroom["editor"], summary="Ferries suspended.")
    editorial.publish_urgently(
        Article.objects.get(pk=article.pk),
        by=newsroom["editor"],
        reason="Fog now.",
        major=True,
        note_kind="update",
        note="Ferries suspended.",
    )
    article.refresh_from_db()
    assert article.summary == "Ferries suspended." and article.urgent_unconfirmed
    with pytest.raises(WorkflowError):
        editorial.confirm_urgent(Article.objects.get(pk=article.pk), by=newsroom["editor"])
    editorial.confirm_urgent(Article.objects.get(pk=article.pk), by=newsroom["other_editor"])


def test_the_detail_page_runs_a_fixed_number_of_queries_whatever_its_history(
    client, django_assert_num_queries
):
    """The "History of this article" list costs one query, however many notes it has."""
    article = make_article(districts=[make_district()])
    scheduling.apply_due_changes()

    def grow():
        for n in range(5):
            ChangeNote.objects.create(
                article=article,
                kind=ChangeNote.Kind.UPDATE,
                note=f"Update {n}.",
                public_at=timezone.now() - timedelta(minutes=n + 1),
            )

    assert_constant_queries(
        django_assert_num_queries, lambda: client.get(article.get_absolute_url()), grow, 4
    )
    assert "Update 4." in public_page(client, article)


def test_future_change_notes_are_not_shown(client):
    article = make_article()
    ChangeNote.objects.create(
        article=article,
        kind=ChangeNote.Kind.UPDATE,
        note="Not yet.",
        public_at=timezone.now() + timedelta(hours=1),
    )
    assert "Not yet." not in public_page(client, article)


# Diffs


def diff_html(segments):
    """A change as the comparison screens write it (``admin/articles/article/diff.html``)."""
    return render_to_string("admin/articles/article/diff.html", {"segments": segments})


def word_diff(old, new):
    return diff_html(diff.word_diff(old, new))


def test_word_diff_marks_insertions_and_deletions_and_escapes_everything():
    html = word_diff("Roads <b>close</b> at 5 am", "Roads <b>close</b> at 6 am")
    assert html == "Roads &lt;b&gt;close&lt;/b&gt; at <del>5</del><ins>6</ins> am"
    assert word_diff("<script>x</script>", "") == "<del>&lt;script&gt;x&lt;/script&gt;</del>"


def test_chinese_is_compared_character_by_character():
    assert (
        word_diff("北辰区举办招聘会", "北辰区举办秋季招聘会") == "北辰区举办<ins>秋季</ins>招聘会"
    )


def test_body_diff_keeps_paragraphs_and_shows_changed_links():
    old = '<p>First.</p><p>See <a href="https://a.example/">the notice</a>.</p>'
    new = '<p>First.</p><p>See <a href="https://b.example/">the notice</a>.</p>'
    [change] = diff.compare({"body": old}, {"body": new})
    assert change.field == "body"
    assert (
        "First.\n\nSee the notice &lt;https://<del>a</del><ins>b</ins>.example/&gt;"
        in diff_html(change.segments)
    )


def test_compare_lists_changed_fields_only():
    old = {"title": "A", "summary": "Same", "districts": [{"id": 1, "name": "Heping"}],
           "source": {"id": 1, "name": "Daily"}, "featured": False}  # fmt: skip
    new = {"title": "B", "summary": "Same", "districts": [{"id": 2, "name": "Hexi"}],
           "source": {"id": 2, "name": "Weekly"}, "featured": True}  # fmt: skip
    changes = {change.field: diff_html(change.segments) for change in diff.compare(old, new)}
    assert set(changes) == {"title", "districts", "source", "featured"}
    assert changes["districts"] == "<del>Heping</del> <ins>Hexi</ins>"
    assert changes["source"] == "<del>Daily</del> <ins>Weekly</ins>"
    assert changes["featured"] == "<del>No</del> <ins>Yes</ins>"


def test_an_editor_compares_any_two_revisions(client, newsroom):
    article = make_article(status=Status.DRAFT, title="One")
    client.force_login(newsroom["editor"])
    for title in ["Two", "Three <script>"]:
        client.post(change_url(article), form_data(article, title=title))
    base = f"/admin/articles/article/{article.pk}/revisions/"
    listing = client.get(base).content.decode()
    assert listing.count('name="a"') == 3 and "Restore 1" in listing
    page = client.get(f"{base}compare/", {"a": 1, "b": 3}).content.decode()
    assert "From revision 1 to revision 3" in page
    assert "<del>One</del><ins>Three &lt;script&gt;</ins>" in page
    assert "<script>" not in page.split("<body")[1].split("</h2>", 1)[1].split("<footer")[0]
    assert client.get(f"{base}compare/", {"a": 1, "b": 99}).status_code == 400
    assert client.get(f"{base}compare/", {"a": "x"}).status_code == 400


def test_revisions_are_hidden_from_who_may_not_see_the_article(client, newsroom):
    article = make_article(status=Status.DRAFT)
    client.force_login(make_user(role="writer"))
    base = f"/admin/articles/article/{article.pk}/revisions/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}compare/").status_code == 404


# Restoring


def test_restoring_makes_a_new_revision_and_never_rewrites_history(client, newsroom):
    article = make_article(status=Status.DRAFT, title="One")
    client.force_login(newsroom["editor"])
    client.post(change_url(article), form_data(article, title="Two"))
    history = list(article.revisions.values())
    first = article.revisions.get(number=1)
    response = client.post(
        f"/admin/articles/article/{article.pk}/revisions/1/restore/",
        {"token": Article.objects.get(pk=article.pk).workflow_token()},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "One"
    newest = article.revisions.order_by("number").last()
    assert (newest.number, newest.kind, newest.restored_from) == (3, Revision.Kind.RESTORE, first)
    assert list(article.revisions.exclude(pk=newest.pk).values()) == history
    assert "Restored revision 1." in article.events.last().comment


def test_restoring_on_a_live_article_makes_a_pending_draft(newsroom):
    article = make_article(title="Live")
    old = make_pending_changes(article, newsroom["writer"], title="Old draft")
    make_pending_changes(article, newsroom["writer"], title="Newer draft")
    article.refresh_from_db()
    new = revisions.restore(article, old, newsroom["editor"], article.version)
    article.refresh_from_db()
    assert article.title == "Live" and article.pending_revision == new
    assert new.snapshot["title"] == "Old draft"


def test_restoring_from_a_stale_page_or_without_rights_is_refused(client, newsroom):
    article = make_article(status=Status.DRAFT, title="One")
    client.force_login(newsroom["editor"])
    client.post(change_url(article), form_data(article, title="Two"))
    stale = Article.objects.get(pk=article.pk).workflow_token()
    client.post(change_url(article), form_data(article, title="Three"))
    count = article.revisions.count()
    response = client.post(
        f"/admin/articles/article/{article.pk}/revisions/1/restore/", {"token": stale}, follow=True
    )
    assert "changed after you opened it" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Three"
    client.force_login(make_user(role="writer"))
    token = Article.objects.get(pk=article.pk).workflow_token()
    response = client.post(
        f"/admin/articles/article/{article.pk}/revisions/1/restore/", {"token": token}
    )
    assert response.status_code == 404
    assert article.revisions.count() == count


# The pending draft under the same rules as a new article, over HTTP.

PENDING_STATES = ["pending_draft", "pending_review", "pending_scheduled"]
ACTORS = ["writer_author", "writer_other", "editor", "editor_author"]
EDITORS = {"editor", "editor_author"}
# transition: (states it may start from, who may take it, pending status afterwards)
RULES = {
    "submit": ({"pending_draft"}, {"writer_author"} | EDITORS, Pending.IN_REVIEW),
    "request_changes": ({"pending_review"}, EDITORS, Pending.DRAFT),
    "approve": ({"pending_review"}, {"editor"}, ""),
    "publish_urgently": ({"pending_draft", "pending_review"}, EDITORS, ""),
    "unschedule": ({"pending_scheduled"}, EDITORS, Pending.DRAFT),
    "discard_changes": ({"pending_draft"}, {"writer_author"} | EDITORS, ""),
    "withdraw": (set(PENDING_STATES), EDITORS, ""),
}


def allowed(transition, actor, state):
    states, actors, _ = RULES[transition]
    if transition == "discard_changes" and state == "pending_review" and actor in EDITORS:
        return True
    return state in states and actor in actors


def pending_scene(actor, state):
    person = make_user(role=actor.split("_")[0])
    author = person if actor.endswith("_author") else make_user(role="writer")
    article = make_article(author=author, title="Live")
    make_pending_changes(article, author, title="Changed")
    if state != "pending_draft":
        Article.objects.filter(pk=article.pk).update(pending_status=Pending.IN_REVIEW)
    if state == "pending_scheduled":
        editorial.approve(
            Article.objects.get(pk=article.pk),
            by=make_user(role="editor"),
            at=timezone.now() + timedelta(days=1),
            major=False,
        )
    make_user(role="editor")
    return person, Article.objects.get(pk=article.pk)


def row_and_history(article):
    row = Article.objects.filter(pk=article.pk).values().get()
    events = list(ArticleEvent.objects.filter(article_id=article.pk).values())
    return row, events, list(Revision.objects.filter(article_id=article.pk).values())


@pytest.mark.parametrize("state", PENDING_STATES)
@pytest.mark.parametrize("transition", list(RULES))
@pytest.mark.parametrize("actor", ACTORS)
def test_pending_transition_matrix_over_http(client, mailoutbox, actor, transition, state):
    """
    Each role takes exactly its transitions on a live article's unpublished changes; every
    other POST is refused (403, 400 or 404) and changes nothing.
    """
    person, article = pending_scene(actor, state)
    client.force_login(person)
    mailoutbox.clear()
    before = row_and_history(article)
    extra = {
        "major": "minor",
        "reason": "Cannot wait.",
        "explanation": "Superseded.",
        "comment": "Fix it.",
    }
    response = post_transition(client, article, transition, at="", **extra)
    if allowed(transition, actor, state):
        assert response.status_code == 302, response.content.decode()[:3000]
        article.refresh_from_db()
        if transition == "withdraw":
            assert article.status == Status.WITHDRAWN
        assert article.pending_status == RULES[transition][2]
        if transition in {"approve", "publish_urgently"}:
            assert article.title == "Changed"
        else:
            assert article.title == "Live"
    else:
        assert response.status_code in {400, 403, 404}
        assert row_and_history(article) == before
        assert mailoutbox == []


def test_unscheduling_an_article_with_changes_keeps_the_newer_text_as_its_draft(newsroom):
    """Nobody has read a scheduled article: unscheduling folds its changes into the draft."""
    article = make_article(published_at=timezone.now() + timedelta(days=1), title="Old")
    make_pending_changes(article, newsroom["writer"], title="Newer")
    editorial.unschedule(Article.objects.get(pk=article.pk), by=newsroom["editor"])
    article.refresh_from_db()
    assert (article.status, article.title, article.has_pending_changes) == (
        Status.DRAFT, "Newer", False
    )  # fmt: skip


def test_the_scheduled_queue_lists_approved_changes_waiting_for_their_time(client, newsroom):
    article = make_article()
    make_pending_changes(article, newsroom["writer"], status=Pending.IN_REVIEW, title="Later")
    editorial.approve(
        Article.objects.get(pk=article.pk),
        by=newsroom["editor"],
        at=timezone.now() + timedelta(days=1),
        major=False,
    )
    client.force_login(newsroom["other_editor"])
    response = client.get("/admin/articles/article/", {"queue": "scheduled"})
    assert list(response.context["cl"].result_list) == [article]


def test_demo_content_has_a_correction_and_changes_in_review(client, settings):
    """The demo shows a corrected story's history, and a live story whose changes wait."""
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo_data", stdout=io.StringIO())
    corrected = Article.objects.get(slug="heating-season-begins-across-the-city")
    page = public_page(client, corrected)
    assert "<strong>Correction:</strong> The first version gave the wrong hotline number." in page
    assert corrected.public_updated_at > corrected.published_at
    assert [r.number for r in corrected.revisions.all()] == [1, 2]
    first, second = (corrected.revisions.get(number=n).snapshot for n in (1, 2))
    assert "12319" in diff_html(diff.compare(first, second)[0].segments)
    waiting = Article.objects.get(slug="nankai-libraries-extend-evening-hours")
    assert waiting.pending_status == Pending.IN_REVIEW
    assert "9 pm" in public_page(client, waiting)
    slugs = [story["slug"] for story in demo.STORIES]
    assert not Article.objects.filter(slug__in=slugs, revisions__isnull=True).exists()


def test_the_backfill_gives_older_articles_a_first_revision():
    """Migration revisions_backfill: revision 1 from the stored content, once; reversible."""
    from django.apps import apps as django_apps

    from tests.articles.editorial.test_roles import find_migration

    migration = find_migration("revisions_backfill")
    article = make_article(title="Stored before revisions", districts=[make_district()])
    migration.backfill(django_apps, None)
    migration.backfill(django_apps, None)
    [first] = article.revisions.all()
    assert (first.number, first.kind, first.created_by) == (1, Revision.Kind.BASELINE, None)
    assert first.snapshot == revisions.snapshot(Article.objects.get(pk=article.pk))
    migration.remove_backfill(django_apps, None)
    assert not article.revisions.exists()


def test_a_change_of_source_and_source_url_goes_live_on_approval(newsroom):
    article = make_article(source=make_source(name="Old source"))
    new_source = make_source(name="New source")
    make_pending_changes(
        article,
        newsroom["writer"],
        status=Pending.IN_REVIEW,
        source={"id": new_source.pk, "name": "New source"},
        source_url="https://example.gov.cn/notice",
    )
    assert Article.objects.get(pk=article.pk).source.name == "Old source"
    editorial.approve(Article.objects.get(pk=article.pk), by=newsroom["editor"], major=False)
    article = Article.objects.get(pk=article.pk)
    assert (article.source, article.source_url) == (new_source, "https://example.gov.cn/notice")


def test_a_workflow_post_without_its_token_is_refused(client, newsroom, mailoutbox):
    """Every button carries the version it was made from; a post without one is not from a page."""
    article = make_article(author=newsroom["writer"], status=Status.IN_REVIEW)
    before = Article.objects.filter(pk=article.pk).values().get()
    client.force_login(newsroom["editor"])
    response = client.post(
        f"/admin/articles/article/{article.pk}/workflow/approve/",
        {"approve-at": "", "approve-confirm": "on"},
    )
    assert response.status_code == 400
    assert Article.objects.filter(pk=article.pk).values().get() == before and mailoutbox == []
