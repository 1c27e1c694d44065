"""Production configuration, response headers, cookies and sessions."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from newsroom.middleware import SessionIdleTimeoutMiddleware, build_policy
from tests import ROOT, observatory
from tests.factories import make_article, make_district, make_superuser

HOST = "news.example.gov.cn"
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": HOST,
    "NEWSROOM_SITE_URL": f"https://{HOST}",
}


def run_python(code, **env):
    """Run ``code`` after ``django.setup()`` with exactly ``env`` (plus PATH)."""
    environment = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_with_production_settings():
    """`manage.py check --deploy` reports nothing with debug off, a key and allowed hosts."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={"PATH": os.environ["PATH"], **PRODUCTION_ENV},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "site_url",
    ["", "http://news.example.gov.cn", "https://elsewhere.example", "https://"],
    ids=["left-at-the-default", "plain-http", "a-host-not-allowed", "no-host"],
)
def test_check_deploy_warns_when_emailed_links_would_lead_elsewhere(site_url):
    """Links in emails (password resets, invitations) use NEWSROOM_SITE_URL: it must be right."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={"PATH": os.environ["PATH"], **PRODUCTION_ENV, "NEWSROOM_SITE_URL": site_url},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "(newsroom.W001) NEWSROOM_SITE_URL is" in result.stderr


def test_every_silenced_check_is_explained():
    """Each silenced system check has a comment saying why, in settings and in docs/security.md."""
    source = (ROOT / "newsroom" / "settings.py").read_text()
    security = (ROOT / "docs" / "security.md").read_text()
    for check in django_settings.SILENCED_SYSTEM_CHECKS:
        before = source[: source.index(f'"{check}"')].rstrip().splitlines()
        assert before[-1].strip().startswith("#"), f"{check} has no comment"
        assert f"`{check}`" in security, f"{check} is not explained in docs/security.md"


def test_production_defaults_turn_https_on():
    """With debug off, HTTPS redirect, HSTS for a year and secure cookies are the default."""
    code = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.DEBUG)"
    )
    out = run_python(code, **PRODUCTION_ENV).stdout.split()
    assert out == ["True", "31536000", "True", "True", "True", "True", "False"]
    debug = run_python(code, DJANGO_DEBUG="1").stdout.split()
    assert debug[:4] == ["False", "0", "False", "False"]


def test_proxy_and_hsts_settings_come_from_the_environment():
    """The proxy's HTTPS header, trusted proxy count and HSTS options are env-driven."""
    code = (
        "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER, "
        "s.NEWSROOM_TRUSTED_PROXY_COUNT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, "
        "s.SESSION_COOKIE_AGE, s.ADMIN_URL)"
    )
    out = run_python(
        code, **PRODUCTION_ENV, DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        NEWSROOM_TRUSTED_PROXY_COUNT="2", DJANGO_HSTS_SECONDS="600", DJANGO_HSTS_PRELOAD="1",
        DJANGO_SESSION_IDLE_TIMEOUT="900", DJANGO_ADMIN_URL="/desk-7f3a",
    ).stdout.strip()  # fmt: skip
    assert out == "('HTTP_X_FORWARDED_PROTO', 'https') 2 600 True 900 desk-7f3a/"


def test_a_malformed_number_in_the_environment_is_refused_clearly():
    """A typo in a numeric variable stops the site with one line naming the variable."""
    result = run_python("print('started')", **PRODUCTION_ENV, DJANGO_HSTS_SECONDS="a year")
    assert result.returncode != 0 and "started" not in result.stdout
    assert "DJANGO_HSTS_SECONDS" in result.stderr.strip().splitlines()[-1]


def test_admin_url_is_configurable(tmp_path):
    """DJANGO_ADMIN_URL moves the admin; the old address is then a plain 404."""
    code = (
        # The 404 page shows the site settings: it needs a migrated database.
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from django.test import Client; from django.urls import reverse; c = Client(); "
        "print(reverse('admin:index'), c.get('/desk-7f3a/login/', secure=True).status_code, "
        "c.get('/admin/login/', secure=True).status_code)"
    )
    env = {**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_ADMIN_URL": "desk-7f3a/",
           "STATIC_ROOT": str(django_settings.STATIC_ROOT),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'admin-url.sqlite3'}"}  # fmt: skip
    result = run_python(code, **env)
    assert result.stdout.split() == ["/desk-7f3a/", "200", "404"], result.stderr


def test_password_validators_demand_length_and_refuse_common_passwords():
    """Passwords shorter than 12 characters, common or all-digit are refused."""
    for weak in ["Sh0rt-pass", "password1234", "123456789012345"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("harbour-lanterns-in-winter")


# --- Headers ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def allow_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]


@pytest.fixture
def site(db):
    district = make_district(slug="hexi")
    article = make_article(districts=[district], title="Hexi opens a greenway")
    return {"district": district, "article": article}


def public_urls(site):
    return [
        "/",
        "/articles/",
        "/articles/?page=1",
        site["article"].get_absolute_url(),
        "/districts/",
        site["district"].get_absolute_url(),
        site["article"].source.get_absolute_url(),
        "/no-such-page/",
    ]


def test_public_pages_score_a_plus_on_observatory_rules(client, settings, site):
    """Every public page, served over HTTPS, scores A+ with no test failing."""
    settings.SECURE_SSL_REDIRECT = True
    for url in public_urls(site):
        https_response = client.get(url, secure=True, headers={"host": HOST})
        http_response = Client().get(url, headers={"host": HOST})
        report = observatory.scan(https_response, http_response, HOST)
        assert report.failures() == [], (url, report.failures())
        assert report.grade == "A+", (url, report.score, report.results)
        assert report.result("content-security-policy") == (
            "csp-implemented-with-no-unsafe-default-src-none"
        )


def test_public_policy_forbids_inline_code_and_framing(client, site):
    """The public CSP allows only this site's scripts and styles, nothing inline, no frames."""
    for url in public_urls(site):
        csp = observatory.parse_csp(client.get(url)["Content-Security-Policy"])
        assert csp["default-src"] == {"'none'"}
        assert csp["script-src"] == {"'self'"}
        assert csp["style-src"] == {"'self'"}
        assert csp["frame-ancestors"] == {"'none'"}
        assert csp["base-uri"] == {"'none'"}
        assert csp["form-action"] == {"'self'"}
        assert not any("unsafe" in s for sources in csp.values() for s in sources), url


def test_public_pages_carry_every_security_header(client, site):
    """HSTS, nosniff, Referrer-, Permissions- and Cross-Origin policies on every page."""
    for url in public_urls(site):
        response = client.get(url, secure=True)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        permissions = response["Permissions-Policy"]
        for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
            assert f"{feature}=()" in permissions


def test_pages_contain_no_inline_script_or_style(client, site):
    """
    Nothing on public pages depends on what the policy forbids: no inline code. JSON-LD
    (``type="application/ld+json"``) is data the browser never runs, so the policy allows it.
    """
    for url in public_urls(site):
        html = client.get(url).content.decode()
        assert not re.search(
            r'<script(?![^>]*\bsrc=)(?![^>]*type="application/ld\+json")[^>]*>', html
        ), url
        assert "<style" not in html and " style=" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


def test_error_pages_need_no_inline_style(client, settings):
    """400, 500 and 503 pages use the site stylesheet, not inline styles the CSP forbids."""
    from django.template.loader import render_to_string

    for name in ["400.html", "500.html", "503.html"]:
        html = render_to_string(name, {"site_name": "Tianjin Updates"})
        assert "<style" not in html and " style=" not in html, name
        assert re.search(r'<link rel="stylesheet" href="/static/css/site\.[0-9a-f]+\.css">', html)


def test_static_files_get_the_headers_too(client):
    """Files served by WhiteNoise carry nosniff and the policy like pages do."""
    from django.templatetags.static import static

    response = client.get(static("css/site.css"))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_admin_gets_its_own_narrow_policy(client):
    """Admin pages allow what CKEditor needs (inline styles, data: images), nothing more."""
    client.force_login(make_superuser())
    response = client.get("/admin/articles/article/add/")
    assert response.status_code == 200
    csp = observatory.parse_csp(response["Content-Security-Policy"])
    assert csp["script-src"] == {"'self'"}
    assert csp["default-src"] == {"'none'"}
    assert csp["object-src"] == {"'none'"}
    assert csp["base-uri"] == {"'none'"}
    assert csp["form-action"] == {"'self'"}
    assert "'unsafe-inline'" in csp["style-src"]
    assert not any("unsafe-eval" in s for sources in csp.values() for s in sources)
    assert response["Content-Security-Policy"] == build_policy(django_settings.NEWSROOM_ADMIN_CSP)
    # Only under the admin: the public pages keep the strict policy.
    assert "unsafe-inline" not in client.get("/")["Content-Security-Policy"]


def test_http_is_redirected_to_https_on_the_same_host(client, settings):
    """With the redirect on, plain HTTP gets a permanent redirect to the HTTPS URL."""
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/articles/?page=2", headers={"host": HOST})
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/articles/?page=2"


@pytest.mark.django_db
def test_health_check_is_exempt_from_the_https_redirect(settings):
    """A load balancer can probe /healthz over plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200


def test_proxy_https_header_is_honoured(db, settings):
    """Behind a TLS proxy that sets X-Forwarded-Proto, requests count as HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    forwarded = Client().get("/districts/", headers={"x-forwarded-proto": "https"})
    assert forwarded.status_code == 200
    assert "Strict-Transport-Security" in forwarded
    assert Client().get("/districts/").status_code == 301


# --- Cookies and sessions ----------------------------------------------------------------


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_httponly_and_samesite():
    """The admin's cookies are Secure, HttpOnly and SameSite=Lax, and score on Observatory."""
    make_superuser(username="chief", password="correct-horse-battery-staple")
    client = Client()
    login = client.get("/admin/login/", secure=True)
    token = login.cookies["csrftoken"]
    response = client.post(
        "/admin/login/",
        {"username": "chief", "password": "correct-horse-battery-staple",
         "csrfmiddlewaretoken": token.value},
        secure=True, headers={"referer": "https://testserver/admin/login/"},
    )  # fmt: skip
    assert response.status_code == 302
    for cookie in [token, response.cookies["sessionid"]]:
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
    set_cookies = [token.OutputString(), response.cookies["sessionid"].OutputString()]
    assert observatory.cookies_test(set_cookies, hsts=True) == (
        "cookies-secure-with-httponly-sessions-and-samesite",
        5,
    )


def session_of(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


@pytest.mark.django_db
def test_session_ends_after_inactivity(client):
    """A session unused for longer than the idle timeout no longer opens the admin."""
    client.force_login(make_superuser())
    assert client.get("/admin/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_activity_renews_the_session_at_most_once_a_minute(client, settings):
    """Requests push the expiry forward, but the session row is rewritten at most each minute."""
    settings.SESSION_COOKIE_AGE = 3600
    client.force_login(make_superuser())
    client.get("/admin/")
    first_expiry = session_of(client).expire_date
    client.get("/admin/")
    assert session_of(client).expire_date == first_expiry  # renewed a moment ago
    session = client.session
    session[SessionIdleTimeoutMiddleware.key] -= 61
    session.save()
    Session.objects.update(expire_date=timezone.now() + timezone.timedelta(seconds=100))
    client.get("/admin/")
    renewed = session_of(client).expire_date
    assert renewed > timezone.now() + timezone.timedelta(seconds=3500)


@pytest.mark.django_db
def test_logging_out_invalidates_the_session(client):
    """After logout, a copy of the old session cookie opens nothing."""
    client.force_login(make_superuser())
    stolen = client.cookies["sessionid"].value
    assert client.post("/admin/logout/").status_code == 200
    assert not Session.objects.filter(session_key=stolen).exists()
    replay = Client()
    replay.cookies["sessionid"] = stolen
    assert replay.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_anonymous_readers_get_no_cookies(client, site):
    """Public pages set no cookie at all: nothing to steal, nothing to consent to."""
    for url in public_urls(site):
        assert not client.get(url).cookies, url


def test_observatory_rules_mark_down_missing_or_weak_headers(client, settings, site):
    """The scorer is not a rubber stamp: weak headers fall below A+ with named failures."""
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_CSP = {"default-src": ["'self'"], "script-src": ["'self'", "'unsafe-inline'"]}
    response = client.get("/", secure=True, headers={"host": HOST})
    report = observatory.scan(response, Client().get("/", headers={"host": HOST}), HOST)
    failed = {result.test for result in report.failures()}
    assert failed == {"content-security-policy", "strict-transport-security", "redirection"}
    assert report.grade != "A+"
