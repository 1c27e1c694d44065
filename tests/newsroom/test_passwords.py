"""Choosing a password by email: a forgotten one, or an invitation (newsroom/passwords.py)."""

import re
import threading

import pytest
from django.core import mail
from django.test import Client

from articles.editorial import roles
from articles.models import SiteSettings
from newsroom.passwords import MAIL_THREAD
from tests.factories import make_superuser, make_user
from tests.htmlcheck import parse, text

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-pass-phrase"
RESET = "/admin/password-reset/"


def sent():
    """The emails sent so far, once the threads sending them have finished."""
    for thread in threading.enumerate():
        if thread.name == MAIL_THREAD:
            thread.join()
    return mail.outbox


def ask(email, client=None, **extra):
    client = client or Client()
    return client.post(RESET, {"email": email}, **extra)


def emailed_link():
    [message] = sent()
    return re.search(r"(https?://\S+/set-password/\S+/)", message.body).group(1)


def choose(client, link, password=NEW_PASSWORD):
    """Open an emailed link and choose ``password`` with it; returns the final response."""
    form = client.get(link, follow=True)
    return client.post(
        form.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


@pytest.fixture
def editor():
    return make_user(role="editor", username="wang.fang", email="wang.fang@example.gov.cn")


def test_the_login_page_links_to_the_reset_form(client):
    document = parse(client.get("/admin/login/").content)
    [link] = [a for a in document.iter("a") if text(a) == "Forgot your password?"]
    assert link.get("href") == RESET
    form = client.get(RESET)
    assert form.status_code == 200
    assert "<h1>Forgot your password?</h1>" in form.content.decode()


def test_a_forgotten_password_is_chosen_again_through_an_emailed_link(editor, settings):
    """The email goes to the account's address, its link opens a form, the new password works."""
    settings.NEWSROOM_SITE_URL = "https://news.example.gov.cn"
    response = ask("Wang.Fang@example.gov.cn")
    assert response.status_code == 302 and response.url == "/admin/password-reset/sent/"
    [message] = sent()
    assert message.to == ["wang.fang@example.gov.cn"]
    assert message.subject == "[Tianjin Updates] Choose a new password"
    assert "user name wang.fang in the Tianjin Updates newsroom" in message.body
    link = emailed_link()
    assert link.startswith("https://news.example.gov.cn/admin/set-password/")
    client = Client()
    page = client.get(link.removeprefix("https://news.example.gov.cn"), follow=True)
    assert "<h1>Choose a new password</h1>" in page.content.decode()
    done = choose(client, link.removeprefix("https://news.example.gov.cn"))
    assert "Your password is set" in done.content.decode()
    assert 'href="/admin/login/"' in done.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)
    # Once used, the link is refused, with a way to ask for another.
    again = Client().get(link.removeprefix("https://news.example.gov.cn"), follow=True)
    assert "This link no longer works" in again.content.decode()
    assert f'href="{RESET}"' in again.content.decode()


def test_the_link_is_on_the_sites_address_whatever_host_the_request_names(editor, settings):
    """A forged Host header cannot send the one-time link to another site."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.NEWSROOM_SITE_URL = "https://news.example.gov.cn/"
    ask(editor.email, HTTP_HOST="evil.example")
    assert emailed_link().startswith("https://news.example.gov.cn/admin/set-password/")
    assert "evil.example" not in sent()[0].body


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address(editor):
    """No page, status or redirect tells who has an account."""
    known = ask(editor.email)
    unknown = ask("nobody@example.gov.cn")
    inactive = make_user(email="gone@example.gov.cn", is_active=False)
    gone = ask(inactive.email)
    assert len(sent()) == 1
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert (known.status_code, known.url) == (gone.status_code, gone.url)
    done = Client().get(known.url).content.decode()
    assert "If a newsroom account has the address you entered" in done


def test_the_email_is_sent_after_the_answer_is_ready(editor, monkeypatch):
    """Sending happens in a thread of its own, so a slow mail server shows in no answer."""
    started = threading.Event()
    release = threading.Event()

    def slow_send(self, fail_silently=False):
        started.set()
        release.wait(10)
        return 1

    monkeypatch.setattr("django.core.mail.EmailMessage.send", slow_send)
    response = ask(editor.email)
    assert response.status_code == 302
    assert started.wait(10)
    release.set()
    sent()


def test_one_mailbox_gets_at_most_a_few_emails_an_hour(editor, settings):
    """Beyond NEWSROOM_PASSWORD_RESET_EMAILS_PER_HOUR the answer is the same but no email goes."""
    settings.NEWSROOM_PASSWORD_RESET_EMAILS_PER_HOUR = 3
    answers = {
        (r.status_code, r.url)
        for r in (ask(editor.email, REMOTE_ADDR=f"198.51.100.{n}") for n in range(6))
    }
    assert answers == {(302, "/admin/password-reset/sent/")}
    assert len(sent()) == 3
    # An address without an account is counted alike, so the limit gives nothing away.
    for n in range(6):
        ask("nobody@example.gov.cn", REMOTE_ADDR=f"198.51.100.{n}")
    assert len(sent()) == 3


def test_one_client_may_ask_only_so_often(editor, settings):
    """Beyond NEWSROOM_PASSWORD_RESET_REQUESTS_PER_HOUR requests an hour, a 429 says so."""
    settings.NEWSROOM_PASSWORD_RESET_REQUESTS_PER_HOUR = 10
    for n in range(10):
        assert ask(f"someone{n}@example.gov.cn").status_code == 302
    refused = ask(editor.email)
    assert refused.status_code == 429
    assert "Too many password reset requests from your network" in refused.content.decode()
    assert sent() == []
    assert ask(editor.email, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_choosing_a_new_password_lifts_the_lockout(editor, settings):
    """Whoever reads the account's email is no longer kept out by someone else's guessing."""
    from tests.newsroom.test_login_protection import attempt, fail

    fail(settings.AXES_FAILURE_LIMIT, "wang.fang")
    assert attempt(Client(), "wang.fang", "correct-horse-battery-staple").status_code == 429
    ask(editor.email)
    choose(Client(), emailed_link())
    assert attempt(Client(), "wang.fang", NEW_PASSWORD).status_code == 302


def test_the_invitation_page_says_it_is_an_invitation(client):
    """The page an invitation leads to names the newsroom (the site's name), not Django."""
    site = SiteSettings.load()
    site.site_name = "Binhai Daily"
    site.save()
    invited = make_user(username="li.na", email="li.na@example.gov.cn")
    invited.set_unusable_password()
    invited.save()
    page = client.get(roles.set_password_path(invited), follow=True).content.decode()
    assert "<h1>Your invitation to the Binhai Daily newsroom</h1>" in page
    assert "<title>Your invitation to the Binhai Daily newsroom | Newsroom</title>" in page
    assert "<strong>li.na</strong>" in page and 'value="Set my password"' in page
    assert "Django" not in page and "Password reset" not in page


def test_an_invited_person_whose_link_expired_can_ask_for_another():
    """An invitation not taken up yet (no password) can be asked for again by email."""
    invited = make_user(username="li.na", email="li.na@example.gov.cn")
    invited.set_unusable_password()
    invited.save()
    ask("li.na@example.gov.cn")
    client = Client()
    page = client.get(emailed_link(), follow=True).content.decode()
    assert "Your invitation to the Tianjin Updates newsroom" in page
    choose(client, emailed_link())
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


def test_the_pages_and_the_email_are_in_chinese(editor):
    client = Client(headers={"accept-language": "zh-hans"})
    login = client.get("/admin/login/").content.decode()
    assert ">忘记密码？</a>" in login
    assert "<h1>忘记密码？</h1>" in client.get(RESET).content.decode()
    done = ask(editor.email, client=client, follow=True).content.decode()
    assert "<h1>请查收邮件</h1>" in done
    [message] = sent()
    assert message.subject == "[Tianjin Updates] 设置新密码"
    assert "申请为Tianjin Updates新闻发布系统的用户名 wang.fang 设置新密码" in message.body
    page = client.get(emailed_link(), follow=True).content.decode()
    assert (
        "<h1>设置新密码</h1>" in page and "请为用户名 <strong>wang.fang</strong> 设置新密码" in page
    )


def test_the_pages_wear_the_admins_look_and_switch_language(client):
    """Header, title and language switch as in the admin, and never Django's own name."""
    for path in [RESET, "/admin/password-reset/sent/", "/admin/set-password/done/"]:
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 200, path
        assert '<div id="site-name"><a href="/admin/">Newsroom</a></div>' in page, path
        assert "Django" not in page, path
        assert 'class="admin-language"' in page, path
        assert "noindex" in response["X-Robots-Tag"]


def test_a_superuser_can_reset_too():
    admin = make_superuser(username="admin", email="admin@example.gov.cn")
    ask("admin@example.gov.cn")
    choose(Client(), emailed_link())
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)
