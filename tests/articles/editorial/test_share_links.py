"""Preview links to a draft for people without an account: made, opened, logged, expired, revoked."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from articles.models import Article, ArticleEvent, ShareLink, ShareLinkOpen
from tests.factories import make_article, make_pending_changes, make_user

pytestmark = pytest.mark.django_db

Status = Article.Status


def create_link(client, article, days="7"):
    response = client.post(f"/admin/articles/article/{article.pk}/share/", {"days": days})
    match = re.search(r'value="(https?://[^"]+/preview/([^"/]+)/)"', response.content.decode())
    return response, (match.group(1), match.group(2)) if match else (None, None)


@pytest.fixture
def editor_client(client):
    editor = make_user(role="editor", first_name="Li", last_name="Wei")
    client.force_login(editor)
    client.user = editor
    return client


def test_an_editor_makes_a_link_shown_once_and_stored_only_as_a_hash(editor_client):
    article = make_article(status=Status.DRAFT, title="Draft for the district office")
    response, (url, token) = create_link(editor_client, article)
    assert response.status_code == 200
    assert "Copy it now: it is shown only this once." in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    link = ShareLink.objects.get()
    assert token not in link.token_hash and len(token) >= 40
    assert link.token_hash == ShareLink.hash_token(token)
    assert timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= timedelta(days=7)
    assert link.created_by == editor_client.user
    event = article.events.get(action=ArticleEvent.Action.SHARE_LINK_CREATED)
    assert event.actor == editor_client.user
    # Listed on the article, token nowhere in the page.
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert f"#{link.pk}" in page and "Li Wei" in page and "never" in page
    assert token not in page


def test_anyone_with_the_link_reads_the_current_draft_marked_as_a_preview(client, editor_client):
    """The public template, the pending draft's text, a banner, no caching/indexing/referrer."""
    article = make_article(title="Live title", summary="Live summary.")
    make_pending_changes(article, editor_client.user, summary="Draft summary.")
    _, (url, token) = create_link(editor_client, article)
    client.logout()
    response = client.get(f"/preview/{token}/", HTTP_USER_AGENT="Mozilla/5.0 (Reviewer)")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Draft summary." in page and "Live summary." not in page
    assert "Preview — not published." in page
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies
    # Readers at the public address still see the live text.
    assert "Live summary." in client.get(article.get_absolute_url()).content.decode()


def test_every_opening_is_logged(client, editor_client):
    article = make_article(status=Status.DRAFT)
    _, (url, token) = create_link(editor_client, article)
    before = timezone.now()
    for agent in ["Browser A", "Browser B"]:
        assert client.get(f"/preview/{token}/", HTTP_USER_AGENT=agent).status_code == 200
    link = ShareLink.objects.get()
    assert link.open_count == 2 and link.last_opened_at >= before
    assert list(ShareLinkOpen.objects.values_list("user_agent", flat=True)) == [
        "Browser A",
        "Browser B",
    ]
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert timezone.localtime(link.last_opened_at).strftime("%Y-%m-%d %H:%M") in page


def test_an_expired_link_answers_404_like_an_unknown_one(client, editor_client):
    article = make_article(status=Status.DRAFT, title="Secret draft")
    _, (url, token) = create_link(editor_client, article, days="1")
    later = timezone.now() + timedelta(days=1, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        expired = client.get(f"/preview/{token}/")
        unknown = client.get("/preview/not-a-real-token-at-all/")
    assert expired.status_code == unknown.status_code == 404
    assert "Secret draft" not in expired.content.decode()
    # The same page, whatever the reason: only the address in it differs.
    same = expired.content.decode().replace(token, "TOKEN")
    assert same == unknown.content.decode().replace("not-a-real-token-at-all", "TOKEN")
    assert not ShareLinkOpen.objects.exists()


def test_a_revoked_link_answers_404(client, editor_client):
    article = make_article(status=Status.DRAFT, title="Secret draft")
    _, (url, token) = create_link(editor_client, article)
    link = ShareLink.objects.get()
    response = editor_client.post(f"/admin/articles/article/{article.pk}/share/{link.pk}/revoke/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at and link.revoked_by == editor_client.user
    assert article.events.filter(action=ArticleEvent.Action.SHARE_LINK_REVOKED).count() == 1
    assert client.get(f"/preview/{token}/").status_code == 404
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Revoked by Li Wei" in page


def test_a_link_to_a_removed_article_answers_404(client, editor_client):
    article = make_article(status=Status.DRAFT)
    _, (url, token) = create_link(editor_client, article)
    Article.objects.filter(pk=article.pk).update(status=Status.REMOVED)
    assert client.get(f"/preview/{token}/").status_code == 404


@pytest.mark.parametrize("days", ["0", "365", "abc", ""])
def test_an_expiry_not_offered_is_refused(editor_client, days):
    article = make_article(status=Status.DRAFT)
    response = editor_client.post(
        f"/admin/articles/article/{article.pk}/share/", {"days": days}, follow=True
    )
    assert "Choose how long the link stays valid." in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_expiry_is_chosen_when_the_link_is_made(editor_client):
    article = make_article(status=Status.DRAFT)
    create_link(editor_client, article, days="30")
    link = ShareLink.objects.get()
    assert timedelta(days=29, hours=23) < link.expires_at - timezone.now() <= timedelta(days=30)


def test_writers_share_their_own_articles_only(client):
    writer = make_user(role="writer")
    own = make_article(author=writer, status=Status.DRAFT)
    other = make_article(status=Status.DRAFT)
    client.force_login(writer)
    assert create_link(client, own)[0].status_code == 200
    assert create_link(client, other)[0].status_code == 404
    assert ShareLink.objects.filter(article=other).count() == 0


def test_only_the_creator_or_an_editor_revokes(client, editor_client):
    writer = make_user(role="writer")
    article = make_article(author=writer, status=Status.DRAFT)
    create_link(editor_client, article)
    link = ShareLink.objects.get()
    client.force_login(writer)
    response = client.post(f"/admin/articles/article/{article.pk}/share/{link.pk}/revoke/")
    assert response.status_code == 403
    assert ShareLink.objects.get().revoked_at is None


def test_anonymous_and_get_requests_make_no_link(client):
    article = make_article(status=Status.DRAFT)
    response = client.post(f"/admin/articles/article/{article.pk}/share/", {"days": "7"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    editor = make_user(role="editor")
    client.force_login(editor)
    client.get(f"/admin/articles/article/{article.pk}/share/")
    assert not ShareLink.objects.exists()


def test_share_links_need_a_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(role="editor"))
    article = make_article(status=Status.DRAFT)
    response = client.post(f"/admin/articles/article/{article.pk}/share/", {"days": "7"})
    assert response.status_code == 403 and not ShareLink.objects.exists()


def test_a_preview_link_accepts_only_get(client, editor_client):
    article = make_article(status=Status.DRAFT)
    _, (url, token) = create_link(editor_client, article)
    assert client.post(f"/preview/{token}/").status_code == 405
