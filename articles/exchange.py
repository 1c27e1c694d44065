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

import datetime
import json
import re
from dataclasses import dataclass, field
from html import escape, unescape

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone

from .models import AlertBanner, Article, ChangeNote, District, SiteSettings, SlugRedirect, Source
from .renditions import ROOT as RENDITIONS_ROOT
from .renditions import name_from_src
from .sanitize import IMG_TAG, media_url_prefix

FORMAT = "newsroom-content"
# 1: districts, sources, published articles. 2: site settings, alert banners, withdrawn
# articles, language, featured, lead images, former addresses, change notes, media.
VERSION = 2
# Commands show a progress bar above this many items.
PROGRESS_THRESHOLD = 1000

PUBLIC_STATUSES = (Article.Status.PUBLISHED, Article.Status.WITHDRAWN)
SITE_SETTINGS_FIELDS = (
    "site_name", "tagline", "organisation_name", "copyright", "icp_filing", "psb_filing",
    "government_site_code", "contact_address", "contact_phone", "contact_email",
)  # fmt: skip
BANNER_FIELDS = (
    "message", "link_url", "link_text", "severity", "starts_at", "ends_at", "dismissible",
)  # fmt: skip


class FormerAddresses:
    """
    ``old_slugs``: the addresses an article had while it was public, which redirect to it
    (``SlugRedirect``). An import adds the file's and keeps the site's others, so no old link
    breaks; an address that is, or was, another article's on the site is an error.
    """

    name = "old_slugs"

    def prefetch(self):
        return "slug_redirects"

    def dump(self, article):
        return sorted(redirect.old_slug for redirect in article.slug_redirects.all())

    def parse(self, article, values):
        """The slugs to add and the problems found; ``article`` has the file's slug already."""
        if not isinstance(values, list):
            return [], [f"{self.name}: must be a list of slugs"]
        old_slug = SlugRedirect._meta.get_field("old_slug")
        slugs, problems = [], []
        for value in values:
            try:
                if not isinstance(value, str):
                    raise ValidationError("not text")
                slug = old_slug.clean(value, None)
            except ValidationError as exc:
                problems.append(f"{self.name}: {value!r}: {_message(exc)}")
                continue
            if slug == article.slug:
                problems.append(f"{self.name}: {slug!r} is the article's own address")
            elif Article.objects.filter(slug=slug).exclude(pk=article.pk).exists():
                problems.append(f"{self.name}: {slug!r} is another article's address on this site")
            elif _retired_for_another(slug, article):
                problems.append(
                    f"{self.name}: {slug!r} is a former address of another article on this "
                    "site, and old links to it lead there"
                )
            else:
                slugs.append(slug)
        return slugs, problems

    def load(self, article, slugs):
        """Add the redirects; True if anything changed."""
        changed = False
        for slug in slugs:
            _, created = SlugRedirect.objects.get_or_create(
                old_slug=slug, defaults={"article": article}
            )
            changed |= created
        # An address the article has again is its own, not a redirect (no loops), as when an
        # editor renames it back (workflow._apply_pending).
        deleted, _ = SlugRedirect.objects.filter(old_slug=article.slug).delete()
        return changed or bool(deleted)


class PublicChangeNotes:
    """
    ``change_notes``: what readers were told about major changes (updates, corrections,
    clarifications) in the story's "History of this article". A note whose change has not
    gone live yet is not public, so not written. An import adds each note the article lacks
    (same kind, text and time) and keeps the article's others.
    """

    name = "change_notes"
    fields = ("kind", "note", "public_at")

    def prefetch(self):
        # The same notes the story page lists; built per export, as "public" depends on now.
        return Prefetch(
            "change_notes", queryset=ChangeNote.objects.public(), to_attr="public_change_notes"
        )

    def dump(self, article):
        notes = sorted(article.change_history(), key=lambda n: (n.public_at, n.kind, n.note))
        return [{name: getattr(note, name) for name in self.fields} for note in notes]

    def parse(self, article, values):
        """Unsaved ``ChangeNote``s and the problems found."""
        if not isinstance(values, list):
            return [], [f"{self.name}: must be a list"]
        notes, problems = [], []
        for n, value in enumerate(values):
            where = f"{self.name}[{n}]"
            if not isinstance(value, dict):
                problems.append(f"{where}: must be an object")
                continue
            unknown = sorted(set(value) - set(self.fields))
            if unknown:
                problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
            note = ChangeNote()
            found = _assign(note, self.fields, value)
            _validate(note, found, exclude=["article", "revision", "created_by"])
            problems.extend(f"{where}.{problem}" for problem in found)
            notes.append(note)
        return notes, problems

    def load(self, article, notes):
        """Add the notes the article lacks; True if any was added."""
        added = False
        for note in notes:
            same = article.change_notes.filter(
                kind=note.kind, note=note.note, public_at=note.public_at
            )
            if not same.exists():
                note.article = article
                note.save()
                added = True
        return added


@dataclass(frozen=True)
class Spec:
    section: str
    model: type
    fields: tuple = ()
    foreign_keys: dict = field(default_factory=dict)  # field name -> section it points into
    many_to_many: dict = field(default_factory=dict)  # field name -> section it points into
    user_fields: tuple = ()  # links to users, written as usernames
    children: tuple = ()  # lists of rows that belong to each item, written inside it
    natural_key: str = "slug"
    queryset: object = None  # () -> QuerySet of what is exported; default: all rows
    # (instance, item) -> problems ("field: message") the model's own validation does not
    # find, checked once the item's values are set on the instance.
    check: object = None
    # (key, item, importer) -> the existing row an item updates; default: by natural key.
    find: object = None

    def rows(self):
        queryset = self.queryset() if self.queryset else self.model._default_manager.all()
        related = [*self.foreign_keys, *self.user_fields]
        if related:
            queryset = queryset.select_related(*related)
        prefetch = [*self.many_to_many, *(child.prefetch() for child in self.children)]
        if prefetch:
            queryset = queryset.prefetch_related(*prefetch)
        return queryset.order_by(self.natural_key)

    @property
    def keys(self):
        return {self.natural_key, *self.fields, *self.foreign_keys, *self.many_to_many,
                *self.user_fields, *(child.name for child in self.children)}  # fmt: skip


def _check_article(article, item):
    problems = []
    if article.status not in PUBLIC_STATUSES:
        problems.append(
            f"status: {article.status!r} is not public content; only published and withdrawn "
            "articles are imported"
        )
    name = getattr(article.lead_image, "name", article.lead_image) or ""
    if name and not is_media_name(name):
        problems.append(f"lead_image: {name!r} is not the name of a file in the media folder")
    elif len(name) > Article._meta.get_field("lead_image").max_length:
        problems.append("lead_image: the file name is too long")
    elif name and not article.lead_image_decorative and not article.lead_image_alt.strip():
        # Mirrors the article_lead_image_has_alt constraint, with the admin's words.
        problems.append(
            "lead_image_alt: describe the picture for readers who cannot see it, or mark it "
            "decorative"
        )
    if _retired_for_another(article.slug, article):
        problems.append(
            f"slug: {article.slug!r} is a former address of another article on this site, "
            "and old links to it lead there"
        )
    return problems


def _find_article(slug, item, importer):
    """
    The article with ``slug``; else the one whose current address is among the item's former
    ones: the same story, renamed since the site last imported it. Never an article the
    file lists under its own slug.
    """
    articles = Article.objects.select_related("source", "author")
    article = articles.filter(slug=slug).first()
    old_slugs = item.get("old_slugs")
    if article is None and isinstance(old_slugs, list):
        candidates = {s for s in old_slugs if isinstance(s, str)} - importer.keys["articles"]
        article = articles.filter(slug__in=candidates).order_by("pk").first()
    return article


def _retired_for_another(slug, article):
    return SlugRedirect.objects.filter(old_slug=slug).exclude(article_id=article.pk).exists()


SPECS = [
    Spec("districts", District, fields=("name", "description")),
    Spec("sources", Source, fields=("name", "url")),
    Spec(
        "articles",
        Article,
        fields=(
            "title",
            "summary",
            "body",
            "language",
            "featured",
            "source_url",
            "status",
            "published_at",
            "public_updated_at",
            "withdrawn_at",
            "withdrawal_explanation",
            "lead_image",
            "lead_image_alt",
            "lead_image_decorative",
            "lead_image_caption",
            "lead_image_credit",
        ),  # fmt: skip
        foreign_keys={"source": "sources"},
        many_to_many={"districts": "districts"},
        user_fields=("author",),
        children=(FormerAddresses(), PublicChangeNotes()),
        queryset=lambda: Article.objects.on_public_record(),
        check=_check_article,
        find=_find_article,
    ),
]
TOP_LEVEL_KEYS = {"format", "version", "exported_at", "media_url", "site_settings",
                  "alert_banners", "media", *(spec.section for spec in SPECS)}  # fmt: skip


def _plain(instance, name):
    value = instance._meta.get_field(name).value_from_object(instance)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def row_values(spec, instance):
    """One row's own values (no children) as a JSON-ready dict."""
    item = {spec.natural_key: getattr(instance, spec.natural_key)}
    for name in spec.fields:
        item[name] = _plain(instance, name)
    for name, section in spec.foreign_keys.items():
        target = getattr(instance, name)
        item[name] = getattr(target, _spec(section).natural_key) if target else None
    for name, section in spec.many_to_many.items():
        key = _spec(section).natural_key
        item[name] = sorted(getattr(related, key) for related in getattr(instance, name).all())
    for name in spec.user_fields:
        user = getattr(instance, name)
        item[name] = user.get_username() if user else None
    return item


def serialize(spec, instance):
    """One row as the file holds it: its values and its children's."""
    item = row_values(spec, instance)
    for child in spec.children:
        item[child.name] = child.dump(instance)
    return item


def _spec(section):
    return next(spec for spec in SPECS if spec.section == section)


def site_settings_item():
    """The stored site settings, or None when the site uses the NEWSROOM_* defaults."""
    stored = SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).first()
    return None if stored is None else {name: _plain(stored, name) for name in SITE_SETTINGS_FIELDS}


def banner_items():
    """The alert banners showing now (like scheduled articles, future ones are not public)."""
    banners = AlertBanner.objects.current().order_by("starts_at", "message", "id")
    return [{name: _plain(banner, name) for name in BANNER_FIELDS} for banner in banners]


def is_media_name(name):
    """A relative file name in the media storage that cannot climb out of it (no renditions)."""
    if not isinstance(name, str) or not name or name.startswith("/") or "\\" in name:
        return False
    parts = name.split("/")
    return parts[0] != RENDITIONS_ROOT and all(part not in {"", ".", ".."} for part in parts)


_SRC = re.compile(r'\ssrc="([^"]*)"')


def body_image_names(body):
    """The media files of the pictures in a (sanitised) body."""
    names = []
    for tag in IMG_TAG.finditer(body or ""):
        src = _SRC.search(tag.group(1))
        name = name_from_src(unescape(src.group(1))) if src else None
        if name:
            names.append(name)
    return names


def move_media_urls(body, old_prefix, new_prefix):
    """``body`` with its pictures' addresses moved from one MEDIA_URL to another."""
    old, new = f' src="{escape(old_prefix)}', f' src="{escape(new_prefix)}'
    return IMG_TAG.sub(lambda tag: tag.group(0).replace(old, new, 1), body)


def image_size(name, storage=None):
    """
    ``(width, height)`` of a stored image, read from its header; None when there is no such
    file, ``(None, None)`` when it is not a readable image.
    """
    storage = storage or default_storage
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        return get_image_dimensions(handle)


def media_item(name):
    width, height = image_size(name) or (None, None)
    return {"path": name, "width": width, "height": height}


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds, so a round trip is exact."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def export_size():
    """How many items ``write_export`` will write (media aside), for a progress bar."""
    return len(banner_items()) + sum(spec.rows().count() for spec in SPECS)


@dataclass
class ExportResult:
    count: int  # items written, media aside
    missing_media: list  # files the articles use that are missing or not readable images


def write_export(stream, progress=None):
    """
    Write the file to ``stream``, one item a line; ``progress(done)`` is called as items are
    written.
    """
    encoder = _Encoder(ensure_ascii=False)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now(),
        "media_url": media_url_prefix(),
        "site_settings": site_settings_item(),
    }
    stream.write(encoder.encode(header)[:-1])
    count = 0
    media = set()

    def section(name, items, counted=True):
        nonlocal count
        stream.write(f',\n "{name}": [')
        for n, item in enumerate(items):
            stream.write(("\n  " if n == 0 else ",\n  ") + encoder.encode(item))
            if counted:
                count += 1
                if progress:
                    progress(count)
        stream.write("\n ]")

    def rows(spec):
        for instance in spec.rows().iterator(chunk_size=500):
            item = serialize(spec, instance)
            if item.get("lead_image"):
                media.add(item["lead_image"])
            media.update(body_image_names(item.get("body")))
            yield item

    section("alert_banners", banner_items())
    for spec in SPECS:
        section(spec.section, rows(spec))
    items = [media_item(name) for name in sorted(media)]
    section("media", items, counted=False)
    stream.write("\n}\n")
    return ExportResult(count, [item["path"] for item in items if item["width"] is None])


class ContentFileError(Exception):
    """The file cannot be imported; ``errors`` lists every problem found, with its place."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


def parse(text):
    """The file's sections, checked for shape; raises ContentFileError with what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentFileError(
            [f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
        ) from None
    except UnicodeDecodeError:
        raise ContentFileError(["not UTF-8 text"]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ContentFileError([f'not a Newsroom content file (no "format": "{FORMAT}")'])
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ContentFileError(['"version" must be a whole number'])
    if version > VERSION:
        raise ContentFileError(
            [f"made by a newer Newsroom (format version {version}; this one reads up to {VERSION})"]
        )
    if version < 1:
        raise ContentFileError(
            [f"unknown format version {version} (this Newsroom reads 1 to {VERSION})"]
        )
    errors = []
    if not isinstance(data.get("media_url", ""), str):
        errors.append('"media_url" must be text')
    if not isinstance(data.get("site_settings"), dict | None):
        errors.append('"site_settings" must be an object or null')
    _check_list(data, "alert_banners", None, errors)
    _check_list(data, "media", "path", errors)
    for spec in SPECS:
        _check_list(data, spec.section, spec.natural_key, errors)
    if errors:
        raise ContentFileError(errors)
    return data


def _check_list(data, section, key, errors):
    """``data[section]`` is a list of objects, each with a distinct text ``key`` if given."""
    items = data.get(section, [])
    if not isinstance(items, list):
        errors.append(f'"{section}" must be a list')
        return
    seen = set()
    for n, item in enumerate(items):
        where = f"{section}[{n}]"
        if not isinstance(item, dict):
            errors.append(f"{where}: must be an object")
            continue
        if key is None:
            continue
        value = item.get(key)
        if not isinstance(value, str) or not value:
            errors.append(f'{where}: "{key}" is missing or not text')
        elif value in seen:
            errors.append(f'{where}: "{key}" {value!r} appears twice')
        seen.add(value)


def item_count(data):
    """How many items ``Importer.run`` loads from ``data``, for a progress bar."""
    return (
        (data.get("site_settings") is not None)
        + len(data.get("alert_banners", []))
        + sum(len(data.get(spec.section, [])) for spec in SPECS)
    )


def _assign(instance, names, item):
    """Set each of ``names`` that ``item`` has on ``instance``; returns the problems."""
    problems = []
    for name in names:
        if name not in item:
            continue
        try:
            value = item[name]
            model_field = instance._meta.get_field(name)
            if value is None and not model_field.null:
                value = "" if model_field.empty_strings_allowed else value
            setattr(instance, name, model_field.to_python(value))
        except (ValidationError, TypeError, ValueError) as exc:
            problems.append(f"{name}: {_message(exc)}")
    return problems


def _validate(instance, problems, exclude=()):
    """Add the model's own validation errors to ``problems``, except on fields already wrong."""
    # Fields already found wrong are left out, so each problem is reported once.
    failed = {problem.split(":", 1)[0] for problem in problems}
    try:
        instance.full_clean(exclude=[*exclude, *failed])
    except ValidationError as exc:
        problems.extend(
            " ".join(messages) if name == NON_FIELD_ERRORS else f"{name}: {' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        )


class Importer:
    """
    Loads parsed content: each item updates the row with its slug or creates one. Collects
    every problem instead of stopping at the first; the caller runs it in a transaction and
    rolls back when ``errors`` is not empty.

    Site settings and alert banners are the site's own voice: they are taken from the file
    only by a site that has never saved its settings (a new one) or with ``take_site``;
    otherwise what would change is counted as ``kept``.
    """

    SECTIONS = ("site_settings", "alert_banners", *(spec.section for spec in SPECS))

    def __init__(self, default_author=None, take_site=False):
        self.default_author = default_author
        self.take_site = take_site
        self.errors = []
        self.warnings = []
        self.counts = {
            section: {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
            for section in self.SECTIONS
        }
        self.keys = {}
        self.media_url = None
        self._found = {}
        self._users = {}

    def run(self, data, progress=None):
        unknown = sorted(set(data) - TOP_LEVEL_KEYS)
        if unknown:
            self.warnings.append(f"ignored unknown section(s) {', '.join(unknown)}")
        self.take_site = self.take_site or not SiteSettings.objects.exists()
        self.media_url = data.get("media_url") or media_url_prefix()
        self.keys = {
            spec.section: {item[spec.natural_key] for item in data.get(spec.section, [])}
            for spec in SPECS
        }
        done = 0

        def step():
            nonlocal done
            done += 1
            if progress:
                progress(done)

        if data.get("site_settings") is not None:
            self.load_site_settings(data["site_settings"])
            step()
        for n, item in enumerate(data.get("alert_banners", [])):
            self.load_banner(f"alert_banners[{n}]", item)
            step()
        for spec in SPECS:
            for n, item in enumerate(data.get(spec.section, [])):
                self.load(spec, f"{spec.section}[{n}]", item)
                step()
        self.check_media(data.get("media", []))

    @property
    def changed(self):
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def load(self, spec, where, item):
        unknown = sorted(set(item) - spec.keys)
        if unknown:
            self.warnings.append(f"{where}: ignored unknown field(s) {', '.join(unknown)}")
        if (
            "body" in item
            and isinstance(item["body"], str)
            and self.media_url != media_url_prefix()
        ):
            item = {
                **item,
                "body": move_media_urls(item["body"], self.media_url, media_url_prefix()),
            }
        model = spec.model
        key = item[spec.natural_key]
        if spec.find:
            instance = spec.find(key, item, self)
        else:
            instance = model._default_manager.filter(**{spec.natural_key: key}).first()
        created = instance is None
        if created:
            instance = model()
        before = None if created else row_values(spec, instance)
        setattr(instance, spec.natural_key, key)
        problems = _assign(instance, spec.fields, item)
        for name, section in spec.foreign_keys.items():
            if name in item:
                target = self._find(section, item[name])
                if target is None and item[name] is not None:
                    problems.append(
                        f"{name}: no {section[:-1]} {item[name]!r} in the file or the site"
                    )
                setattr(instance, name, target)
        for name in spec.user_fields:
            user = self._user(item.get(name))
            if user is None and getattr(instance, f"{name}_id") is None:
                problems.append(
                    f"{name}: no user {item.get(name)!r} on this site; create it or pass --author"
                )
            elif user is not None and (created or name in item):
                setattr(instance, name, user)
        related = {}
        for name, section in spec.many_to_many.items():
            if name in item:
                values = item[name]
                if not isinstance(values, list):
                    problems.append(f"{name}: must be a list of slugs")
                    continue
                targets = [self._find(section, value) for value in values]
                missing = [v for v, t in zip(values, targets, strict=True) if t is None]
                if missing:
                    problems.append(f"{name}: no {section[:-1]} {', '.join(map(repr, missing))}")
                related[name] = [t for t in targets if t is not None]
        if spec.check:
            problems.extend(spec.check(instance, item))
        children = {}
        for child in spec.children:
            if child.name in item:
                children[child], found = child.parse(instance, item[child.name])
                problems.extend(found)
        unchanged = (
            not created
            and not problems
            and before == {**row_values(spec, instance), **self._m2m_keys(spec, related)}
        )
        # A row as stored meets the model's rules already: only a new or changed one is
        # checked (its constraints cost a query each). Deferred columns (the search vector)
        # are derived, not the file's: not loaded to check.
        if not unchanged:
            deferred = instance.get_deferred_fields()
            _validate(instance, problems, exclude=[*spec.many_to_many, *deferred])
        if problems:
            self.errors.extend(f"{where} ({key}): {problem}" for problem in problems)
            return
        if not unchanged:
            if not created and hasattr(instance, "version"):
                # A form opened before the import is refused rather than undoing it.
                instance.version += 1
            instance.save()
            for name, targets in related.items():
                getattr(instance, name).set(targets)
        # A list, not any(): every child loads.
        children_changed = [child.load(instance, values) for child, values in children.items()]
        if created:
            self.counts[spec.section]["created"] += 1
        elif not unchanged or any(children_changed):
            self.counts[spec.section]["updated"] += 1
        else:
            self.counts[spec.section]["unchanged"] += 1

    def load_site_settings(self, item):
        self._unknown_fields("site_settings", item, SITE_SETTINGS_FIELDS)
        stored = SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).first()
        site = stored or SiteSettings()
        before = _values(site, SITE_SETTINGS_FIELDS)
        problems = _assign(site, SITE_SETTINGS_FIELDS, item)
        _validate(site, problems)
        if problems:
            self.errors.extend(f"site_settings: {problem}" for problem in problems)
            return
        self._save_site_part(
            "site_settings", site, created=stored is None,
            same=stored is not None and before == _values(site, SITE_SETTINGS_FIELDS),
        )  # fmt: skip

    def load_banner(self, where, item):
        self._unknown_fields(where, item, BANNER_FIELDS)
        banner = AlertBanner()
        problems = _assign(banner, BANNER_FIELDS, item)
        # Banners have no slug: the same message from the same time is the same banner, so
        # both must be given, or every import would add the banner again.
        problems.extend(f"{name}: missing" for name in ("message", "starts_at") if name not in item)
        _validate(banner, problems)
        if problems:
            self.errors.extend(f"{where}: {problem}" for problem in problems)
            return
        existing = AlertBanner.objects.filter(
            message=banner.message, starts_at=banner.starts_at
        ).first()
        if existing is not None:
            same = _values(existing, BANNER_FIELDS) == _values(banner, BANNER_FIELDS)
            _assign(existing, BANNER_FIELDS, item)
            banner = existing
        else:
            same = False
        self._save_site_part("alert_banners", banner, created=existing is None, same=same)

    def _save_site_part(self, section, instance, created, same):
        counts = self.counts[section]
        if same:
            counts["unchanged"] += 1
        elif not self.take_site:
            counts["kept"] += 1
        else:
            instance.save()
            counts["created" if created else "updated"] += 1

    def check_media(self, entries):
        """Warn about files the articles use that this site's media storage lacks or differs in."""
        missing = []
        for n, entry in enumerate(entries):
            path = entry["path"]
            if not is_media_name(path):
                self.warnings.append(f"media[{n}]: {path!r} is not a file name in the media folder")
                continue
            size = image_size(path)
            expected = (entry.get("width"), entry.get("height"))
            if size is None:
                missing.append(path)
            elif size == (None, None):
                self.warnings.append(f"media[{n}] ({path}): not a readable image here")
            elif expected != (None, None) and expected != tuple(size):
                self.warnings.append(
                    f"media[{n}] ({path}): the file is {size[0]}×{size[1]} pixels here, "
                    f"{expected[0]}×{expected[1]} in the file"
                )
        if missing:
            self.warnings.append(
                f"{len(missing)} media file(s) the articles use are not in this site's media "
                f"storage (first: {missing[0]}); their pictures will not show until the media "
                'backup is copied back (README, "Backups")'
            )

    def _unknown_fields(self, where, item, names):
        unknown = sorted(set(item) - set(names))
        if unknown:
            self.warnings.append(f"{where}: ignored unknown field(s) {', '.join(unknown)}")

    def _m2m_keys(self, spec, related):
        return {
            name: sorted(getattr(t, _spec(spec.many_to_many[name]).natural_key) for t in targets)
            for name, targets in related.items()
        }

    def _find(self, section, key):
        """The row ``key`` of an earlier section (loaded by now, so the answer is kept)."""
        if not isinstance(key, str):
            return None
        if (section, key) not in self._found:
            spec = _spec(section)
            row = spec.model._default_manager.filter(**{spec.natural_key: key}).first()
            self._found[section, key] = row
        return self._found[section, key]

    def _user(self, username):
        if isinstance(username, str) and username:
            if username not in self._users:
                users = get_user_model()._default_manager
                self._users[username] = users.filter(username=username).first()
            if self._users[username] is not None:
                return self._users[username]
        return self.default_author


def _values(instance, names):
    return {name: _plain(instance, name) for name in names}


def _message(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
