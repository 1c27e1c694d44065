"""
Newsroom settings: one file, read from the environment.

Every variable is listed with its default and meaning in README.md ("Configuration").
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"Newsroom refuses to start: {name} must be a whole number, not {value!r}.")


def env_float(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        sys.exit(f"Newsroom refuses to start: {name} must be a number, not {value!r}.")


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        # A clean one-line refusal rather than a traceback: this is an operator's mistake.
        sys.exit(
            "Newsroom refuses to start: set DJANGO_SECRET_KEY (a long random string), "
            "or DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 (debug only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Lets runserver serve static files the same way WhiteNoise does in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ckeditor",
    # Counts failed logins and locks out repeated guessing (README, "Security").
    "axes",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the same headers as pages.
    "articles.security.SecurityHeadersMiddleware",
    "articles.security.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.resilience.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "articles.security.SessionIdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# Database: an embedded SQLite file unless DATABASE_URL names another database,
# e.g. postgres://postgres@127.0.0.1:5432/newsroom
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Writes are atomic where they happen, not per request (ATOMIC_REQUESTS stays off): the
# admin wraps each add/change/delete in a transaction, model transitions and commands use
# transaction.atomic(), and public reads do not pay for a transaction. README, "Security".
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails fast (a 503 page) instead of hanging the worker.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared Redis when REDIS_URL is set (several app servers), else per-process memory.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that treats an unreachable Redis as a cache miss, so the
            # site keeps serving from the database (articles/cache.py).
            "BACKEND": "articles.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {
                "socket_connect_timeout": env_float("REDIS_SOCKET_TIMEOUT", 0.5),
                "socket_timeout": env_float("REDIS_SOCKET_TIMEOUT", 0.5),
                "RETRY_AFTER": env_float("REDIS_RETRY_AFTER", 5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out client is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "articles" / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)

# django-ckeditor: the widget is attached only to the admin article form. Its toolbar
# offers only markup that the body sanitiser (articles/sanitize.py) keeps.
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Newsroom",
        "toolbar_Newsroom": [
            ["Format"],
            ["Bold", "Italic"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Table", "Image"],
            ["Undo", "Redo", "RemoveFormat"],
        ],
        "format_tags": "p;h2;h3;h4",
        "removePlugins": "exportpdf",
        # Edits in a <div> of the admin page instead of an <iframe>: the iframe is set up by an
        # inline <script> that the admin's Content-Security-Policy does not allow.
        "extraPlugins": "divarea",
        # No uploads through the editor's dialogs (yet): their hidden Upload tabs would load an
        # <iframe src="javascript:void(0)"> that the policy refuses, noisily.
        "removeDialogTabs": "link:upload;image:Upload",
        "height": 360,
        "width": "100%",
    }
}
# --- Security (README, "Security") ---
# The admin's address; a less obvious one keeps out scripted guessing aimed at /admin/.
ADMIN_URL = env("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

# HTTPS is on whenever debug is off; DJANGO_HTTPS=0 only for a plain-HTTP test rig.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
# A load balancer probes the health check over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy: the header it sets to "https", e.g. X-Forwarded-Proto.
# Only set this when the proxy always overwrites that header.
_proxy_ssl_header = env("DJANGO_SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_").removeprefix("HTTP_"),
        "https",
    )
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", False)
# How many reverse proxies append to X-Forwarded-For in front of the app: the client's
# address is the entry that many places from the right (0: the socket's peer address).
NEWSROOM_TRUSTED_PROXY_COUNT = env_int("NEWSROOM_TRUSTED_PROXY_COUNT", 0)

SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions end after this many seconds without a request, and when the browser closes.
# articles.security.SessionIdleTimeoutMiddleware renews them while in use (at most once a
# minute, rather than a database write on every request as SESSION_SAVE_EVERY_REQUEST does).
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_TIMEOUT", 2 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

# Request size: form fields above this many bytes in total, or more fields than this, get a
# 400 before a view runs; any body above NEWSROOM_MAX_REQUEST_BYTES gets a 413 unread.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = 20
NEWSROOM_MAX_REQUEST_BYTES = env_int("NEWSROOM_MAX_REQUEST_BYTES", 20 * 1024 * 1024)

# Content-Security-Policy, as a dict in the shape of Django 6's SECURE_CSP, sent by
# articles.security.SecurityHeadersMiddleware. Public pages: nothing inline, nothing from
# elsewhere, no framing. (No upgrade-insecure-requests: everything comes from this site,
# which HSTS already keeps on HTTPS.)
SECURE_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "manifest-src": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
}
# The admin (and only the admin: paths below these URL names or "/prefixes/"). CKEditor 4
# builds its toolbar with inline event handlers (onclick="..."), sets inline styles and draws
# icons as data: images, so those are allowed there; <script> elements still only load from
# this site (script-src-elem), and eval stays forbidden.
NEWSROOM_ADMIN_CSP_PATHS = ["admin:index"]
NEWSROOM_ADMIN_CSP = {
    **SECURE_CSP,
    "script-src-elem": ["'self'"],
    "script-src-attr": ["'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
}
# Powerful browser features no page of the site uses.
NEWSROOM_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), xr-spatial-tracking=()"
)
NEWSROOM_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"

# django-axes: after AXES_FAILURE_LIMIT failed logins the account (any address) and the
# address (any account) are refused for AXES_COOLOFF_MINUTES; each new try restarts it.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Comma-separated alternatives; "a+b" locks only that combination, e.g. "username+ip_address".
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item
    for item in env_list("AXES_LOCKOUT_PARAMETERS", "username,ip_address")
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "articles.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "articles.security.client_ip"
# Failed attempts are also kept one row each (admin: "Access failures").
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password"]

SILENCED_SYSTEM_CHECKS = [
    # HSTS preloading binds every subdomain of the registrable domain for months and is hard
    # to undo: that is the domain owner's decision, taken with DJANGO_HSTS_PRELOAD=1.
    "security.W021",
    # django-ckeditor warns that its bundled CKEditor 4 is unsupported. The client chose it;
    # the risk is contained: the widget exists only in the staff-only admin form, and every
    # body is sanitised on the server with an allow-list before it is stored (README,
    # "Security").
    "ckeditor.W001",
]

# What the public site shows in its header and footer.
NEWSROOM_SITE_NAME = env("NEWSROOM_SITE_NAME", "Tianjin Updates")
NEWSROOM_COPYRIGHT = env(
    "NEWSROOM_COPYRIGHT", "Copyright © Tianjin Municipal Government. All rights reserved."
)
NEWSROOM_ICP_FILING = env("NEWSROOM_ICP_FILING", "津ICP备00000000号-1")
NEWSROOM_PSB_FILING = env("NEWSROOM_PSB_FILING", "津公网安备 12000000000000号")
NEWSROOM_HOME_STORIES = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Logins, logouts, failed logins and outages are always logged; django-axes adds its
        # lockout warnings (README, "Security").
        "newsroom.security": {"level": "INFO"},
        "newsroom.resilience": {"level": "INFO"},
    },
}
