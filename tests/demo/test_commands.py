import os
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles.models import Article, District, Source
from demo import content as demo

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def counts():
    return (
        District.objects.count(),
        Source.objects.count(),
        Article.objects.count(),
        Article.districts.through.objects.count(),
    )


def test_seed_demo_data_is_idempotent(settings):
    """A second run adds nothing."""
    settings.DEBUG = True
    run("seed_demo_data")
    first = counts()
    assert first[:3] == (len(demo.DISTRICTS), len(demo.SOURCES), len(demo.STORIES))
    assert "0 new stories" in run("seed_demo_data")
    assert counts() == first


def test_seed_demo_data_names_districts_and_sources_in_chinese(settings):
    """Tianjin's districts and the sources have Chinese names; a site seeded before gets them."""
    settings.DEBUG = True
    run("seed_demo_data")
    names = dict(District.objects.values_list("slug", "name_zh"))
    assert (names["heping"], names["wuqing"], names["binhai-new-area"]) == (
        "和平区", "武清区", "滨海新区",
    )  # fmt: skip
    assert all(names.values())
    assert Source.objects.get(slug="tianjin-daily").name_zh == "天津日报"
    assert Source.objects.get(slug="exploringtianjin-com").name_zh == ""  # a web address
    District.objects.filter(slug="hedong").update(name_zh="")
    District.objects.filter(slug="hexi").update(name_zh="河西")  # an editor's choice stays
    run("seed_demo_data")
    names = dict(District.objects.values_list("slug", "name_zh"))
    assert (names["hedong"], names["hexi"]) == ("河东区", "河西")


def test_seed_demo_data_has_stories_in_several_states(settings):
    settings.DEBUG = True
    run("seed_demo_data")
    assert Article.objects.published().count() >= 8
    assert Article.objects.scheduled().exists()
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert Article.objects.filter(status=Article.Status.IN_REVIEW).exists()
    wuqing = Article.objects.get(slug="wuqing-works-with-other-areas-to-boost-business")
    assert {d.slug for d in wuqing.districts.all()} >= {"wuqing"}
    assert District.objects.filter(slug="binhai-new-area").exists()


def test_seed_demo_data_refuses_without_debug(settings):
    """Without DEBUG the command refuses unless --force is given."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        run("seed_demo_data")
    assert counts() == (0, 0, 0, 0)
    run("seed_demo_data", "--force")
    assert Article.objects.count() == len(demo.STORIES)


def test_generated_articles(settings):
    """--articles N adds N stories with districts, reporting progress."""
    settings.DEBUG = True
    out = run("seed_demo_data", "--articles", "2500", "--seed", "1")
    assert Article.objects.count() == len(demo.STORIES) + 2500
    assert "Generating stories: 100%|##########| 2500/2500 [" in out
    generated = Article.objects.filter(slug__startswith="generated-")
    assert generated.published().count() > 2000
    assert Article.districts.through.objects.filter(article__in=generated).exists()
    # A second batch does not collide with the first.
    run("seed_demo_data", "--articles", "10")
    assert Article.objects.count() == len(demo.STORIES) + 2510


def test_ensure_admin_creates_one_administrator(settings):
    """An administrator is created once, with a password printed, never a fixed one."""
    out = run("ensure_admin")
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    password = out.split("Password:")[1].split()[0]
    assert user.check_password(password)
    again = run("ensure_admin")
    assert "Password:" not in again and "changepassword admin" in again
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_ensure_admin_prints_commands_and_addresses_that_work_as_printed(settings, monkeypatch):
    """
    The login address is the site's (NEWSROOM_SITE_URL, which `make run` sets to the address it
    serves on), and the command to change the password names this Python, not `python`.
    """
    monkeypatch.chdir(settings.BASE_DIR)
    settings.NEWSROOM_SITE_URL = "http://127.0.0.1:8123"
    python = os.path.relpath(sys.executable)
    first = run("ensure_admin")
    assert "Log in at: http://127.0.0.1:8123/admin/" in first
    assert f"\n  {python} manage.py changepassword admin\n" in first
    again = run("ensure_admin")
    assert again.strip().endswith(f"Forgot the password? {python} manage.py changepassword admin")
    if (settings.BASE_DIR / ".venv").exists() and sys.prefix == str(settings.BASE_DIR / ".venv"):
        assert python == ".venv/bin/python"


def test_ensure_admin_passwords_differ():
    first = run("ensure_admin").split("Password:")[1].split()[0]
    get_user_model().objects.all().delete()
    second = run("ensure_admin").split("Password:")[1].split()[0]
    assert first != second


def test_ensure_database_is_a_no_op_on_an_existing_database():
    assert run("ensure_database") == ""


def test_seed_demo_data_draws_lead_images_once(settings, media_storage):
    """Two demo stories get a drawn lead image with alt text and renditions, only once."""
    settings.DEBUG = True
    run("seed_demo_data")
    with_images = Article.objects.exclude(lead_image="")
    assert with_images.count() == 2
    for article in with_images:
        assert article.lead_image_alt and article.lead_image_credit
        assert default_storage.exists(article.lead_image.name)
    files = sorted(p for p in media_storage.rglob("*") if p.is_file())
    assert len([p for p in files if "renditions" in p.parts]) == 2 * 3 * 2
    run("seed_demo_data")
    assert sorted(p for p in media_storage.rglob("*") if p.is_file()) == files
