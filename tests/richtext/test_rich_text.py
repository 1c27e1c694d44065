"""Every write path sanitises article bodies; pages render only sanitised HTML."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from articles.models import Article
from tests.factories import make_article, make_source, make_superuser, make_user

pytestmark = pytest.mark.django_db

HOSTILE = '<p onclick="steal()">Hi</p><script>alert(1)</script><img src="x" onerror="alert(2)">'
CLEAN = "<p>Hi</p>"


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(make_superuser())
    return client


def article_form(**overrides):
    data = {
        "title": "Heating season begins",
        "slug": "",
        "summary": "",
        "body": "<p>Radiators are on.</p>",
        "source": make_source().pk,
        "source_url": "",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "public_updated_at_0": "",
        "public_updated_at_1": "",
        "language": "en",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_admin_tells_the_editor_what_was_removed(admin_client):
    """Saving a body with disallowed markup stores it clean and says what was removed."""
    response = admin_client.post(
        "/admin/articles/article/add/", article_form(body=HOSTILE), follow=True
    )
    assert Article.objects.get().body == CLEAN
    warnings = [m for m in messages_of(response) if "not allowed on the public site" in m]
    assert len(warnings) == 1
    assert "<script>" in warnings[0] and 'onclick="…" on <p>' in warnings[0]
    assert "&lt;script&gt;" in response.content.decode()  # shown as text, not run


def test_admin_says_nothing_when_nothing_was_removed(admin_client):
    """A body the toolbar could have produced saves without a warning."""
    body = (
        '<h2>Heading</h2><p><strong>Bold</strong> <a href="https://x.example/">link</a></p>'
        '<table><tr><th scope="col">A</th></tr><tr><td>1</td></tr></table>'
    )
    response = admin_client.post(
        "/admin/articles/article/add/", article_form(body=body), follow=True
    )
    assert not [m for m in messages_of(response) if "not allowed" in m]


def test_queryset_update_sanitises(client):
    """QuerySet.update(body=...) skips save() but still cleans the body."""
    article = make_article()
    Article.objects.filter(pk=article.pk).update(body=HOSTILE)
    article.refresh_from_db()
    assert article.body == CLEAN


def test_bulk_create_and_bulk_update_sanitise():
    """Bulk inserts and bulk updates clean bodies too."""
    author, source = make_user(), make_source()
    Article.objects.bulk_create(
        [Article(title="Bulk", slug="bulk", body=HOSTILE, author=author, source=source)]
    )
    article = Article.objects.get(slug="bulk")
    assert article.body == CLEAN
    article.body = "<p>ok</p><iframe src='https://evil.example'></iframe>"
    Article.objects.bulk_update([article], ["body"])
    article.refresh_from_db()
    assert article.body == "<p>ok</p>"


def test_page_sanitises_a_body_written_behind_the_models_back(client):
    """A body written with raw SQL is still cleaned when the page renders it."""
    article = make_article()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Article._meta.db_table} SET body = %s WHERE id = %s", [HOSTILE, article.pk]
        )
    content = client.get(article.get_absolute_url()).content.decode()
    assert "alert(" not in content and "onclick" not in content and "<script>" not in content
    assert "<p>Hi</p>" in content


def _migration(suffix):
    """The migration whose name ends with ``suffix`` (names get renumbered when merged)."""
    executor = MigrationExecutor(connection)
    names = [name for app, name in executor.loader.disk_migrations if app == "articles"]
    return executor, next(name for name in names if name.endswith(suffix))


@pytest.mark.django_db(transaction=True)
def test_data_migration_cleans_existing_bodies():
    """The data migration cleans bodies stored before the allow-list was enforced."""
    executor, name = _migration("richtext_clean_bodies")
    parent = executor.loader.get_migration("articles", name).dependencies[0]
    executor.migrate([parent])
    old_apps = executor.loader.project_state([parent]).apps
    OldArticle = old_apps.get_model("articles", "Article")
    User = old_apps.get_model("auth", "User")
    Source = old_apps.get_model("articles", "Source")
    author = User.objects.create(username="legacy")
    source = Source.objects.create(name="Legacy", slug="legacy")
    dirty = OldArticle.objects.create(
        title="Dirty", slug="dirty", body=HOSTILE, author=author, source=source
    )
    tidy = OldArticle.objects.create(
        title="Tidy", slug="tidy", body="<p>Fine</p>", author=author, source=source
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("articles"))
    assert Article.objects.get(pk=dirty.pk).body == CLEAN
    assert Article.objects.get(pk=tidy.pk).body == "<p>Fine</p>"
