"""The public page cache: shared only when it cannot be personal, never stale."""

import time
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.test import RequestFactory
from django.utils import timezone

from articles import editorial
from articles.models import Article
from pagecache import generation, memo
from pagecache.middleware import PublicPageCacheMiddleware
from tests.factories import article_admin_form as article_form
from tests.factories import make_article, make_district, make_source, make_superuser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """The suite renders every request (conftest); these tests are about the cache."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600


@pytest.fixture
def clock(monkeypatch):
    """Moves time.time() and timezone.now() forward together (the cache's clocks)."""

    class Clock:
        offset = 0.0

        def advance(self, seconds):
            self.offset += seconds

    clock = Clock()
    real_time, real_now = time.time, timezone.now
    monkeypatch.setattr(time, "time", lambda: real_time() + clock.offset)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=clock.offset))
    return clock


@pytest.fixture
def editor(client):
    user = make_superuser()
    return user


def admin_save(client, user, obj, data):
    """Saves ``obj`` through its admin change form as ``user``; logs out again afterwards."""
    client.force_login(user)
    opts = obj._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()


def test_second_anonymous_request_is_served_from_the_cache(client, django_assert_num_queries):
    """A repeat anonymous request for a public page runs no SQL at all."""
    article = make_article(title="Cached story")
    for url in ["/", "/articles/", article.get_absolute_url(), "/districts/"]:
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]
        assert "public" in second["Cache-Control"]


def test_an_approved_change_to_a_live_article_refreshes_every_page(client, editor):
    """
    An edit saved in the admin waits for review (readers keep the live text, cached or not);
    once another editor approves it, every cached page shows the new title at once.
    """
    district = make_district(slug="heping")
    article = make_article(title="Old title", districts=[district])
    urls = ["/", "/articles/", article.get_absolute_url(), "/districts/heping/"]
    for url in urls:
        assert "Old title" in client.get(url).content.decode()
    admin_save(client, editor, article, article_form(article, title="New title"))
    article.refresh_from_db()
    for url in urls:
        assert "Old title" in client.get(url).content.decode(), url
    editorial.submit(article, by=editor)
    editorial.approve(article, by=make_superuser(), major=False)
    for url in urls:
        content = client.get(url).content.decode()
        assert "New title" in content and "Old title" not in content, url


def test_approving_shows_the_article_at_once(client, editor):
    """A story approved through the workflow appears on cached lists and at its URL at once."""
    article = make_article(title="Fresh news", status=Article.Status.IN_REVIEW)
    assert "Fresh news" not in client.get("/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404
    editorial.approve(article, by=editor)
    assert "Fresh news" in client.get("/").content.decode()
    assert "Fresh news" in client.get("/articles/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_withdrawing_hides_the_article_at_once(client, editor):
    """A withdrawn story leaves cached lists at once and its page shows the notice."""
    article = make_article(title="Retracted news")
    assert "Retracted news" in client.get("/articles/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200
    editorial.withdraw(article, by=editor, explanation="Published in error.")
    assert "Retracted news" not in client.get("/articles/").content.decode()
    assert "Published in error." in client.get(article.get_absolute_url()).content.decode()


def test_removing_takes_the_article_off_cached_pages(client, editor):
    """A removed story leaves cached pages at once and its address answers 410."""
    one = make_article(title="First gone")
    make_article(title="Second gone")
    assert "First gone" in client.get("/").content.decode()
    editorial.remove(one, by=editor, reason="Published in error")
    content = client.get("/").content.decode()
    assert "First gone" not in content and "Second gone" in content
    assert client.get(one.get_absolute_url()).status_code == 410


def test_changing_a_district_in_the_admin_refreshes_pages_that_show_it(client, editor):
    """Renaming a district shows the new name on cached story and district pages."""
    district = make_district(name="Old District", slug="old-district")
    article = make_article(districts=[district])
    # The home page's panel and the filters of the list and search show it too (memoised).
    pages = [article.get_absolute_url(), "/districts/", "/articles/", "/", "/search/"]
    for url in pages:
        assert "Old District" in client.get(url).content.decode(), url
    admin_save(
        client, editor, district,
        {"name": "Renamed District", "slug": "old-district", "description": ""},
    )  # fmt: skip
    for url in pages:
        content = client.get(url).content.decode()
        assert "Renamed District" in content and "Old District" not in content, url


def test_changing_a_source_in_the_admin_refreshes_pages_that_show_it(client, editor):
    """Renaming a source shows the new name on cached pages."""
    source = make_source(name="Old Daily", slug="daily")
    article = make_article(source=source)
    pages = [article.get_absolute_url(), "/sources/daily/", "/", "/articles/"]
    for url in pages:
        assert "Old Daily" in client.get(url).content.decode(), url
    admin_save(client, editor, source, {"name": "New Daily", "slug": "daily", "url": ""})
    for url in pages:
        content = client.get(url).content.decode()
        assert "New Daily" in content and "Old Daily" not in content, url


def test_a_scheduled_article_appears_at_its_time_on_cached_pages(client, settings, clock):
    """No cached page, memo or max-age outlives the next scheduled go-live."""
    settings.NEWSROOM_HTTP_MAX_AGE = 300
    make_article(title="Already out")
    scheduled = make_article(
        title="Comes later", published_at=timezone.now() + timedelta(seconds=90)
    )
    first = client.get("/articles/")
    assert "Comes later" not in first.content.decode()
    max_age = int(first["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert 0 < max_age <= 90
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    clock.advance(30)
    assert "Comes later" not in client.get("/articles/").content.decode()
    clock.advance(61)
    assert "Comes later" in client.get("/articles/").content.decode()
    assert "Comes later" in client.get("/").content.decode()
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    # The list's memoised count went live with it: page 1 says one page of two stories.
    assert client.get("/articles/?page=1").context["paginator"].count == 2


def test_without_schedules_pages_keep_for_the_configured_time(client, settings, clock):
    """With nothing scheduled a page is kept for NEWSROOM_PAGE_CACHE_SECONDS, then rendered."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 120
    settings.NEWSROOM_HTTP_MAX_AGE = 5
    make_article()
    response = client.get("/")
    assert "max-age=5" in response["Cache-Control"]
    clock.advance(60)
    assert client.get("/").context is None  # served from the cache: nothing rendered
    clock.advance(61)
    assert client.get("/").context is not None


def test_logged_in_staff_always_get_a_fresh_private_page(client, editor, django_assert_num_queries):
    """Staff never receive a cached page, and pages they see are never stored for others."""
    make_article(title="Visible story")
    client.force_login(editor)
    staff_page = client.get("/")
    assert staff_page.context is not None
    assert "private" in staff_page["Cache-Control"]
    assert client.get("/").context is not None  # rendered again for staff
    client.logout()
    assert client.get("/").context is not None  # nothing was stored from the staff view
    anonymous = client.get("/")
    assert anonymous.context is None  # the anonymous render is shared
    client.force_login(editor)
    assert client.get("/").context is not None  # staff still bypass it


def test_the_admin_is_never_cached(client, editor):
    client.force_login(editor)
    client.get("/admin/")
    client.logout()
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


def test_responses_that_set_cookies_or_use_csrf_are_not_shared():
    """A response setting a cookie, or holding a CSRF token, is never stored."""
    calls = []

    def sets_cookie(request):
        calls.append(request.path)
        response = HttpResponse("hello")
        response.set_cookie("visitor", "1")
        return response

    def uses_csrf(request):
        calls.append(request.path)
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    factory = RequestFactory()
    for view in (sets_cookie, uses_csrf):
        middleware = PublicPageCacheMiddleware(view)
        calls.clear()
        middleware(factory.get("/some-page/"))
        middleware(factory.get("/some-page/"))
        assert calls == ["/some-page/", "/some-page/"], view.__name__


def test_requests_with_other_cookies_bypass_the_cache(client):
    """A request carrying a session or any unknown cookie is rendered, never served shared."""
    make_article()
    client.get("/")
    assert client.get("/").context is None
    client.cookies["sessionid"] = "not-a-real-session"
    assert client.get("/").context is not None
    del client.cookies["sessionid"]
    client.cookies["something"] = "x"
    assert client.get("/").context is not None


def test_etag_gives_304_and_if_modified_since_alone_does_not(client):
    """A matching If-None-Match gets an empty 304; If-Modified-Since alone gets the page."""
    make_article()
    first = client.get("/articles/")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and last_modified
    not_modified = client.get("/articles/", headers={"if-none-match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get("/articles/", headers={"if-none-match": '"other"'}).status_code == 200
    assert client.get("/articles/", headers={"if-modified-since": last_modified}).status_code == 200


def test_a_change_changes_the_etag(client, editor):
    """After a change the old ETag no longer matches, so a browser gets the new page."""
    make_article(title="Before")
    article = make_article(title="After", status=Article.Status.IN_REVIEW)
    etag = client.get("/").get("ETag")
    editorial.approve(article, by=editor)
    response = client.get("/", headers={"if-none-match": etag})
    assert response.status_code == 200 and "After" in response.content.decode()


def test_content_changed_after_commit_bumps_again(django_capture_on_commit_callbacks):
    """The generation moves at the call and again when the transaction commits."""
    start = generation.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        generation.content_changed()
        assert generation.current_generation() == start + 1
    assert generation.current_generation() == start + 2


def test_page_cache_can_be_turned_off(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    make_article()
    client.get("/")
    assert client.get("/").context is not None


def test_static_files_are_hashed_compressed_and_cached_for_ever(client):
    """WhiteNoise serves hashed static files gzip-compressed with a far-future max-age."""
    url = static("css/site.css")
    assert url != "/static/css/site.css" and url.endswith(".css")
    response = client.get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert int(response["Cache-Control"].split("max-age=")[1].split(",")[0]) >= 365 * 24 * 3600
    b"".join(response.streaming_content)


def test_a_response_from_a_request_that_changed_content_is_not_stored():
    """A page rendered while its own request changed content is not shared afterwards."""
    calls = []

    def changes_content(request):
        calls.append(1)
        generation.content_changed()
        return HttpResponse("rendered mid-change")

    middleware = PublicPageCacheMiddleware(changes_content)
    factory = RequestFactory()
    middleware(factory.get("/changing/"))
    middleware(factory.get("/changing/"))
    assert len(calls) == 2


def test_a_memo_computed_across_a_go_live_ends_at_it(clock):
    """A story going live while a memo is being computed: the memo does not outlive that time."""
    make_article(title="Scheduled", published_at=timezone.now() + timedelta(seconds=30))

    def slow():
        clock.advance(60)  # the computation spans the go-live
        return "computed before the story went live"

    assert memo.memoise("probe", (), slow) == "computed before the story went live"
    assert memo.memoise("probe", (), lambda: "computed again") == "computed again"
