"""
Image uploads through the editor (CKEditor 4), replacing django-ckeditor's ``ckeditor_uploader``.

That uploader is CSRF-exempt, lets any staff member upload, echoes ``CKEditorFuncNum`` into a
script response, accepts .html and .svg, and crashes on decompression bombs. Here:

- only active staff holding one of ``RICHTEXT_UPLOAD_PERMISSIONS`` can upload; CSRF is enforced (the editor
  sends the form's token in ``X-CSRFToken``, ``static/js/editor-uploads.js``);
- the answer is always JSON (CKEditor's ``uploadimage``/``filebrowser`` "xhr" protocol), so
  nothing from the request is ever placed in a script;
- the file goes through ``richtext.images.clean_image`` (decoded, limited, re-encoded, no
  metadata) and is stored through the storage API under a random name, with its renditions;
- the "browse server" window exists only when ``NEWSROOM_EDITOR_FILE_BROWSER`` is on.
"""

import posixpath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from .images import clean_image
from .renditions import ensure_renditions

EDITOR_FOLDER = "editor"


class OversizeUpload(UploadedFile):
    """Stands in for an upload that passed the size limit: its size, none of its bytes."""

    def __init__(self, name, size, content_type):
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def open(self, mode=None):
        return self

    def read(self, *args):
        return b""

    def seek(self, *args):
        return 0

    def close(self):
        pass


class SizeLimitedUploadHandler(FileUploadHandler):
    """
    First upload handler: passes a file's bytes on to the usual handlers until the file
    grows past ``NEWSROOM_IMAGE_MAX_BYTES``, then swallows the rest and hands the form an
    ``OversizeUpload``, which the image checks refuse with the file's size.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversize = False
        # What the other handlers hold now, so only files started for this upload are dropped.
        self.earlier_files = {
            id(handler): getattr(handler, "file", None) for handler in self.others()
        }

    def others(self):
        return [h for h in getattr(self.request, "upload_handlers", []) if h is not self]

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if not self.oversize and self.received > settings.NEWSROOM_IMAGE_MAX_BYTES:
            self.oversize = True
            self.discard_partial_files()
        return None if self.oversize else raw_data

    def discard_partial_files(self):
        """Close (and so delete) what the next handlers wrote of this file so far."""
        for handler in self.others():
            partial = getattr(handler, "file", None)
            if partial is not None and partial is not self.earlier_files.get(id(handler)):
                partial.close()

    def file_complete(self, file_size):
        if self.oversize:
            return OversizeUpload(self.file_name, self.received, self.content_type)
        return None


def may_upload(user):
    """
    Active staff holding one of ``RICHTEXT_UPLOAD_PERMISSIONS`` (the project's: those who may
    write what the editor edits); the same rule for the editor and lead images.
    """
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and any(user.has_perm(name) for name in settings.RICHTEXT_UPLOAD_PERMISSIONS)
    )


def _refusal(message, status=400):
    return JsonResponse({"uploaded": 0, "error": {"message": message}}, status=status)


@never_cache
@require_POST
@csrf_protect
def editor_image_upload(request):
    """Store one image sent by CKEditor and answer with its URL as JSON."""
    if not may_upload(request.user):
        return _refusal(_("You may not upload images."), status=403)
    upload = request.FILES.get("upload")
    if upload is None:
        return _refusal(_("No file was sent."))
    try:
        image = clean_image(upload)
    except ValidationError as error:
        return _refusal(" ".join(error.messages))
    folder = posixpath.join(EDITOR_FOLDER, timezone.localdate().strftime("%Y/%m"))
    content = image.as_file()
    name = default_storage.save(posixpath.join(folder, content.name), content)
    ensure_renditions(name)
    return JsonResponse(
        {"uploaded": 1, "fileName": posixpath.basename(name), "url": default_storage.url(name)}
    )


@never_cache
@require_GET
def editor_image_browser(request):
    """The editor's "Browse server" window: images uploaded through the editor, by month."""
    if not settings.NEWSROOM_EDITOR_FILE_BROWSER:
        raise Http404
    if not may_upload(request.user):
        raise PermissionDenied
    func_num = request.GET.get("CKEditorFuncNum", "")
    if not func_num.isdigit():
        # CKEditor sends a small integer; anything else is not from the editor.
        func_num = ""
    images = [
        {"name": posixpath.basename(name), "url": default_storage.url(name)}
        for name in sorted(_editor_images(EDITOR_FOLDER), reverse=True)[:500]
    ]
    return render(
        request,
        "richtext/editor_image_browser.html",
        {"images": images, "func_num": func_num, "title": _("Images uploaded to this site")},
    )


def _editor_images(folder):
    try:
        directories, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for directory in directories:
        yield from _editor_images(posixpath.join(folder, directory))
    for file in files:
        yield posixpath.join(folder, file)
