"""
Trigram indexes for the admin's article search (title and summary, case-insensitive).

The admin searches with ``icontains``, which PostgreSQL runs as ``UPPER(col) LIKE UPPER(%s)``:
without these indexes every search scans all articles (about 100 ms at 100,000 rows).
PostgreSQL only; a no-op elsewhere. The indexes live outside the model state because Django's
index classes cannot express this expression index portably.
"""

from django.db import migrations

INDEXES = {
    "article_title_trgm": "UPPER(title::text) gin_trgm_ops",
    "article_summary_trgm": "UPPER(summary::text) gin_trgm_ops",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Not TrigramExtension(): its reverse runs PostgreSQL SQL on any database, and dropping
    # the extension on the way back would break anything else that uses it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON articles_article USING gin ({expression})"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_pages_alert_banner"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
