import logging

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.transaction import Atomic
from django.test.utils import override_settings


@pytest.fixture(scope="session", autouse=True)
def test_environment(tmp_path_factory):
    """
    Static files served as in production (collected, hashed, compressed), and a fast
    password hasher: the real one is slow on purpose. WhiteNoise looks files up per request
    instead of indexing thousands of them each time a test client starts (about a second a
    test otherwise). The production HTTPS settings stay on except the redirect, because the
    test client speaks plain HTTP (tests/newsroom/test_security.py turns it back on).
    """
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=root,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        WHITENOISE_AUTOREFRESH=True,
        SECURE_SSL_REDIRECT=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


@pytest.fixture(autouse=True)
def media_storage(settings, tmp_path):
    """
    Each test stores media in its own folder and starts with an empty cache. Pages are
    rendered for every request: the whole-page cache has its own tests (test_cache.py,
    test_several_servers.py), which turn it on.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    cache.clear()
    yield settings.MEDIA_ROOT
    cache.clear()


@pytest.fixture(autouse=True)
def commits_as_in_production(request, monkeypatch):
    """
    Run ``transaction.on_commit()`` callbacks when production would: when the atomic block
    that would be outermost in production exits without error (the test's own transaction
    wraps it here, so it is only a savepoint), and at once when no such block is open.

    Workflow mail, editorial signals and the second bump of the content generation are sent
    after commit; without this they would never run in a test wrapped in a transaction, and
    with Django's ``captureOnCommitCallbacks`` only at the end of the test. A test that
    captures callbacks itself (``django_capture_on_commit_callbacks``) gets Django's own
    behaviour.
    """
    if "django_capture_on_commit_callbacks" in request.fixturenames:
        yield
        return
    real_enter, real_exit = Atomic.__enter__, Atomic.__exit__
    real_on_commit = BaseDatabaseWrapper.on_commit
    starts = {}  # (connection alias, depth) -> index of the block's first callback

    def only_test_blocks(blocks):
        return bool(blocks) and all(block._from_testcase for block in blocks)

    def enter(self):
        connection = transaction.get_connection(self.using)
        production_outermost = only_test_blocks(connection.atomic_blocks)
        result = real_enter(self)
        if production_outermost and not self._from_testcase:
            starts[(connection.alias, len(connection.atomic_blocks))] = len(
                connection.run_on_commit
            )
        return result

    def exit(self, exc_type, exc_value, traceback):
        connection = transaction.get_connection(self.using)
        start = starts.pop((connection.alias, len(connection.atomic_blocks)), None)
        result = real_exit(self, exc_type, exc_value, traceback)
        if start is not None and exc_type is None and not connection.needs_rollback:
            while len(connection.run_on_commit) > start:
                _, callback, robust = connection.run_on_commit.pop(start)
                run(callback, robust)
        return result

    def on_commit(self, func, robust=False):
        if self.in_atomic_block and only_test_blocks(self.atomic_blocks):
            run(func, robust)  # production: no transaction open, autocommit runs it now
        else:
            real_on_commit(self, func, robust)

    def run(callback, robust):
        if not robust:
            callback()
            return
        try:
            callback()
        except Exception:
            logging.getLogger("django.db.backends.base").exception("on_commit callback failed")

    monkeypatch.setattr(Atomic, "__enter__", enter)
    monkeypatch.setattr(Atomic, "__exit__", exit)
    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)
    yield
