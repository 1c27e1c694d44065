"""
Every write that changes what the public sees reaches the receivers (articles/receivers.py),
whatever path made it: the cached list's count and pages, the page of a story, a district's
page and the site's name are fresh at once after each.

Each test first shows a page from the cache (so it could be stale), then writes one way, then
reads again. A receiver that is not connected leaves the cached page, its memoised count and
its memoised page anchors as they were, and the test fails.
"""

import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles import editorial
from articles.models import Article, District, SiteSettings, Source
from tests.factories import (
    make_article,
    make_district,
    make_source,
    make_superuser,
    make_user,
)

pytestmark = pytest.mark.django_db

PER_PAGE = 20


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600


@pytest.fixture
def listed(client):
    """21 public stories: page 1 of 2, cached with its memoised count, and page 2 with one."""
    source = make_source(name="Binhai Daily", slug="binhai-daily")
    stories = [make_article(source=source) for _ in range(PER_PAGE + 1)]
    assert pages_of_the_list(client) == 2
    assert client.get("/articles/?page=2").status_code == 200
    assert client.get("/articles/?page=3").status_code == 404
    return stories


def pages_of_the_list(client):
    content = client.get("/articles/").content.decode()
    for total in range(1, 10):
        if f"Page 1 of {total}" in content:
            return total
    return 1  # one page has no pagination


def assert_list_grew_to_three_pages(client):
    assert pages_of_the_list(client) == 3
    assert client.get("/articles/?page=3").status_code == 200


def new_stories(count, source):
    author = make_user()
    when = timezone.now() - timedelta(minutes=5)
    return [
        Article(
            title=f"Bulk story {n}",
            slug=f"bulk-story-{n}",
            source=source,
            author=author,
            status=Article.Status.PUBLISHED,
            published_at=when,
        )
        for n in range(count)
    ]


def test_a_shell_save(client, listed):
    story = listed[0]
    assert client.get(story.get_absolute_url()).status_code == 200  # cached now
    assert "Renamed in a shell" not in client.get(story.get_absolute_url()).content.decode()
    story.title = "Renamed in a shell"
    story.save()
    assert "Renamed in a shell" in client.get(story.get_absolute_url()).content.decode()
    assert "Renamed in a shell" in client.get("/articles/?page=2").content.decode() + (
        client.get("/articles/").content.decode()
    )


def test_a_new_story_saved_in_a_shell_moves_the_count_and_the_pages(client, listed):
    source = listed[0].source
    for _ in range(PER_PAGE):
        make_article(source=source)
    assert_list_grew_to_three_pages(client)


def test_bulk_create(client, listed):
    Article.objects.bulk_create(new_stories(PER_PAGE, listed[0].source))
    assert_list_grew_to_three_pages(client)


def test_queryset_update(client, listed):
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(PER_PAGE)]
    assert pages_of_the_list(client) == 2
    Article.objects.filter(pk__in=[d.pk for d in drafts]).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=1)
    )
    assert_list_grew_to_three_pages(client)


def test_bulk_update(client, listed):
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(PER_PAGE)]
    assert pages_of_the_list(client) == 2
    for draft in drafts:
        draft.status = Article.Status.PUBLISHED
        draft.published_at = timezone.now() - timedelta(minutes=1)
    Article.objects.bulk_update(drafts, ["status", "published_at"])
    assert_list_grew_to_three_pages(client)


def test_queryset_delete(client, listed):
    district = make_district(name="Jizhou", slug="jizhou")
    assert "Jizhou" in client.get("/districts/").content.decode()
    District.objects.filter(pk=district.pk).delete()
    assert "Jizhou" not in client.get("/districts/").content.decode()


def test_districts_added_to_a_story(client, listed):
    district = make_district(name="Ninghe", slug="ninghe")
    story = listed[0]
    assert story.title not in client.get("/districts/ninghe/").content.decode()
    story.districts.add(district)
    assert story.title in client.get("/districts/ninghe/").content.decode()
    story.districts.clear()
    assert story.title not in client.get("/districts/ninghe/").content.decode()


def test_the_workflow(client, listed):
    writer, editor = make_user(role="writer"), make_user(role="editor")
    for _ in range(PER_PAGE):
        story = make_article(author=writer, status=Article.Status.IN_REVIEW)
        editorial.approve(story, by=editor)
    assert_list_grew_to_three_pages(client)


def test_the_admin(client, listed):
    """A source renamed in the admin: its name on the list's filter and on its stories' pages."""
    source = Source.objects.get(slug="binhai-daily")
    assert "Binhai Evening News" not in client.get("/articles/").content.decode()
    client.force_login(make_superuser())
    response = client.post(
        f"/admin/articles/source/{source.pk}/change/",
        {"name": "Binhai Evening News", "slug": source.slug, "url": ""},
    )
    assert response.status_code == 302
    client.logout()
    assert "Binhai Evening News" in client.get("/articles/").content.decode()
    assert "Binhai Evening News" in client.get(listed[0].get_absolute_url()).content.decode()


def test_import_content(client, listed, tmp_path):
    path = tmp_path / "content.json"
    call_command("export_content", "--output", str(path), stdout=io.StringIO())
    data = json.loads(path.read_text())
    template = data["articles"][0]
    for n in range(PER_PAGE):
        data["articles"].append(
            {**template, "slug": f"imported-{n}", "title": f"Imported {n}", "old_slugs": []}
        )
    path.write_text(json.dumps(data))
    call_command("import_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert_list_grew_to_three_pages(client)


def test_a_data_migration(client, listed):
    """
    A data migration writes through historical models, which no receiver listens to; the
    end of ``migrate`` makes everything cached stale.
    """
    story = listed[0]
    assert client.get(story.get_absolute_url()).status_code == 200  # cached now
    state = MigrationExecutor(connection).loader.project_state()
    historical = state.apps.get_model("articles", "Article")
    historical.objects.filter(pk=story.pk).update(title="Retitled by a migration")
    assert "Retitled by a migration" not in client.get(story.get_absolute_url()).content.decode()
    call_command("migrate", verbosity=0)
    assert "Retitled by a migration" in client.get(story.get_absolute_url()).content.decode()


def test_the_site_name_is_the_same_on_pages_feeds_and_emails(client, listed):
    """Renamed by an administrator: pages, feeds, the news sitemap and workflow mail agree."""
    for url in ["/", "/feeds/rss/", "/feeds/atom/"]:
        assert "Binhai Bulletin" not in client.get(url).content.decode()
    site = SiteSettings.load()
    site.site_name = "Binhai Bulletin"
    site.save()
    assert "<title>Binhai Bulletin</title>" in client.get("/").content.decode()
    assert "Binhai Bulletin" in client.get(listed[0].get_absolute_url()).content.decode()
    rss = client.get("/feeds/rss/").content.decode()
    assert "<title>Binhai Bulletin: latest stories</title>" in rss
    atom = client.get("/feeds/atom/").content.decode()
    assert "<title>Binhai Bulletin: latest stories</title>" in atom
    assert "<name>Binhai Bulletin</name>" in atom
    district = make_district(name="Hedong", slug="hedong")
    assert (
        "<title>Binhai Bulletin: Hedong</title>"
        in client.get("/districts/hedong/rss/").content.decode()
    )
    news = client.get("/sitemap-news.xml").content.decode()
    assert "<news:name>Binhai Bulletin</news:name>" in news
    assert district.name
    writer = make_user(role="writer", email="writer@example.gov.cn")
    story = make_article(author=writer, status=Article.Status.IN_REVIEW)
    mail.outbox.clear()
    editorial.approve(story, by=make_user(role="editor"))
    [message] = mail.outbox
    assert "Binhai Bulletin" in message.subject + message.body
    assert "Tianjin Updates" not in message.subject + message.body
