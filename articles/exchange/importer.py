"""Reading the content file back: ``manage.py import_content``, validated and atomic."""

import json

from django.contrib.auth import get_user_model

from articles.models import AlertBanner, SiteSettings
from richtext.sanitize import media_url_prefix

from .specs import (
    BANNER_FIELDS,
    FORMAT,
    SITE_SETTINGS_FIELDS,
    SPECS,
    TOP_LEVEL_KEYS,
    VERSION,
    assign_values,
    image_size,
    is_media_name,
    move_media_urls,
    plain_value,
    row_values,
    spec_for,
    validate_row,
)


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
        problems = assign_values(instance, spec.fields, item)
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
            validate_row(instance, problems, exclude=[*spec.many_to_many, *deferred])
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
        problems = assign_values(site, SITE_SETTINGS_FIELDS, item)
        validate_row(site, problems)
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
        problems = assign_values(banner, BANNER_FIELDS, item)
        # Banners have no slug: the same message from the same time is the same banner, so
        # both must be given, or every import would add the banner again.
        problems.extend(f"{name}: missing" for name in ("message", "starts_at") if name not in item)
        validate_row(banner, problems)
        if problems:
            self.errors.extend(f"{where}: {problem}" for problem in problems)
            return
        existing = AlertBanner.objects.filter(
            message=banner.message, starts_at=banner.starts_at
        ).first()
        if existing is not None:
            same = _values(existing, BANNER_FIELDS) == _values(banner, BANNER_FIELDS)
            assign_values(existing, BANNER_FIELDS, item)
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
            name: sorted(getattr(t, spec_for(spec.many_to_many[name]).natural_key) for t in targets)
            for name, targets in related.items()
        }

    def _find(self, section, key):
        """The row ``key`` of an earlier section (loaded by now, so the answer is kept)."""
        if not isinstance(key, str):
            return None
        if (section, key) not in self._found:
            spec = spec_for(section)
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
    return {name: plain_value(instance, name) for name in names}
