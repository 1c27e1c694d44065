"""Every response may be in the language of the switcher's cookie, and says so in Vary."""

import pytest
from django.conf import settings

from articles import editorial
from tests.factories import make_article, make_district, make_source, make_user

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/articles/",
    "/districts/wuqing/",
    "/sources/daily/",
    "/search/?q=story",
    "/feeds/rss/",
    "/feeds/atom/",
    "/districts/wuqing/rss/",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/robots.txt",
    "/api/",
    "/api/articles/",
    "/api/articles/?page=abc",  # the API's JSON error, translated
    "/articles/no-such-story/",  # 404
    "/articles/removed-story/",  # 410
]


@pytest.fixture
def site():
    district = make_district(name="Wuqing", slug="wuqing")
    source = make_source(name="Daily", slug="daily")
    make_article(title="A story", districts=[district], source=source)
    removed = make_article(title="Removed", slug="removed-story")
    editorial.remove(removed, by=make_user(role="editor"), reason="Published in error")


@pytest.mark.parametrize("url", URLS)
def test_every_response_varies_with_the_language_cookie(client, site, url):
    response = client.get(url)
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",")}
    assert {"cookie", "accept-language"} <= vary, (url, response.status_code, vary)


def test_a_feed_follows_the_language_cookie(client, site):
    english = client.get("/feeds/rss/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get("/feeds/rss/").content.decode()
    assert english != chinese and "latest stories" in english and "latest stories" not in chinese


@pytest.mark.parametrize("url", URLS + ["/sitemap-articles.xml", "/api/schema/", "/healthz"])
def test_nothing_public_names_the_admin(client, site, url):
    """Not a link, not robots.txt: the admin's address is known only to those told it."""
    from django.urls import reverse

    admin = reverse("admin:index")
    response = client.get(url)
    body = response.content.decode()
    assert admin not in body, url
    assert all(admin not in value for value in response.headers.values()), url


def test_the_admin_tells_crawlers_itself(client):
    response = client.get("/admin/login/")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
