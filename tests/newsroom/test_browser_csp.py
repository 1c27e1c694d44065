"""
The Content-Security-Policy in a real browser: the admin's CKEditor loads and works under the
admin policy, public pages render under theirs, and the browser reports no violation.

Needs Playwright (a test dependency) and Chromium at /usr/bin/chromium (Debian's package);
skipped without them.
"""

import shutil
import time
from contextlib import contextmanager

import pytest
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from tests.factories import make_article, make_district, make_superuser

playwright = pytest.importorskip("playwright.sync_api", reason="needs Playwright")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Chromium at /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]

COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def site_url(settings):
    """
    The site on a live loopback server, static files served from the collected, hashed
    STATIC_ROOT as in production (pytest-django's live_server looks for them unhashed, and
    only with debug on). It speaks plain HTTP: no Secure cookies.
    """
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # An in-memory SQLite test database exists in one connection only: share it.
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for conn in shared.values():
        conn.inc_thread_sharing()
    server = LiveServerThread("localhost", _StaticFilesHandler, connections_override=shared, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://localhost:{server.port}"
    server.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()


@contextmanager
def chromium():
    """Started after the test data is written: Playwright runs an event loop in this thread,
    and Django refuses ORM calls while one runs."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def wait_until(page, predicate, timeout=20):
    """Poll ``predicate`` from outside the page: Playwright's wait_for_function evaluates
    strings with eval() inside the page, which the policy (rightly) blocks."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"timed out waiting for {predicate}"
        page.wait_for_timeout(100)


def open_page(browser, url, cookies=()):
    context = browser.new_context()
    context.add_cookies(list(cookies))
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    problems = []
    # Console errors other than "Failed to load resource", reported with the URL below.
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type in {"error", "warning"} and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    response = page.goto(url)
    return page, response, problems


def test_ckeditor_works_in_the_admin_without_policy_violations(site_url):
    """The article form's CKEditor loads, takes typing and opens dialogs; nothing is blocked."""
    district = make_district()
    article = make_article(districts=[district])
    client = Client()
    client.force_login(make_superuser())
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value,
              "url": site_url}  # fmt: skip

    paths = ["/admin/articles/article/add/", f"/admin/articles/article/{article.pk}/change/"]
    with chromium() as browser:
        for path in paths:
            check_admin_page(browser, site_url + path, cookie)


def check_admin_page(browser, url, cookie):
    page, response, problems = open_page(browser, url, [cookie])
    assert response.status == 200
    assert "'unsafe-inline'" in response.headers["content-security-policy"]
    wait_until(page, "() => !!(window.CKEDITOR && CKEDITOR.instances.id_body "
                     "&& CKEDITOR.instances.id_body.status === 'ready')")  # fmt: skip
    page.click(".cke_wysiwyg_div")
    page.keyboard.type("Typed in CKEditor")
    assert "Typed in CKEditor" in page.evaluate("CKEDITOR.instances.id_body.getData()")
    page.click(".cke_button__link")
    page.wait_for_selector(".cke_dialog >> visible=true", timeout=10_000)
    page.keyboard.press("Escape")
    page.click(".cke_button__image")
    page.wait_for_selector(".cke_dialog >> visible=true", timeout=10_000)
    page.keyboard.press("Escape")
    page.click(".cke_button__table")
    page.wait_for_selector(".cke_dialog >> visible=true", timeout=10_000)
    page.keyboard.press("Escape")
    assert page.evaluate("window.__violations") == [], url
    assert problems == [], url
    page.context.close()


def test_public_pages_render_without_policy_violations(site_url):
    """The strict public policy blocks nothing the pages use: styles apply, no errors."""
    district = make_district()
    article = make_article(districts=[district], body="<p>Body <strong>text</strong>.</p>")
    paths = ["/", "/articles/", article.get_absolute_url(), district.get_absolute_url(),
             "/no-such-page/"]  # fmt: skip
    with chromium() as browser:
        for path in paths:
            check_public_page(browser, site_url + path)


def check_public_page(browser, url):
    page, response, problems = open_page(browser, url)
    assert "default-src 'none'" in response.headers["content-security-policy"]
    # The stylesheet applied: the header has the brand colour from site.css.
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert colour == "rgb(11, 58, 102)", url
    assert page.evaluate("window.__violations") == [], (url, problems)
    assert [p for p in problems if "404" not in p] == [], url
    page.context.close()


def test_other_admin_pages_run_their_scripts_without_violations(site_url):
    """The admin's own scripts run under its policy: the slug fills in as a name is typed."""
    make_article()
    client = Client()
    client.force_login(make_superuser())
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site_url}
    with chromium() as browser:
        page, response, problems = open_page(browser, site_url + "/admin/login/")
        assert response.status == 200
        assert page.evaluate("window.__violations") == [] and problems == []
        page.context.close()
        for path in ["/admin/", "/admin/articles/article/", "/admin/articles/district/add/"]:
            page, response, problems = open_page(browser, site_url + path, [cookie])
            assert response.status == 200, path
            if path.endswith("/add/"):
                page.locator("#id_name").press_sequentially("Binhai New Area")
                wait_until(
                    page, "() => document.querySelector('#id_slug').value === 'binhai-new-area'"
                )
            assert page.evaluate("window.__violations") == [], path
            assert problems == [], path
            page.context.close()
