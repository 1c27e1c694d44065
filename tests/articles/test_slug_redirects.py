"""A public article's old addresses redirect permanently to its current one, never chaining or looping."""

import pytest

from articles import editorial
from articles.models import Article, SlugRedirect
from tests.factories import make_article, make_pending_changes, make_user

pytestmark = pytest.mark.django_db


def change_slug(article, slug, editor):
    """The address change goes through review like any change to a live article."""
    make_pending_changes(article, article.author, status="in_review", slug=slug)
    editorial.approve(Article.objects.get(pk=article.pk), by=editor, major=False)
    article.refresh_from_db()


@pytest.fixture
def editor(db):
    return make_user(role="editor")


def test_an_old_address_redirects_to_the_new_one(client, editor):
    article = make_article(slug="old-address")
    change_slug(article, "new-address", editor)
    response = client.get("/articles/old-address/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/new-address/"
    assert client.get("/articles/new-address/").status_code == 200


def test_redirects_never_chain(client, editor):
    """a → b → c: both a and b answer one redirect straight to c."""
    article = make_article(slug="a")
    change_slug(article, "b", editor)
    change_slug(article, "c", editor)
    for old in ["a", "b"]:
        response = client.get(f"/articles/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/articles/c/")


def test_taking_an_old_address_back_drops_its_redirect(client, editor):
    """a → b → a: the article answers at a, and b redirects to it; nothing loops."""
    article = make_article(slug="a")
    change_slug(article, "b", editor)
    change_slug(article, "a", editor)
    assert client.get("/articles/a/").status_code == 200
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["b"]
    assert client.get("/articles/b/")["Location"] == "/articles/a/"


def test_unicode_addresses_redirect_too(client, editor):
    article = make_article(slug="北辰区招聘会")
    change_slug(article, "北辰区秋季招聘会", editor)
    response = client.get("/articles/北辰区招聘会/")
    assert response.status_code == 301
    assert (
        response["Location"]
        == "/articles/%E5%8C%97%E8%BE%B0%E5%8C%BA%E7%A7%8B%E5%AD%A3%E6%8B%9B%E8%81%98%E4%BC%9A/"
    )


def test_an_article_never_public_keeps_no_old_address(client, editor):
    """Changing the address of a draft leaves nothing behind: nobody could have linked to it."""
    writer = make_user(role="writer")
    article = make_article(author=writer, status="draft", slug="first-idea")
    client.force_login(writer)
    data = {
        "title": article.title, "slug": "better-idea", "summary": "", "body": "",
        "language": "en", "source": article.source_id, "version": article.version,
    }  # fmt: skip
    assert client.post(f"/admin/articles/article/{article.pk}/change/", data).status_code == 302
    assert not SlugRedirect.objects.exists()


def test_another_article_cannot_take_an_old_address(client, editor):
    moved = make_article(slug="old-address")
    change_slug(moved, "new-address", editor)
    other = make_article(status="draft")
    client.force_login(editor)
    data = {
        "title": other.title, "slug": "old-address", "summary": "", "body": "",
        "language": "en", "source": other.source_id, "version": other.version,
    }  # fmt: skip
    response = client.post(f"/admin/articles/article/{other.pk}/change/", data)
    assert response.status_code == 200
    assert "This address belonged to another article" in response.content.decode()
    assert Article.objects.get(pk=other.pk).slug != "old-address"


def test_new_slugs_skip_old_addresses(editor):
    moved = make_article(slug="library-opens")
    change_slug(moved, "library-opens-late", editor)
    article = make_article(title="Library opens", slug="")
    assert article.slug == "library-opens-2"


def test_an_old_address_of_a_withdrawn_article_still_redirects(client, editor):
    article = make_article(slug="before")
    change_slug(article, "after", editor)
    editorial.withdraw(Article.objects.get(pk=article.pk), by=editor, explanation="Superseded.")
    assert client.get("/articles/before/")["Location"] == "/articles/after/"


def test_an_old_address_of_a_removed_article_is_gone_too(client, editor):
    article = make_article(slug="before")
    change_slug(article, "after", editor)
    editorial.remove(Article.objects.get(pk=article.pk), by=editor, reason="Published in error")
    assert client.get("/articles/before/").status_code == 410
    assert client.get("/articles/after/").status_code == 410


def test_unknown_addresses_are_still_404(client):
    assert client.get("/articles/never-existed/").status_code == 404
