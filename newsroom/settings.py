"""
Newsroom settings: one file, read from the environment.

Every variable is listed with its default and meaning in README.md ("Configuration").
"""

import os
import sys
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
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole pages for anonymous readers; after HTTPS redirects and static files, before
    # sessions, so a hit costs one cache round trip (articles/cache.py).
    "articles.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared Redis when REDIS_URL is set (several app servers), else per-process memory.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing its clients (articles/cache_backends.py).
            "BACKEND": "articles.cache_backends.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "newsroom"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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

# Media on S3-compatible object storage, shared by every app server (README, "Deploy").
# Needs the optional extra: pip install 'newsroom[s3]'. Credentials come from the standard
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables, read by boto3 itself.
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env("MEDIA_S3_REGION") or None,
            "custom_domain": env("MEDIA_S3_CUSTOM_DOMAIN") or None,
            # Public images get plain URLs, so cached pages do not carry expiring signatures.
            "querystring_auth": False,
            "file_overwrite": False,
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
        "height": 360,
        "width": "100%",
    }
}
SILENCED_SYSTEM_CHECKS = [
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

# Public page cache (articles/cache.py): how long an anonymous page may be kept at most (0 turns
# the cache off), and the max-age browsers and a front proxy are told (every change and every
# scheduled go-live still cuts both short).
NEWSROOM_PAGE_CACHE_SECONDS = int(env("NEWSROOM_PAGE_CACHE_SECONDS", "600"))
NEWSROOM_HTTP_MAX_AGE = int(env("NEWSROOM_HTTP_MAX_AGE", "0"))
# `make bench` only: serves this file's bytes from memory at /__bench__/floor/ (bench/floor.py).
NEWSROOM_BENCH_FLOOR_FILE = env("NEWSROOM_BENCH_FLOOR_FILE")
# Paths the page cache never looks at (besides static, media and the admin).
NEWSROOM_PAGE_CACHE_SKIP = ["/__bench__/"] if NEWSROOM_BENCH_FLOOR_FILE else []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
}
