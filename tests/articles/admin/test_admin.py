import pytest

from articles.models import Article, District, Source
from tests.factories import make_article, make_district, make_source, make_superuser

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = make_superuser(username="chief")
    client.force_login(user)
    client.user = user
    return client


def article_form(source, **overrides):
    data = {
        "title": "Hexi opens a riverside greenway",
        "slug": "",
        "summary": "Six kilometres of path.",
        "body": "<p>Walkers and cyclists get separate lanes.</p>",
        "language": "en",
        "source": source.pk,
        "source_url": "",
        "public_updated_at_0": "",
        "public_updated_at_1": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/articles/district/",
        "/admin/articles/district/add/",
        "/admin/articles/source/",
        "/admin/articles/source/add/",
        "/admin/articles/article/?status__exact=draft&q=story",
        "/admin/articles/article/?published_at__year=2020",
    ],
)
def test_admin_pages_load(admin_client, url):
    make_article(districts=[make_district()])
    assert admin_client.get(url).status_code == 200


def test_article_form_uses_ckeditor(admin_client):
    """The body is edited with the CKEditor widget, in the admin only."""
    content = admin_client.get("/admin/articles/article/add/").content.decode()
    assert 'class="django-ckeditor-widget" data-field-id="id_body"' in content
    assert "&quot;toolbar&quot;: &quot;Newsroom&quot;" in content


def test_public_pages_do_not_load_ckeditor(client):
    """CKEditor is contained in the admin: no public page loads it."""
    from tests.factories import make_article

    article = make_article()
    for url in ["/", "/articles/", article.get_absolute_url()]:
        assert "ckeditor" not in client.get(url).content.decode().lower()


def test_adding_an_article_sets_author_and_slug(admin_client):
    """A new article records the current user as author and gets a slug from the title."""
    wuqing = make_district(slug="wuqing")
    source = make_source()
    response = admin_client.post(
        "/admin/articles/article/add/", article_form(source, districts=[wuqing.pk])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.author == admin_client.user
    assert article.slug == "hexi-opens-a-riverside-greenway"
    assert list(article.districts.all()) == [wuqing]


def test_article_form_cannot_set_status_or_publication_time(admin_client):
    """Status and publication time are not form fields: posting them changes nothing."""
    response = admin_client.post(
        "/admin/articles/article/add/",
        article_form(
            make_source(),
            status=Article.Status.PUBLISHED,
            published_at_0="2024-05-01",
            published_at_1="09:30:00",
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None


def test_editing_keeps_the_original_author(admin_client):
    article = make_article(status=Article.Status.DRAFT)
    original_author = article.author
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        article_form(article.source, title="New title", slug=article.slug, version=article.version),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New title"
    assert article.author == original_author


def test_hostile_body_is_cleaned_on_admin_save(admin_client):
    admin_client.post(
        "/admin/articles/article/add/",
        article_form(make_source(), body="<p>ok</p><script>alert(1)</script>"),
    )
    assert Article.objects.get().body == "<p>ok</p>"


def test_source_in_use_cannot_be_deleted(admin_client):
    """Sources are protected: deleting one that stories cite is refused."""
    article = make_article()
    response = admin_client.post(
        f"/admin/articles/source/{article.source.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 200
    assert Source.objects.filter(pk=article.source.pk).exists()


def test_district_and_source_can_be_added(admin_client):
    assert (
        admin_client.post(
            "/admin/articles/district/add/", {"name": "Wuqing", "slug": "wuqing", "description": ""}
        ).status_code
        == 302
    )
    assert (
        admin_client.post(
            "/admin/articles/source/add/",
            {"name": "Tianjin Daily", "slug": "tianjin-daily", "url": "www.tianjindaily.example"},
        ).status_code
        == 302
    )
    assert District.objects.filter(slug="wuqing").exists()
    assert Source.objects.get(slug="tianjin-daily").url == "https://www.tianjindaily.example"


def test_district_autocomplete(admin_client):
    """District and source pickers are autocomplete widgets backed by search."""
    make_district(name="Wuqing", slug="wuqing")
    make_district(name="Heping", slug="heping")
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "districts", "term": "wu"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Wuqing"]


def test_changelist_query_count_is_constant(admin_client, django_assert_max_num_queries):
    district = make_district()
    for _ in range(30):
        make_article(districts=[district])
    with django_assert_max_num_queries(12):
        assert admin_client.get("/admin/articles/article/").status_code == 200
