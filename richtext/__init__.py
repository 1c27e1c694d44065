"""
Rich text for any app: the allow-list sanitiser every stored body goes through, the CKEditor
widget and its image uploads, image checks (decode, limit, re-encode) and responsive
renditions, and the ``rich_text`` filter that puts a body on a page.

It imports nothing of the apps that use it; the project names who may upload
(``RICHTEXT_UPLOAD_PERMISSIONS``) in its settings.
"""
