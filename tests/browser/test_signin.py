"""
Signing in, in a real browser: an editor who forgot the password chooses a new one by email,
in English and in Chinese, and every page on the way passes the accessibility audit.
"""

import re
import threading

import pytest
from django.core import mail
from django.test import Client

from newsroom.passwords import MAIL_THREAD
from tests.browser import support
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-much-longer-pass-phrase"
HEADINGS = {
    "en": ["Forgot your password?", "Check your email", "Choose a new password"],
    "zh-hans": ["忘记密码？", "请查收邮件", "设置新密码"],
}


def emailed_link():
    for thread in threading.enumerate():
        if thread.name == MAIL_THREAD:
            thread.join()
    return re.search(r"(https?://\S+/set-password/\S+/)", mail.outbox[-1].body).group(1)


def audit(page):
    violations = support.blocking(support.run_axe(page))
    assert not violations, f"{page.url}\n" + support.describe_violations(violations)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_editor_chooses_a_new_password_from_the_login_page(
    new_page, live_server, settings, language, device
):
    """From "Forgot your password?" to the admin, by the emailed link, every page audited."""
    settings.NEWSROOM_SITE_URL = live_server.url
    make_user(role="editor", username="wang.fang", email="wang.fang@example.gov.cn")
    page = new_page(
        support.PHONE if device == "phone" else support.DESKTOP,
        locale="zh-CN" if language == "zh-hans" else "en-GB",
    )
    form, sent, choose = HEADINGS[language]
    page.goto("/admin/login/")
    audit(page)
    page.click(".password-reset-link a")
    assert page.inner_text("h1") == form
    audit(page)
    page.fill("#id_email", "wang.fang@example.gov.cn")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/password-reset/sent/")
    assert page.inner_text("h1") == sent
    audit(page)
    link = emailed_link()
    assert link.startswith(live_server.url)
    page.goto(link)
    assert page.inner_text("h1") == choose
    audit(page)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/set-password/done/")
    audit(page)
    page.click(".submit-row a")
    page.fill("#id_username", "wang.fang")
    page.fill("#id_password", NEW_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_the_lockout_page_passes_the_audit(page, page_errors):
    make_user(role="editor", username="wang.fang")
    for _ in range(5):
        Client().post("/admin/login/", {"username": "wang.fang", "password": "wrong-guess-123"})
    page.goto("/admin/login/")
    page.fill("#id_username", "wang.fang")
    page.fill("#id_password", support.PASSWORD)
    page.click("input[type=submit]")
    assert "Logging in is blocked for now" in page.inner_text("#content-main")
    # Chromium logs the 429 itself as a console error: expected here.
    page_errors[:] = [error for error in page_errors if "429" not in error]
    audit(page)
