"""The workflow transitions as model methods: rules, side effects, refusals, history."""

import smtplib
import threading
import time
from datetime import UTC, timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from articles import editorial
from articles.editorial import WorkflowError, history, notifications, revisions
from articles.editorial import transitions as workflow
from articles.models import Article, ArticleEvent
from tests.factories import ensure_roles, make_article, make_superuser, make_user

pytestmark = pytest.mark.django_db

Status = Article.Status
Action = ArticleEvent.Action


@pytest.fixture
def people(db):
    return {
        "writer": make_user(role="writer"),
        "editor": make_user(role="editor"),
        "other_editor": make_user(role="editor"),
        "administrator": make_user(role="administrator"),
    }


def snapshot(article):
    """Everything a refusal must leave as it was: the row and its history."""
    row = Article.objects.filter(pk=article.pk).values().get()
    events = list(ArticleEvent.objects.filter(article_id=article.pk).values())
    return row, events


def assert_refused(article, call, code, mailoutbox):
    before = snapshot(article)
    with pytest.raises(WorkflowError) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert str(caught.value)
    assert snapshot(article) == before
    assert mailoutbox == []
    return caught.value


def in_review(author, **fields):
    return make_article(author=author, status=Status.IN_REVIEW, **fields)


def test_submit_moves_a_draft_to_review_and_emails_the_editors(people, mailoutbox):
    """Submitting tells every active editor (not the submitter) and records who was told."""
    article = make_article(author=people["writer"], status=Status.DRAFT)
    make_user(role="editor", is_active=False)  # deactivated: not told
    make_user(role="editor", email="")  # no address: cannot be told
    event = editorial.submit(article, by=people["writer"])
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    assert (event.actor, event.action, event.from_status, event.to_status) == (
        people["writer"], Action.SUBMITTED, Status.DRAFT, Status.IN_REVIEW
    )  # fmt: skip
    told = {people[name].email for name in ("editor", "other_editor", "administrator")}
    assert {m.to[0] for m in mailoutbox} == told
    assert all(len(m.to) == 1 for m in mailoutbox)
    assert set(event.recipients) == told
    assert article.title in mailoutbox[0].subject
    assert f"/admin/articles/article/{article.pk}/change/" in mailoutbox[0].body


def test_a_writer_cannot_submit_someone_elses_draft(people, mailoutbox):
    article = make_article(status=Status.DRAFT, author=make_user(role="writer"))
    assert_refused(
        article, lambda: editorial.submit(article, by=people["writer"]), "forbidden", mailoutbox
    )


def test_request_changes_needs_a_comment_and_tells_the_author(people, mailoutbox):
    """The comment is required; the author gets it by email and the article is a draft again."""
    article = in_review(people["writer"])
    for blank in ["", "   ", None]:
        assert_refused(
            article,
            lambda blank=blank: editorial.request_changes(
                article, by=people["editor"], comment=blank
            ),
            "invalid",
            mailoutbox,
        )
    event = editorial.request_changes(
        article, by=people["editor"], comment="  Add the opening hours.  "
    )
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert event.comment == "Add the opening hours."
    assert [m.to for m in mailoutbox] == [[people["writer"].email]]
    assert "Add the opening hours." in mailoutbox[0].body
    assert event.recipients == [people["writer"].email]


def test_approve_now_publishes_and_tells_the_author_the_go_live_time(people, mailoutbox):
    article = in_review(people["writer"])
    editorial.approve(article, by=people["editor"])
    article.refresh_from_db()
    assert article.is_published()
    assert article.public_updated_at == article.published_at
    local = timezone.localtime(article.published_at)
    assert [m.to for m in mailoutbox] == [[people["writer"].email]]
    assert f"{local:%Y-%m-%d %H:%M} (Asia/Shanghai, UTC+8)" in mailoutbox[0].body
    assert "went live" in mailoutbox[0].body


def test_approve_at_a_future_time_schedules_and_goes_live_by_the_clock_alone(people, mailoutbox):
    """A scheduled article is public once its time has come, with nothing run in between."""
    at = timezone.now() + timedelta(days=2)
    article = in_review(people["writer"])
    event = editorial.approve(article, by=people["editor"], at=at)
    article.refresh_from_db()
    assert article.is_scheduled() and not article.is_published()
    assert article.published_at == at
    assert "Scheduled for" in event.comment
    assert "goes live at" in mailoutbox[0].body
    assert not Article.objects.published().filter(pk=article.pk).exists()
    later = at + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert Article.objects.published().filter(pk=article.pk).exists()
        assert Article.objects.get(pk=article.pk).is_published()


def test_approve_takes_a_naive_time_as_newsroom_time(people):
    article = in_review(people["writer"])
    editorial.approve(article, by=people["editor"], at=timezone.datetime(2099, 1, 2, 9, 30))
    article.refresh_from_db()
    assert timezone.localtime(article.published_at).hour == 9
    assert article.published_at.astimezone(UTC).hour == 1


def test_approve_refuses_a_time_that_has_passed(people, mailoutbox):
    article = in_review(people["writer"])
    error = assert_refused(
        article,
        lambda: editorial.approve(
            article, by=people["editor"], at=timezone.now() - timedelta(hours=1)
        ),
        "invalid",
        mailoutbox,
    )
    assert "passed" in error.message


def test_approve_refuses_an_article_not_in_review(people, mailoutbox):
    for status in [Status.DRAFT, Status.PUBLISHED, Status.WITHDRAWN, Status.REMOVED]:
        article = make_article(author=people["writer"], status=status)
        assert_refused(
            article,
            lambda a=article: editorial.approve(a, by=people["editor"]),
            "state",
            mailoutbox,
        )


def test_two_person_rule_refuses_the_author(people, mailoutbox):
    """An editor cannot approve their own article."""
    article = in_review(people["editor"])
    error = assert_refused(
        article, lambda: editorial.approve(article, by=people["editor"]), "forbidden", mailoutbox
    )
    assert "two-person rule" in error.message
    editorial.approve(article, by=people["other_editor"])
    assert Article.objects.get(pk=article.pk).is_published()


def edit(article, by, title):
    """An edit of a (not live) article as the admin records it: the row, a revision, an entry."""
    before = revisions.snapshot(article)
    article.title = title
    article.save()
    return revisions.record_saved_edit(article, by, before)


def test_two_person_rule_refuses_whoever_edited_since_submission(people, mailoutbox):
    article = in_review(people["writer"])
    edit(article, people["editor"], "Edited by the editor")
    assert_refused(
        article, lambda: editorial.approve(article, by=people["editor"]), "forbidden", mailoutbox
    )
    editorial.approve(article, by=people["other_editor"])
    assert Article.objects.get(pk=article.pk).is_published()


def test_saving_without_changes_does_not_count_as_an_edit(people):
    article = in_review(people["writer"])
    before = revisions.snapshot(article)
    article.save()
    assert revisions.record_saved_edit(article, people["editor"], before) is None
    editorial.approve(article, by=people["editor"])


def test_edits_count_until_the_content_is_next_approved(people):
    """An edit before a round of changes still disqualifies; one approved since does not."""
    article = in_review(people["writer"])
    edit(article, people["editor"], "First edit")
    editorial.request_changes(article, by=people["other_editor"], comment="Shorter, please.")
    editorial.submit(article, by=people["writer"])
    with pytest.raises(WorkflowError):
        editorial.approve(article, by=people["editor"])
    editorial.approve(article, by=people["other_editor"], at=timezone.now() + timedelta(days=1))
    # The editor's edit was reviewed in that approval; a new round may be theirs to review.
    editorial.unschedule(article, by=people["other_editor"])
    edit(article, people["writer"], "Second edit")
    editorial.submit(article, by=people["writer"])
    editorial.approve(article, by=people["editor"])
    assert Article.objects.get(pk=article.pk).is_published()


def test_two_person_rule_can_be_switched_off(people, settings):
    settings.NEWSROOM_TWO_PERSON_RULE = False
    article = in_review(people["editor"])
    editorial.approve(article, by=people["editor"])
    assert Article.objects.get(pk=article.pk).is_published()


def test_superusers_are_bound_by_the_two_person_rule(mailoutbox):
    chief = make_superuser()
    article = in_review(chief)
    assert_refused(article, lambda: editorial.approve(article, by=chief), "forbidden", mailoutbox)


def test_writers_cannot_approve_or_take_any_editor_transition(people, mailoutbox):
    writer = people["writer"]
    cases = [
        (in_review(writer), lambda a: editorial.approve(a, by=writer)),
        (in_review(writer), lambda a: editorial.request_changes(a, by=writer, comment="x")),
        (make_article(author=writer, status=Status.DRAFT), lambda a: editorial.publish_urgently(a, by=writer, reason="x")),
        (make_article(author=writer), lambda a: editorial.withdraw(a, by=writer, explanation="x")),
        (make_article(author=writer), lambda a: editorial.remove(a, by=writer, reason="Published in error")),
        (
            make_article(author=writer, published_at=timezone.now() + timedelta(days=1)),
            lambda a: editorial.unschedule(a, by=writer),
        ),
    ]  # fmt: skip
    for article, call in cases:
        assert_refused(article, lambda a=article, c=call: c(a), "forbidden", mailoutbox)


def test_publish_urgently_needs_a_reason_and_awaits_another_editor(people, mailoutbox):
    article = make_article(author=people["writer"], status=Status.DRAFT)
    assert_refused(
        article,
        lambda: editorial.publish_urgently(article, by=people["editor"], reason=" "),
        "invalid",
        mailoutbox,
    )
    event = editorial.publish_urgently(article, by=people["editor"], reason="Road closed now.")
    article.refresh_from_db()
    assert article.is_published() and article.urgent_unconfirmed
    assert event.comment == "Road closed now."
    assert list(Article.objects.urgent_unconfirmed()) == [article]
    assert "needs review" in article.workflow_label()
    told = {m.to[0] for m in mailoutbox}
    assert told == {
        people["writer"].email, people["other_editor"].email, people["administrator"].email
    }  # fmt: skip
    assert set(event.recipients) == told


def test_confirm_urgent_needs_someone_other_than_publisher_and_author(people, mailoutbox):
    article = make_article(author=people["other_editor"], status=Status.IN_REVIEW)
    editorial.publish_urgently(article, by=people["editor"], reason="Now.")
    mailoutbox.clear()
    for person in ("editor", "other_editor"):
        assert_refused(
            article,
            lambda p=person: editorial.confirm_urgent(article, by=people[p]),
            "forbidden",
            mailoutbox,
        )
    assert_refused(
        article,
        lambda: editorial.confirm_urgent(article, by=people["writer"]),
        "forbidden",
        mailoutbox,
    )
    event = editorial.confirm_urgent(article, by=people["administrator"])
    article.refresh_from_db()
    assert not article.urgent_unconfirmed and article.is_published()
    assert (event.from_status, event.to_status) == (Status.PUBLISHED, Status.PUBLISHED)
    assert not Article.objects.urgent_unconfirmed().exists()
    assert_refused(
        article,
        lambda: editorial.confirm_urgent(article, by=people["administrator"]),
        "state",
        mailoutbox,
    )


def test_unschedule_returns_a_scheduled_article_to_draft(people, mailoutbox):
    article = in_review(people["writer"])
    editorial.approve(article, by=people["editor"], at=timezone.now() + timedelta(hours=3))
    editorial.unschedule(article, by=people["editor"])
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.published_at is None and article.public_updated_at is None
    live = make_article(author=people["writer"])
    error = assert_refused(
        live, lambda: editorial.unschedule(live, by=people["editor"]), "state", []
    )
    assert "withdraw" in error.message


def test_withdraw_needs_an_explanation_and_keeps_the_page(people, mailoutbox):
    article = make_article(author=people["writer"])
    assert_refused(
        article,
        lambda: editorial.withdraw(article, by=people["editor"], explanation=""),
        "invalid",
        mailoutbox,
    )
    editorial.withdraw(article, by=people["editor"], explanation="Superseded by the 3 May notice.")
    article.refresh_from_db()
    assert article.status == Status.WITHDRAWN
    assert article.withdrawal_explanation == "Superseded by the 3 May notice."
    assert article.withdrawn_at is not None
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.on_public_record().filter(pk=article.pk).exists()
    assert [m.to for m in mailoutbox] == [[people["writer"].email]]
    assert "Superseded by the 3 May notice." in mailoutbox[0].body


def test_withdraw_and_remove_refuse_a_scheduled_article(people, mailoutbox):
    article = make_article(author=people["writer"], published_at=timezone.now() + timedelta(days=1))
    for call in (
        lambda: editorial.withdraw(article, by=people["editor"], explanation="x"),
        lambda: editorial.remove(article, by=people["editor"], reason="Published in error"),
    ):
        error = assert_refused(article, call, "state", mailoutbox)
        assert "unschedule" in error.message


def test_remove_needs_a_reason(people, mailoutbox):
    article = make_article(author=people["writer"])
    for blank in ("", "   "):
        assert_refused(
            article,
            lambda blank=blank: editorial.remove(article, by=people["editor"], reason=blank),
            "invalid",
            mailoutbox,
        )


def test_an_administrator_brings_a_removed_story_back(people, mailoutbox):
    administrator = make_user(role="administrator")
    article = make_article(author=people["writer"])
    editorial.remove(article, by=people["editor"], reason="Named a private person.")
    for by in (people["editor"], people["writer"]):
        assert_refused(
            Article.objects.get(pk=article.pk),
            lambda by=by: editorial.restore(
                Article.objects.get(pk=article.pk), by=by, to=Status.DRAFT, reason="Fixed."
            ),
            "forbidden",
            mailoutbox,
        )
    for to, reason in ((Status.DRAFT, ""), ("published", "Fixed.")):
        assert_refused(
            Article.objects.get(pk=article.pk),
            lambda to=to, reason=reason: editorial.restore(
                Article.objects.get(pk=article.pk), by=administrator, to=to, reason=reason
            ),
            "invalid",
            mailoutbox,
        )
    # Brought back withdrawn, it needs a public explanation (it had none).
    assert_refused(
        Article.objects.get(pk=article.pk),
        lambda: editorial.restore(
            Article.objects.get(pk=article.pk), by=administrator, to=Status.WITHDRAWN, reason="x"
        ),
        "invalid",
        mailoutbox,
    )
    event = editorial.restore(
        Article.objects.get(pk=article.pk),
        by=administrator,
        to=Status.DRAFT,
        reason="The name was taken out.",
    )
    article.refresh_from_db()
    assert (article.status, article.replacement_url) == (Status.DRAFT, "")
    assert (event.action, event.comment) == (Action.RESTORED, "The name was taken out.")
    assert article.is_editable_by(people["writer"])
    assert_refused(
        article,
        lambda: editorial.restore(article, by=administrator, to=Status.DRAFT, reason="again"),
        "state",
        mailoutbox,
    )


def test_the_author_takes_a_story_or_its_changes_back_from_review(people, mailoutbox):
    writer = people["writer"]
    article = in_review(writer)
    for by in (people["editor"], make_user(role="writer")):
        assert_refused(
            article, lambda by=by: editorial.take_back(article, by=by), "forbidden", mailoutbox
        )
    event = editorial.take_back(article, by=writer)
    assert (event.action, event.from_status, event.to_status) == (
        Action.TAKEN_BACK,
        Status.IN_REVIEW,
        Status.DRAFT,
    )
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert_refused(article, lambda: editorial.take_back(article, by=writer), "state", mailoutbox)


def test_remove_from_published_or_withdrawn(people):
    published = make_article(author=people["writer"])
    withdrawn = make_article(author=people["writer"], status=Status.WITHDRAWN)
    event = editorial.remove(published, by=people["editor"], reason="Published in error")
    editorial.remove(
        withdrawn,
        by=people["editor"],
        replacement_url="https://example.gov.cn/new",
        reason="Wrong figures.",
    )
    assert Article.objects.get(pk=published.pk).status == Status.REMOVED
    assert "410" in event.comment
    withdrawn.refresh_from_db()
    assert (withdrawn.status, withdrawn.replacement_url) == (
        Status.REMOVED,
        "https://example.gov.cn/new",
    )
    assert "Wrong figures." in withdrawn.events.last().comment


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "//evil.example/x", "ftp://example.com/", "not a url", "/a b"]
)
def test_remove_refuses_a_bad_replacement_url(people, mailoutbox, url):
    article = make_article(author=people["writer"])
    assert_refused(
        article,
        lambda: editorial.remove(
            article, by=people["editor"], reason="Published in error", replacement_url=url
        ),
        "invalid",
        mailoutbox,
    )


def test_remove_refuses_the_articles_own_address(people, mailoutbox):
    article = make_article(author=people["writer"])
    assert_refused(
        article,
        lambda: editorial.remove(
            article,
            by=people["editor"],
            reason="Published in error",
            replacement_url=article.get_absolute_url(),
        ),
        "invalid",
        mailoutbox,
    )


def test_remove_accepts_a_path_on_this_site(people):
    article = make_article(author=people["writer"])
    editorial.remove(
        article,
        by=people["editor"],
        reason="Published in error",
        replacement_url="/articles/corrected-story/",
    )
    assert Article.objects.get(pk=article.pk).replacement_url == "/articles/corrected-story/"


def test_a_stale_copy_is_checked_against_the_current_row(people, mailoutbox):
    """Two editors acting on the same state: the second finds it changed and is refused."""
    first = in_review(people["writer"])
    second = Article.objects.get(pk=first.pk)
    editorial.approve(first, by=people["editor"])
    mailoutbox.clear()
    assert_refused(
        second, lambda: editorial.approve(second, by=people["other_editor"]), "state", mailoutbox
    )
    assert ArticleEvent.objects.filter(article=first, action=Action.APPROVED).count() == 1


def test_expecting_refuses_a_stale_token(people, mailoutbox):
    article = in_review(people["writer"])
    token = article.workflow_token()
    revisions.claim(article.pk, token)  # someone else saved meanwhile
    before = snapshot(article)
    with pytest.raises(WorkflowError) as caught:
        with workflow.expecting(article, token):
            editorial.approve(article, by=people["editor"])
    assert caught.value.code == "stale"
    assert snapshot(article) == before
    fresh = Article.objects.get(pk=article.pk)
    with workflow.expecting(fresh, fresh.workflow_token()):
        editorial.approve(fresh, by=people["editor"])


def test_history_entries_are_append_only(people):
    article = make_article(author=people["writer"], status=Status.DRAFT)
    event = editorial.submit(article, by=people["writer"])
    event.comment = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert ArticleEvent.objects.get(pk=event.pk).comment == ""


def test_a_failed_notification_is_recorded_and_does_not_block_the_transition(people, mailoutbox):
    article = make_article(author=people["writer"], status=Status.DRAFT)
    failing = people["editor"].email
    real_send = notifications.EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == [failing]:
            raise smtplib.SMTPRecipientsRefused({failing: (550, b"no")})
        return real_send(message, *args, **kwargs)

    with mock.patch.object(notifications.EmailMessage, "send", send):
        event = editorial.submit(article, by=people["writer"])
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    assert failing not in event.recipients
    assert set(event.recipients) == {m.to[0] for m in mailoutbox}
    failure = ArticleEvent.objects.get(article=article, action=Action.NOTIFICATION_FAILED)
    assert failure.recipients == [failing]


def test_available_transitions_follow_the_role(people):
    writer, editor = people["writer"], people["editor"]
    draft = make_article(author=writer, status=Status.DRAFT)
    assert [t.name for t in editorial.available(draft, writer)] == ["submit"]
    assert [t.name for t in editorial.available(draft, editor)] == ["submit", "publish_urgently"]
    review = in_review(writer)
    assert [t.name for t in editorial.available(review, writer)] == ["take_back"]
    assert [t.name for t in editorial.available(review, editor)] == [
        "approve", "request_changes", "publish_urgently"
    ]  # fmt: skip


def test_edit_rules_on_the_model(people):
    """
    Writers edit only their own drafts, and start or continue unpublished changes to their
    own live articles (not while those are in review); nobody edits withdrawn or removed
    articles.
    """
    writer, editor = people["writer"], people["editor"]
    assert make_article(author=writer, status=Status.DRAFT).is_editable_by(writer)
    assert not make_article(author=writer, status=Status.IN_REVIEW).is_editable_by(writer)
    live = make_article(author=writer)
    assert live.is_editable_by(writer) and not make_article().is_editable_by(writer)
    revision = revisions.record(live, writer, revisions.snapshot(live))
    Article.objects.filter(pk=live.pk).update(
        pending_revision=revision, pending_status=Article.PendingStatus.IN_REVIEW
    )
    assert not Article.objects.get(pk=live.pk).is_editable_by(writer)
    assert Article.objects.get(pk=live.pk).is_editable_by(editor)
    assert not make_article(status=Status.DRAFT).is_editable_by(writer)
    assert make_article(status=Status.IN_REVIEW).is_editable_by(editor)
    assert make_article().is_editable_by(editor)
    assert not make_article(status=Status.WITHDRAWN).is_editable_by(editor)
    assert not make_article(status=Status.REMOVED).is_editable_by(make_superuser())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_editors_approving_at_once_publish_once():
    """The row lock serialises two approvals: one wins, the other is refused."""
    ensure_roles()
    writer = make_user(role="writer")
    editors = [make_user(role="editor"), make_user(role="editor")]
    article = make_article(author=writer, status=Status.IN_REVIEW)
    real_log = history.log

    def slow_log(*args, **kwargs):
        time.sleep(0.5)  # holds the row lock while the other editor tries
        return real_log(*args, **kwargs)

    results = []

    def approve(editor):
        from django.db import connections

        try:
            editorial.approve(Article.objects.get(pk=article.pk), by=editor)
            results.append("approved")
        except WorkflowError as error:
            results.append(error.code)
        finally:
            connections.close_all()

    with mock.patch.object(history, "log", slow_log):
        threads = [threading.Thread(target=approve, args=(e,)) for e in editors]
        threads[0].start()
        time.sleep(0.1)
        threads[1].start()
        for thread in threads:
            thread.join(10)
    assert sorted(results) == ["approved", "state"]
    assert ArticleEvent.objects.filter(article=article, action=Action.APPROVED).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_mail_goes_after_the_transition_commits_not_inside_its_row_lock(mailoutbox):
    """A slow mail server holds up nobody: while the email is sent, the row is free."""
    ensure_roles()
    writer = make_user(role="writer", email="writer@example.gov.cn")
    editor = make_user(role="editor")
    article = make_article(author=writer, status=Status.IN_REVIEW)
    real_send = notifications.send
    seen = {}

    def send_and_look(*args, **kwargs):
        from django.db import connections

        def other_connection():
            try:
                with transaction.atomic():
                    locked = Article.objects.select_for_update(nowait=True).get(pk=article.pk)
                    seen["status"] = locked.status
            except Exception as error:  # noqa: BLE001 (the lock is what the test looks for)
                seen["error"] = repr(error)
            finally:
                connections.close_all()

        thread = threading.Thread(target=other_connection)
        thread.start()
        thread.join(10)
        return real_send(*args, **kwargs)

    with mock.patch.object(notifications, "send", send_and_look):
        event = editorial.approve(article, by=editor)
    assert seen == {"status": Status.PUBLISHED}, seen
    assert [message.to for message in mailoutbox] == [["writer@example.gov.cn"]]
    assert ArticleEvent.objects.get(pk=event.pk).recipients == ["writer@example.gov.cn"]


def test_workflow_settings_come_from_the_environment():
    """The two-person rule and SMTP are configured by environment variables."""
    from tests.newsroom.test_project import settings_in_subprocess

    code = (
        "print(settings.NEWSROOM_TWO_PERSON_RULE, settings.EMAIL_HOST, settings.EMAIL_PORT, "
        "settings.EMAIL_USE_TLS, settings.DEFAULT_FROM_EMAIL, settings.NEWSROOM_SITE_URL)"
    )
    default = settings_in_subprocess(code, DJANGO_SECRET_KEY="k").stdout.split()
    assert default == [
        "True", "localhost", "25", "False", "newsroom@localhost", "http://127.0.0.1:8000"
    ]  # fmt: skip
    custom = settings_in_subprocess(
        code, DJANGO_SECRET_KEY="k", NEWSROOM_TWO_PERSON_RULE="0",
        EMAIL_HOST="smtp.example.gov.cn", EMAIL_PORT="587", EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="news@example.gov.cn", NEWSROOM_SITE_URL="https://news.example.gov.cn",
    ).stdout.split()  # fmt: skip
    assert custom == [
        "False", "smtp.example.gov.cn", "587", "True", "news@example.gov.cn",
        "https://news.example.gov.cn",
    ]  # fmt: skip
