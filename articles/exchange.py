"""
Published content as a JSON file, and back: ``manage.py export_content`` / ``import_content``.

The file is a site-independent copy of what the public can read: districts, sources and
published articles, each identified by its slug (never a database id), with links written as
the slug of what they point to. ``import_content`` loads it into an empty site or updates the
same site again; importing a file twice changes nothing the second time.

What goes into the file is declared in ``SPECS``, one ``Spec`` per model, in dependency
order. To carry a new field, add its name to ``fields`` (plain values), ``foreign_keys``
(a link to a model exported earlier, by slug), ``many_to_many`` or ``user_fields`` (a user,
by username). A new model (images, say) gets a ``Spec`` of its own before those linking to it.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from .models import Article, District, Source

FORMAT = "newsroom-content"
VERSION = 1


@dataclass(frozen=True)
class Spec:
    section: str
    model: type
    fields: tuple = ()
    foreign_keys: dict = field(default_factory=dict)  # field name -> section it points into
    many_to_many: dict = field(default_factory=dict)  # field name -> section it points into
    user_fields: tuple = ()  # links to users, written as usernames
    natural_key: str = "slug"
    queryset: object = None  # () -> QuerySet of what is exported; default: all rows

    def rows(self):
        queryset = self.queryset() if self.queryset else self.model._default_manager.all()
        related = [*self.foreign_keys, *self.user_fields]
        if related:
            queryset = queryset.select_related(*related)
        if self.many_to_many:
            queryset = queryset.prefetch_related(*self.many_to_many)
        return queryset.order_by(self.natural_key)

    @property
    def keys(self):
        return {self.natural_key, *self.fields, *self.foreign_keys, *self.many_to_many,
                *self.user_fields}  # fmt: skip


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
            "source_url",
            "status",
            "published_at",
            "public_updated_at",
        ),  # fmt: skip
        foreign_keys={"source": "sources"},
        many_to_many={"districts": "districts"},
        user_fields=("author",),
        queryset=lambda: Article.objects.published(),
    ),
]


def _plain(instance, name):
    value = instance._meta.get_field(name).value_from_object(instance)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def serialize(spec, instance):
    """One row as a JSON-ready dict."""
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


def _spec(section):
    return next(spec for spec in SPECS if spec.section == section)


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds, so a round trip is exact."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def write_export(stream):
    """Write every section to ``stream``, one item a line; return the number of items."""
    encoder = _Encoder(ensure_ascii=False)
    header = {"format": FORMAT, "version": VERSION, "exported_at": timezone.now()}
    stream.write(encoder.encode(header)[:-1])
    count = 0
    for spec in SPECS:
        stream.write(f',\n "{spec.section}": [')
        for n, instance in enumerate(spec.rows().iterator(chunk_size=500)):
            stream.write(
                ("\n  " if n == 0 else ",\n  ") + encoder.encode(serialize(spec, instance))
            )
            count += 1
        stream.write("\n ]")
    stream.write("\n}\n")
    return count


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
    errors = []
    for spec in SPECS:
        items = data.get(spec.section, [])
        if not isinstance(items, list):
            errors.append(f'"{spec.section}" must be a list')
            continue
        seen = set()
        for n, item in enumerate(items):
            where = f"{spec.section}[{n}]"
            if not isinstance(item, dict):
                errors.append(f"{where}: must be an object")
                continue
            key = item.get(spec.natural_key)
            if not isinstance(key, str) or not key:
                errors.append(f'{where}: "{spec.natural_key}" is missing or not text')
            elif key in seen:
                errors.append(f'{where}: "{spec.natural_key}" {key!r} appears twice')
            seen.add(key)
    if errors:
        raise ContentFileError(errors)
    return data


class Importer:
    """
    Loads parsed content: each item updates the row with its slug or creates one. Collects
    every problem instead of stopping at the first; the caller runs it in a transaction and
    rolls back when ``errors`` is not empty.
    """

    def __init__(self, default_author=None):
        self.default_author = default_author
        self.errors = []
        self.warnings = []
        self.counts = {spec.section: {"created": 0, "updated": 0, "unchanged": 0} for spec in SPECS}

    def run(self, data, progress=None):
        done = 0
        for spec in SPECS:
            for n, item in enumerate(data.get(spec.section, [])):
                self.load(spec, f"{spec.section}[{n}]", item)
                done += 1
                if progress:
                    progress.update(done)

    def load(self, spec, where, item):
        unknown = sorted(set(item) - spec.keys)
        if unknown:
            self.warnings.append(f"{where}: ignored unknown field(s) {', '.join(unknown)}")
        model = spec.model
        key = item[spec.natural_key]
        instance = model._default_manager.filter(**{spec.natural_key: key}).first()
        created = instance is None
        if created:
            instance = model(**{spec.natural_key: key})
        before = None if created else serialize(spec, instance)
        problems = []
        for name in spec.fields:
            if name in item:
                try:
                    value = item[name]
                    model_field = model._meta.get_field(name)
                    if value is None and not model_field.null:
                        value = "" if model_field.empty_strings_allowed else value
                    setattr(instance, name, model_field.to_python(value))
                except (ValidationError, TypeError, ValueError) as exc:
                    problems.append(f"{name}: {_message(exc)}")
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
        try:
            # Fields already found wrong are left out, so each problem is reported once.
            failed = {problem.split(":", 1)[0] for problem in problems}
            instance.full_clean(exclude=[*spec.many_to_many, *failed])
        except ValidationError as exc:
            problems.extend(
                f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
            )
        if problems:
            self.errors.extend(f"{where} ({key}): {problem}" for problem in problems)
            return
        if not created and before == {
            **serialize(spec, instance),
            **self._m2m_keys(spec, related, before),
        }:
            self.counts[spec.section]["unchanged"] += 1
            return
        instance.save()
        for name, targets in related.items():
            getattr(instance, name).set(targets)
        self.counts[spec.section]["created" if created else "updated"] += 1

    def _m2m_keys(self, spec, related, before):
        return {
            name: sorted(getattr(t, _spec(spec.many_to_many[name]).natural_key) for t in targets)
            for name, targets in related.items()
        }

    def _find(self, section, key):
        if not isinstance(key, str):
            return None
        spec = _spec(section)
        return spec.model._default_manager.filter(**{spec.natural_key: key}).first()

    def _user(self, username):
        if isinstance(username, str) and username:
            user = get_user_model()._default_manager.filter(username=username).first()
            if user is not None:
                return user
        return self.default_author


def _message(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
