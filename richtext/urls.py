"""The editor's image upload and "browse server" window; included under the admin's address."""

from django.urls import path

from . import uploads

urlpatterns = [
    path("editor/upload/", uploads.editor_image_upload, name="editor_image_upload"),
    path("editor/browse/", uploads.editor_image_browser, name="editor_image_browser"),
]
