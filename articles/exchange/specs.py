"""
What the content file holds for each model (``SPECS``), and how a row is written into it.
"""

import re
from dataclasses import dataclass, field
from html import escape, unescape

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Prefetch

from articles.models import (
    AlertBanner,
    Article,
    ChangeNote,
    District,
    SiteSettings,
    SlugRedirect,
    Source,
)
from richtext.renditions import ROOT as RENDITIONS_ROOT
from richtext.renditions import name_from_src
from richtext.sanitize import IMG_TAG

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
                problems.append(f"{self.name}: {value!r}: {message_of(exc)}")
                continue
            if slug == article.slug:
                problems.append(f"{self.name}: {slug!r} is the article's own address")
            elif Article.objects.filter(slug=slug).exclude(pk=article.pk).exists():
                problems.append(f"{self.name}: {slug!r} is another article's address on this site")
            elif retired_for_another(slug, article):
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
            found = assign_values(note, self.fields, value)
            validate_row(note, found, exclude=["article", "revision", "created_by"])
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
    if retired_for_another(article.slug, article):
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


def retired_for_another(slug, article):
    return SlugRedirect.objects.filter(old_slug=slug).exclude(article_id=article.pk).exists()


SPECS = [
    Spec("districts", District, fields=("name", "name_zh", "description")),
    Spec("sources", Source, fields=("name", "name_zh", "url")),
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


def plain_value(instance, name):
    value = instance._meta.get_field(name).value_from_object(instance)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def row_values(spec, instance):
    """One row's own values (no children) as a JSON-ready dict."""
    item = {spec.natural_key: getattr(instance, spec.natural_key)}
    for name in spec.fields:
        item[name] = plain_value(instance, name)
    for name, section in spec.foreign_keys.items():
        target = getattr(instance, name)
        item[name] = getattr(target, spec_for(section).natural_key) if target else None
    for name, section in spec.many_to_many.items():
        key = spec_for(section).natural_key
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


def spec_for(section):
    return next(spec for spec in SPECS if spec.section == section)


def site_settings_item():
    """The stored site settings, or None when the site uses the NEWSROOM_* defaults."""
    stored = SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).first()
    return (
        None
        if stored is None
        else {name: plain_value(stored, name) for name in SITE_SETTINGS_FIELDS}
    )


def banner_items():
    """The alert banners showing now (like scheduled articles, future ones are not public)."""
    banners = AlertBanner.objects.current().order_by("starts_at", "message", "id")
    return [{name: plain_value(banner, name) for name in BANNER_FIELDS} for banner in banners]


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


def assign_values(instance, names, item):
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
            problems.append(f"{name}: {message_of(exc)}")
    return problems


def validate_row(instance, problems, exclude=()):
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


def message_of(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
