"""Roles, what each may reach in the admin, and how administrators manage people."""

import importlib
import re
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.migrations.loader import MigrationLoader
from django.http import HttpRequest

from articles import editorial
from articles.editorial import roles
from articles.models import Article
from tests.factories import make_article, make_superuser, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()

EXPECTED_PERMISSIONS = {
    "Writers": {
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.submit_article", "articles.view_district", "articles.view_source",
    },
    "Editors": {
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.submit_article", "articles.edit_any_article", "articles.approve_article",
        "articles.publish_urgently", "articles.unschedule_article", "articles.withdraw_article",
        "articles.remove_article", "articles.view_articleevent",
        "articles.add_district", "articles.change_district", "articles.delete_district",
        "articles.view_district", "articles.add_source", "articles.change_source",
        "articles.delete_source", "articles.view_source",
        "articles.add_alertbanner", "articles.change_alertbanner", "articles.view_alertbanner",
    },
}  # fmt: skip
EXPECTED_PERMISSIONS["Administrators"] = EXPECTED_PERMISSIONS["Editors"] | {
    "auth.add_user", "auth.change_user", "auth.delete_user", "auth.view_user",
    "articles.add_sitesettings", "articles.change_sitesettings", "articles.view_sitesettings",
    # Granted by their own migrations (revisions_audit_permission, editorial_restore_permission),
    # after the roles shipped.
    "articles.export_audit",
    "articles.restore_article",
}  # fmt: skip


def group_permissions():
    return {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        for group in Group.objects.all()
    }


def find_migration(part):
    """An articles data migration, found by name so renumbering does not matter."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    name = next(n for app, n in loader.disk_migrations if app == "articles" and part in n)
    return importlib.import_module(f"articles.migrations.{name}")


def roles_migration():
    return find_migration("workflow_roles")


def create_all_roles():
    """What migrating a new database does: the roles, then the permissions granted since."""
    roles_migration().create_roles(django_apps, None)
    find_migration("revisions_audit_permission").grant(django_apps, None)
    find_migration("editorial_restore_permission").grant(django_apps, None)


def test_groups_have_exactly_their_permissions():
    """Writers, Editors and Administrators exist with exactly the permissions they need."""
    assert group_permissions() == EXPECTED_PERMISSIONS
    assert not any("delete_article" in perms for perms in EXPECTED_PERMISSIONS.values())


def test_roles_migration_is_idempotent_and_reversible():
    migration = roles_migration()
    writers = Group.objects.get(name="Writers")
    writers.permissions.add(*Group.objects.get(name="Editors").permissions.all())
    create_all_roles()
    create_all_roles()
    assert group_permissions() == EXPECTED_PERMISSIONS
    migration.remove_roles(django_apps, None)
    assert not Group.objects.filter(name__in=EXPECTED_PERMISSIONS).exists()
    create_all_roles()
    assert group_permissions() == EXPECTED_PERMISSIONS


def test_role_helpers():
    user = make_user(role="writer")
    assert roles.role_of(user) == "writer" and user.is_staff
    roles.assign_role(user, "editor")
    assert [g.name for g in user.groups.all()] == ["Editors"]
    assert roles.role_of(make_user()) is None


# What each role reaches in the admin.

PAGES = {
    "/admin/": (200, 200, 200),
    "/admin/articles/article/": (200, 200, 200),
    "/admin/articles/article/add/": (200, 200, 200),
    "/admin/articles/district/": (200, 200, 200),
    "/admin/articles/district/add/": (403, 200, 200),
    "/admin/articles/source/add/": (403, 200, 200),
    "/admin/articles/articleevent/": (403, 200, 200),
    "/admin/auth/user/": (403, 403, 200),
    "/admin/auth/user/add/": (403, 403, 200),
    "/admin/auth/group/": (403, 403, 403),
}


@pytest.mark.parametrize("url", list(PAGES))
@pytest.mark.parametrize("index", range(3), ids=["writer", "editor", "administrator"])
def test_admin_pages_by_role(client, url, index):
    role = ["writer", "editor", "administrator"][index]
    client.force_login(make_user(role=role))
    assert client.get(url).status_code == PAGES[url][index]


def test_the_writers_admin_home_shows_no_users_or_settings(client):
    client.force_login(make_user(role="writer"))
    content = client.get("/admin/").content.decode()
    assert "Articles" in content
    assert "Users" not in content and "Groups" not in content and "Article history" not in content


def test_writers_list_only_their_own_articles(client):
    writer = make_user(role="writer")
    mine = make_article(title="Mine", author=writer, status=Article.Status.IN_REVIEW)
    make_article(title="Someone else's")
    client.force_login(writer)
    response = client.get("/admin/articles/article/")
    assert list(response.context["cl"].result_list) == [mine]


def test_people_without_a_role_or_deactivated_stay_out(client):
    client.force_login(make_user())
    assert client.get("/admin/").status_code == 302
    user = make_user(role="editor", password="a-long-enough-password")
    user.is_active = False
    user.save()
    assert not client.login(
        request=HttpRequest(), username=user.username, password="a-long-enough-password"
    )


# Administrators manage people.


@pytest.fixture
def admin_client(client):
    client.user = make_user(role="administrator")
    client.force_login(client.user)
    return client


def invite(client, **overrides):
    data = {"first_name": "Zhang", "last_name": "Wei", "email": "zhang.wei@example.invalid"}
    data.update(overrides)
    data.setdefault("role", "writer")
    return client.post("/admin/auth/user/add/", data)


def set_password_link(message):
    return re.search(r"https?://\S+/admin/set-password/\S+/", message.body).group(0)


def test_an_invited_user_sets_their_own_password_and_logs_in(admin_client, client, mailoutbox):
    response = invite(admin_client, role="editor")
    assert response.status_code == 302
    user = User.objects.get(email="zhang.wei@example.invalid")
    assert user.username == "zhang.wei@example.invalid"
    assert not user.has_usable_password() and user.is_staff and user.is_active
    assert roles.role_of(user) == "editor"
    assert [m.to for m in mailoutbox] == [["zhang.wei@example.invalid"]]
    assert "Your role: Editor." in mailoutbox[0].body
    link = set_password_link(mailoutbox[0])
    assert link.startswith("http://testserver/")

    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "river-lantern-orchid-42", "new_password2": "river-lantern-orchid-42"},
    )
    assert done.status_code == 302
    assert client.login(
        request=HttpRequest(), username=user.username, password="river-lantern-orchid-42"
    )
    assert client.get("/admin/articles/article/").status_code == 200
    # The link worked once.
    client.logout()
    assert "new_password1" not in client.get(link, follow=True).content.decode()


def test_an_invitation_needs_a_new_email_and_a_role(admin_client, mailoutbox):
    make_user(email="taken@example.invalid")
    response = invite(admin_client, email="taken@example.invalid")
    assert response.status_code == 200
    assert "already has this email" in response.content.decode()
    response = invite(admin_client, role="owner")
    assert response.status_code == 200
    assert not User.objects.filter(first_name="Zhang").exists()
    assert mailoutbox == []


def test_an_editor_cannot_invite(client, mailoutbox):
    client.force_login(make_user(role="editor"))
    assert invite(client).status_code == 403
    assert not User.objects.filter(first_name="Zhang").exists()


def user_form(user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": roles.role_of(user) or "",
        "is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_an_administrator_changes_a_role(admin_client):
    writer = make_user(role="writer")
    response = admin_client.post(
        f"/admin/auth/user/{writer.pk}/change/", user_form(writer, role="editor")
    )
    assert response.status_code == 302
    assert [g.name for g in writer.groups.all()] == ["Editors"]


def test_no_escalation_to_superuser(admin_client):
    writer = make_user(role="writer")
    admin_client.post(
        f"/admin/auth/user/{writer.pk}/change/",
        user_form(writer, is_superuser="on", is_staff="on", user_permissions="1"),
    )
    writer.refresh_from_db()
    assert not writer.is_superuser and not writer.user_permissions.exists()


def test_only_a_superuser_manages_a_superuser(admin_client):
    chief = make_superuser()
    url = f"/admin/auth/user/{chief.pk}/change/"
    assert 'name="email"' not in admin_client.get(url).content.decode()
    response = admin_client.post(url, user_form(chief, email="x@example.invalid", role="writer"))
    assert response.status_code == 403
    chief.refresh_from_db()
    assert chief.email != "x@example.invalid" and chief.is_active


def test_an_administrator_cannot_lock_themselves_out(admin_client):
    me = admin_client.user
    url = f"/admin/auth/user/{me.pk}/change/"
    response = admin_client.post(url, user_form(me, is_active=""))
    assert response.status_code == 200 and "your own account" in response.content.decode()
    response = admin_client.post(url, user_form(me, role="writer"))
    assert (
        response.status_code == 200 and "your own administrator role" in response.content.decode()
    )
    me.refresh_from_db()
    assert me.is_active and roles.role_of(me) == "administrator"


def test_deactivating_keeps_the_person_and_their_work(admin_client):
    writer = make_user(role="writer", password="a-long-enough-password")
    article = make_article(author=writer)
    response = admin_client.post(
        "/admin/auth/user/", {"action": "deactivate_selected", "_selected_action": [writer.pk]}
    )
    assert response.status_code == 302
    writer.refresh_from_db()
    assert not writer.is_active
    assert Article.objects.get(pk=article.pk).author == writer
    assert not admin_client.login(
        request=HttpRequest(), username=writer.username, password="a-long-enough-password"
    )


def test_people_who_did_anything_cannot_be_deleted(admin_client):
    author = make_user(role="writer")
    make_article(author=author)
    actor = make_user(role="editor")
    draft = make_article(author=make_user(role="writer"), status=Article.Status.DRAFT)
    editorial.submit(draft, by=actor)
    for person in (author, actor):
        assert admin_client.get(f"/admin/auth/user/{person.pk}/delete/").status_code == 403
        admin_client.post(f"/admin/auth/user/{person.pk}/delete/", {"post": "yes"})
        assert User.objects.filter(pk=person.pk).exists()
    actions = admin_client.get("/admin/auth/user/").context["action_form"].fields["action"].choices
    assert "delete_selected" not in [name for name, _ in actions]


def test_a_mistaken_invitation_can_be_deleted(admin_client):
    mistake = make_user(role="writer")
    response = admin_client.post(f"/admin/auth/user/{mistake.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=mistake.pk).exists()


def test_administrators_do_not_type_passwords_for_others(admin_client):
    writer = make_user(role="writer")
    assert admin_client.get(f"/admin/auth/user/{writer.pk}/password/").status_code == 403


def test_a_new_set_password_link_can_be_sent(admin_client, mailoutbox):
    writer = make_user(role="writer")
    admin_client.post(
        "/admin/auth/user/", {"action": "send_set_password_link", "_selected_action": [writer.pk]}
    )
    assert [m.to for m in mailoutbox] == [[writer.email]]
    assert "/admin/set-password/" in mailoutbox[0].body


def test_the_user_list_shows_roles_and_filters_by_role(admin_client):
    make_user(role="writer", username="writer-li")
    make_user(role="editor", username="editor-wang")
    response = admin_client.get("/admin/auth/user/")
    changelist = response.context["cl"]
    shown = {user.username: changelist.model_admin.role(user) for user in changelist.result_list}
    assert shown["writer-li"] == "Writer" and shown["editor-wang"] == "Editor"
    assert '<td class="field-role">Writer</td>' in response.content.decode()
    response = admin_client.get("/admin/auth/user/", {"role": "editor"})
    assert [u.username for u in response.context["cl"].result_list] == ["editor-wang"]


def test_role_names_are_translated_in_the_user_list(admin_client):
    """In Chinese the list shows 编辑 and 撰稿人, not the English group names."""
    make_user(role="writer", username="writer-li")
    make_user(role="editor", username="editor-wang")
    admin_client.cookies["django_language"] = "zh-hans"
    content = admin_client.get("/admin/auth/user/").content.decode()
    assert "撰稿人" in content and "编辑" in content
    assert "Writers" not in content and "Editors" not in content


# The createuser command.


def run_createuser(*args):
    out = StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


def test_createuser_makes_a_user_with_a_role_and_a_link(client):
    out = run_createuser("li.na", "--role", "editor", "--email", "li.na@example.invalid")
    user = User.objects.get(username="li.na")
    assert roles.role_of(user) == "editor" and user.is_staff
    assert not user.has_usable_password()
    link = re.search(r"(/admin/set-password/\S+/)", out).group(1)
    assert "new_password1" in client.get(link, follow=True).content.decode()


def test_createuser_can_email_the_link(mailoutbox):
    run_createuser("li.na", "--role", "writer", "--email", "li.na@example.invalid", "--send-email")
    assert [m.to for m in mailoutbox] == [["li.na@example.invalid"]]


@pytest.mark.parametrize(
    "args",
    [
        ["taken", "--role", "writer", "--email", "new@example.invalid"],
        ["new", "--role", "writer", "--email", "taken@example.invalid"],
        ["new", "--role", "writer", "--email", "not-an-email"],
        ["bad name!", "--role", "writer", "--email", "new@example.invalid"],
    ],
)
def test_createuser_refuses_clearly_and_changes_nothing(args):
    make_user(username="taken", email="taken@example.invalid")
    with pytest.raises(CommandError):
        run_createuser(*args)
    assert User.objects.count() == 1


def test_createuser_needs_a_known_role():
    with pytest.raises(CommandError):
        run_createuser("new", "--role", "owner", "--email", "new@example.invalid")
    assert not User.objects.exists()
