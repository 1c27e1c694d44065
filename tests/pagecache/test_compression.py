"""
Shared pages are compressed for clients that accept gzip; nothing personal ever is.

Compression happens once, when a page is stored, so a cache hit costs none; with the page
cache off it happens per request, for the same responses.
"""

import gzip

import pytest

from tests.factories import make_article, make_district, make_superuser

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/articles/", "/districts/wuqing/", "/feeds/rss/", "/sitemap.xml", "/api/articles/"]


@pytest.fixture(params=[600, 0], ids=["page cache on", "page cache off"])
def page_cache(request, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = request.param
    return request.param


@pytest.fixture
def content():
    district = make_district(name="Wuqing", slug="wuqing")
    for n in range(5):
        make_article(title=f"Compressed story {n}", districts=[district])


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_are_gzipped_for_whoever_accepts_it(client, page_cache, content, url):
    plain = client.get(url)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain
    for _ in range(2):  # the first request fills the cache, the second is a hit
        packed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain.content
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
        if len(plain.content) > 4000:
            assert len(packed.content) < len(plain.content) / 3
        assert "Accept-Encoding" in packed["Vary"] and "Cookie" in packed["Vary"]
        assert packed["ETag"] != plain["ETag"]
    refused = client.get(url, headers={"accept-encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused and refused.content == plain.content


def test_a_matching_etag_of_the_gzipped_page_gets_a_304(client, page_cache, content):
    packed = client.get("/", headers={"accept-encoding": "gzip"})
    again = client.get("/", headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]})
    assert again.status_code == 304


def test_nothing_personal_is_compressed(client, page_cache, content):
    """Signed in, or anything that is not shared (the admin): never gzipped."""
    client.force_login(make_superuser())
    for url in ["/", "/admin/", "/admin/articles/article/"]:
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200
        assert "Content-Encoding" not in response, url


def test_a_page_that_sets_a_cookie_is_not_compressed(client, page_cache, content):
    """The admin's login form sets the CSRF cookie and carries its token."""
    response = client.get("/admin/login/", headers={"accept-encoding": "gzip"})
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "Content-Encoding" not in response
