import pytest
from django.core.management import call_command
from django.test.utils import override_settings


@pytest.fixture(scope="session", autouse=True)
def test_environment(tmp_path_factory):
    """
    Static files served as in production (collected, hashed, compressed), and a fast
    password hasher: the real one is slow on purpose. The production HTTPS settings stay on
    except the redirect, because the test client speaks plain HTTP (tests/test_security.py
    turns it back on).
    """
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=root,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SECURE_SSL_REDIRECT=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield
