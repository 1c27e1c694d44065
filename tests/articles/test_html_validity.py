"""
Every kind of public page, in English and in Chinese, as a reader gets it: no template syntax
left in the output, and no error from the Nu Html Checker (the W3C's validator, `make vnu`).

The checker needs Java and the jar that `make vnu` fetches; without them the checker test is
skipped, except in CI (CI=true), where a missing checker fails the run.
"""

import io
import json
import os
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from articles import editorial
from articles.models import Article
from tests import ROOT
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
VNU_JAR = ROOT / os.environ.get("VNU_JAR", ".cache/vnu-26.9.27/vnu.jar")
LANGUAGES = ["en", "zh-hans"]
# What Django's template language looks like; none of it may reach a reader.
TEMPLATE_SYNTAX = ("{{", "{%", "{#", "#}")


@pytest.fixture
def newsroom(settings):
    """The demo content (lead images, a Chinese story, a withdrawn one) and enough for pages."""
    settings.DEBUG = True  # seed_demo_data refuses otherwise
    call_command("seed_demo_data", articles=45, seed=3, stdout=io.StringIO())
    settings.DEBUG = False
    removed = make_article(title="Removed in error", slug="removed-in-error")
    editorial.remove(removed, by=make_user(role="editor"), reason="Published in error")


def page_kinds():
    """(name, path) of every kind of public page, found in the demo content."""
    published = Article.objects.published()
    with_image = published.exclude(lead_image="").first()
    without_image = published.filter(lead_image="", language="en").first()
    chinese = published.filter(language="zh-hans").exclude(slug__startswith="generated").first()
    withdrawn = Article.objects.filter(status=Article.Status.WITHDRAWN).first()
    assert with_image and without_image and chinese and withdrawn, "the demo content changed"
    assert published.count() > 20, "a second list page is needed"
    newest = timezone.localtime(published.order_by("-published_at").first().published_at)
    district = with_image.district_list[0] if with_image.district_list else None
    return [
        ("home", "/"),
        ("list", "/articles/"),
        ("list, page 2", "/articles/?page=2"),
        ("list, filtered", f"/articles/?source={with_image.source.slug}"),
        ("archive of a year", f"/articles/{newest:%Y}/"),
        ("archive of a month", f"/articles/{newest:%Y/%m}/"),
        ("districts", "/districts/"),
        ("district", district.get_absolute_url() if district else "/districts/wuqing/"),
        ("sources", "/sources/"),
        ("source", with_image.source.get_absolute_url()),
        ("story with a lead image", with_image.get_absolute_url()),
        ("story without an image", without_image.get_absolute_url()),
        ("Chinese story", chinese.get_absolute_url()),
        ("withdrawn story", withdrawn.get_absolute_url()),
        ("search, English", "/search/?q=road"),
        ("search, Chinese", "/search/?q=天津"),
        ("search, nothing found", "/search/?q=zzzzqqqq"),
        ("search, empty", "/search/"),
        ("not found (404)", "/articles/no-such-story/"),
        ("gone (410)", "/articles/removed-in-error/"),
    ]


def render_every_page(client, tmp_path):
    """Each page kind in each language, written to ``tmp_path``: {file: (name, language)}."""
    pages = {}
    kinds = page_kinds()
    for language in LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for number, (name, path) in enumerate(kinds):
            response = client.get(path)
            assert response.status_code in {200, 404, 410}, (path, response.status_code)
            assert response["Content-Type"].startswith("text/html"), path
            file = tmp_path / f"{language}-{number:02d}.html"
            file.write_bytes(response.content)
            pages[file] = (f"{name} ({path})", language)
    return pages


def test_no_template_syntax_reaches_a_reader(client, newsroom, tmp_path):
    for file, (name, language) in render_every_page(client, tmp_path).items():
        text = file.read_text()
        found = [syntax for syntax in TEMPLATE_SYNTAX if syntax in text]
        assert not found, f"{name} in {language} shows template syntax {found}"


def test_the_nu_html_checker_finds_no_error(client, newsroom, tmp_path):
    java = shutil.which("java")
    if not (java and VNU_JAR.exists()):
        message = f"needs Java and the Nu Html Checker at {VNU_JAR} (make vnu)"
        if IN_CI:
            pytest.fail(f"{message}; CI must run it.", pytrace=False)
        pytest.skip(message)
    pages = render_every_page(client, tmp_path)
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
         *map(str, pages)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout)["messages"]
    by_file = {str(file): page for file, page in pages.items()}
    errors = [
        f"{by_file[message['url'].removeprefix('file:')][0]} "
        f"[{by_file[message['url'].removeprefix('file:')][1]}] line {message.get('lastLine')}: "
        f"{message['message']}"
        for message in messages
        if message["type"] == "error" or (message["type"] == "non-document-error")
    ]
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(sorted(set(errors))[:60])
