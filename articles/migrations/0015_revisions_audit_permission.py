"""
Administrators may export the audit log (articles.export_audit).

Self-contained like 0007_workflow_roles: it uses only apps.get_model and creates the
permission row it grants. Idempotent; reversing takes the permission away from the group.
"""

from django.db import migrations

CODENAME = "export_audit"
NAME = "Can export article history and the audit log as CSV"
GROUP = "Administrators"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="articles", model="articleevent")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": NAME}
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permission = Permission.objects.filter(
        content_type__app_label="articles", codename=CODENAME
    ).first()
    group = Group.objects.filter(name=GROUP).first()
    if permission and group:
        group.permissions.remove(permission)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0014_revisions_backfill"),
        ("articles", "0007_workflow_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
