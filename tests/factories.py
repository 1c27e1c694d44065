"""Plain builders for test data. Each takes keyword overrides."""

import importlib
import io
import itertools
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from articles.editorial import roles
from articles.models import Article, District, Source

_seq = itertools.count(1)


def ensure_roles():
    """
    The role groups with their permissions, as migrating makes them. Transactional tests
    empty every table afterwards, migration-made rows included, so such tests make them
    again with the migrations' own idempotent functions (rather than serialized_rollback,
    which collides with the content types another transactional test's flush recreates).
    """

    from django.db.migrations.loader import MigrationLoader

    if Group.objects.filter(name__in=roles.GROUP_NAMES.values()).count() == len(roles.GROUP_NAMES):
        return
    names = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    for part, function in [("workflow_roles", "create_roles"), ("audit_permission", "grant")]:
        name = next(n for app, n in names if app == "articles" and part in n)
        module = importlib.import_module(f"articles.migrations.{name}")
        getattr(module, function)(apps, None)


def make_user(role=None, **overrides):
    """A user; with ``role`` ("writer", "editor", "administrator"), a staff member in that group."""
    if role:
        ensure_roles()
    n = next(_seq)
    fields = {"username": f"{role or 'user'}{n}", "email": f"{role or 'user'}{n}@example.invalid"}
    fields.update(overrides)
    password = fields.pop("password", "correct-horse-battery-staple")
    user = get_user_model().objects.create_user(password=password, **fields)
    if role:
        roles.assign_role(user, role)
    return user


def make_superuser(**overrides):
    return make_user(is_staff=True, is_superuser=True, **overrides)


def make_district(**overrides):
    n = next(_seq)
    fields = {"name": f"District {n}", "slug": f"district-{n}"}
    fields.update(overrides)
    return District.objects.create(**fields)


def make_source(**overrides):
    n = next(_seq)
    fields = {"name": f"Source {n}", "slug": f"source-{n}"}
    fields.update(overrides)
    return Source.objects.create(**fields)


def make_article(districts=(), **overrides):
    """A published article (an hour old) unless ``status``/``published_at`` say otherwise."""
    n = next(_seq)
    fields = {
        "title": f"Story number {n}",
        "summary": f"Summary of story {n}.",
        "body": f"<p>Body of story {n}.</p>",
        "status": Article.Status.PUBLISHED,
    }
    fields.update(overrides)
    if "source" not in fields:
        fields["source"] = make_source()
    if "author" not in fields:
        fields["author"] = make_user()
    if "published_at" not in fields and fields["status"] in {
        Article.Status.PUBLISHED,
        Article.Status.WITHDRAWN,
        Article.Status.REMOVED,
    }:
        fields["published_at"] = timezone.now() - timedelta(hours=1)
    if fields["status"] == Article.Status.WITHDRAWN:
        fields.setdefault("withdrawn_at", timezone.now() - timedelta(minutes=5))
        fields.setdefault("withdrawal_explanation", "Superseded by a newer announcement.")
    article = Article.objects.create(**fields)
    if districts:
        article.districts.set(districts)
    return article


def make_image_bytes(fmt="JPEG", size=(1200, 800), color=(40, 110, 170), mode="RGB", **save):
    """An encoded picture made with Pillow: a colour field with a darker band, so it compresses
    like a photo rather than to nothing."""
    image = Image.new(mode, size, color)
    darker = color // 2 if isinstance(color, int) else tuple(c // 2 for c in color)
    band = Image.new(mode, (size[0], max(1, size[1] // 4)), darker)
    image.paste(band, (0, size[1] // 3))
    output = io.BytesIO()
    image.save(output, format=fmt, **save)
    return output.getvalue()


def give_lead_image(article, size=(1200, 800), name="picture.jpg"):
    """
    ``article`` with a lead image stored as an upload leaves it (its renditions are made on
    demand); set its alt text or ``lead_image_decorative`` when making the article.
    """
    article.lead_image.save(name, ContentFile(make_image_bytes(size=size)), save=True)
    return article


def make_phone_photo(size=(1600, 1200)):
    """A JPEG as a phone writes it: camera make and model, rotated 90°, GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ExamplePhone"
    exif[ExifTags.Base.Model] = "Model 7"
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: shown rotated 90° clockwise
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (39.0, 7.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (117.0, 12.0, 15.0),
    }
    return make_image_bytes("JPEG", size=size, exif=exif, quality=90)


def make_upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def article_admin_form(article, **changes):
    """The admin change form's POST data for ``article``, with ``changes`` applied."""
    values = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "districts": [district.pk for district in article.districts.all()],
        "source": article.source_id,
        "source_url": article.source_url,
        "language": article.language,
        "version": article.version,
        "status": article.status,
        "published_at": article.published_at,
        "public_updated_at": article.public_updated_at,
    }
    values.update(changes)
    data = {k: v for k, v in values.items() if k not in ("published_at", "public_updated_at")}
    for name in ("published_at", "public_updated_at"):
        moment = values[name] and timezone.localtime(values[name])
        data[f"{name}_0"] = moment.strftime("%Y-%m-%d") if moment else ""
        data[f"{name}_1"] = moment.strftime("%H:%M:%S") if moment else ""
    return data


def make_pending_changes(article, by=None, status="draft", **changes):
    """
    Give a live ``article`` unpublished changes (its pending draft) as the admin would: a
    revision with ``changes`` applied to its current draft, an "Edited" entry by ``by``.
    """
    from articles.editorial import revisions

    by = by or article.author
    before = revisions.draft_snapshot(article.pk)
    data = {**before, **changes}
    current = Article.objects.get(pk=article.pk)
    revisions.claim(current.pk, current.version)
    current.version += 1
    revision = revisions.save_pending_draft(current, by, data, before)
    if status != "draft":
        Article.objects.filter(pk=article.pk).update(pending_status=status)
    article.refresh_from_db()
    return revision
