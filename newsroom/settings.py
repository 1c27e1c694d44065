"""
Newsroom settings: one file, read from the environment.

Every variable is listed with its default and meaning in README.md ("Configuration").
"""

import json
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
            "or DJANGO_DEBUG=1 for local development (`make run` keeps both in .env)."
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
    # Counts failed logins and locks out repeated guessing (README, "Security").
    "axes",
    # The project's apps (docs/architecture.md): its own middleware and sign-in log; the news;
    # page caching and rich text, which know nothing of the news; demo content.
    "newsroom",
    "articles",
    "pagecache",
    "richtext",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the same headers as pages.
    "newsroom.middleware.SecurityHeadersMiddleware",
    "newsroom.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    # Scheduled changes to live articles go live on the first request after their time: a
    # cache lookup per request, no job to run (articles/editorial/scheduling.py). Before the
    # page cache, so no cached page is served once a change is due.
    "articles.editorial.scheduling.DueChangesMiddleware",
    # Whole pages for anonymous readers; after HTTPS redirects and static files, before
    # sessions, so a hit costs one cache round trip (pagecache/middleware.py).
    "pagecache.middleware.PublicPageCacheMiddleware",
    # ETag from the page's content, and 304 Not Modified when it matches If-None-Match.
    # Public pages carry nothing per visitor (no CSRF token), so repeat visits match.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsroom.middleware.SessionIdleTimeoutMiddleware",
    # Language from the language cookie (set by the switcher), else Accept-Language; every
    # response says it varies with both.
    "newsroom.middleware.LocaleMiddleware",
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
                "django.template.context_processors.i18n",
                "articles.context_processors.site",
            ],
        },
    },
]

# Database: an embedded SQLite file unless DATABASE_URL names another database,
# e.g. postgres://postgres@127.0.0.1:5432/newsroom
# Each app server process keeps its connection for DATABASE_CONN_MAX_AGE seconds (gunicorn's
# sync workers: one each). With debug on the default is 0, a connection per request: runserver
# serves each request in a thread of its own, and a connection kept by a thread that has ended
# stays open, idle, until PostgreSQL runs out of connections.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
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
            # Django's RedisCache reusing its clients, and treating an unreachable Redis as a
            # cache miss so the site keeps serving from the database (newsroom/cache_backends.py).
            "BACKEND": "newsroom.cache_backends.ResilientRedisCache",
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
# before they are decoded, so no upload can exhaust a worker's memory (richtext/images.py).
NEWSROOM_IMAGE_MAX_BYTES = int(float(env("NEWSROOM_IMAGE_MAX_MB", "10")) * 1024 * 1024)
NEWSROOM_IMAGE_MAX_PIXELS = int(float(env("NEWSROOM_IMAGE_MAX_MEGAPIXELS", "40")) * 1_000_000)
# The editor's "Browse server" window, listing every image uploaded through the editor.
NEWSROOM_EDITOR_FILE_BROWSER = env_bool("NEWSROOM_EDITOR_FILE_BROWSER", False)
# Who may upload images through the editor (richtext knows nothing of articles): staff holding
# any of these permissions.
RICHTEXT_UPLOAD_PERMISSIONS = ["articles.add_article", "articles.change_article"]
FILE_UPLOAD_HANDLERS = [
    # Stops storing an upload once it passes NEWSROOM_IMAGE_MAX_BYTES, so an oversized file
    # gets a clear refusal without filling the temporary folder first.
    "richtext.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
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

# django-ckeditor: the widget (richtext.widgets.RichTextEditor) is attached only to the admin
# article form. Its toolbar offers only markup that the body sanitiser (richtext/sanitize.py)
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
            ["Image", "NewsroomUploadImage", "Table", "HorizontalRule", "SpecialChar"],
            ["PasteText", "RemoveFormat"],
            ["Undo", "Redo"],
        ],
        "format_tags": "p;h2;h3;h4",
        # The same allow-list as richtext/sanitize.py, in CKEditor's filter syntax.
        "allowedContent": (
            "h2 h3 h4 p br hr strong b em i u s sub sup ul li blockquote"
            " table caption thead tbody tfoot tr figure figcaption;"
            " ol[start]; a[!href,title]; img[!src,alt,width,height,role];"
            " th[colspan,rowspan,scope]; td[colspan,rowspan]"
        ),
        # A picture pasted or dropped in is an upload widget until its upload ends; with an
        # allowedContent of its own, the editor would strip the attribute that makes it one
        # (so the picture stayed a placeholder). The widget's output never carries it.
        "extraAllowedContent": "img[data-widget]",
        # Plugins whose output the sanitiser would remove, or that call outside services.
        "removePlugins": (
            "exportpdf,sourcearea,forms,iframe,flash,smiley,font,colorbutton,colordialog,"
            "justify,div,pagebreak,templates,language,bidi,save,newpage,preview,print,scayt,"
            "stylescombo,copyformatting"
        ),
        # The dialogs' Upload tabs are off: they build an <iframe src="javascript:…"> that the
        # admin's Content-Security-Policy refuses. Pictures are uploaded by pasting or dropping
        # them into the editor (uploadimage plugin) or with the "Upload image" button
        # (newsroomupload, static/js/editor-upload-button.js), to the same checked upload view.
        "removeDialogTabs": (
            "image:advanced;image:Link;image:Upload;link:advanced;link:target;link:upload;"
            "table:advanced"
        ),
        "filebrowserUploadMethod": "xhr",
        # Pasted pictures are uploaded (uploadimage), never kept inline as data: URLs.
        "clipboard_handleImages": False,
        "image_previewText": " ",
        # Edits in a <div> of the admin page instead of an <iframe>: the iframe is set up by an
        # inline <script> that the admin's Content-Security-Policy does not allow.
        # newsroomupload: the "Upload image" button, registered by
        # static/js/editor-upload-button.js before the editors start.
        "extraPlugins": "divarea,newsroomupload",
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
# newsroom.middleware.SessionIdleTimeoutMiddleware renews them while in use (at most once a
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
# newsroom.middleware.SecurityHeadersMiddleware. Public pages: nothing inline, nothing from
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

# Password guessing (docs/security.md, "Logging in"). django-axes refuses a username at one
# address after AXES_FAILURE_LIMIT failures there, for AXES_COOLOFF_MINUTES (each new try
# restarts the wait), so one person's typos do not lock out an office behind the same address.
# Above that, newsroom.logins.LockoutHandler refuses an address after
# NEWSROOM_LOGIN_ADDRESS_LIMIT failures for any usernames (one guesser trying many accounts),
# and a username after NEWSROOM_LOGIN_ACCOUNT_LIMIT failures from any addresses (many
# addresses guessing one account's password); 0 turns either off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Comma-separated alternatives; "a+b" locks only that combination ("username,ip_address"
# would lock every account tried from an address, and an account from every address).
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item
    for item in env_list("AXES_LOCKOUT_PARAMETERS", "username+ip_address")
]
NEWSROOM_LOGIN_ADDRESS_LIMIT = env_int("NEWSROOM_LOGIN_ADDRESS_LIMIT", 30)
NEWSROOM_LOGIN_ACCOUNT_LIMIT = env_int("NEWSROOM_LOGIN_ACCOUNT_LIMIT", 30)
AXES_HANDLER = "newsroom.logins.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsroom.logins.client_ip"
# Failed attempts are also kept one row each (admin: "Access failures").
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password"]
LOGIN_URL = "admin:login"

# Forgotten passwords (newsroom/passwords.py): a link by email, valid once for
# PASSWORD_RESET_TIMEOUT (Django's three days). So the form cannot flood a mailbox, at most
# NEWSROOM_PASSWORD_RESET_EMAILS_PER_HOUR emails go to one address an hour, and one client
# address may ask NEWSROOM_PASSWORD_RESET_REQUESTS_PER_HOUR times an hour.
NEWSROOM_PASSWORD_RESET_EMAILS_PER_HOUR = env_int("NEWSROOM_PASSWORD_RESET_EMAILS_PER_HOUR", 3)
NEWSROOM_PASSWORD_RESET_REQUESTS_PER_HOUR = env_int("NEWSROOM_PASSWORD_RESET_REQUESTS_PER_HOUR", 10)

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

# Defaults for a new site's settings (header and footer); administrators then edit them in
# the admin ("Site settings"), which takes precedence.
NEWSROOM_SITE_NAME = env("NEWSROOM_SITE_NAME", "Tianjin Updates")
NEWSROOM_COPYRIGHT = env(
    "NEWSROOM_COPYRIGHT", "Copyright © Tianjin Municipal Government. All rights reserved."
)
NEWSROOM_ICP_FILING = env("NEWSROOM_ICP_FILING", "津ICP备00000000号-1")
NEWSROOM_PSB_FILING = env("NEWSROOM_PSB_FILING", "津公网安备 12000000000000号")
NEWSROOM_HOME_STORIES = 10
# The site's address, for the links in emails (password resets, workflow notifications) and
# in createuser's output; `make run` sets it to the address it serves on. Production sets it:
# `check --deploy` warns otherwise (newsroom/checks.py).
NEWSROOM_SITE_URL = env("NEWSROOM_SITE_URL", "http://127.0.0.1:8000")
# Nothing is published without a second person: the approver is neither the author nor
# anyone who edited it since its last review. Off only for one-person newsrooms.
NEWSROOM_TWO_PERSON_RULE = env_bool("NEWSROOM_TWO_PERSON_RULE", True)

# Public page cache (pagecache/): how long an anonymous page may be kept at most (0 turns
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
    "loggers": {
        # Logins, logouts, failed logins and outages are always logged; django-axes adds its
        # lockout warnings (README, "Security").
        "newsroom.security": {"level": "INFO"},
        "newsroom.resilience": {"level": "INFO"},
    },
}
