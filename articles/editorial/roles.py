"""
The newsroom's roles: Writers, Editors and Administrators, each a Group whose permissions
the ``workflow_roles`` data migration sets. A person has one role.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleEvent

WRITER, EDITOR, ADMINISTRATOR = "writer", "editor", "administrator"

GROUP_NAMES = {WRITER: "Writers", EDITOR: "Editors", ADMINISTRATOR: "Administrators"}
# What people read: the group names above are data (migrations look groups up by them).
LABELS = {WRITER: _("Writer"), EDITOR: _("Editor"), ADMINISTRATOR: _("Administrator")}

CHOICES = [
    (WRITER, _("Writer: drafts and submits own articles")),
    (EDITOR, _("Editor: reviews, publishes, withdraws; manages districts and sources")),
    (ADMINISTRATOR, _("Administrator: an editor who also manages users")),
]


def role_of(user):
    """The user's role (the most senior, if several groups were given by hand), or None."""
    names = {group.name for group in user.groups.all()}
    for role in (ADMINISTRATOR, EDITOR, WRITER):
        if GROUP_NAMES[role] in names:
            return role
    return None


def assign_role(user, role):
    """Make ``role`` the user's only role, and let them into the admin."""
    group = Group.objects.get(name=GROUP_NAMES[role])
    others = Group.objects.filter(name__in=GROUP_NAMES.values()).exclude(pk=group.pk)
    user.groups.remove(*others)
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def set_password_path(user):
    """The path of a one-time link with which ``user`` sets their own password."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def has_acted(user):
    """Whether the user wrote an article or appears in any history, so must be kept."""
    return (
        Article.objects.filter(author=user).exists()
        or ArticleEvent.objects.filter(actor=user).exists()
        or LogEntry.objects.filter(user=user).exists()
    )
