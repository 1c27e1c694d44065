"""
The development checkout's .env (newsroom/localenv.py): `make run` writes it so that every
manage.py command works as printed; production and the test suite never read it.
"""

import os
import re
import shutil
import subprocess
import sys

from newsroom import localenv
from tests import ROOT


def test_write_makes_a_secret_key_once_and_updates_the_site_address(tmp_path):
    path = tmp_path / ".env"
    first = localenv.write(path, NEWSROOM_SITE_URL="http://127.0.0.1:8000")
    assert first["DJANGO_DEBUG"] == "1"
    assert len(first["DJANGO_SECRET_KEY"]) >= 50
    assert first["NEWSROOM_SITE_URL"] == "http://127.0.0.1:8000"
    path.write_text(path.read_text() + "DATABASE_URL=postgres://postgres@127.0.0.1/newsroom\n")
    second = localenv.write(path, NEWSROOM_SITE_URL="http://192.0.2.5:9000")
    assert second["DJANGO_SECRET_KEY"] == first["DJANGO_SECRET_KEY"]
    assert second["NEWSROOM_SITE_URL"] == "http://192.0.2.5:9000"
    assert second["DATABASE_URL"] == "postgres://postgres@127.0.0.1/newsroom"  # kept
    assert path.read_text().count("NEWSROOM_SITE_URL=") == 1
    assert path.stat().st_mode & 0o077 == 0  # the secret key is the owner's only


def test_load_fills_in_only_what_the_environment_leaves_unset(tmp_path):
    path = tmp_path / ".env"
    localenv.write(path, NEWSROOM_SITE_URL="http://127.0.0.1:8123")
    environ = {"NEWSROOM_SITE_URL": "https://news.example.gov.cn"}
    assert sorted(localenv.load(path, environ)) == ["DJANGO_DEBUG", "DJANGO_SECRET_KEY"]
    assert environ["NEWSROOM_SITE_URL"] == "https://news.example.gov.cn"
    assert localenv.load(tmp_path / "missing", {}) == []


def test_an_environment_with_its_own_secret_key_ignores_the_file(tmp_path):
    """Production and the tests bring DJANGO_SECRET_KEY: debug cannot come on from a file."""
    path = tmp_path / ".env"
    localenv.write(path)
    environ = {"DJANGO_SECRET_KEY": "production"}
    assert localenv.load(path, environ) == []
    assert environ == {"DJANGO_SECRET_KEY": "production"}


def manage(checkout, *arguments, **kwargs):
    """``python manage.py ...`` in ``checkout`` with nothing in the environment but PATH."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=checkout, env={"PATH": os.environ["PATH"]}, capture_output=True, text=True,
        timeout=180, **kwargs,
    )  # fmt: skip


def test_printed_commands_work_in_a_checkout_with_the_file_and_only_there(tmp_path):
    """
    With .env beside manage.py, commands run as printed, with no variable set by hand, and
    links name the address in the file; without it, manage.py refuses in one clear line.
    """
    shutil.copy(ROOT / "manage.py", tmp_path)
    refused = manage(tmp_path, "check")
    assert refused.returncode != 0
    assert refused.stderr.strip().splitlines() == [
        "Newsroom refuses to start: set DJANGO_SECRET_KEY (a long random string), or "
        "DJANGO_DEBUG=1 for local development (`make run` keeps both in .env)."
    ]
    localenv.write(
        tmp_path / ".env",
        NEWSROOM_SITE_URL="http://127.0.0.1:8123",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert manage(tmp_path, "migrate", "--noinput").returncode == 0
    created = manage(
        tmp_path,
        "createuser",
        "wang.fang",
        "--role",
        "editor",
        "--email",
        "wang.fang@example.gov.cn",
    )
    assert created.returncode == 0, created.stderr
    assert re.search(r"http://127\.0\.0\.1:8123/admin/set-password/\S+/", created.stdout)
    admin = manage(tmp_path, "ensure_admin")
    assert "Log in at: http://127.0.0.1:8123/admin/" in admin.stdout
    # changepassword reads the new password twice; without a terminal, from its input.
    changed = manage(
        tmp_path, "changepassword", "admin", input="a-much-longer-pass-phrase\n" * 2,
        start_new_session=True,
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    assert "Password changed successfully for user 'admin'" in changed.stdout
    reset = manage(tmp_path, "axes_reset_username", "wang.fang")
    assert reset.returncode == 0, reset.stderr
