"""English and Simplified Chinese: choosing the language, and translation files kept complete."""

import gettext
import shutil
import subprocess
import sys
from datetime import datetime

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import timezone

from tests import ROOT
from tests.factories import make_article, make_superuser
from tests.htmlcheck import parse, text

LOCALE_DIR = ROOT / "articles" / "locale"
CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def nav_labels(response):
    document = parse(response.content)
    nav = next(el for el in document.iter("nav") if el.get("class") == "site-nav")
    return [text(a) for a in nav.iter("a")]


@pytest.mark.django_db
def test_language_follows_accept_language(client):
    """A browser asking for Chinese gets the Chinese interface, marked lang="zh-Hans"."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    assert nav_labels(response) == ["首页", "全部文章", "区域", "来源"]
    assert '<html lang="zh-Hans">' in response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert nav_labels(english) == ["Home", "All stories", "Districts", "Sources"]


@pytest.mark.django_db
def test_switcher_sets_the_language_and_returns_to_the_page(client):
    """The switcher posts to set_language and comes back to the same page, now in Chinese."""
    document = parse(client.get("/articles/?district=").content)
    form = next(f for f in document.iter("form") if f.get("class") == "language-switcher")
    assert form.get("action") == "/i18n/setlang/" and form.get("method") == "post"
    [button] = [b for b in form.iter("button") if b.get("value") == "zh-hans"]
    assert text(button) == "简体中文" and button.get("lang") == "zh-Hans"
    next_url = next(i for i in form.iter("input") if i.get("name") == "next").get("value")
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": next_url})
    assert response.status_code == 302 and response.url == "/articles/?district="
    assert client.get("/").content.decode().count("全部文章") >= 1
    assert nav_labels(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))[0] == "首页"  # cookie wins


@pytest.mark.django_db
def test_switcher_works_without_a_csrf_token_but_refuses_foreign_sites():
    """Pages carry no token (so they can be cached); a post from another site is refused."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    same = client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/"}, HTTP_ORIGIN="http://testserver"
    )
    assert (
        same.status_code == 302 and same.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    )
    foreign = Client(enforce_csrf_checks=True).post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/"}, HTTP_ORIGIN="https://evil.example"
    )
    assert foreign.status_code == 403 and settings.LANGUAGE_COOKIE_NAME not in foreign.cookies
    lookalike = Client().post(
        "/i18n/setlang/", {"language": "zh-hans"}, HTTP_ORIGIN="http://testserver.evil.example"
    )
    assert lookalike.status_code == 403
    behind_tls_proxy = Client().post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/"}, HTTP_ORIGIN="https://testserver"
    )
    assert behind_tls_proxy.status_code == 302
    assert Client().get("/i18n/setlang/").status_code == 405


@pytest.mark.django_db
def test_switcher_does_not_redirect_off_site(client):
    """A foreign next address is ignored: the switch returns to this site."""
    response = client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.django_db
def test_admin_speaks_chinese(client):
    """The admin, our models and our help texts included, is translated."""
    client.force_login(make_superuser())
    content = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "编辑台" in content and "网站通知" in content and "文章" in content
    form = client.get("/admin/articles/alertbanner/add/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "紧急通知始终不可关闭" in form.content.decode()


@pytest.mark.django_db
def test_dates_read_naturally_in_chinese(client):
    """Archive headings read 2020年11月 in Chinese; story dates stay YYYY-MM-DD."""
    make_article(published_at=timezone.make_aware(datetime(2020, 11, 24, 9)))
    chinese = client.get("/articles/2020/11/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>2020年11月的文章</h1>" in chinese
    year = client.get("/articles/2020/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>2020年的文章</h1>" in year and ">2020年11月</a>" in year
    assert ">2020-11-24</time>" in chinese  # story dates stay YYYY-MM-DD in both languages


@pytest.mark.django_db
def test_article_language_defaults_to_the_site_language(settings):
    """A new article's language is the site's default language."""
    settings.LANGUAGE_CODE = "zh-hans"
    assert make_article().language == "zh-hans"
    settings.LANGUAGE_CODE = "en"
    assert make_article().language == "en"


# The translation files


def test_there_is_a_simplified_chinese_catalog():
    """The interface has a Simplified Chinese catalog."""
    assert [p.parent.parent.name for p in CATALOGS] == ["zh_Hans"]


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_every_message_is_translated(po_path):
    """No entry is empty or fuzzy: a fuzzy one would be ignored and show English."""
    catalog = read_po(po_path.open("rb"))
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            "fuzzy" in message.flags
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert untranslated == []


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_compiled_translations_are_current(po_path):
    """The .mo Django reads holds what the .po says (`make install` compiles it with Babel)."""
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make install`."
    compiled = gettext.GNUTranslations(mo_path.open("rb"))
    for message in read_po(po_path.open("rb")):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(*message.id, 1) == message.string[0], message.id
        else:
            assert compiled.gettext(message.id) == message.string, (
                f"{mo_path.name} is stale for {message.id!r}: run `make install`."
            )


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext's xgettext")
def test_every_marked_string_is_in_the_catalog(tmp_path):
    """Extracting the strings afresh finds nothing new: every marked string has a translation."""
    for name in ["articles", "demo", "newsroom", "pagecache", "richtext", "templates"]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-obsolete",
         "--no-location"],
        cwd=tmp_path, env={"PATH": shutil.os.environ["PATH"], "DJANGO_DEBUG": "1"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    fresh = read_po((tmp_path / "articles/locale/zh_Hans/LC_MESSAGES/django.po").open("rb"))
    missing = [
        message.id
        for message in fresh
        if message.id
        and ("fuzzy" in message.flags or not message.string or message.string == ("",))
    ]
    assert missing == [], "Run `make messages` and translate these entries."


@pytest.mark.django_db
def test_admin_has_a_language_switch(client):
    """Staff switch the admin to Chinese from its header, and stay on the same page."""
    client.force_login(make_superuser())
    document = parse(client.get("/admin/articles/alertbanner/").content)
    form = next(f for f in document.iter("form") if f.get("class") == "admin-language")
    [button] = list(form.iter("button"))
    assert button.get("value") == "zh-hans" and text(button) == "简体中文"
    response = client.post(
        form.get("action"),
        {"language": "zh-hans", "next": "/admin/articles/alertbanner/"},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.url == "/admin/articles/alertbanner/"
    assert "网站通知" in client.get(response.url).content.decode()
