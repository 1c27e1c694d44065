import pytest
from django.core.management import call_command
from django.test.utils import override_settings


@pytest.fixture(scope="session", autouse=True)
def test_environment(tmp_path_factory):
    """
    Static files served as in production (collected, hashed, compressed), and a fast
    password hasher: the real one is slow on purpose.
    """
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=root, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the database is rolled back, cached pages are not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
