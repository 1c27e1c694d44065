"""
Public content as a JSON file, and back: ``manage.py export_content`` / ``import_content``.

The file is a site-independent copy of what the public can read: the site settings and the
alert banners showing, every district and source, and the articles on the public record
(published, and withdrawn ones, which keep their page under a notice) with their former
addresses and public change notes. Rows are identified by their slug (never a database id),
and links are written as the slug of what they point to. Uploaded files are not in it: ``media``
lists the files the articles use (lead images, pictures in bodies) with their size in pixels,
and ``media_url`` says where bodies found them, so pictures keep working on a site whose
media lives elsewhere. ``import_content`` loads the file into an empty site or updates the
same site again; importing a file twice changes nothing the second time.

What goes into the file for a model is declared in ``SPECS``, one ``Spec`` per model, in
dependency order. To carry a new field, add its name to ``fields`` (plain values),
``foreign_keys`` (a link to a model exported earlier, by slug), ``many_to_many`` or
``user_fields`` (a user, by username); rows that belong to an article (like its change notes)
are a child of its spec (``FormerAddresses``, ``PublicChangeNotes``). A format change that an
older Newsroom could misread bumps ``VERSION``.
"""

from .export import ExportResult, export_size, write_export
from .importer import ContentFileError, Importer, item_count, parse
from .specs import FORMAT, PROGRESS_THRESHOLD, SPECS, VERSION, serialize

__all__ = [
    "FORMAT",
    "PROGRESS_THRESHOLD",
    "SPECS",
    "VERSION",
    "ContentFileError",
    "ExportResult",
    "Importer",
    "export_size",
    "item_count",
    "parse",
    "serialize",
    "write_export",
]
