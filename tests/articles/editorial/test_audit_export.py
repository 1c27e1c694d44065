"""Administrators export an article's full history, or the audit log of a date range, as CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.http import StreamingHttpResponse
from django.utils import timezone

from articles import editorial
from articles.editorial import audit
from articles.models import Article, ArticleEvent, ChangeNote, ShareLink
from tests.articles.editorial.test_roles import find_migration
from tests.factories import make_article, make_pending_changes, make_superuser, make_user

pytestmark = pytest.mark.django_db


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def story(db):
    """An article with a history: written, corrected (major), shared, opened."""
    writer = make_user(role="writer", first_name="Wang", last_name="Fang")
    editor = make_user(role="editor", first_name="Li", last_name="Wei")
    article = make_article(author=writer, title="Roads close on Sunday")
    make_pending_changes(article, writer, status="in_review", title="Roads close on Sunday at 6")
    editorial.approve(
        Article.objects.get(pk=article.pk),
        by=editor,
        major=True,
        note_kind="correction",
        note="The time was wrong.",
    )
    link, _ = ShareLink.create(article, editor)
    link.opens.create(user_agent="Reviewer browser")
    return article


def test_an_administrator_exports_an_articles_full_history(client, story):
    client.force_login(make_user(role="administrator"))
    response = client.get(f"/admin/articles/article/{story.pk}/history.csv")
    assert response.status_code == 200
    assert 'filename="article-' in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header == [
        "time", "article id", "article", "record", "action", "by", "from", "to", "revision",
        "details",
    ]  # fmt: skip
    records = [(row[3], row[4]) for row in rows]
    assert ("revision", "As stored before revisions were kept") in records
    assert ("revision", "Edit") in records
    assert ("history", "Edited") in records
    assert ("history", "Approved") in records
    assert ("change note", "Correction") in records
    assert ("preview link", "Opened") in records
    assert all(row[1] == str(story.pk) for row in rows)
    times = [row[0] for row in rows]
    assert times == sorted(times)
    approved = next(row for row in rows if row[4] == "Approved")
    assert approved[5] == "Li Wei" and "The time was wrong." in approved[9]


@pytest.mark.parametrize("person", ["writer", "editor", "anonymous"])
def test_nobody_else_exports(client, story, person):
    if person != "anonymous":
        client.force_login(make_user(role=person))
    for url in [
        f"/admin/articles/article/{story.pk}/history.csv",
        "/admin/articles/articleevent/export/?start=2020-01-01&end=2030-01-01",
    ]:
        response = client.get(url)
        assert response.status_code in {302, 403}
        assert response.get("Content-Type", "").startswith("text/html")


def test_superusers_and_the_administrators_group_may_export(story):
    assert make_superuser().has_perm("articles.export_audit")
    assert make_user(role="administrator").has_perm("articles.export_audit")
    assert not make_user(role="editor").has_perm("articles.export_audit")


def test_the_audit_log_of_a_date_range(client, story):
    """Both days included, in the newsroom's time zone; other days left out."""
    old = make_article(title="Older story")
    ArticleEvent.objects.create(
        article=old,
        action=ArticleEvent.Action.EDITED,
        at=timezone.now() - timedelta(days=40),
        comment="Long ago.",
    )
    client.force_login(make_superuser())
    today = timezone.localdate()
    response = client.get(
        "/admin/articles/articleevent/export/",
        {"start": (today - timedelta(days=1)).isoformat(), "end": today.isoformat()},
    )
    assert response.status_code == 200
    _, *rows = read_csv(response)
    assert {row[2] for row in rows} == {Article.objects.get(pk=story.pk).title}
    assert "Long ago." not in {row[9] for row in rows}
    response = client.get(
        "/admin/articles/articleevent/export/",
        {"start": (today - timedelta(days=41)).isoformat(), "end": today.isoformat()},
    )
    assert "Long ago." in {row[9] for row in read_csv(response)}


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2024-05-02", "end": "2024-05-01"},
        {"start": "yesterday", "end": "2024-05-01"},
        {"start": "2024-05-01"},
    ],
)
def test_a_bad_range_is_a_form_error(client, query):
    client.force_login(make_user(role="administrator"))
    response = client.get("/admin/articles/articleevent/export/", query)
    assert response.status_code == 400
    assert (
        'class="errornote"' in response.content.decode() or "errorlist" in response.content.decode()
    )


def test_the_export_form_and_the_changelist_link(client):
    client.force_login(make_user(role="administrator"))
    assert (
        "/admin/articles/articleevent/export/"
        in client.get("/admin/articles/articleevent/").content.decode()
    )
    page = client.get("/admin/articles/articleevent/export/")
    assert page.status_code == 200 and 'type="date"' in page.content.decode()
    client.force_login(make_user(role="editor"))
    assert (
        "/admin/articles/articleevent/export/"
        not in client.get("/admin/articles/articleevent/").content.decode()
    )


@pytest.mark.parametrize("value", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1"])
def test_cells_a_spreadsheet_would_run_are_defused(value):
    assert audit.safe_cell(value) == "'" + value
    assert audit.safe_cell("Plain text") == "Plain text"
    assert audit.safe_cell(None) == ""


def test_hostile_titles_and_notes_are_exported_as_text(client):
    article = make_article(title='=HYPERLINK("http://evil.example","click")')
    ChangeNote.objects.create(
        article=article, kind="update", note="@SUM(1+1)", public_at=timezone.now()
    )
    client.force_login(make_superuser())
    _, *rows = read_csv(client.get(f"/admin/articles/article/{article.pk}/history.csv"))
    assert rows and all(row[2] == "'" + article.title for row in rows)
    assert any(row[9] == "'@SUM(1+1)" for row in rows)
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_the_permission_migration_grants_and_takes_back():
    migration = find_migration("revisions_audit_permission")
    administrators = Group.objects.get(name="Administrators")
    permission = Permission.objects.get(codename="export_audit")
    migration.revoke(django_apps, None)
    assert permission not in administrators.permissions.all()
    migration.grant(django_apps, None)
    migration.grant(django_apps, None)
    assert list(administrators.permissions.filter(codename="export_audit")) == [permission]
