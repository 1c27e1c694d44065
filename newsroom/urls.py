from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from articles import sitemaps
from articles.admin import view_on_site
from articles.views import set_language

from . import errors, passwords

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Editorial desk")


urlpatterns = [
    # Image uploads from the admin's rich-text editor (staff who may write articles only).
    path(settings.ADMIN_URL, include("richtext.urls")),
    # Choosing a password through an emailed one-time link: invited users, and anyone who
    # forgot theirs ("admin_password_reset" puts the link on the admin's login page).
    path(
        f"{settings.ADMIN_URL}password-reset/",
        passwords.PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        f"{settings.ADMIN_URL}password-reset/sent/",
        passwords.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        f"{settings.ADMIN_URL}set-password/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        f"{settings.ADMIN_URL}set-password/done/",
        passwords.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The admin's "View on site" links, checked: before the admin's own URLs, which would
    # answer the same address for any staff member and any object.
    path(
        f"{settings.ADMIN_URL}r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", errors.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("articles.urls")),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    # Before the section pattern, which would also match it.
    path("sitemap-news.xml", sitemaps.news_sitemap, name="sitemap-news"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]

# A database outage anywhere in a request, not only in a view, answers 503 rather than 500
# (or 400, when it interrupts saving the session).
handler400 = errors.bad_request
handler500 = errors.server_error

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.NEWSROOM_BENCH_FLOOR_FILE:
    # `make bench` only: the floor every page is compared with (bench/floor.py).
    from bench.floor import floor

    urlpatterns.insert(0, path("__bench__/floor/", floor))
