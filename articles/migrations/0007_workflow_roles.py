"""
The newsroom's roles as Groups, each with exactly the permissions it needs.

Self-contained on purpose: it uses only apps.get_model and creates the permission rows it
grants (Django creates permissions after all migrations have run, too late for this one).
Running it again, or on a database where the groups exist, sets the same permissions;
reversing it deletes the three groups.
"""

from django.db import migrations

# (app_label, model, codename, name): the permission rows this migration may need.
PERMISSIONS = {
    "add_article": ("articles", "article", "Can add article"),
    "change_article": ("articles", "article", "Can change article"),
    "view_article": ("articles", "article", "Can view article"),
    "submit_article": ("articles", "article", "Can submit an article for review"),
    "edit_any_article": ("articles", "article", "Can view and edit every article, whoever wrote it"),
    "approve_article": ("articles", "article", "Can request changes to, approve and schedule an article"),
    "publish_urgently": ("articles", "article", "Can publish an article urgently, without a second person"),
    "unschedule_article": ("articles", "article", "Can unschedule a scheduled article"),
    "withdraw_article": ("articles", "article", "Can withdraw a published article"),
    "remove_article": ("articles", "article", "Can remove a published or withdrawn article"),
    "view_articleevent": ("articles", "articleevent", "Can view history entry"),
    "add_district": ("articles", "district", "Can add district"),
    "change_district": ("articles", "district", "Can change district"),
    "delete_district": ("articles", "district", "Can delete district"),
    "view_district": ("articles", "district", "Can view district"),
    "add_source": ("articles", "source", "Can add source"),
    "change_source": ("articles", "source", "Can change source"),
    "delete_source": ("articles", "source", "Can delete source"),
    "view_source": ("articles", "source", "Can view source"),
    "add_alertbanner": ("articles", "alertbanner", "Can add alert banner"),
    "change_alertbanner": ("articles", "alertbanner", "Can change alert banner"),
    "view_alertbanner": ("articles", "alertbanner", "Can view alert banner"),
    "add_sitesettings": ("articles", "sitesettings", "Can add site settings"),
    "change_sitesettings": ("articles", "sitesettings", "Can change site settings"),
    "view_sitesettings": ("articles", "sitesettings", "Can view site settings"),
    "add_user": ("auth", "user", "Can add user"),
    "change_user": ("auth", "user", "Can change user"),
    "delete_user": ("auth", "user", "Can delete user"),
    "view_user": ("auth", "user", "Can view user"),
}

WRITERS = [
    "add_article", "change_article", "view_article", "submit_article",
    # Needed to pick a district or source in the article form's autocomplete.
    "view_district", "view_source",
]
EDITORS = [
    "add_article", "change_article", "view_article", "submit_article", "edit_any_article",
    "approve_article", "publish_urgently", "unschedule_article", "withdraw_article",
    "remove_article", "view_articleevent",
    "add_district", "change_district", "delete_district", "view_district",
    "add_source", "change_source", "delete_source", "view_source",
    "add_alertbanner", "change_alertbanner", "view_alertbanner",
]
# delete_user lets an administrator delete a mistaken invitation; the admin refuses to
# delete anyone who wrote or did anything.
ADMINISTRATORS = [
    *EDITORS, "add_user", "change_user", "delete_user", "view_user",
    "add_sitesettings", "change_sitesettings", "view_sitesettings",
]

ROLES = {"Writers": WRITERS, "Editors": EDITORS, "Administrators": ADMINISTRATORS}


def create_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = {}
    for codename, (app_label, model, name) in PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permissions[codename], _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
    for group_name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set([permissions[codename] for codename in codenames])


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0006_workflow_withdrawn_notice"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
