"""
The admin's front page tells each person what waits for them, and the article list's *work*
filter lists exactly what it counts.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import editorial
from articles.editorial import history, queues
from articles.models import Article, ArticleEvent
from tests.factories import make_article, make_pending_changes, make_superuser, make_user
from tests.htmlcheck import parse, text
from tests.querycounts import assert_constant_queries

pytestmark = pytest.mark.django_db

Status = Article.Status


def waiting(client, **headers):
    """The front page's "Waiting for you" rows: {label: (count, link)}."""
    document = parse(client.get("/admin/", **headers).content)
    [module] = [div for div in document.iter("div") if "work-queues" in div.get("class", "")]
    rows = {}
    for row in module.iter("tr"):
        link = next(row.iter("a"))
        count = next(td for td in row.iter("td") if td.get("class") == "work-queues__count")
        rows[text(link)] = (int(text(count)), link.get("href"))
    return rows


def listed(client, href):
    return set(client.get(href).context["cl"].result_list)


def newsroom():
    """A writer and an editor, and a story in each queue (some of them twice)."""
    writer, editor, other = make_user(role="writer"), make_user(role="editor"), make_user()
    now = timezone.now()
    stories = {
        "review": [
            make_article(author=writer, status=Status.IN_REVIEW),
            make_article(author=other, status=Status.IN_REVIEW),
        ],
        "draft": [make_article(author=writer, status=Status.DRAFT)],
        "scheduled": [make_article(author=writer, published_at=now + timedelta(days=1))],
        "urgent": [make_article(author=other, urgent_unconfirmed=True)],
        "withdrawn": [make_article(author=writer, status=Status.WITHDRAWN)],
        "withdrawn long ago": [
            make_article(
                author=writer, status=Status.WITHDRAWN, withdrawn_at=now - timedelta(days=8)
            )
        ],
        "live": [make_article(author=writer)],
    }
    # Changes requested of the writer: a new story, and the changes to a live one.
    sent_back = make_article(author=writer, status=Status.IN_REVIEW)
    editorial.request_changes(sent_back, by=editor, comment="Name the source of the figures.")
    live = make_article(author=writer)
    make_pending_changes(live, title="A corrected title", status="in_review")
    editorial.request_changes(live, by=editor, comment="The date is wrong.")
    stories["changes requested"] = [sent_back, live]
    return writer, editor, stories


def test_an_editor_sees_what_waits_with_counts_and_links(client):
    """Awaiting review, urgent, scheduled and withdrawn this week, each linked to its list."""
    writer, editor, stories = newsroom()
    client.force_login(editor)
    rows = waiting(client)
    assert {label: count for label, (count, _) in rows.items()} == {
        "Awaiting review": 2,
        "Published urgently, needs review": 1,
        "Changes requested of me": 0,
        "My drafts": 0,
        "Scheduled": 1,
        "Withdrawn in the last week": 1,
    }
    assert listed(client, rows["Awaiting review"][1]) == set(stories["review"])
    assert listed(client, rows["Published urgently, needs review"][1]) == set(stories["urgent"])
    assert listed(client, rows["Scheduled"][1]) == set(stories["scheduled"])
    assert listed(client, rows["Withdrawn in the last week"][1]) == set(stories["withdrawn"])
    for count, href in rows.values():
        assert re.fullmatch(r"/admin/articles/article/\?queue=[a-z_]+", href)
        assert len(listed(client, href)) == count


def test_a_writer_sees_the_changes_asked_of_them_and_no_review_queue(client):
    """A writer reviews nothing: their page counts their own work only."""
    writer, editor, stories = newsroom()
    client.force_login(writer)
    rows = waiting(client)
    assert {label: count for label, (count, _) in rows.items()} == {
        "Changes requested of me": 2,
        "My drafts": 2,  # one they wrote, one sent back to them
        "Scheduled": 1,
        "Withdrawn in the last week": 1,
    }
    assert listed(client, rows["Changes requested of me"][1]) == set(stories["changes requested"])


def test_changes_requested_leave_the_queue_when_answered():
    """Edits leave the request standing; submitting again answers it."""
    writer, editor, stories = newsroom()
    sent_back, live = stories["changes requested"]

    def requested():
        return set(queues.in_queue(Article.objects.all(), "changes_requested", writer))

    history.log_unchanged(sent_back, ArticleEvent.Action.EDITED, writer)
    assert requested() == {sent_back, live}
    editorial.submit(sent_back, by=writer)
    assert requested() == {live}
    editorial.discard_changes(Article.objects.get(pk=live.pk), by=writer)
    assert requested() == set()
    assert set(queues.in_queue(Article.objects.all(), "changes_requested", editor)) == set()


def test_counting_every_queue_costs_one_query(django_assert_num_queries):
    """However many queues and articles, the counts are one query."""
    writer, editor, stories = newsroom()
    shown = queues.front_page(editor)
    editor.has_perm("articles.view_article")  # permissions loaded, as on the page
    with django_assert_num_queries(1):
        counts = queues.counts(Article.objects.visible_to(editor), editor, shown)
    assert counts["review"] == 2


@pytest.mark.parametrize("role", ["writer", "editor", "superuser"])
def test_the_front_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries, role):
    """The front page runs as many queries with a full newsroom as with an empty one."""
    person = make_superuser() if role == "superuser" else make_user(role=role)
    client.force_login(person)

    def grow():
        for status in [Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN]:
            for _ in range(3):
                make_article(author=person, status=status)
        make_article(author=person, published_at=timezone.now() + timedelta(days=2))
        make_article(urgent_unconfirmed=True)

    def fetch():
        assert client.get("/admin/").status_code == 200

    assert_constant_queries(django_assert_num_queries, fetch, grow, most=12)


def test_the_front_page_keeps_the_list_of_apps(client):
    """The apps and models are still listed below the queues."""
    client.force_login(make_superuser())
    content = client.get("/admin/").content.decode()
    assert content.index("Waiting for you") < content.index('href="/admin/articles/article/"')
    assert "Recent actions" in content


def test_the_front_page_speaks_chinese(client):
    """Its heading and every queue are translated."""
    writer, editor, stories = newsroom()
    client.force_login(editor)
    rows = waiting(client, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in rows), rows
    assert "等待您处理" in client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_the_changes_queue_says_it_holds_scheduled_stories_too(client):
    """A scheduled story's changes are not a live story's: the queue's name says both."""
    editor = make_user(role="editor")
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    make_pending_changes(scheduled, title="Earlier start")
    live = make_article()
    make_pending_changes(live, title="A better title")
    client.force_login(editor)
    response = client.get("/admin/articles/article/", {"queue": "changes"})
    assert set(response.context["cl"].result_list) == {scheduled, live}
    content = response.content.decode()
    assert "Published or scheduled, with unpublished changes" in content
    assert "Live, with unpublished changes" not in content


def test_the_queues_agree_with_the_named_querysets():
    """Counted in one query, the queues still mean what the staff querysets say."""
    writer, editor, stories = newsroom()
    make_pending_changes(make_article(), title="Changed")
    everything = Article.objects.all()
    for name, named in [
        ("review", Article.objects.awaiting_review()),
        ("urgent", Article.objects.urgent_unconfirmed()),
        ("changes", Article.objects.with_pending_changes()),
    ]:
        assert set(queues.in_queue(everything, name, editor)) == set(named), name
    scheduled = set(Article.objects.scheduled())
    assert scheduled <= set(queues.in_queue(everything, "scheduled", editor))
