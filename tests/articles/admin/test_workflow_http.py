"""
The workflow through the admin, over HTTP: every role × transition × source state, the
panel offering exactly what a person may do, stale pages, bulk actions, queues, times.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import editorial
from articles.models import Article, ArticleEvent
from tests.factories import make_article, make_district, make_source, make_superuser, make_user

pytestmark = pytest.mark.django_db

Status = Article.Status
Action = ArticleEvent.Action

ACTORS = ["writer_author", "writer_other", "editor", "editor_author", "administrator", "superuser"]
STATES = ["draft", "in_review", "scheduled", "published", "urgent", "withdrawn", "removed"]
EDITORS = {"editor", "editor_author", "administrator", "superuser"}
# Editors who are not the author: the two-person rule lets only them approve or confirm.
REVIEWERS = {"editor", "administrator", "superuser"}

# transition: (source states, actors allowed, resulting status)
RULES = {
    "submit": ({"draft"}, {"writer_author"} | EDITORS, Status.IN_REVIEW),
    "take_back": ({"in_review"}, {"writer_author", "editor_author"}, Status.DRAFT),
    "request_changes": ({"in_review"}, EDITORS, Status.DRAFT),
    "approve": ({"in_review"}, REVIEWERS, Status.PUBLISHED),
    "publish_urgently": ({"draft", "in_review"}, EDITORS, Status.PUBLISHED),
    "confirm_urgent": ({"urgent"}, REVIEWERS, Status.PUBLISHED),
    "unschedule": ({"scheduled"}, EDITORS, Status.DRAFT),
    "withdraw": ({"published", "urgent"}, EDITORS, Status.WITHDRAWN),
    "remove": ({"published", "urgent", "withdrawn"}, EDITORS, Status.REMOVED),
    "restore": ({"removed"}, {"administrator", "superuser"}, Status.WITHDRAWN),
}
ACTIONS = {
    "submit": Action.SUBMITTED,
    "request_changes": Action.CHANGES_REQUESTED,
    "approve": Action.APPROVED,
    "publish_urgently": Action.PUBLISHED_URGENTLY,
    "confirm_urgent": Action.URGENT_CONFIRMED,
    "unschedule": Action.UNSCHEDULED,
    "withdraw": Action.WITHDRAWN,
    "remove": Action.REMOVED,
    "take_back": Action.TAKEN_BACK,
    "restore": Action.RESTORED,
}


def allowed(transition, actor, state):
    states, actors, _ = RULES[transition]
    return state in states and actor in actors


def state_fields(state):
    now = timezone.now()
    return {
        "draft": {"status": Status.DRAFT},
        "in_review": {"status": Status.IN_REVIEW},
        "scheduled": {"status": Status.PUBLISHED, "published_at": now + timedelta(days=1)},
        "published": {"status": Status.PUBLISHED},
        "urgent": {"status": Status.PUBLISHED, "urgent_unconfirmed": True},
        "withdrawn": {"status": Status.WITHDRAWN},
        "removed": {"status": Status.REMOVED},
    }[state]


def make_person(actor):
    if actor == "superuser":
        return make_superuser()
    return make_user(role=actor.split("_")[0])


def scene(actor, state):
    """The acting person and an article in ``state`` written by them or by a writer."""
    person = make_person(actor)
    author = person if actor in {"writer_author", "editor_author"} else make_user(role="writer")
    article = make_article(author=author, **state_fields(state))
    if state == "urgent":
        ArticleEvent.objects.create(
            article=article,
            actor=make_user(role="editor"),
            action=Action.PUBLISHED_URGENTLY,
            from_status=Status.IN_REVIEW,
            to_status=Status.PUBLISHED,
            comment="Could not wait.",
        )
    # Other people in the newsroom, so notifications have someone to go to.
    make_user(role="editor")
    return person, article


def snapshot(article):
    row = Article.objects.filter(pk=article.pk).values().get()
    events = list(ArticleEvent.objects.filter(article_id=article.pk).values())
    return row, events


def transition_data(name, article, **overrides):
    data = {
        f"{name}-token": article.workflow_token(),
        f"{name}-comment": "Please name the source of the figures.",
        f"{name}-reason": "The road closes within the hour.",
        f"{name}-explanation": "Superseded by the announcement of 3 May.",
        f"{name}-at": "",
        f"{name}-replacement_url": "",
        f"{name}-to": "withdrawn",
        # The box that confirms what cannot be taken back, or a publication at once.
        f"{name}-confirm": "on",
    }
    data.update(overrides)
    return data


def post_transition(client, article, name, **overrides):
    return client.post(
        f"/admin/articles/article/{article.pk}/workflow/{name}/",
        transition_data(name, article, **overrides),
    )


def offered(client, article):
    content = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    return set(re.findall(r'action="/admin/articles/article/\d+/workflow/([a-z_]+)/"', content))


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("transition", list(RULES))
@pytest.mark.parametrize("actor", ACTORS)
def test_transition_matrix_over_http(client, mailoutbox, actor, transition, state):
    """
    Each role can take exactly its transitions from exactly their source states; every
    other POST is refused (403, 400 or 404, never 500) and changes nothing at all.
    """
    person, article = scene(actor, state)
    client.force_login(person)
    before = snapshot(article)
    response = post_transition(client, article, transition)
    if allowed(transition, actor, state):
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == f"/admin/articles/article/{article.pk}/change/"
        article.refresh_from_db()
        assert article.status == RULES[transition][2]
        event = ArticleEvent.objects.filter(article=article).last()
        assert (event.action, event.actor) == (ACTIONS[transition], person)
        assert event.from_status == before[0]["status"]
        if transition == "confirm_urgent":
            assert not article.urgent_unconfirmed
    else:
        assert response.status_code in {400, 403, 404}
        assert snapshot(article) == before
        assert mailoutbox == []
        if response.status_code != 404:
            assert 'class="errornote"' in response.content.decode()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("actor", ACTORS)
def test_the_panel_offers_exactly_the_allowed_transitions(client, actor, state):
    """The change form shows a button for each transition the person may take, and no other."""
    person, article = scene(actor, state)
    client.force_login(person)
    expected = {name for name in RULES if allowed(name, actor, state)}
    assert offered(client, article) == expected


def test_a_refused_post_says_why(client):
    editor = make_user(role="editor")
    article = make_article(author=editor, status=Status.IN_REVIEW)
    client.force_login(editor)
    response = post_transition(client, article, "approve")
    assert response.status_code == 403
    assert "two-person rule" in response.content.decode()
    response = post_transition(client, article, "withdraw")
    assert response.status_code == 400
    assert "this one is In review" in response.content.decode()


def test_missing_text_is_a_form_error_that_changes_nothing(client, mailoutbox):
    article = make_article(status=Status.IN_REVIEW)
    client.force_login(make_user(role="editor"))
    before = snapshot(article)
    response = post_transition(
        client, article, "request_changes", **{"request_changes-comment": ""}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert snapshot(article) == before and mailoutbox == []


def test_a_stale_page_is_refused(client, mailoutbox):
    """An approve button from before a round of changes cannot approve the new text."""
    writer, editor, other = (
        make_user(role="writer"),
        make_user(role="editor"),
        make_user(role="editor"),
    )
    article = make_article(author=writer, status=Status.IN_REVIEW)
    stale = transition_data("approve", article)
    editorial.request_changes(Article.objects.get(pk=article.pk), by=other, comment="Fix the date.")
    editorial.submit(Article.objects.get(pk=article.pk), by=writer)
    mailoutbox.clear()
    before = snapshot(article)
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{article.pk}/workflow/approve/", stale)
    assert response.status_code == 400
    assert "changed after you opened it" in response.content.decode()
    assert snapshot(article) == before and mailoutbox == []


def test_approve_at_a_time_entered_in_newsroom_time(client):
    """The go-live time field is in Asia/Shanghai and says so."""
    article = make_article(status=Status.IN_REVIEW)
    client.force_login(make_user(role="editor"))
    page = client.get(f"/admin/articles/article/{article.pk}/workflow/approve/").content.decode()
    assert "Go-live time (empty: now) (Asia/Shanghai, UTC+8)" in page
    response = post_transition(
        client, article, "approve", **{"approve-at": "2099-05-01T09:30", "approve-confirm": ""}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled()
    assert article.published_at.isoformat() == "2099-05-01T01:30:00+00:00"
    assert timezone.localtime(article.published_at).strftime("%H:%M") == "09:30"


@pytest.mark.parametrize("value", ["yesterday", "2000-01-01T10:00", "2099-13-40T99:99"])
def test_a_bad_go_live_time_is_a_form_error(client, value):
    article = make_article(status=Status.IN_REVIEW)
    client.force_login(make_user(role="editor"))
    before = snapshot(article)
    response = post_transition(client, article, "approve", **{"approve-at": value})
    assert response.status_code == 400
    assert snapshot(article) == before


def test_changes_requested_are_shown_to_the_author(client):
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.IN_REVIEW)
    editorial.request_changes(
        article,
        by=make_user(role="editor", first_name="Liu", last_name="Yang"),
        comment="Add a map.",
    )
    client.force_login(writer)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Changes requested by" in page and "Add a map." in page


def test_the_history_is_shown_with_times_in_the_newsroom_zone(client):
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.DRAFT)
    event = editorial.submit(article, by=writer)
    client.force_login(writer)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "When (Asia/Shanghai, UTC+8)" in page
    assert timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M") in page
    assert "Submitted for review" in page and "Draft → In review" in page


def test_every_admin_time_says_its_zone(client):
    """Column headings, entered times and single values all name Asia/Shanghai, UTC+8."""
    zone = "(Asia/Shanghai, UTC+8)"
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.IN_REVIEW)
    live = make_article()
    client.force_login(make_user(role="editor"))
    changelist = client.get("/admin/articles/article/").content.decode()
    assert f"Publication time {zone}" in changelist
    assert timezone.localtime(live.published_at).strftime("%Y-%m-%d %H:%M") in changelist
    page = client.get(f"/admin/articles/article/{live.pk}/change/").content.decode()
    # The "Updated:" time moves only with a major change: shown, never typed in.
    assert "Public update time" in page and 'name="public_updated_at_0"' not in page
    for value in (live.published_at, live.public_updated_at, live.created_at, live.updated_at):
        assert f"{timezone.localtime(value):%Y-%m-%d %H:%M} {zone}" in page
    client.force_login(writer)
    read_only = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Public update time" in read_only and 'name="public_updated_at_0"' not in read_only
    assert f"{timezone.localtime(article.created_at):%Y-%m-%d %H:%M} {zone}" in read_only


def test_status_labels_in_the_changelist(client):
    """
    Each status says what it is; a scheduled story's go-live time is in the publication
    time column beside it (the status no longer repeats it, so the list fits a laptop).
    """
    scheduled = make_article(title="Sched", published_at=timezone.now() + timedelta(days=1))
    make_article(title="Urgent", urgent_unconfirmed=True)
    make_article(title="Review", status=Status.IN_REVIEW)
    client.force_login(make_user(role="editor"))
    content = client.get("/admin/articles/article/").content.decode()
    row = re.search(rf"<tr>.*?{scheduled.pk}/change/.*?</tr>", content, re.DOTALL).group(0)
    assert '<span class="workflow-status workflow-status--scheduled">Scheduled</span>' in row
    assert timezone.localtime(scheduled.published_at).strftime("%Y-%m-%d %H:%M") in row
    assert "Published urgently — needs review" in content
    assert "In review" in content


def test_work_queue_filters(client):
    editor = make_user(role="editor")
    mine = make_article(title="My draft", author=editor, status=Status.DRAFT)
    theirs = make_article(title="Their draft", status=Status.DRAFT)
    review = make_article(title="Waiting", status=Status.IN_REVIEW)
    scheduled = make_article(title="Later", published_at=timezone.now() + timedelta(days=1))
    urgent = make_article(title="Hurried", urgent_unconfirmed=True)
    live = make_article(title="Live")
    client.force_login(editor)
    expected = {
        "mine": [mine], "review": [review], "scheduled": [scheduled], "urgent": [urgent]
    }  # fmt: skip
    for queue, articles in expected.items():
        response = client.get("/admin/articles/article/", {"queue": queue})
        assert list(response.context["cl"].result_list) == articles, queue
    everything = client.get("/admin/articles/article/").context["cl"].result_list
    assert set(everything) == {mine, theirs, review, scheduled, urgent, live}


def test_bulk_approve_goes_item_by_item_and_reports_skips(client):
    editor = make_user(role="editor")
    ok = make_article(title="Good one", status=Status.IN_REVIEW)
    own = make_article(title="Own one", author=editor, status=Status.IN_REVIEW)
    draft = make_article(title="Draft one", status=Status.DRAFT)
    client.force_login(editor)
    chosen = {"action": "approve_selected", "_selected_action": [ok.pk, own.pk, draft.pk]}
    asked = client.post("/admin/articles/article/", chosen)
    # First a page that says they go public at once; nothing is approved yet.
    assert asked.status_code == 200
    assert "Publish these articles now?" in asked.content.decode()
    assert Article.objects.get(pk=ok.pk).status == Status.IN_REVIEW
    response = client.post("/admin/articles/article/", {**chosen, "confirmed": "yes"}, follow=True)
    content = response.content.decode()
    assert Article.objects.get(pk=ok.pk).is_published()
    assert Article.objects.get(pk=own.pk).status == Status.IN_REVIEW
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT
    assert "done for 1 article" in content
    assert "skipped “Own one”" in content and "two-person rule" in content
    assert "skipped “Draft one”" in content
    assert not ArticleEvent.objects.filter(article__in=[own, draft], action=Action.APPROVED)


def test_writers_get_only_the_submit_bulk_action(client):
    writer = make_user(role="writer")
    draft = make_article(author=writer, status=Status.DRAFT)
    client.force_login(writer)
    response = client.get("/admin/articles/article/")
    actions = [choice[0] for choice in response.context["action_form"].fields["action"].choices]
    assert actions == ["", "submit_selected"]
    client.post(
        "/admin/articles/article/", {"action": "submit_selected", "_selected_action": [draft.pk]}
    )
    assert Article.objects.get(pk=draft.pk).status == Status.IN_REVIEW
    # A forged bulk approve is not an action writers have: nothing happens.
    review = make_article(author=writer, status=Status.IN_REVIEW)
    client.post(
        "/admin/articles/article/", {"action": "approve_selected", "_selected_action": [review.pk]}
    )
    assert Article.objects.get(pk=review.pk).status == Status.IN_REVIEW


def test_bulk_unschedule_and_confirm(client):
    editor = make_user(role="editor")
    later = make_article(published_at=timezone.now() + timedelta(days=1))
    urgent = make_article(urgent_unconfirmed=True)
    client.force_login(editor)
    for action, article in [("unschedule_selected", later), ("confirm_selected", urgent)]:
        client.post(
            "/admin/articles/article/", {"action": action, "_selected_action": [article.pk]}
        )
    assert Article.objects.get(pk=later.pk).status == Status.DRAFT
    assert not Article.objects.get(pk=urgent.pk).urgent_unconfirmed


# Editing content through the change form.


def article_form(article, **overrides):
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "source": article.source_id,
        "source_url": article.source_url,
        "districts": [d.pk for d in article.districts.all()],
        "language": "en",
        "version": article.version,
    }
    data.update(overrides)
    return data


LIVE = {"scheduled", "published", "urgent"}
EDITABLE = {
    "writer_author": {"draft", *LIVE},
    "writer_other": set(),
    **dict.fromkeys(EDITORS, {"draft", "in_review", *LIVE}),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("actor", ACTORS)
def test_edit_matrix_over_http(client, actor, state):
    """
    Writers edit their own drafts and start changes to their own live articles; editors
    edit any article not withdrawn or removed. A live article's edit becomes its pending
    draft: the live row (what readers see) does not change.
    """
    person, article = scene(actor, state)
    client.force_login(person)
    before = snapshot(article)
    url = f"/admin/articles/article/{article.pk}/change/"
    response = client.post(url, article_form(article, title="Changed title"))
    article.refresh_from_db()
    if state in EDITABLE[actor]:
        assert response.status_code == 302
        if state in LIVE:
            assert article.title == before[0]["title"]
            assert article.pending_revision.snapshot["title"] == "Changed title"
            assert article.pending_status == Article.PendingStatus.DRAFT
        else:
            assert article.title == "Changed title"
        assert article.status == before[0]["status"]
        edit = ArticleEvent.objects.filter(article=article).last()
        assert edit.action == Action.EDITED and edit.revision.snapshot["title"] == "Changed title"
    else:
        assert response.status_code in {302, 403}
        assert snapshot(article) == before
        page = client.get(url)
        if actor == "writer_other":
            assert page.status_code == 302  # not among the articles they may see
        else:
            assert page.status_code == 200
            assert 'name="title"' not in page.content.decode()  # read-only


def test_an_editor_who_edits_in_review_can_no_longer_approve(client):
    """Editing the content after submission hands the approval to someone else."""
    editor, other = make_user(role="editor"), make_user(role="editor")
    article = make_article(status=Status.IN_REVIEW, districts=[make_district()])
    client.force_login(editor)
    url = f"/admin/articles/article/{article.pk}/change/"
    assert "approve" in offered(client, article)
    assert client.post(url, article_form(article, summary="Tightened.")).status_code == 302
    assert "approve" not in offered(client, article)
    article = Article.objects.get(pk=article.pk)
    assert post_transition(client, article, "approve").status_code == 403
    client.force_login(other)
    assert post_transition(client, article, "approve").status_code == 302


def test_saving_unchanged_content_records_no_edit(client):
    editor = make_user(role="editor")
    article = make_article(status=Status.IN_REVIEW, source=make_source())
    client.force_login(editor)
    client.post(f"/admin/articles/article/{article.pk}/change/", article_form(article))
    assert not ArticleEvent.objects.filter(article=article, action=Action.EDITED).exists()
    assert "approve" in offered(client, article)


def test_creating_an_article_records_its_author_and_a_history_entry(client):
    writer = make_user(role="writer")
    client.force_login(writer)
    source = make_source()
    response = client.post(
        "/admin/articles/article/add/",
        {
            "title": "Hedong opens a library", "slug": "", "summary": "", "body": "<p>Books.</p>",
            "source": source.pk, "source_url": "", "public_updated_at_0": "",
            "public_updated_at_1": "", "status": "published", "language": "en",
        },
    )  # fmt: skip
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.author, article.status) == (writer, Status.DRAFT)
    assert [(e.action, e.actor) for e in article.events.all()] == [(Action.CREATED, writer)]


def test_nobody_deletes_articles(client):
    """Articles leave through withdraw and remove; the delete page is refused to everyone."""
    article = make_article()
    for person in [make_user(role="editor"), make_user(role="administrator"), make_superuser()]:
        client.force_login(person)
        assert client.get(f"/admin/articles/article/{article.pk}/delete/").status_code == 403
        assert (
            client.post(
                f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}
            ).status_code
            == 403
        )
    assert Article.objects.filter(pk=article.pk).exists()


def test_history_is_read_only_in_the_admin_even_for_superusers(client):
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.DRAFT)
    event = editorial.submit(article, by=writer)
    client.force_login(make_superuser())
    base = "/admin/articles/articleevent/"
    assert client.get(base).status_code == 200
    page = client.get(f"{base}{event.pk}/change/")
    assert page.status_code == 200 and 'name="comment"' not in page.content.decode()
    assert client.post(f"{base}{event.pk}/change/", {"comment": "x"}).status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    response = client.post(base, {"action": "delete_selected", "_selected_action": [event.pk]})
    assert response.status_code in {200, 302}
    assert ArticleEvent.objects.get(pk=event.pk).comment == ""


def test_unknown_transition_or_article_is_404(client):
    client.force_login(make_user(role="editor"))
    article = make_article(status=Status.IN_REVIEW)
    assert client.post(f"/admin/articles/article/{article.pk}/workflow/publish/").status_code == 404
    assert client.post("/admin/articles/article/999999/workflow/approve/").status_code == 404


def test_workflow_posts_need_a_csrf_token(mailoutbox):
    from django.test import Client

    article = make_article(status=Status.IN_REVIEW)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(role="editor"))
    before = snapshot(article)
    assert post_transition(client, article, "approve").status_code == 403
    assert snapshot(article) == before


def test_anonymous_workflow_post_is_sent_to_login(client):
    article = make_article(status=Status.IN_REVIEW)
    before = snapshot(article)
    response = post_transition(client, article, "approve")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert snapshot(article) == before


def test_the_action_page_explains_a_transition_not_open(client):
    client.force_login(make_user(role="editor"))
    article = make_article(status=Status.DRAFT)
    response = client.get(f"/admin/articles/article/{article.pk}/workflow/withdraw/")
    assert response.status_code == 200
    assert "this one is Draft" in response.content.decode()
    response = client.get(
        f"/admin/articles/article/{make_article(status=Status.IN_REVIEW).pk}/workflow/request_changes/"
    )
    assert (
        response.status_code == 200
        and 'name="request_changes-comment"' in response.content.decode()
    )


def test_the_admin_change_log_names_its_time_zone(client):
    """Django's own per-object change log says which zone its times are in."""
    article = make_article()
    client.force_login(make_superuser())
    response = client.get(f"/admin/articles/article/{article.pk}/history/")
    assert "Times are in Asia/Shanghai, UTC+8." in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "state", "transition"),
    [
        ("writer_author", "in_review", "approve"),
        ("writer_author", "draft", "publish_urgently"),
        ("writer_author", "published", "withdraw"),
        ("editor_author", "in_review", "approve"),
        ("editor", "draft", "approve"),
        ("editor", "removed", "remove"),
    ],
)
def test_forged_posts_without_a_token_are_refused_all_the_same(
    client, mailoutbox, actor, state, transition
):
    """The token only guards against stale pages; the rules hold without it."""
    person, article = scene(actor, state)
    client.force_login(person)
    before = snapshot(article)
    response = post_transition(client, article, transition, **{f"{transition}-token": ""})
    assert response.status_code in {400, 403}
    assert snapshot(article) == before and mailoutbox == []


@pytest.mark.parametrize(
    "name, state, missing",
    [
        ("approve", "in_review", {"approve-confirm": ""}),
        ("publish_urgently", "draft", {"publish_urgently-confirm": ""}),
        ("remove", "published", {"remove-confirm": ""}),
        ("remove", "published", {"remove-reason": "  "}),
        ("restore", "removed", {"restore-reason": ""}),
    ],
)
def test_what_goes_public_at_once_or_cannot_be_undone_is_confirmed(
    client, mailoutbox, name, state, missing
):
    """Without the box ticked (or a reason where one is needed) nothing happens."""
    article = make_article(**state_fields(state))
    client.force_login(make_superuser())
    before = snapshot(article)
    response = post_transition(client, article, name, **missing)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert snapshot(article) == before and mailoutbox == []


def test_remove_is_a_page_that_says_what_will_happen(client):
    article = make_article(title="Ferry timetable")
    client.force_login(make_user(role="editor"))
    panel = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    url = f"/admin/articles/article/{article.pk}/workflow/remove/"
    # The panel offers a way to the page, not a one-click form that removes.
    assert re.search(rf'<form method="get" action="{url}"', panel)
    assert not re.search(rf'<form method="post" action="{url}"', panel)
    page = client.get(url).content.decode()
    assert "only an administrator can bring it back" in page
    assert "Why it is removed" in page and 'name="remove-confirm"' in page


def test_a_removed_story_is_brought_back_by_an_administrator_with_a_reason(client):
    article = make_article(title="Harbour works")
    editorial.withdraw(article, by=make_user(role="editor"), explanation="Dates were wrong.")
    editorial.remove(
        Article.objects.get(pk=article.pk), by=make_user(role="editor"), reason="Legal"
    )
    assert client.get(article.get_absolute_url()).status_code == 410
    editor = make_user(role="editor")
    client.force_login(editor)
    assert "restore" not in offered(client, article)
    administrator = make_user(role="administrator")
    client.force_login(administrator)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Legal" in page  # the reason for removing it, in the history
    article.refresh_from_db()
    response = post_transition(
        client,
        article,
        "restore",
        **{"restore-reason": "Cleared by the legal office.", "restore-explanation": ""},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.WITHDRAWN
    assert article.withdrawal_explanation == "Dates were wrong."
    event = ArticleEvent.objects.filter(article=article).last()
    assert (event.action, event.actor, event.comment) == (
        Action.RESTORED,
        administrator,
        "Cleared by the legal office.",
    )
    client.logout()
    public = client.get(article.get_absolute_url())
    assert public.status_code == 200 and "Dates were wrong." in public.content.decode()


def test_a_writer_takes_a_submitted_story_back(client):
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.IN_REVIEW)
    client.force_login(writer)
    assert offered(client, article) == {"take_back"}
    assert post_transition(client, article, "take_back").status_code == 302
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.is_editable_by(writer)
    assert ArticleEvent.objects.filter(article=article).last().action == Action.TAKEN_BACK


def test_the_review_page_shows_the_comment_left_and_what_changed_since(client):
    writer, editor = make_user(role="writer"), make_user(role="editor")
    client.force_login(writer)
    response = client.post(
        "/admin/articles/article/add/",
        {
            "title": "Night market opens",
            "slug": "",
            "summary": "From Friday.",
            "body": "<p>Stalls open at 6 pm.</p>",
            "language": "en",
            "source": make_source().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="Night market opens")
    editorial.submit(article, by=writer)
    editorial.request_changes(
        Article.objects.get(pk=article.pk), by=editor, comment="Say where the market is."
    )
    article = Article.objects.get(pk=article.pk)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {
            "title": "Night market opens",
            "slug": article.slug,
            "summary": "From Friday.",
            "body": "<p>Stalls open at 6 pm on Binhai Road.</p>",
            "language": "en",
            "source": article.source_id,
            "version": article.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    editorial.submit(Article.objects.get(pk=article.pk), by=writer)
    client.force_login(make_user(role="editor"))
    page = client.get(f"/admin/articles/article/{article.pk}/workflow/approve/").content.decode()
    assert "asked for changes on" in page and "Say where the market is." in page
    assert re.search(r"<ins>[^<]*Binhai Road[^<]*</ins>", page)
