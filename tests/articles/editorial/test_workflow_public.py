"""What the public sees of the workflow: schedules, withdrawals, removals; staff previews."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import html5lib
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import editorial
from articles.models import Article, ArticleEvent
from tests.factories import make_article, make_district, make_user

pytestmark = pytest.mark.django_db

Status = Article.Status
PAST, FUTURE = timedelta(hours=-1), timedelta(hours=1)

# (status, offset of published_at, listed publicly, answers at its URL)
RECORD = [
    (Status.DRAFT, None, False, False),
    (Status.IN_REVIEW, None, False, False),
    (Status.PUBLISHED, PAST, True, True),
    (Status.PUBLISHED, FUTURE, False, False),
    (Status.WITHDRAWN, PAST, False, True),
    (Status.REMOVED, PAST, False, False),
]


@pytest.mark.parametrize(("status", "offset", "listed", "on_record"), RECORD)
def test_published_and_on_public_record_matrix(status, offset, listed, on_record):
    """Only published() lists; on_public_record() adds withdrawn articles, for their page."""
    published_at = None if offset is None else timezone.now() + offset
    article = make_article(status=status, published_at=published_at)
    assert Article.objects.published().filter(pk=article.pk).exists() is listed
    assert Article.objects.on_public_record().filter(pk=article.pk).exists() is on_record


def test_an_approved_schedule_goes_public_at_its_time_without_any_process(client):
    """Approved for later: 404 now, and the page and lists show it once the clock passes."""
    writer, editor = make_user(role="writer"), make_user(role="editor")
    article = make_article(author=writer, status=Status.IN_REVIEW, title="Greenway opens")
    at = timezone.now() + timedelta(hours=2)
    editorial.approve(article, by=editor, at=at)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Greenway opens" not in client.get("/articles/").content.decode()
    later = at + timedelta(seconds=1)
    # Both clocks move: timezone.now() for queries, time.time() for cached memos' freshness.
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("time.time", return_value=later.timestamp()),
    ):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "Greenway opens" in client.get("/articles/").content.decode()


def test_a_withdrawn_article_keeps_its_page_under_a_notice(client):
    article = make_article(
        title="Marathon road closures",
        body="<p>Roads close at 5 a.m.</p>",
        status=Status.WITHDRAWN,
        withdrawn_at=timezone.make_aware(timezone.datetime(2024, 5, 3, 10)),
        withdrawal_explanation="The marathon was postponed.",
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    notice = "This article was withdrawn on 2024-05-03:</strong> The marathon was postponed."
    assert notice in content
    assert content.index(notice) < content.index("<p>Roads close at 5 a.m.</p>")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(content)


def test_a_withdrawn_article_leaves_every_list(client):
    district = make_district()
    article = make_article(title="Withdrawn story", status=Status.WITHDRAWN, districts=[district])
    for url in ["/", "/articles/", district.get_absolute_url(), article.source.get_absolute_url()]:
        assert "Withdrawn story" not in client.get(url).content.decode(), url


def test_the_withdrawn_notice_is_only_on_withdrawn_articles(client):
    content = client.get(make_article().get_absolute_url()).content.decode()
    assert "was withdrawn" not in content


def test_a_withdrawn_page_costs_no_extra_queries(client):
    """A withdrawn story's page runs the same queries as a published one's."""
    district = make_district()
    published = make_article(districts=[district])
    withdrawn = make_article(status=Status.WITHDRAWN, districts=[district])
    for article in (published, withdrawn):
        client.get(article.get_absolute_url())  # site settings, banners, related: memoised
    with CaptureQueriesContext(connection) as published_queries:
        client.get(published.get_absolute_url())
    with CaptureQueriesContext(connection) as withdrawn_queries:
        client.get(withdrawn.get_absolute_url())
    assert len(withdrawn_queries) == len(published_queries)


def test_a_removed_article_is_gone(client):
    article = make_article(status=Status.REMOVED)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    content = response.content.decode()
    assert "This page has been removed" in content
    assert article.title not in content
    assert "Withdrawn" not in content
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(content)


def test_a_removed_article_with_a_replacement_redirects_permanently(client):
    article = make_article(status=Status.REMOVED, replacement_url="/articles/corrected/")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == "/articles/corrected/"


def test_removal_through_the_workflow_answers_410(client):
    article = make_article(author=make_user(role="writer"))
    editorial.remove(article, by=make_user(role="editor"), reason="Published in error")
    assert client.get(article.get_absolute_url()).status_code == 410


# Preview.


def preview_url(article):
    return f"/admin/articles/article/{article.pk}/preview/"


def test_the_author_previews_a_draft_in_the_public_template(client):
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.DRAFT, body="<p>Draft text.</p>")
    client.force_login(writer)
    response = client.get(preview_url(article))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Preview — not published" in content
    assert (
        f'<h1 class="story__title">{article.title}</h1>' in content
        and "<p>Draft text.</p>" in content
    )
    assert '<meta name="robots" content="noindex, nofollow">' in content
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "private"} <= cache
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(content)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN])
def test_editors_preview_any_article(client, status):
    article = make_article(status=status)
    client.force_login(make_user(role="editor"))
    assert client.get(preview_url(article)).status_code == 200


def test_preview_is_404_to_everyone_who_may_not_view_the_article(client):
    article = make_article(status=Status.DRAFT, author=make_user(role="writer"))
    assert client.get(preview_url(article)).status_code == 404  # anonymous
    client.force_login(make_user())  # logged in, not staff
    assert client.get(preview_url(article)).status_code == 404
    client.force_login(make_user(role="writer"))  # another writer
    assert client.get(preview_url(article)).status_code == 404
    client.force_login(make_user(role="editor"))
    assert client.get("/admin/articles/article/999999/preview/").status_code == 404


def test_the_change_form_links_to_the_preview(client):
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.DRAFT)
    client.force_login(writer)
    content = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert f'href="{preview_url(article)}"' in content
    # Not public yet: no "view on site" link to a 404.
    assert "View on site" not in content


# Demo content.


def test_demo_stories_come_with_their_history(settings):
    settings.DEBUG = True
    call_command("seed_demo_data", stdout=StringIO())
    events = ArticleEvent.objects.count()
    for article in Article.objects.all():
        actions = [e.action for e in article.events.all()]
        assert actions[0] == ArticleEvent.Action.CREATED
        if article.status != Status.DRAFT:
            assert len(actions) >= 2
    assert Article.objects.filter(status=Status.WITHDRAWN).exists()
    assert Article.objects.urgent_unconfirmed().exists()
    approved = ArticleEvent.objects.filter(action=ArticleEvent.Action.APPROVED)
    assert approved.exists()
    assert all(e.actor_id != e.article.author_id for e in approved)
    call_command("seed_demo_data", stdout=StringIO())
    assert ArticleEvent.objects.count() == events
