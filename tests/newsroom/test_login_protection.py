"""Brute-force protection and the login log (django-axes and newsroom/logins.py)."""

import logging

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import Client, RequestFactory
from django.utils import timezone

from newsroom.logins import client_ip
from tests.factories import make_superuser

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


OFFICE = "203.0.113.10"  # one address for a whole office, behind its NAT


def attempt(client, username, password, address="127.0.0.1", **headers):
    """POST the admin login form the way a browser at ``address`` does."""
    client.get("/admin/login/", REMOTE_ADDR=address)
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        headers=headers,
        REMOTE_ADDR=address,
    )


def fail(times, username, address="127.0.0.1"):
    for _ in range(times):
        attempt(Client(), username, "wrong-guess-123", address)


@pytest.fixture
def chief():
    return make_superuser(username="chief", password=PASSWORD)


def test_repeated_failures_lock_the_account_with_a_clear_message(chief, settings):
    """After the failure limit even the right password is refused, with a 429 page saying why."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(Client(), "chief", "wrong-guess-123")
        assert response.status_code == 200  # the login form again, with its error
    locked = attempt(Client(), "chief", "wrong-guess-123")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Logging in is blocked for now" in page
    assert "5 failed login attempts for this account from this network" in page
    assert "15 minutes" in page
    assert 'href="/admin/password-reset/"' in page
    correct = attempt(Client(), "chief", PASSWORD)
    assert correct.status_code == 429
    assert "_auth_user_id" not in correct.wsgi_request.session


def test_lockout_expires_after_the_cool_off(chief, settings):
    """When the cool-off has passed, the right password works again."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), "chief", "wrong-guess-123")
    assert attempt(Client(), "chief", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(seconds=1)
    )
    response = attempt(Client(), "chief", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_one_persons_typos_do_not_lock_out_the_office(chief, settings):
    """
    A username is locked at the address its failures came from only: colleagues behind the
    same address log in, and the same person logs in from another address.
    """
    make_superuser(username="colleague", password=PASSWORD)
    fail(settings.AXES_FAILURE_LIMIT, "chief", OFFICE)
    assert attempt(Client(), "chief", PASSWORD, OFFICE).status_code == 429
    assert attempt(Client(), "colleague", PASSWORD, OFFICE).status_code == 302
    assert attempt(Client(), "chief", PASSWORD, "198.51.100.30").status_code == 302


def test_someone_who_keeps_trying_once_locked_out_locks_out_no_one_else(chief, settings):
    """A locked-out username adds at most AXES_FAILURE_LIMIT failures to its address's count."""
    fail(settings.NEWSROOM_LOGIN_ADDRESS_LIMIT * 2, "someone", OFFICE)
    assert attempt(Client(), "chief", PASSWORD, OFFICE).status_code == 302


def test_guessing_many_accounts_from_one_address_locks_the_address(chief, settings):
    """
    Spraying passwords over many usernames from one address locks that address for everyone,
    at NEWSROOM_LOGIN_ADDRESS_LIMIT failures, however few there are per username.
    """
    for n in range(settings.NEWSROOM_LOGIN_ADDRESS_LIMIT - 1):
        attempt(Client(), f"someone{n}", "wrong-guess-123", OFFICE)
    assert attempt(Client(), "chief", PASSWORD, OFFICE).status_code == 302
    fail(1, "someone-else", OFFICE)
    locked = attempt(Client(), "chief", PASSWORD, OFFICE)
    assert locked.status_code == 429
    assert "from this network, for several accounts" in locked.content.decode()
    assert attempt(Client(), "chief", PASSWORD, "198.51.100.30").status_code == 302


def test_guessing_one_account_from_many_addresses_locks_the_account(chief, settings):
    """
    Guesses at one username spread over many addresses lock that username everywhere, at
    NEWSROOM_LOGIN_ACCOUNT_LIMIT failures; other accounts are not affected.
    """
    make_superuser(username="colleague", password=PASSWORD)
    for n in range(settings.NEWSROOM_LOGIN_ACCOUNT_LIMIT):
        fail(1, "chief", f"198.51.100.{n + 1}")
    locked = attempt(Client(), "chief", PASSWORD, OFFICE)
    assert locked.status_code == 429
    assert "for this account, from several networks" in locked.content.decode()
    assert attempt(Client(), "colleague", PASSWORD, OFFICE).status_code == 302


def test_one_address_hammering_an_account_does_not_lock_it_everywhere(chief, settings):
    """Only guesses from several addresses reach the account's ceiling."""
    fail(settings.NEWSROOM_LOGIN_ACCOUNT_LIMIT * 2, "chief", "198.51.100.66")
    assert attempt(Client(), "chief", PASSWORD, OFFICE).status_code == 302


def test_the_ceilings_can_be_turned_off(chief, settings):
    settings.NEWSROOM_LOGIN_ADDRESS_LIMIT = 0
    settings.NEWSROOM_LOGIN_ACCOUNT_LIMIT = 0
    for n in range(40):
        attempt(Client(), f"someone{n}", "wrong-guess-123", OFFICE)
        fail(1, "chief", f"198.51.100.{n + 1}")
    assert attempt(Client(), "chief", PASSWORD, OFFICE).status_code == 302


def test_every_lockout_is_a_page_in_both_languages(chief, settings):
    """The lockout page says why in Chinese too, and where to choose a new password."""
    fail(settings.AXES_FAILURE_LIMIT, "chief")
    client = Client(headers={"accept-language": "zh-hans"})
    page = attempt(client, "chief", PASSWORD).content.decode()
    assert "暂时无法登录" in page and "此账号在此网络已有 5 次登录失败" in page
    assert "设置新密码" in page


def test_a_success_before_the_limit_resets_the_count(chief, settings):
    """A correct login clears earlier failures, so an editor's typos do not add up all day."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(Client(), "chief", "wrong-guess-123")
    assert attempt(Client(), "chief", PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(Client(), "chief", "wrong-guess-123")
    assert attempt(Client(), "chief", PASSWORD).status_code == 302


def test_logins_and_failures_are_logged(chief, caplog):
    """Successful and failed logins are written to the log with user and address."""
    with caplog.at_level(logging.INFO, logger="newsroom.security"):
        attempt(Client(), "chief", "wrong-guess-123", **{"x-forwarded-for": "198.51.100.7"})
        attempt(Client(), "chief", PASSWORD)
    messages = [
        record.getMessage() for record in caplog.records if record.name == "newsroom.security"
    ]
    assert "Failed login: username 'chief' from 127.0.0.1" in messages
    assert "Login: user 'chief' from 127.0.0.1" in messages
    assert AccessLog.objects.filter(username="chief").exists()


def test_behind_proxies_the_client_address_is_counted_from_the_right(settings):
    """With N trusted proxies the client is the Nth X-Forwarded-For entry from the right."""
    factory = RequestFactory()
    forged = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 0
    assert client_ip(factory.get("/", **forged)) == "10.0.0.2"
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1
    assert client_ip(factory.get("/", **forged)) == "203.0.113.9"
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 2
    assert client_ip(factory.get("/", **forged)) == "6.6.6.6"
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 3
    assert client_ip(factory.get("/", **forged)) == "10.0.0.2"  # too few hops: not via proxies


def test_behind_a_proxy_lockout_hits_the_guesser_not_everyone(chief, settings):
    """Behind one proxy, the guessing address is locked; other readers of the proxy are not."""
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1
    guesser = {"x-forwarded-for": "198.51.100.7"}
    # The guesser forges a left-hand entry; the proxy appends the real address.
    for n in range(settings.NEWSROOM_LOGIN_ADDRESS_LIMIT):
        attempt(Client(), f"someone{n}", "wrong", **{"x-forwarded-for": f"1.1.1.{n}, 198.51.100.7"})
    assert attempt(Client(), "nobody", "wrong", **guesser).status_code == 429
    editor = attempt(Client(), "chief", PASSWORD, **{"x-forwarded-for": "203.0.113.20"})
    assert editor.status_code == 302
