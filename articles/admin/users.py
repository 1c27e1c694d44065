"""
People in the admin: administrators invite users with a role and deactivate them; nobody
who wrote or did anything is ever deleted.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.editorial import notifications, roles
from articles.people import family_name_first, person_name
from articles.times import format_local, with_zone

from .formfields import CheckedActionSelectionMixin
from .forms import InviteForm, UserRoleForm

User = get_user_model()


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return list(roles.LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in roles.GROUP_NAMES:
            return queryset.filter(groups__name=roles.GROUP_NAMES[self.value()])
        return queryset


def _family_name_first(fields):
    fields = list(fields)
    if "first_name" in fields and "last_name" in fields:
        given, family = fields.index("first_name"), fields.index("last_name")
        fields[given], fields[family] = fields[family], fields[given]
    return fields


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class NewsroomUserAdmin(CheckedActionSelectionMixin, UserAdmin):
    form = UserRoleForm
    add_form = InviteForm
    add_form_template = None
    fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "shown_as", "email"]}),
        (_("Role and access"), {"fields": ["role", "is_active"]}),
        (_("Record"), {"fields": ["last_login_local", "date_joined_local"]}),
    ]
    add_fieldsets = [(None, {"fields": ["first_name", "last_name", "email", "role"]})]
    readonly_fields = ["shown_as", "last_login_local", "date_joined_local"]
    list_display = ["username", "full_name", "email", "role", "is_active", "last_seen"]
    list_filter = [RoleFilter, "is_active"]
    filter_horizontal = []
    actions = ["deactivate_selected", "send_set_password_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not family_name_first():
            return fieldsets
        # A Chinese form asks for the family name first, as the name is written.
        return [
            (title, {**options, "fields": _family_name_first(options["fields"])})
            for title, options in fieldsets
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting in bulk would skip the per-person check below.
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        # Only a superuser manages a superuser account.
        return allowed and (obj is None or not obj.is_superuser or request.user.is_superuser)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return (
            obj.pk != request.user.pk
            and (not obj.is_superuser or request.user.is_superuser)
            and not roles.has_acted(obj)
        )

    def user_change_password(self, request, id, form_url=""):
        # Others set their own password through an emailed link; only a superuser may
        # type one for them.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.display(description=_("role"))
    def role(self, obj):
        role = roles.role_of(obj)
        if role:
            return roles.LABELS[role]
        return gettext("Superuser") if obj.is_superuser else "—"

    def add_view(self, request, form_url="", extra_context=None):
        context = {"title": gettext("Invite a user"), **(extra_context or {})}
        return super().add_view(request, form_url, context)

    @admin.display(description=_("full name"))
    def shown_as(self, obj):
        """The name as the newsroom shows it, from the two parts above."""
        return person_name(obj)

    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, obj):
        return person_name(obj) if obj.first_name or obj.last_name else "—"

    # A column heading names the zone once; a single value names it itself.

    @admin.display(description=lazy(with_zone, str)(_("last login")), ordering="last_login")
    def last_seen(self, obj):
        return format_local(obj.last_login, zone=False)

    @admin.display(description=_("last login"), ordering="last_login")
    def last_login_local(self, obj):
        return format_local(obj.last_login)

    @admin.display(description=_("date joined"), ordering="date_joined")
    def date_joined_local(self, obj):
        return format_local(obj.date_joined)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            self._send_link(request, form.instance)

    def _send_link(self, request, user):
        if notifications.send_invitation(user, request.build_absolute_uri("/"), request.user):
            messages.success(
                request,
                gettext("A link to set a password was emailed to %(email)s.")
                % {"email": user.email},
            )
        else:
            messages.error(
                request,
                gettext("The email to %(email)s could not be sent; try again later.")
                % {"email": user.email},
            )

    @admin.action(description=_("Deactivate selected users"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        for user in queryset:
            if user.pk == request.user.pk:
                messages.warning(request, gettext("You cannot deactivate your own account."))
            elif not self.has_change_permission(request, user):
                messages.warning(
                    request,
                    gettext("Skipped %(user)s: only a superuser manages a superuser.")
                    % {"user": person_name(user)},
                )
            elif user.is_active:
                user.is_active = False
                user.save(update_fields=["is_active"])
                messages.success(
                    request, gettext("Deactivated %(user)s.") % {"user": person_name(user)}
                )

    @admin.action(description=_("Email a new set-password link"), permissions=["change"])
    def send_set_password_link(self, request, queryset):
        for user in queryset:
            if (
                not user.is_active
                or not user.email
                or not self.has_change_permission(request, user)
            ):
                messages.warning(
                    request,
                    gettext("Skipped %(user)s: inactive, no email, or a superuser.")
                    % {"user": person_name(user)},
                )
            else:
                self._send_link(request, user)
