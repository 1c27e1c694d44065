"""
No lost edits: optimistic locking of the change form and the workflow buttons, between two
browsers and between two processes, and who else has an article open.
"""

import os
import re
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.editorial import revisions
from articles.models import Article, ArticleEvent, EditingPresence
from tests.factories import ensure_roles, make_article, make_pending_changes, make_user

Status = Article.Status


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def form_data(article, version, **overrides):
    """What a change form opened at ``version`` posts: the fields as they were then."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "language": "en",
        "source": article.source_id,
        "source_url": article.source_url,
        "districts": [district.pk for district in article.districts.all()],
        "version": version,
    }
    data.update(overrides)
    return data


def opened_version(client, article):
    """Open the change form as a browser would, and read the version it carries."""
    page = client.get(change_url(article)).content.decode()
    return int(re.search(r'name="version" value="(\d+)"', page).group(1))


def snapshot(article):
    row = Article.objects.filter(pk=article.pk).values().get()
    return row, list(ArticleEvent.objects.filter(article_id=article.pk).values())


@pytest.fixture
def two_editors(db):
    first = make_user(role="editor", first_name="Li", last_name="Wei")
    second = make_user(role="editor", first_name="Zhao", last_name="Min")
    one, two = Client(), Client()
    one.force_login(first)
    two.force_login(second)
    return first, second, one, two


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.PUBLISHED])
def test_the_second_save_is_refused_and_keeps_what_was_typed(two_editors, status):
    """
    Two people open the same article; the first saves; the second save overwrites nothing,
    names who changed it and when, links to their change, and gives back everything typed.
    """
    first, second, one, two = two_editors
    article = make_article(status=status, title="Heating season begins", summary="Old.")
    version_one, version_two = opened_version(one, article), opened_version(two, article)
    assert version_one == version_two
    assert one.post(change_url(article), form_data(article, version_one, summary="By Li."))
    typed = form_data(
        article, version_two, title="Heating starts today", summary="Typed by Zhao, not lost."
    )
    response = two.post(change_url(article), typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Li Wei changed this article at" in page and "after you opened it" in page
    assert "Nothing was saved" in page and "See what they changed</a>." in page
    assert f"/admin/articles/article/{article.pk}/revisions/compare/?since={version_two}" in page
    assert 'value="Heating starts today"' in page and "Typed by Zhao, not lost." in page
    if status == Status.PUBLISHED:
        draft = Article.objects.get(pk=article.pk).pending_revision.snapshot
        assert draft["summary"] == "By Li." and draft["title"] == "Heating season begins"
    else:
        stored = Article.objects.get(pk=article.pk)
        assert (stored.summary, stored.title) == ("By Li.", "Heating season begins")
    # The link shows Li's change.
    compare = two.get(
        f"/admin/articles/article/{article.pk}/revisions/compare/?since={version_two}"
    )
    assert "<ins>By Li</ins>" in compare.content.decode()
    # The form now carries the current version: saving again replaces Li's knowingly.
    current = int(re.search(r'name="version" value="(\d+)"', page).group(1))
    assert current == Article.objects.get(pk=article.pk).version
    assert two.post(change_url(article), {**typed, "version": current}).status_code == 302
    stored = Article.objects.get(pk=article.pk)
    summary = (
        stored.pending_revision.snapshot["summary"]
        if status == Status.PUBLISHED
        else stored.summary
    )
    assert summary == "Typed by Zhao, not lost."


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "", "abc", "0", "-1"])
def test_a_save_without_a_valid_version_is_refused(two_editors, version):
    """A forged or damaged form (no version, or not a number) saves nothing."""
    _, _, one, _ = two_editors
    article = make_article(status=Status.DRAFT, title="Original")
    before = snapshot(article)
    data = form_data(article, version, title="Forged")
    if version is None:
        del data["version"]
    response = one.post(change_url(article), data)
    assert response.status_code == 200
    assert snapshot(article) == before


@pytest.mark.django_db
def test_a_save_from_an_old_version_number_is_refused_even_if_it_once_matched(two_editors):
    _, _, one, two = two_editors
    article = make_article(status=Status.DRAFT, title="Original")
    version = opened_version(one, article)
    one.post(change_url(article), form_data(article, version, title="First"))
    fresh = Article.objects.get(pk=article.pk)
    one.post(change_url(article), form_data(fresh, version + 1, title="Second"))
    before = snapshot(article)
    response = two.post(change_url(article), form_data(article, version + 1, title="Third"))
    assert "after you opened it" in response.content.decode()
    assert snapshot(article) == before


@pytest.mark.django_db
def test_saving_unchanged_form_from_an_old_page_is_harmless(two_editors):
    """Nothing typed, nothing at risk: the form saves nothing and is not refused."""
    _, _, one, two = two_editors
    article = make_article(status=Status.DRAFT, title="Original")
    version = opened_version(two, article)
    one.post(change_url(article), form_data(article, opened_version(one, article), title="New"))
    fresh = Article.objects.get(pk=article.pk)
    before = snapshot(article)
    response = two.post(change_url(article), form_data(fresh, version))
    assert response.status_code == 302
    assert snapshot(article) == before


@pytest.mark.django_db
def test_a_workflow_button_from_before_an_edit_is_refused(two_editors, mailoutbox):
    """The buttons carry the same version as the form: an edit since makes them stale."""
    first, second, one, two = two_editors
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.IN_REVIEW, title="Original")
    version = opened_version(two, article)
    one.post(change_url(article), form_data(article, opened_version(one, article), title="Edited"))
    before = snapshot(article)
    response = two.post(
        f"/admin/articles/article/{article.pk}/workflow/approve/",
        {"approve-token": str(version), "approve-at": "", "approve-confirm": "on"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "changed after you opened it: Li Wei (edited)" in page
    assert snapshot(article) == before and mailoutbox == []


@pytest.mark.django_db
def test_a_stale_approval_of_changes_is_refused_after_more_edits(two_editors):
    first, second, one, two = two_editors
    writer = make_user(role="writer")
    article = make_article(author=writer, title="Live")
    make_pending_changes(article, writer, status=Article.PendingStatus.IN_REVIEW, title="Draft")
    token = Article.objects.get(pk=article.pk).workflow_token()
    make_pending_changes(article, first, status=Article.PendingStatus.IN_REVIEW, title="Redone")
    response = two.post(
        f"/admin/articles/article/{article.pk}/workflow/approve/",
        {
            "approve-token": token,
            "approve-at": "",
            "approve-confirm": "on",
            "approve-major": "minor",
        },
    )
    assert (
        response.status_code == 400 and "changed after you opened it" in response.content.decode()
    )
    assert Article.objects.get(pk=article.pk).title == "Live"


@pytest.mark.django_db
def test_the_form_names_who_else_opened_it_recently(two_editors):
    first, second, one, two = two_editors
    article = make_article(status=Status.DRAFT)
    one.get(change_url(article))
    page = two.get(change_url(article)).content.decode()
    assert "Also editing this article:" in page and "Li Wei (active 0\xa0minutes ago)" in page
    assert "Also editing this article:" in one.get(change_url(article)).content.decode()
    # Not heard from for more than two minutes: no longer named.
    EditingPresence.objects.filter(user=first).update(seen_at=timezone.now() - timedelta(minutes=6))
    assert "Also editing" not in two.get(change_url(article)).content.decode()
    # One row per person and article, however often they open it.
    one.get(change_url(article))
    one.get(change_url(article))
    assert EditingPresence.objects.filter(article=article).count() == 2


@pytest.mark.django_db
def test_an_open_form_says_it_is_still_open_and_when_it_closes(two_editors):
    first, second, one, two = two_editors
    article = make_article(status=Status.DRAFT)
    url = f"/admin/articles/article/{article.pk}/presence/"
    one.get(change_url(article))
    EditingPresence.objects.update(seen_at=timezone.now() - timedelta(minutes=3))
    assert "Also editing" not in two.get(change_url(article)).content.decode()
    assert one.post(url).status_code == 204  # the form's beat
    assert "Li Wei (active 0\xa0minutes ago)" in two.get(change_url(article)).content.decode()
    assert one.post(url, {"left": "1"}).status_code == 204  # the form closed
    assert "Also editing" not in two.get(change_url(article)).content.decode()
    assert one.get(url).status_code == 405


@pytest.mark.django_db
def test_a_read_only_page_names_nobody_and_counts_nobody(client, two_editors):
    first, second, one, two = two_editors
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.IN_REVIEW)
    one.get(change_url(article))  # an editor has the form open
    client.force_login(writer)
    page = client.get(change_url(article)).content.decode()
    assert "Also editing" not in page and "data-presence-url" not in page
    assert client.post(f"/admin/articles/article/{article.pk}/presence/").status_code == 204
    assert list(EditingPresence.objects.values_list("user", flat=True)) == [first.pk]


@pytest.mark.django_db
def test_read_only_viewers_are_not_named_as_editing(client):
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.IN_REVIEW)
    client.force_login(writer)
    client.get(change_url(article))
    assert not EditingPresence.objects.exists()


# Across processes: a second Django process (a subprocess with its own connection) against
# the same PostgreSQL row. SQLite's test database lives in this process's memory.

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process needs a shared PostgreSQL database"
)


def run_other_process(code, *, wait_for=None):
    """Start ``manage.py shell -c code`` against this test database; returns the process."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            USER=db["USER"],
            HOST=db["HOST"] or "127.0.0.1",
            PORT=db["PORT"] or 5432,
            NAME=db["NAME"],
        ),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        # The other process's test client speaks plain HTTP: no redirect to HTTPS.
        "DJANGO_HTTPS": "0",
        "PYTHONUNBUFFERED": "1",
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace("@", f":{db['PASSWORD']}@", 1)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", textwrap.dedent(code)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if wait_for:
        seen = []
        while wait_for not in (line := process.stdout.readline()):
            seen.append(line)
            assert line, "".join(seen) + process.stderr.read()
    return process


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_save_in_another_process_refuses_this_stale_form():
    """A second app process saves the article through the admin; this one's stale form is refused."""
    ensure_roles()
    editor = make_user(role="editor", first_name="Zhao", last_name="Min")
    other = make_user(role="editor", username="other-process", first_name="Sun", last_name="Li")
    article = make_article(status=Status.DRAFT, title="Original", summary="Old.")
    client = Client()
    client.force_login(editor)
    version = opened_version(client, article)
    process = run_other_process(
        f"""
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.contrib.auth import get_user_model
        from articles.models import Article
        setup_test_environment()
        article = Article.objects.get(pk={article.pk})
        client = Client()
        client.force_login(get_user_model().objects.get(username="other-process"))
        response = client.post("/admin/articles/article/{article.pk}/change/", {{
            "title": article.title, "slug": article.slug, "summary": "Saved by the other process.",
            "body": article.body, "language": "en", "source": article.source_id,
            "source_url": "", "version": article.version,
        }})
        print("status", response.status_code)
        """
    )
    out, err = process.communicate(timeout=60)
    assert "status 302" in out, err
    response = client.post(change_url(article), form_data(article, version, summary="Mine."))
    page = response.content.decode()
    assert response.status_code == 200 and "Sun Li changed this article at" in page
    assert "Mine." in page
    assert Article.objects.get(pk=article.pk).summary == "Saved by the other process."
    assert other.pk


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_saving_at_the_same_moment_cannot_both_win():
    """
    The other process claims the version and holds its transaction open; this save waits
    for it (the conditional UPDATE locks the row), then finds the version moved: refused.
    """
    ensure_roles()
    editor = make_user(role="editor")
    article = make_article(status=Status.DRAFT, title="Original")
    client = Client()
    client.force_login(editor)
    version = opened_version(client, article)
    process = run_other_process(
        f"""
        import time
        from django.db import transaction
        from articles.editorial import revisions
        from articles.models import Article
        with transaction.atomic():
            revisions.claim({article.pk}, {version})
            Article.objects.filter(pk={article.pk}).update(title="Won by the other process")
            print("claimed", flush=True)
            time.sleep(2)
        print("committed", flush=True)
        """,
        wait_for="claimed",
    )
    started = time.monotonic()
    response = client.post(change_url(article), form_data(article, version, title="Mine"))
    waited = time.monotonic() - started
    out, err = process.communicate(timeout=60)
    assert "committed" in out, err
    assert response.status_code == 200 and "after you opened it" in response.content.decode()
    assert waited > 1  # it waited for the other transaction rather than overwriting
    assert Article.objects.get(pk=article.pk).title == "Won by the other process"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_workflow_post_racing_another_process_is_refused():
    """A workflow button claimed from another process first is refused here."""
    ensure_roles()
    writer, editor = make_user(role="writer"), make_user(role="editor")
    article = make_article(author=writer, status=Status.IN_REVIEW)
    token = article.workflow_token()
    process = run_other_process(
        f"""
        from articles.editorial import revisions
        from django.db import transaction
        with transaction.atomic():
            revisions.claim({article.pk}, {token})
        print("done", flush=True)
        """,
        wait_for="done",
    )
    process.communicate(timeout=60)
    client = Client()
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/workflow/approve/",
        {"approve-token": token, "approve-at": "", "approve-confirm": "on"},
    )
    assert response.status_code == 400
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


@pytest.mark.django_db
def test_claim_moves_the_version_exactly_once():
    article = make_article(status=Status.DRAFT)
    assert revisions.claim(article.pk, article.version) == article.version + 1
    with pytest.raises(revisions.Conflict):
        revisions.claim(article.pk, article.version)
    assert Article.objects.get(pk=article.pk).version == article.version + 1
