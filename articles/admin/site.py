"""The site itself: its settings (one record) and the alert banners above every page."""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import AlertBanner, SiteSettings

from .base import NewsroomAdmin
from .forms import AlertBannerAdminForm


@admin.register(SiteSettings)
class SiteSettingsAdmin(NewsroomAdmin):
    """
    The one site-settings record, for holders of ``articles.change_sitesettings`` only
    (superusers and, by group, administrators): editors neither see nor change it.
    """

    fieldsets = [
        (_("Identity"), {"fields": ["site_name", "tagline", "organisation_name"]}),
        (
            _("Footer and filings"),
            {"fields": ["copyright", "icp_filing", "psb_filing", "government_site_code"]},
        ),
        (_("Contact details"), {"fields": ["contact_address", "contact_phone", "contact_email"]}),
    ]

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request):
        return (
            self.has_change_permission(request)
            and not SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).exists()
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """There is only one record: go straight to it (or to its first save)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).exists():
            url = reverse("admin:articles_sitesettings_change", args=[SiteSettings.SINGLETON_PK])
        else:
            url = reverse("admin:articles_sitesettings_add")
        return HttpResponseRedirect(url)

    def response_post_save_add(self, request, obj):
        return HttpResponseRedirect(reverse("admin:articles_sitesettings_change", args=[obj.pk]))

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(reverse("admin:articles_sitesettings_change", args=[obj.pk]))


@admin.register(AlertBanner)
class AlertBannerAdmin(NewsroomAdmin):
    """
    Site-wide notices. Publishing one takes two clicks: "Add" beside Alert banners, then
    "Save": it shows from now, unless a later start is chosen.
    """

    form = AlertBannerAdminForm
    list_display = [
        "message_preview",
        "severity",
        "showing_now",
        "starts_at",
        "ends_at",
        "dismissible",
    ]
    list_filter = ["severity", "dismissible"]
    search_fields = ["message"]
    date_hierarchy = "starts_at"
    actions = ["end_now"]
    fieldsets = [
        (None, {"fields": ["message", "severity", "link_url", "link_text"]}),
        (_("When"), {"fields": ["starts_at", "ends_at", "dismissible"]}),
    ]

    @admin.display(description=_("message"))
    def message_preview(self, obj):
        return str(obj)

    @admin.display(description=_("showing now"), boolean=True)
    def showing_now(self, obj):
        return obj.is_current()

    @admin.action(description=_("End the selected banners now"))
    def end_now(self, request, queryset):
        now = timezone.now()
        ended = 0
        # One by one through save(), so each banner's cached copy is dropped.
        for banner in queryset.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)):
            if banner.starts_at >= now:
                # Not started yet: ending it cancels it, and the end must follow the start.
                banner.starts_at = now - timedelta(microseconds=1)
            banner.ends_at = now
            banner.save()
            ended += 1
        self.message_user(
            request,
            ngettext("%(count)d banner ended.", "%(count)d banners ended.", ended)
            % {"count": ended},
            messages.SUCCESS,
        )
