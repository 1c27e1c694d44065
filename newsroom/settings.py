"""
Newsroom settings: one file, read from the environment.

Every variable is listed with its default and meaning in README.md ("Configuration").
"""

import json
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
    "django.contrib.sitemaps",
    "ckeditor",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag from the page's content, and 304 Not Modified when it matches If-None-Match.
    # Public pages carry nothing per visitor (no CSRF token), so repeat visits match.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Language from the language cookie (set by the switcher), else Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Scheduled changes to live articles go live on the first request after their time: a
    # cache lookup per request, no job to run (articles/revisions.py).
    "articles.revisions.DueChangesMiddleware",
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
                "django.template.context_processors.i18n",
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
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
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
    # Uploads go through Django's storage API only, so media can move to S3-compatible
    # storage by naming another backend (e.g. django-storages) and its options here.
    "default": {
        "BACKEND": env("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(env("MEDIA_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Images (lead images and uploads through the editor): larger files or pictures are refused
# before they are decoded, so no upload can exhaust a worker's memory (articles/images.py).
NEWSROOM_IMAGE_MAX_BYTES = int(float(env("NEWSROOM_IMAGE_MAX_MB", "10")) * 1024 * 1024)
NEWSROOM_IMAGE_MAX_PIXELS = int(float(env("NEWSROOM_IMAGE_MAX_MEGAPIXELS", "40")) * 1_000_000)
# The editor's "Browse server" window, listing every image uploaded through the editor.
NEWSROOM_EDITOR_FILE_BROWSER = env_bool("NEWSROOM_EDITOR_FILE_BROWSER", False)
FILE_UPLOAD_HANDLERS = [
    # Stops storing an upload once it passes NEWSROOM_IMAGE_MAX_BYTES, so an oversized file
    # gets a clear refusal without filling the temporary folder first.
    "articles.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
# SMTP for workflow notifications and invitations (used when debug is off).
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A mail server that does not answer must not hold an editor's request for long.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# django-ckeditor: the widget (articles.widgets.RichTextEditor) is attached only to the admin
# article form. Its toolbar offers only markup that the body sanitiser (articles/sanitize.py)
# keeps, and "allowedContent" makes CKEditor drop everything else as soon as it is typed or
# pasted, so editors see what readers will see. The server-side sanitiser is the guarantee.
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Newsroom",
        "toolbar_Newsroom": [
            ["Format"],
            ["Bold", "Italic", "Subscript", "Superscript"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Image", "Table", "HorizontalRule", "SpecialChar"],
            ["PasteText", "RemoveFormat"],
            ["Undo", "Redo"],
        ],
        "format_tags": "p;h2;h3;h4",
        # The same allow-list as articles/sanitize.py, in CKEditor's filter syntax.
        "allowedContent": (
            "h2 h3 h4 p br hr strong b em i u s sub sup ul li blockquote"
            " table caption thead tbody tfoot tr figure figcaption;"
            " ol[start]; a[!href,title]; img[!src,alt,width,height];"
            " th[colspan,rowspan,scope]; td[colspan,rowspan]"
        ),
        # Plugins whose output the sanitiser would remove, or that call outside services.
        "removePlugins": (
            "exportpdf,sourcearea,forms,iframe,flash,smiley,font,colorbutton,colordialog,"
            "justify,div,pagebreak,templates,language,bidi,save,newpage,preview,print,scayt,"
            "stylescombo,copyformatting"
        ),
        "removeDialogTabs": "image:advanced;image:Link;link:advanced;link:target;table:advanced",
        "filebrowserUploadMethod": "xhr",
        # Pasted pictures are uploaded (uploadimage), never kept inline as data: URLs.
        "clipboard_handleImages": False,
        "image_previewText": " ",
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

# Defaults for a new site's settings (header and footer); administrators then edit them in
# the admin ("Site settings"), which takes precedence.
NEWSROOM_SITE_NAME = env("NEWSROOM_SITE_NAME", "Tianjin Updates")
NEWSROOM_COPYRIGHT = env(
    "NEWSROOM_COPYRIGHT", "Copyright © Tianjin Municipal Government. All rights reserved."
)
NEWSROOM_ICP_FILING = env("NEWSROOM_ICP_FILING", "津ICP备00000000号-1")
NEWSROOM_PSB_FILING = env("NEWSROOM_PSB_FILING", "津公网安备 12000000000000号")
NEWSROOM_HOME_STORIES = 10
# The site's address, for links in emails sent outside a request (workflow notifications).
NEWSROOM_SITE_URL = env("NEWSROOM_SITE_URL", "http://127.0.0.1:8000")
# Nothing is published without a second person: the approver is neither the author nor
# anyone who edited it since its last review. Off only for one-person newsrooms.
NEWSROOM_TWO_PERSON_RULE = env_bool("NEWSROOM_TWO_PERSON_RULE", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
}
