from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles import resilience

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", resilience.healthz, name="healthz"),
    path("", include("articles.urls")),
]

# A database outage anywhere in a request, not only in a view, answers 503 rather than 500
# (or 400, when it interrupts saving the session).
handler400 = resilience.bad_request
handler500 = resilience.server_error

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
