"""
Fixtures for the browser tests: one headless Chromium for the package, a live server on
127.0.0.1 serving static files as production does, and a fresh browser profile per test.

Without Chromium the tests skip with one line saying so; in CI (``CI=true``) a missing
browser is an error instead, so a green CI run always means the browser tests ran.
"""

import os

import pytest
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer

from tests.browser import support
from tests.factories import ensure_roles

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _serve_like_production(app):
    """
    The live server's static handler: none. WhiteNoise (in MIDDLEWARE) serves the
    collected, hashed files from STATIC_ROOT, as in production. Django's default test
    handler would look the hashed names up in the source folders and answer 404.
    """
    return app


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """The role groups, which the flush after each transactional test drops."""
    ensure_roles()


@pytest.fixture(scope="session")
def live_server():
    """
    Replaces pytest-django's ``live_server`` (same contract: tests that use it get a
    transactional database) with one on 127.0.0.1, a free port, and production static
    files. Media files are served from MEDIA_ROOT, as ``LiveServerThread`` always does.
    """
    server = LiveServer("127.0.0.1", start=False)
    assert isinstance(server.thread, LiveServerThread)
    server.thread.static_handler = _serve_like_production
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def playwright():
    """
    Playwright's sync API, started once for the browser tests.

    While it is started, Playwright keeps an asyncio event loop running in this thread (in
    a greenlet). Django sees that running loop and would refuse every ORM call the tests
    make (builders, assertions on saved rows, the database flush between tests) with
    SynchronousOnlyOperation, although nothing here is asynchronous: the loop only carries
    Playwright's own messages and is parked while test code runs. The alternative, doing
    the database work outside the loop, would mean sending every builder and assertion to
    another thread, since the journeys check the database between browser steps. So
    DJANGO_ALLOW_ASYNC_UNSAFE is set instead, for exactly as long as Playwright runs: tests
    outside this package keep Django's check.
    """
    if not support.CHROMIUM.exists():
        message = f"Chromium not found at {support.CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"{message}; CI must run the browser tests.", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as instance:
            yield instance


@pytest.fixture(scope="package")
def browser(playwright):
    browser = support.launch_chromium(playwright)
    yield browser
    browser.close()


class PageErrors(list):
    """Uncaught script errors and console errors seen by one page during a test."""

    def watch(self, page):
        page.on("pageerror", lambda error: self.append(f"uncaught: {error}"))
        page.on("console", self._console)
        return page

    def _console(self, message):
        url = message.location.get("url", "")
        # Chromium asks every site for /favicon.ico on its own; no page refers to it.
        if message.type == "error" and not url.endswith("/favicon.ico"):
            self.append(f"console: {message.text} ({url})")


def _open_page(browser, live_server, errors, device, **options):
    context = support.new_context(browser, live_server.url, device, **options)
    # A broken page should fail fast, not after Playwright's 30 s default.
    context.set_default_timeout(10_000)
    return context, errors.watch(context.new_page())


@pytest.fixture
def page_errors():
    """
    Every browser test fails if a page it opened threw a script error or logged a
    console error (a CKEditor that fails to load, a script refused by the CSP, a missing
    static file). A test that provokes one on purpose removes it from this list.
    """
    errors = PageErrors()
    yield errors
    assert not errors, "The browser reported errors:\n" + "\n".join(errors)


@pytest.fixture
def page(browser, live_server, page_errors):
    """A desktop (1280 px) page in a fresh profile, opening paths on the live server."""
    context, page = _open_page(browser, live_server, page_errors, support.DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, page_errors):
    """A 375 px-wide phone page in a fresh profile, opening paths on the live server."""
    context, page = _open_page(browser, live_server, page_errors, support.PHONE)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server, page_errors):
    """
    Opens further pages, each in its own profile (two people at once): ``new_page()``,
    ``new_page(support.PHONE)``, or with Playwright context options such as
    ``new_page(locale="zh-CN")``.
    """
    contexts = []

    def open_page(device=support.DESKTOP, **options):
        context, page = _open_page(browser, live_server, page_errors, device, **options)
        contexts.append(context)
        return page

    yield open_page
    for context in contexts:
        context.close()
