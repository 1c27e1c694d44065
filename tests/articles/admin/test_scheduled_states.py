"""
A scheduled story is approved but not public: nothing in the admin calls it live or
published, and its unpublished changes are compared with "the approved version".
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import article_admin_form, make_article, make_pending_changes, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled():
    return make_article(
        title="Metro line 11 opens", published_at=timezone.now() + timedelta(days=2)
    )


@pytest.fixture
def editor(client):
    person = make_user(role="editor")
    client.force_login(person)
    return person


def results(client, **query):
    return set(client.get("/admin/articles/article/", query).context["cl"].result_list)


def test_the_status_filter_tells_scheduled_from_published(client, editor, scheduled):
    """A "Published" filter lists what readers can see; "Scheduled" what they will see later."""
    public = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    assert results(client, status__exact="published") == {public}
    assert results(client, status__exact="scheduled") == {scheduled}
    assert results(client, status__exact="draft") == {draft}
    assert results(client) == {public, draft, scheduled}
    choices = client.get("/admin/articles/article/").content.decode()
    assert choices.index("?status__exact=scheduled") < choices.index("?status__exact=published")


def test_saving_a_scheduled_storys_changes_does_not_mention_readers(client, editor, scheduled):
    """Its edit waits for approval; the approved version, not a live one, goes public."""
    response = client.post(
        f"/admin/articles/article/{scheduled.pk}/change/",
        article_admin_form(scheduled, title="Metro line 11 opens on Friday"),
        follow=True,
    )
    content = response.content.decode()
    assert "The approved version goes public at its time unless the changes are approved" in (
        content
    )
    assert "Readers still see the live version" not in content


def test_a_scheduled_storys_revisions_and_comparisons_say_approved_not_live(
    client, editor, scheduled
):
    """The revision list, the comparison and the approval page name the approved version."""
    make_pending_changes(scheduled, title="Metro line 11 opens on Friday", status="in_review")
    revisions = client.get(f"/admin/articles/article/{scheduled.pk}/revisions/").content.decode()
    assert "approved, scheduled" in revisions and ">live<" not in revisions
    assert "Compare the newest with the approved version" in revisions
    compare = client.get(f"/admin/articles/article/{scheduled.pk}/revisions/compare/")
    assert "the approved version" in compare.content.decode()
    assert "the live version" not in compare.content.decode()
    approve = client.get(f"/admin/articles/article/{scheduled.pk}/workflow/approve/")
    assert "What changed since the approved version (revision" in approve.content.decode()


def test_restoring_a_revision_of_a_scheduled_story_says_what_goes_public(client, editor, scheduled):
    """The restored text waits for approval; the approved version keeps its time."""
    make_pending_changes(scheduled, title="Metro line 11 opens on Friday")
    scheduled.refresh_from_db()
    response = client.post(
        f"/admin/articles/article/{scheduled.pk}/revisions/1/restore/",
        {"token": scheduled.workflow_token()},
        follow=True,
    )
    content = response.content.decode()
    assert "The approved version goes public at its time unless this one is approved" in content
    assert "Readers still see the live version" not in content
