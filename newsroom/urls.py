from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.NEWSROOM_BENCH_FLOOR_FILE:
    # `make bench` only: the floor every page is compared with (bench/floor.py).
    from bench.floor import floor

    urlpatterns.insert(0, path("__bench__/floor/", floor))
