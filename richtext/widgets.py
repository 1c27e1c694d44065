from ckeditor.widgets import CKEditorWidget
from django.conf import settings
from django.forms.widgets import Media
from django.urls import reverse


class RichTextEditor(CKEditorWidget):
    """
    CKEditor for rich-text fields, uploading images to ``richtext.uploads`` (never to
    django-ckeditor's own uploader) and sending Django's CSRF token with every upload.
    Its "Upload image" toolbar button is the ``newsroomupload`` plugin.
    """

    def _set_config(self):
        upload_url = reverse("editor_image_upload")
        # The image dialog's "Upload" tab and pasted or dropped images (uploadimage plugin)
        # both post here and read the JSON answer; links get no upload tab at all.
        self.config["filebrowserImageUploadUrl"] = upload_url
        self.config["imageUploadUrl"] = upload_url
        self.config["filebrowserUploadMethod"] = "xhr"
        for key in ("filebrowserUploadUrl", "filebrowserBrowseUrl", "filebrowserImageBrowseUrl"):
            self.config.pop(key, None)
        if settings.NEWSROOM_EDITOR_FILE_BROWSER:
            self.config["filebrowserImageBrowseUrl"] = reverse("editor_image_browser")
        super()._set_config()

    @property
    def media(self):
        # After ckeditor.js and before the editors start (ckeditor-init.js waits for
        # DOMContentLoaded): editor-upload-button.js registers the newsroomupload plugin;
        # editor-alt-text.js asks for every picture's alternative text.
        return super().media + Media(
            js=["js/editor-uploads.js", "js/editor-upload-button.js", "js/editor-alt-text.js"]
        )
