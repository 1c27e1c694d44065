"""The project's configuration: settings from the environment, migrations, static files."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from tests import ROOT


def settings_in_subprocess(code, **env):
    """Import the settings with exactly ``env`` (plus PATH) and run ``code``."""
    environment = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_refuses_to_start_without_secret_key_when_not_debugging():
    """With debug off and no secret key, the settings refuse with one clear line."""
    result = settings_in_subprocess("print('started')")
    assert result.returncode != 0
    assert "started" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DJANGO_SECRET_KEY" in lines[0]


def test_debug_needs_no_secret_key_and_is_off_by_default():
    assert (
        settings_in_subprocess("print(settings.DEBUG)", DJANGO_DEBUG="1").stdout.strip() == "True"
    )
    result = settings_in_subprocess("print(settings.DEBUG)", DJANGO_SECRET_KEY="k")
    assert result.stdout.strip() == "False"


def test_app_servers_keep_their_connection_and_the_development_server_does_not():
    """
    gunicorn's workers reuse one connection each (60 s); with debug on (runserver, a thread per
    request) each request closes its own, so ended threads leave no idle connection behind.
    """
    code = "print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    assert settings_in_subprocess(code, DJANGO_SECRET_KEY="k").stdout.strip() == "60"
    assert settings_in_subprocess(code, DJANGO_DEBUG="1").stdout.strip() == "0"
    chosen = settings_in_subprocess(code, DJANGO_DEBUG="1", DATABASE_CONN_MAX_AGE="30")
    assert chosen.stdout.strip() == "30"


def test_database_url_and_redis_url_switch_backends():
    code = "print(settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'])"
    default = settings_in_subprocess(code, DJANGO_SECRET_KEY="k").stdout.split()
    assert default == [
        "django.db.backends.sqlite3", "django.core.cache.backends.locmem.LocMemCache"
    ]  # fmt: skip
    switched = settings_in_subprocess(
        code,
        DJANGO_SECRET_KEY="k",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom",
        REDIS_URL="redis://127.0.0.1:6379/0",
    ).stdout.split()
    assert switched == [
        "django.db.backends.postgresql", "newsroom.cache_backends.ResilientRedisCache"
    ]  # fmt: skip


def test_settings_from_environment():
    code = "print(settings.ALLOWED_HOSTS, settings.TIME_ZONE, settings.MEDIA_ROOT, settings.USE_TZ)"
    out = settings_in_subprocess(
        code, DJANGO_SECRET_KEY="k", DJANGO_ALLOWED_HOSTS="news.example, www.news.example",
        MEDIA_ROOT="/srv/media",
    ).stdout.strip()  # fmt: skip
    assert out == "['news.example', 'www.news.example'] Asia/Shanghai /srv/media True"


@pytest.mark.django_db
def test_no_migration_is_missing():
    """Every model change has a migration."""
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Missing migration:\n{out.getvalue()}")


def test_collectstatic_hashes_and_compresses(tmp_path, settings):
    """collectstatic produces hashed, compressed files for WhiteNoise."""
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    css = list((tmp_path / "css").glob("site.*.css"))
    assert css, "no hashed site.css"
    assert list((tmp_path / "css").glob("site.*.css.gz"))
    assert (tmp_path / "staticfiles.json").exists()


def test_media_bucket_switches_to_s3_storage():
    """MEDIA_S3_BUCKET puts uploads on S3-compatible storage with plain public URLs."""
    code = "o = settings.STORAGES['default']; print(o['BACKEND'], o.get('OPTIONS', {}).get('bucket_name'))"
    assert settings_in_subprocess(code, DJANGO_SECRET_KEY="k").stdout.split() == [
        "django.core.files.storage.FileSystemStorage", "None"
    ]  # fmt: skip
    out = settings_in_subprocess(
        code, DJANGO_SECRET_KEY="k", MEDIA_S3_BUCKET="newsroom-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.invalid",
    ).stdout.split()  # fmt: skip
    assert out == ["storages.backends.s3.S3Storage", "newsroom-media"]
