"""
Administrators may bring back a removed article (articles.restore_article).

Self-contained like 0007_workflow_roles: it uses only apps.get_model and creates the
permission row it grants. Idempotent; reversing takes the permission away from the group.
"""

from django.db import migrations

CODENAME = "restore_article"
NAME = "Can bring back a removed article"
GROUP = "Administrators"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="articles", model="article")
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
        ("articles", "0017_editorial_take_back_and_restore"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
