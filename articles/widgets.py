from ckeditor.widgets import CKEditorWidget
from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.forms.widgets import Media
from django.urls import reverse
from django.utils.html import format_html, format_html_join


class RichTextEditor(CKEditorWidget):
    """
    CKEditor for article bodies, uploading images to ``articles.uploads`` (never to
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
        # DOMContentLoaded): editor-upload-button.js registers the newsroomupload plugin.
        return super().media + Media(js=["js/editor-uploads.js", "js/editor-upload-button.js"])


class PlainSelect(forms.Select):
    """
    A ``<select>`` of flat choices written in Python rather than through the form renderer's
    templates (one template include per option): the public list filters offer about sixty
    options, and rendering them through templates cost a fifth of an uncached list page
    (docs/benchmarks.md). Same markup and attributes as ``forms.Select``.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attributes = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "\n",
            '  <option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html("<select{}>\n{}\n</select>", flatatt(attributes), options)
