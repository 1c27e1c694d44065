from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles import uploads

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    # Image uploads from the admin's rich-text editor (staff who may write articles only).
    path("admin/editor/upload/", uploads.editor_image_upload, name="editor_image_upload"),
    path("admin/editor/browse/", uploads.editor_image_browser, name="editor_image_browser"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
