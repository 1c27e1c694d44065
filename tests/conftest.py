import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test.utils import override_settings


@pytest.fixture(scope="session", autouse=True)
def test_environment(tmp_path_factory):
    """
    Static files served as in production (collected, hashed, compressed), and a fast
    password hasher: the real one is slow on purpose. WhiteNoise looks files up per request
    instead of indexing thousands of them each time a test client starts (about a second a
    test otherwise). The production HTTPS settings stay on except the redirect, because the
    test client speaks plain HTTP (tests/test_security.py turns it back on).
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
