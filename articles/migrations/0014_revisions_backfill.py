"""
Revision 1 for every article stored before revisions were kept: a snapshot of its content as
it stands, so the first edit has something to be compared with and restored to.

Self-contained (apps.get_model only; the snapshot is built here as articles/revisions.py
builds it, without the body sanitiser: stored bodies were cleaned when saved and by
0004_richtext_clean_bodies). Idempotent: articles that have revisions are skipped.
Reversing deletes the revisions it made.
"""

from django.db import migrations

FIELDS = ["title", "slug", "summary", "body", "language", "source_url", "featured",
          "lead_image", "lead_image_alt", "lead_image_decorative", "lead_image_caption",
          "lead_image_credit"]


def snapshot(article):
    data = {}
    for field in FIELDS:
        value = getattr(article, field)
        data[field] = (value.name or "") if field == "lead_image" else value
    data["source"] = {"id": article.source_id, "name": article.source.name}
    data["districts"] = sorted(
        ({"id": d.pk, "name": d.name} for d in article.districts.all()),
        key=lambda item: (item["name"], item["id"]),
    )
    return data


def backfill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Revision = apps.get_model("articles", "Revision")
    articles = (
        Article.objects.filter(revisions__isnull=True)
        .select_related("source")
        .prefetch_related("districts")
        .order_by("pk")
    )
    Revision.objects.bulk_create(
        (
            Revision(
                article=article,
                number=1,
                kind="baseline",
                created_by=None,
                created_at=article.updated_at,
                snapshot=snapshot(article),
                article_version=article.version,
            )
            for article in articles.iterator(chunk_size=500)
        ),
        batch_size=500,
    )


def remove_backfill(apps, schema_editor):
    Revision = apps.get_model("articles", "Revision")
    Revision.objects.filter(kind="baseline", number=1, created_by__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [("articles", "0013_revisions_models")]

    operations = [migrations.RunPython(backfill, remove_backfill)]
